"""The small functions of the command line, the quarterly report and the benchmark."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench.__main__ import Measured, case_row, growth_row, growth_step
from bench.workbooks import fill_columns
from scp_desktop.cli import EXIT_FAILED, EXIT_USAGE, _init_refused
from scp_desktop.domain.rag import RAG
from scp_desktop.domain.reports import IndicatorStats
from scp_desktop.pdf.quarterly import _indicator_details


def init_args(**kw: object) -> argparse.Namespace:
    given: dict[str, object] = {
        "force": False, "plan": None, "year": None, "partnership": None, "prepared_by": None,
    }  # fmt: skip
    return argparse.Namespace(**(given | kw))


def test_init_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "plan.scp"
    assert _init_refused(init_args(), new) is None
    assert _init_refused(init_args(year="2024-25"), new) == EXIT_USAGE
    assert "go with --plan FILE" in capsys.readouterr().err
    assert _init_refused(init_args(plan=tmp_path / "missing.xlsx"), new) == EXIT_FAILED
    assert "does not exist" in capsys.readouterr().err
    assert _init_refused(init_args(plan=tmp_path), new) == EXIT_FAILED
    assert "is a folder, not a plan file" in capsys.readouterr().err
    new.write_bytes(b"x")
    assert _init_refused(init_args(), new) == EXIT_FAILED
    assert "use --force" in capsys.readouterr().err
    assert _init_refused(init_args(force=True), new) is None


def stats(**kw: object) -> IndicatorStats:
    given: dict[str, object] = {
        "name": "Burglary", "description": "", "unit": "count", "polarity": "neither",
        "source": "", "priority": "", "target": "", "comparator_label": "", "status": None,
        "status_rule": "", "points": (),
    }  # fmt: skip
    return IndicatorStats(**(given | kw))  # type: ignore[arg-type]


def test_indicator_details() -> None:
    assert _indicator_details(stats()) == ["No target set"]
    full = stats(
        source="EP", priority="Priority 1", target="95", status=RAG.AMBER, polarity="lower_better"
    )
    assert _indicator_details(full) == [
        "Source: EP",
        "Priority 1",
        "Target: 95",
        "Status A (Amber)",
        "Lower is better",
    ]
    assert _indicator_details(stats(polarity="higher_better"))[-1] == "Higher is better"


def test_fill_columns() -> None:
    header = {
        "ref": 1, "title": 2, "rag last quarter": 3, "rag q2": 4, "progress update": 5,
        "previous update": 6, "reported by": 7, "date": 8,
    }  # fmt: skip
    assert fill_columns(header) == {"ref": 1, "rag": 4, "progress": 5, "by": 7, "date": 8}
    assert fill_columns({"ref": 1, "title": 2}) is None


def measured(size: int, seconds: float | None, timed_out: float | None = None) -> Measured:
    times = {"wall": [seconds]} if seconds is not None else {}
    return Measured("probe", size, times=times, timed_out_after=timed_out)


def test_growth_steps() -> None:
    step, factor = growth_step(measured(100, 1.0), measured(1000, 10.0), "wall")
    assert factor == pytest.approx(10.0)
    assert step["exponent"] == 1.0 and not step["worse_than_linear"]
    assert not step["lower_bound"]
    step, _ = growth_step(measured(100, 1.0), measured(1000, 100.0), "wall")
    assert step["exponent"] == 2.0 and step["worse_than_linear"]
    stopped, _ = growth_step(measured(100, 1.0), measured(1000, None, 60.0), "wall")
    assert stopped["lower_bound"] and stopped["time_factor"] == 60.0


def test_table_rows() -> None:
    case = {
        "title": "Open", "actions": 1000, "ratio": 1.5, "status": "ok", "note": "a | b\nmore",
        "feature": {"median_s": 0.25, "runs": 5, "peak_rss_mb": 90},
        "baseline": {"name": "LibreOffice", "median_s": None, "runs": 0, "peak_rss_mb": None},
        "aim": None,
    }  # fmt: skip
    row = case_row(case)
    assert row.startswith("| Open | 1,000 | ")
    assert "**1.50×**" in row and "90 / —" in row and row.endswith("a / b |")
    growth = {
        "feature": "Filter", "finding": None, "status": "ok",
        "points": [{"median_s": 0.01, "peak_rss_mb": 50.0}, {"median_s": None, "over_s": 60.0}],
        "steps": [{"from": 100, "to": 1000, "time_factor": 6000, "exponent": 3.8, "lower_bound": True}],
    }  # fmt: skip
    line = growth_row(growth, [100, 1000])
    assert "> 60 s" in line and "· 50 MB" in line
    assert "100→1,000: ≥ ×6000 (exponent ≥ 3.8)" in line
    assert line.endswith("| linear or better |")
