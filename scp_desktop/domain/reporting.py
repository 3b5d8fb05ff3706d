"""Which quarter an officer is reporting on: the last one ended, until it is signed off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container

from scp_desktop.domain.periods import FinancialYear, Quarter


def reporting_quarter(
    year: FinancialYear, today: dt.date, signed_off: Container[str]
) -> Quarter | None:
    """The quarter of `year` being reported on `today`.

    Returns are asked for once a quarter has ended, so the quarter being reported is the last
    one ended; once that is signed off, work moves on to the quarter in progress. Before the
    year's first quarter has ended the first quarter is shown; None for a year already over
    (the caller chooses by what the plan holds).
    """
    if today > year.last_day:
        return None
    if today < year.first_day:
        return year.quarter(1)
    current = Quarter.containing(today)
    last_ended = current.previous()
    if last_ended.year != year or last_ended.code in signed_off:
        return current
    return last_ended
