"""The quarterly report against a bare ReportLab table of the same paragraphs (issue benchmark).

`python -m benchmarks.reports` runs the full 500-action benchmark; this test runs a smaller plan
and takes the best of three interleaved runs so that other jobs on the machine do not decide it.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from benchmarks.reports import bare_document, make_plan
from scp_desktop.services import reports


@pytest.mark.slow
def test_report_layout_costs_little_more_than_a_bare_table(tmp_path: Path) -> None:
    db = make_plan(tmp_path / "bench.db", 250)
    full: list[float] = []
    bare: list[float] = []
    try:
        for _ in range(3):
            started = time.perf_counter()
            bare_pages = bare_document(db, tmp_path / "bare.pdf")
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            pages = reports.build_report(
                db,
                "quarterly",
                tmp_path / "full.pdf",
                quarter="2022-23-Q2",
                today=dt.date(2022, 10, 20),
            )
            full.append(time.perf_counter() - started)
    finally:
        db.close()
    assert pages > 30 and bare_pages > 30
    # Aim: within 1.5x (measured 1.2-1.4x); the margin allows for a busy shared machine.
    assert min(full) < 2.0 * min(bare), (full, bare)
