"""'By when' as officers write it: a date, a month, 'Ongoing', 'TBC' or unknown ('??')."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class DeadlineKind(StrEnum):
    DATE = "date"
    MONTH = "month"
    ONGOING = "ongoing"
    TBC = "tbc"
    UNKNOWN = "unknown"


_MONTHS = {
    name.lower(): index
    for index in range(1, 13)
    for name in (calendar.month_name[index], calendar.month_abbr[index])
}
_MONTHS["sept"] = 9


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    day: dt.date | None = None  # for MONTH, the last day of that month
    text: str = ""

    @property
    def display(self) -> str:
        """How the deadline is printed, in the partnership's own style."""
        if self.kind is DeadlineKind.DATE and self.day:
            return self.day.strftime("%d/%m/%Y")
        if self.kind is DeadlineKind.MONTH and self.day:
            month = "Sept" if self.day.month == 9 else self.day.strftime("%b")
            return f"{month} {self.day.year}"
        if self.kind is DeadlineKind.ONGOING:
            return "Ongoing"
        if self.kind is DeadlineKind.TBC:
            return "TBC"
        return self.text or "Not known"

    @property
    def explanation(self) -> str:
        """Says how the text was read, for the form editor."""
        if self.kind is DeadlineKind.DATE and self.day:
            return f"Date: {self.day.strftime('%A %d %B %Y')}"
        if self.kind is DeadlineKind.MONTH and self.day:
            return f"Month: due by the end of {self.day.strftime('%B %Y')}"
        if self.kind is DeadlineKind.ONGOING:
            return "Ongoing: no end date"
        if self.kind is DeadlineKind.TBC:
            return "To be confirmed"
        return "Not known" if not self.text else f"Not understood: '{self.text}'"

    def is_overdue(self, today: dt.date) -> bool:
        return self.day is not None and self.day < today


ONGOING = Deadline(DeadlineKind.ONGOING, text="Ongoing")
TBC = Deadline(DeadlineKind.TBC, text="TBC")
UNKNOWN = Deadline(DeadlineKind.UNKNOWN)


def _full_year(year: int) -> int:
    return year + 2000 if year < 100 else year


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: object) -> Deadline:
    """Read 'Mar 2023', 'Mar 15', 'Sept 2022', '31/03/2023', '2023-03-31', 'Ongoing', 'TBC', '??'.

    Day-first throughout (UK). Text that cannot be read is kept as UNKNOWN with its
    text, so nothing the officer typed is lost.
    """
    if isinstance(text, dt.date):
        day = text.date() if isinstance(text, dt.datetime) else text
        written = f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
        if not _PLAUSIBLE_YEARS[0] <= day.year <= _PLAUSIBLE_YEARS[1]:
            # e.g. an empty Excel date cell, which reads as 30/12/1899
            return Deadline(DeadlineKind.UNKNOWN, text=written)
        return Deadline(DeadlineKind.DATE, day, written)
    raw = "" if text is None else str(text).strip()
    low = raw.lower().rstrip(".")
    if not low or set(low) <= {"?", " "} or low in {"unknown", "n/a", "na", "-"}:
        return Deadline(DeadlineKind.UNKNOWN, text=raw)
    if low in {"ongoing", "on going", "on-going", "continuous", "throughout the year"}:
        return Deadline(DeadlineKind.ONGOING, text=raw)
    if low in {"tbc", "tba", "to be confirmed", "to be agreed", "tbd"}:
        return Deadline(DeadlineKind.TBC, text=raw)
    m = re.fullmatch(r"([a-z]+)\.?[\s\-/']*(\d{2}|\d{4})", low)
    if m and m.group(1) in _MONTHS:
        return _month(_full_year(int(m.group(2))), _MONTHS[m.group(1)], raw)
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{4}|\d{2})", low)
    if m and 1 <= int(m.group(1)) <= 12:
        return _month(_full_year(int(m.group(2))), int(m.group(1)), raw)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", low)
    try:
        if m:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}", low):
            d, mo, y = re.split(r"[/.\-]", low)
            day = dt.date(_full_year(int(y)), int(mo), int(d))
        else:
            if not re.search(r"\d", low):
                return Deadline(DeadlineKind.UNKNOWN, text=raw)
            # Imported on first use: opening the application never needs it.
            from dateutil import parser as date_parser

            parsed = date_parser.parse(raw, dayfirst=True, default=dt.datetime(1900, 1, 1))
            if parsed.year == 1900:
                return Deadline(DeadlineKind.UNKNOWN, text=raw)
            day = parsed.date()
    except (ValueError, OverflowError):  # dateutil's ParserError is a ValueError
        return Deadline(DeadlineKind.UNKNOWN, text=raw)
    if not _PLAUSIBLE_YEARS[0] <= day.year <= _PLAUSIBLE_YEARS[1]:
        return Deadline(DeadlineKind.UNKNOWN, text=raw)
    return Deadline(DeadlineKind.DATE, day, raw)


# A date outside these years is a misreading ('001/' read as 1 January of year 1), kept as
# the text that was written; dates inside print with four digits and read back the same.
_PLAUSIBLE_YEARS = (1900, 2999)


def _month(year: int, month: int, raw: str) -> Deadline:
    if not _PLAUSIBLE_YEARS[0] <= year <= _PLAUSIBLE_YEARS[1]:
        return Deadline(DeadlineKind.UNKNOWN, text=raw)
    return Deadline(DeadlineKind.MONTH, _end_of_month(year, month), raw)


def deadline_from_storage(kind: str, day: dt.date | None, text: str) -> Deadline:
    return Deadline(DeadlineKind(kind), day, text)
