"""The quarterly report for a 500-action plan, against a bare ReportLab table (issue benchmark)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from benchmarks.reports import bare_document, make_plan
from scp_desktop.services import reports


@pytest.mark.slow
def test_500_action_report_is_close_to_a_bare_table(tmp_path: Path) -> None:
    db = make_plan(tmp_path / "bench.db", 500)
    try:
        started = time.perf_counter()
        bare_pages = bare_document(db, tmp_path / "bare.pdf")
        bare = time.perf_counter() - started
        started = time.perf_counter()
        pages = reports.build_report(
            db,
            "quarterly",
            tmp_path / "full.pdf",
            quarter="2022-23-Q2",
            today=dt.date(2022, 10, 20),
        )
        full = time.perf_counter() - started
    finally:
        db.close()
    assert pages > 60 and bare_pages > 60
    # Aim: within 1.5x of the bare table; the test allows for a loaded shared machine.
    assert full < bare * 2.0, (full, bare)
