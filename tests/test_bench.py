"""The benchmark suite still works: deterministic data, and a run that reports every case.

Speed is never judged here (that is what `make bench` is for); these prove the suite runs.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.generate import Spec, fingerprint, generate
from bench.workbooks import make_returns

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "startup",
    "startup_filled",
    "startup_ready",
    "table_open",
    "table_sort",
    "table_filter",
    "database",
    "import_vs_raw",
    "import_vs_libreoffice",
    "report",
    "report_docx",
    "report_html",
}


def test_generator_is_deterministic_from_its_seed(tmp_path: Path) -> None:
    first = generate(Spec(50, seed=7), tmp_path / "a.db")
    again = generate(Spec(50, seed=7), tmp_path / "b.db")
    other = generate(Spec(50, seed=8), tmp_path / "c.db")

    assert fingerprint(first.path) == fingerprint(again.path)
    assert fingerprint(first.path) != fingerprint(other.path)
    assert first.counts["action"] == 50
    assert first.counts["quarter_update"] == 200
    assert first.counts["partner"] == 20
    assert first.counts["indicator"] == 50


def test_generated_plan_is_realistic(tmp_path: Path) -> None:
    g = generate(Spec(50, seed=3), tmp_path / "plan.db")
    conn = sqlite3.connect(g.path)
    try:
        narratives = [r[0] for r in conn.execute("SELECT narrative FROM quarter_update")]
        quarters = {r[0] for r in conn.execute("SELECT DISTINCT quarter FROM quarter_update")}
        leads = conn.execute(
            "SELECT count(DISTINCT partner_id) FROM action_partner WHERE role = 'lead'"
        ).fetchone()[0]
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()
    assert all(200 <= len(n) <= 1500 for n in narratives)
    assert all("£" in n and "–" in n for n in narratives)
    assert all(any(ch in n for ch in "éëïâáíŷŵ") for n in narratives)
    assert quarters == {"2022-23-Q1", "2022-23-Q2", "2022-23-Q3", "2022-23-Q4"}
    assert leads == 20
    assert revision  # created through open_database: the real, migrated schema


def test_returns_cover_every_action_once(tmp_path: Path) -> None:
    spec = Spec(50, seed=5)
    g = generate(spec, tmp_path / "plan.db")
    returns = make_returns(g.path, spec, tmp_path / "returns")
    assert len(returns.files) == 20
    assert returns.rows == 50
    assert all(f.suffix == ".xlsx" and f.stat().st_size > 0 for f in returns.files)


def test_runner_reports_every_case(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "w"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {c["id"] for c in results["cases"]} == CASES
    for case in results["cases"]:
        assert case["status"] != "error", (case["id"], case["note"])
        if case["feature"]["available"] and case["baseline"]["available"]:
            assert isinstance(case["ratio"], float) and case["ratio"] > 0, case["id"]
        else:
            assert case["ratio"] is None and case["note"], case["id"]
    # Start-up and the database exist in every build, so their ratios always do.
    ratios = {c["id"]: c["ratio"] for c in results["cases"]}
    assert ratios["startup"] and ratios["startup_filled"] and ratios["database"]
    assert ratios["startup_ready"] >= ratios["startup_filled"] >= ratios["startup"]
    assert {g["probe"] for g in results["growth"]} >= {"startup_app", "report_app"}
    assert "| case |" in (out / "results.md").read_text(encoding="utf-8")
    # The same plan on a PostgreSQL server beside the file, in the same run.
    shared = results["shared"]
    assert "unavailable" not in shared, shared.get("unavailable")
    assert [(r["engine"], r["actions"]) for r in shared["opening"]] == [
        ("SQLite file", 50),
        ("PostgreSQL", 50),
    ]
    assert shared["opening"][1]["round_trips"] >= shared["opening"][1]["statements"] > 0
    for engine in ("SQLite file", "PostgreSQL"):
        largest = shared["largest"][engine]
        assert {"window_s", "filter_key_s", "import_s", "report_s"} <= set(largest)
        assert largest["import_rows"] == shared["largest"]["SQLite file"]["import_rows"] > 0
        officers = shared["officers"][engine]
        assert officers["saves"] + officers["conflicts"] == officers["attempts"] == 200
        assert officers["nothing_lost"]
    assert "| 50 | PostgreSQL |" in (out / "results.md").read_text(encoding="utf-8")


def _points(probe: str, metric: str, times: list[float | None]) -> dict[tuple[str, int], Any]:
    from bench.__main__ import Measured

    found: dict[tuple[str, int], Any] = {}
    for size, t in zip((50, 500, 5000), times, strict=True):
        m = Measured(probe=probe, size=size)
        if t is None:
            m.error, m.timed_out_after = "timed out", 150.0
        else:
            m.times = {metric: [t, t * 1.1, t * 0.9]}
        found[probe, size] = m
    return found


def test_growth_flags_worse_than_linear() -> None:
    from bench.__main__ import build_growth

    m = _points("report_app", "build", [0.1, 1.0, 40.0])
    m.update(_points("import_app", "dry_run", [0.3, 1.0, 6.0]))
    growth = {g["probe"]: g for g in build_growth(m, [50, 500, 5000])}

    report = growth["report_app"]
    assert [s["worse_than_linear"] for s in report["steps"]] == [False, True]
    assert report["steps"][1]["time_factor"] == 40.0
    assert report["finding"].startswith("worse than linear: 500→5,000")
    assert growth["import_app"]["finding"] is None


def test_growth_counts_a_time_out_as_a_lower_bound() -> None:
    from bench.__main__ import build_growth

    m = _points("report_app", "build", [1.0, 10.0, None])
    report = next(g for g in build_growth(m, [50, 500, 5000]) if g["probe"] == "report_app")
    assert report["steps"][1]["lower_bound"] is True
    assert report["points"][2]["over_s"] == 150.0
    assert "over 150 s at 5,000 actions" in report["finding"]
