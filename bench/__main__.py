"""`python -m bench`: generate the synthetic partnerships, run every case, write the results.

Each measurement runs in its own child process (honest peak memory per case); every feature is
compared with a baseline measured in the same run, because on a shared 2-core machine absolute
times move 10–40% from run to run while ratios hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import shared_plan
from bench.generate import QUARTERS, Spec, generate
from bench.probes import FILTER_TEXT
from bench.workbooks import RETURN_QUARTER, ReturnSet, make_returns

ROOT = Path(__file__).resolve().parent.parent
REPORT_QUARTER = QUARTERS[-1]
REPORT_SIZE = 500
REPORT_NARRATIVE = (600, 600)
# Exponent above which growth counts as worse than linear: 10× the actions taking over ~11.2× the
# time. The small allowance is for noise, which on these machines is 10–40% per figure.
LINEAR_SLACK = 1.05


@dataclass
class Measured:
    """One probe at one size: per-metric run times, memory, and what it reported."""

    probe: str
    size: int
    available: bool = True
    reason: str = ""
    error: str = ""
    times: dict[str, list[float]] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    peak_rss_mb: float | None = None
    # Killed at the time limit: the limit is a lower bound of the time, not a measurement.
    timed_out_after: float | None = None

    def median(self, metric: str) -> float | None:
        values = self.times.get(metric)
        return statistics.median(values) if values else None

    def as_json(self, metric: str) -> dict[str, Any]:
        values = self.times.get(metric, [])
        return {
            "probe": self.probe,
            "actions": self.size,
            "available": self.available,
            "reason": self.reason or None,
            "error": self.error or None,
            "median_s": _round(self.median(metric)),
            "runs": len(values),
            "times_s": [_round(v) for v in values],
            "peak_rss_mb": self.peak_rss_mb,
            "timed_out_after_s": self.timed_out_after,
            "info": self.info,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    # The product's settings and default database stay out of the real user folders.
    env["XDG_CONFIG_HOME"] = str(scratch / "config")
    env["XDG_DATA_HOME"] = str(scratch / "data")
    env["HOME"] = str(scratch / "home")
    env.pop("SCP_DESKTOP_DB", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    for sub in ("config", "data", "home"):
        (scratch / sub).mkdir(parents=True, exist_ok=True)
    return env


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work: Path = args.work
        self.scratch = self.work / "scratch"
        self.env = _env(self.scratch)

    def log(self, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        print(f"[{stamp}] {text}", flush=True)

    # -- child processes ------------------------------------------------------------------
    def probe(
        self, name: str, size: int, params: dict[str, Any], *, runs: int | None = None
    ) -> Measured:
        params = {"runs": runs or self.args.runs, "budget": self.args.budget, **params}
        tmp = self.scratch / "probe"
        tmp.mkdir(parents=True, exist_ok=True)
        pfile, ofile = tmp / f"{name}-{size}.json", tmp / f"{name}-{size}.out.json"
        pfile.write_text(json.dumps(params), encoding="utf-8")
        ofile.unlink(missing_ok=True)
        m = Measured(probe=name, size=size)
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "bench.probes", name, str(pfile), str(ofile)],
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=self.args.timeout,
            )
        except subprocess.TimeoutExpired:
            # Over the limit is itself the finding; the rest of the suite still runs.
            m.error = f"timed out: one run took over {self.args.timeout:.0f} s"
            m.timed_out_after = self.args.timeout
            self._report(m)
            return m
        if not ofile.exists():
            m.error = f"child exited {proc.returncode}: {proc.stderr[-1500:]}"
        else:
            out = json.loads(ofile.read_text(encoding="utf-8"))
            m.available = bool(out.get("available", True))
            m.reason = out.get("reason", "")
            m.error = out.get("error", "")
            if m.error and out.get("traceback"):
                print(out["traceback"], file=sys.stderr)
            m.times = out.get("times", {})
            m.info = out.get("info", {})
            m.peak_rss_mb = out.get("peak_rss_mb")
        self._report(m)
        return m

    def startup(self, kind: str, size: int, db: Path | None) -> Measured:
        m = Measured(probe=f"startup_{kind}", size=size)
        spent = 0.0
        rss: list[float] = []
        for _ in range(self.args.runs):
            argv = [sys.executable, "-m", "bench.startup", kind]
            if db is not None:
                argv.append(str(db))
            errors = self.scratch / "startup-stderr.txt"
            with errors.open("w", encoding="utf-8") as err_file:
                t0 = time.perf_counter()
                proc = subprocess.Popen(
                    argv, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=err_file, text=True
                )
                assert proc.stdout is not None
                # A window that never shows must not hang the suite.
                watchdog = threading.Timer(self.args.timeout, proc.kill)
                watchdog.start()
                try:
                    first = proc.stdout.readline()
                    elapsed = time.perf_counter() - t0
                    # The app's window is shown first, its table filled after, then the
                    # plan file is attached for work.
                    second = proc.stdout.readline() if first.startswith("SHOWN") else ""
                    filled = time.perf_counter() - t0
                    third = proc.stdout.readline() if second.startswith("FILLED") else ""
                    ready = time.perf_counter() - t0
                    # Read on from the same buffered stream: readline may hold the RSS line too.
                    rest = proc.stdout.read()
                    proc.wait()
                finally:
                    watchdog.cancel()
            err = errors.read_text(encoding="utf-8", errors="replace")
            spent += ready
            if not (
                first.startswith("SHOWN")
                and second.startswith("FILLED")
                and third.startswith("READY")
            ):
                m.error = (first + second + third + rest + err)[-1500:].strip()
                m.error = m.error or f"exit {proc.returncode}"
                if "No module named 'scp_desktop" in m.error:
                    m.available, m.reason, m.error = False, m.error, ""
                break
            m.times.setdefault("start", []).append(elapsed)
            m.times.setdefault("filled", []).append(filled)
            m.times.setdefault("ready", []).append(ready)
            for line in rest.splitlines():
                if line.startswith("RSS "):
                    rss.append(int(line.split()[1]) / 1024)
            if spent > self.args.budget:
                break
        m.peak_rss_mb = round(max(rss), 1) if rss else None
        self._report(m)
        return m

    def _report(self, m: Measured) -> None:
        if not m.available:
            self.log(f"  {m.probe} @ {m.size}: not available ({m.reason})")
        elif m.error:
            self.log(f"  {m.probe} @ {m.size}: ERROR {m.error.splitlines()[-1] if m.error else ''}")
        else:
            medians = ", ".join(
                f"{k} {statistics.median(v):g}"
                if k.endswith("_count")
                else f"{k} {statistics.median(v) * 1000:.1f} ms ×{len(v)}"
                for k, v in m.times.items()
            )
            self.log(f"  {m.probe} @ {m.size}: {medians}; peak {m.peak_rss_mb} MB")

    # -- the whole run ----------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        args = self.args
        sizes: list[int] = sorted(args.sizes)
        big = sizes[-1]
        report_size = REPORT_SIZE if REPORT_SIZE in sizes else big
        data = self.work / "data"
        generated: dict[str, Any] = {}

        self.log(f"Generating synthetic partnerships (seed {args.seed}) in {data}")
        dbs: dict[int, Path] = {}
        report_dbs: dict[int, Path] = {}
        returns: dict[int, ReturnSet] = {}
        for n in sizes:
            spec = Spec(n, seed=args.seed)
            g = generate(spec, data / f"{spec.name()}.db")
            dbs[n] = g.path
            if args.only == "startup":
                continue
            rspec = Spec(n, seed=args.seed, narrative=REPORT_NARRATIVE)
            rg = generate(rspec, data / f"{rspec.name()}.db")
            report_dbs[n] = rg.path
            t0 = time.perf_counter()
            returns[n] = make_returns(g.path, spec, data / f"returns-{n}")
            generated[str(n)] = {
                "database": g.path.name,
                "seconds": round(g.seconds, 2),
                "rows": g.counts,
                "mb": round(g.path.stat().st_size / 2**20, 1),
                "report_database": rg.path.name,
                "returns": {
                    "files": len(returns[n].files),
                    "rows": returns[n].rows,
                    "made_with": returns[n].made_with,
                    "seconds": round(time.perf_counter() - t0, 2),
                    "mb": round(sum(f.stat().st_size for f in returns[n].files) / 2**20, 1),
                },
            }
            self.log(
                f"  {n} actions: {g.counts['quarter_update']} updates, {g.counts['partner']} partners, "
                f"{len(returns[n].files)} returns / {returns[n].rows} rows ({returns[n].made_with})"
            )

        font = ROOT / "resources" / "fonts" / "DejaVuSans.ttf"
        out = self.scratch / "pdf"
        out.mkdir(parents=True, exist_ok=True)
        m: dict[tuple[str, int], Measured] = {}

        self.log("Cold start")
        subprocess.run(
            [sys.executable, "-m", "bench.startup", "seed"], cwd=ROOT, env=self.env, check=False
        )
        # As installed (pip and the bundle both compile the modules): every module compiled
        # beforehand, even where PYTHONDONTWRITEBYTECODE keeps imports from writing them.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "scp_desktop")],
            cwd=ROOT,
            env={k: v for k, v in self.env.items() if k != "PYTHONDONTWRITEBYTECODE"},
            check=False,
        )
        m["startup_bare", big] = self.startup("bare", big, None)
        for n in sizes:
            m["startup_app", n] = self.startup("app", n, dbs[n])
        if args.only == "startup":
            return {
                "only": "startup",
                "measured": {f"{k[0]}@{k[1]}": v.times for k, v in m.items()},
            }

        self.log("Database open + check + migration check")
        m["db_bare", big] = self.probe("db_bare", big, {"db": str(dbs[big])})
        for n in sizes:
            m["db_app", n] = self.probe("db_app", n, {"db": str(dbs[n])})

        self.log("Action table")
        m["table_bare", big] = self.probe("table_bare", big, {"db": str(dbs[big])})
        for n in sizes:
            m["table_app", n] = self.probe("table_app", n, {"db": str(dbs[n]), "actions": n})

        self.log("Import (dry run) of the returns")
        files = [str(f) for f in returns[big].files]
        m["import_calamine", big] = self.probe("import_calamine", big, {"files": files})
        m["import_soffice", big] = self.probe(
            "import_soffice", big, {"files": files}, runs=min(args.runs, 3)
        )
        for n in sizes:
            params = {
                "db": str(dbs[n]),
                "quarter": RETURN_QUARTER,
                "files": [str(f) for f in returns[n].files],
            }
            m["import_app", n] = self.probe("import_app", n, params)

        self.log("Quarterly report")
        bare_params = {
            "db": str(report_dbs[report_size]),
            "quarter": REPORT_QUARTER,
            "font": str(font),
        }
        m["report_bare", report_size] = self.probe(
            "report_bare", report_size, {**bare_params, "out": str(out / "bare.pdf")}
        )
        for n in sizes:
            params = {
                "db": str(report_dbs[n]),
                "quarter": REPORT_QUARTER,
                "out": str(out / f"quarterly-{n}.pdf"),
            }
            m["report_app", n] = self.probe("report_app", n, params)
        self.log("Quarterly report as .docx and HTML (against the PDF above)")
        for fmt in ("docx", "html"):
            m[f"report_{fmt}", report_size] = self.probe(
                f"report_{fmt}",
                report_size,
                {
                    "db": str(report_dbs[report_size]),
                    "quarter": REPORT_QUARTER,
                    "out": str(out / f"quarterly-{report_size}.{fmt}"),
                },
            )

        cases = build_cases(m, sizes, big, report_size, returns[big])
        growth = build_growth(m, sizes)
        self.log("The same plans on a PostgreSQL server beside the files")
        (self.work / "shared").mkdir(exist_ok=True)
        shared = shared_plan.run_in_child(dbs, returns[big].files, self.work / "shared")
        return {
            "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "python -m bench " + " ".join(sys.argv[1:]),
            "machine": machine(),
            "settings": {
                "runs": args.runs,
                "budget_s": args.budget,
                "sizes": sizes,
                "seed": args.seed,
            },
            "data": generated,
            "cases": cases,
            "growth": growth,
            "shared": shared,
            "total_seconds": round(time.perf_counter() - started, 1),
        }


# -- assembling cases ---------------------------------------------------------------------


def _compare(
    case_id: str,
    title: str,
    feature: Measured,
    baseline: Measured,
    baseline_name: str,
    metric: str,
    *,
    aim: str = "",
    limits: tuple[float | None, float | None] = (None, None),
    max_mb: float | None = None,
    note: str = "",
) -> dict[str, Any]:
    f, b = feature.median(metric), baseline.median(metric)
    if not feature.available:
        status = "not available"
        note = feature.reason
    elif not baseline.available:
        status = "skipped"
        note = f"baseline {baseline_name} not available: {baseline.reason}"
    elif feature.error or baseline.error:
        status = "error"
        note = feature.error or baseline.error
    else:
        status = "ok"
    ratio = round(f / b, 2) if status == "ok" and f is not None and b else None
    aim_met: bool | None = None
    if ratio is not None and f is not None and aim:
        max_seconds, max_ratio = limits
        aim_met = (max_seconds is None or f < max_seconds) and (
            max_ratio is None or ratio <= max_ratio
        )
    return {
        "id": case_id,
        "title": title,
        "actions": feature.size,
        "status": status,
        "metric": metric,
        "feature": feature.as_json(metric),
        "baseline": {"name": baseline_name, **baseline.as_json(metric)},
        "ratio": ratio,
        "aim": aim,
        "aim_met": aim_met,
        "note": note,
    }


def _outcomes_note(m: Measured) -> str:
    outcomes = m.info.get("outcomes") or {}
    if not outcomes:
        return ""
    listed = ", ".join(
        f"{n:,} {name}" for name, n in sorted(outcomes.items(), key=lambda kv: -kv[1])
    )
    return f"; rows read (all sheets): {listed}"


def _threads_note(feature: Measured, raw: Measured) -> str:
    """The importer reads on several threads: say so, with the raw read spread the same way."""
    threads = raw.info.get("threads")
    ours, spread = feature.median("dry_run"), raw.median("threaded")
    if not threads or ours is None or not spread:
        return ""
    return (
        f"; the importer reads files on {threads} thread(s) while it matches rows; "
        f"the raw read on {threads} thread(s) takes {_ms(spread)}, "
        f"against which the import is {ours / spread:.2f}×"
    )


def _changing_keys_note(feature: Measured, bare: Measured) -> str:
    """The action table repaints only when a keystroke changes its rows: say how many of the
    keystrokes did, and what those cost against the bare table (which resets on each)."""
    count = feature.median("filter_keys_changing_count")
    ours, theirs = feature.median("filter_key_changing"), bare.median("filter_key_changing")
    if count is None or ours is None or not theirs:
        return ""
    return (
        f"{count:.0f} of the {2 * len(FILTER_TEXT)} keystrokes changed the rows shown "
        f"(the others repaint nothing); those took {_ms(ours)} (median), "
        f"the bare table's keystrokes that changed its rows {_ms(theirs)}"
    )


def build_cases(
    m: dict[tuple[str, int], Measured],
    sizes: list[int],
    big: int,
    report_size: int,
    rset: ReturnSet,
) -> list[dict[str, Any]]:
    soffice_note = (
        ""
        if shutil.which("soffice")
        else "LibreOffice is not installed here; install it to get this ratio"
    )
    return [
        _compare(
            "startup",
            "Cold start to a shown main window",
            m["startup_app", big],
            m["startup_bare", big],
            "bare PySide6 window",
            "start",
            aim="≤ 1.5× the bare window",
            limits=(None, 1.5),
            note="fresh process per run, warm disk cache; `scp-desktop --db` through cli.main; "
            "the window's frame (title, menu titles, status bar) saying it opens the file; "
            "the rest of the window is built after its first paint",
        ),
        _compare(
            "startup_filled",
            "Cold start to the action table filled",
            m["startup_app", big],
            m["startup_bare", big],
            "bare PySide6 window",
            "filled",
            aim="≤ 3× the bare window",
            limits=(None, 3.0),
            note="same runs; the plan's rows read from the file with sqlite3 on a worker "
            "thread and shown while the file is still being opened",
        ),
        _compare(
            "startup_ready",
            "Cold start to the plan ready for work",
            m["startup_app", big],
            m["startup_bare", big],
            "bare PySide6 window",
            "ready",
            note="same runs; the file opened (judged, checked, schema current) on a worker "
            "thread with the database layer, attached, its navigator and history shown and "
            "every command on",
        ),
        _compare(
            "table_open",
            "Open the plan in the action table",
            m["table_app", big],
            m["table_bare", big],
            "bare QTableView over the same rows",
            "load",
            aim="< 0.3 s, peak < 300 MB",
            limits=(0.3, None),
            max_mb=300,
        ),
        _compare(
            "table_sort",
            "Sort the action table",
            m["table_app", big],
            m["table_bare", big],
            "bare QTableView over the same rows",
            "sort",
        ),
        _compare(
            "table_filter",
            "Filter keystroke (median of typing and deleting “knife”)",
            m["table_app", big],
            m["table_bare", big],
            "bare QTableView over the same rows",
            "filter_key",
            aim="< 30 ms",
            limits=(0.03, None),
            note=_changing_keys_note(m["table_app", big], m["table_bare", big]),
        ),
        _compare(
            "database",
            "Database open + integrity check + migration check",
            m["db_app", big],
            m["db_bare", big],
            "sqlite3 with the same PRAGMAs",
            "open_check",
        ),
        _compare(
            "import_vs_raw",
            f"Import (dry run) of {len(rset.files)} returns, {rset.rows:,} rows",
            m["import_app", big],
            m["import_calamine", big],
            "raw read of the same files (python-calamine)",
            "dry_run",
            aim="≤ 2× the raw read",
            limits=(None, 2.0),
            note=f"returns made with {rset.made_with}"
            + _outcomes_note(m["import_app", big])
            + _threads_note(m["import_app", big], m["import_calamine", big]),
        ),
        _compare(
            "import_vs_libreoffice",
            f"Import (dry run) of {len(rset.files)} returns vs LibreOffice",
            m["import_app", big],
            m["import_soffice", big],
            "LibreOffice headless --convert-to csv",
            "dry_run",
            aim="faster than LibreOffice (ratio < 1)",
            limits=(None, 1.0),
            note=soffice_note,
        ),
        _compare(
            "report",
            f"Quarterly report PDF, {report_size} actions (600-character narratives)",
            m["report_app", report_size],
            m["report_bare", report_size],
            "bare ReportLab table of the same paragraphs",
            "build",
            aim="< 5 s and ≤ 1.5×",
            limits=(5.0, 1.5),
        ),
        _compare(
            "report_docx",
            f"Quarterly report as .docx, {report_size} actions, against its PDF",
            m["report_docx", report_size],
            m["report_app", report_size],
            "the same report as PDF, same run",
            "build",
            aim="no slower than the PDF (ratio ≤ 1)",
            limits=(None, 1.0),
        ),
        _compare(
            "report_html",
            f"Quarterly report as HTML, {report_size} actions, against its PDF",
            m["report_html", report_size],
            m["report_app", report_size],
            "the same report as PDF, same run",
            "build",
            aim="no slower than the PDF (ratio ≤ 1)",
            limits=(None, 1.0),
        ),
    ]


GROWTH = (
    ("startup_app", "start", "Cold start to a shown main window"),
    ("startup_app", "filled", "Cold start to the action table filled"),
    ("startup_app", "ready", "Cold start to the plan ready for work"),
    ("db_app", "open_check", "Database open + check"),
    ("table_app", "load", "Open the plan in the action table"),
    ("table_app", "sort", "Sort the action table"),
    ("table_app", "filter_key", "Filter keystroke"),
    ("import_app", "dry_run", "Import (dry run) of the returns"),
    ("report_app", "build", "Quarterly report PDF"),
)


def _failed(p: Measured, metric: str) -> bool:
    """An error, or no time measured, other than stopping at the time limit."""
    return p.timed_out_after is None and (bool(p.error) or p.median(metric) is None)


def growth_step(a: Measured, b: Measured, metric: str) -> tuple[dict[str, Any], float]:
    """How time grew from one size to the next (a lower bound when the larger timed out),
    and the time factor unrounded."""
    ta = a.median(metric)
    tb = b.median(metric) if b.timed_out_after is None else b.timed_out_after
    assert ta is not None and tb is not None
    factor = tb / ta if ta > 0 else math.inf
    exponent = math.log(factor) / math.log(b.size / a.size) if factor > 0 else 0.0
    step = {
        "from": a.size,
        "to": b.size,
        "size_factor": round(b.size / a.size, 1),
        "time_factor": round(factor, 2),
        "exponent": round(exponent, 2),
        "lower_bound": b.timed_out_after is not None,
        "worse_than_linear": exponent > LINEAR_SLACK,
    }
    return step, factor


def _judge_growth(entry: dict[str, Any], points: list[Measured], metric: str) -> None:
    """The steps between sizes, and a finding naming those worse than linear or stopped."""
    worse = []
    for a, b in itertools.pairwise(points):
        if a.timed_out_after is not None:
            break  # nothing to compare beyond a time-out
        step, factor = growth_step(a, b, metric)
        entry["steps"].append(step)
        if step["lower_bound"]:
            entry["points"][points.index(b)]["median_s"] = None
            entry["points"][points.index(b)]["over_s"] = b.timed_out_after
            worse.append(f"over {b.timed_out_after:.0f} s at {b.size:,} actions (stopped)")
        elif step["worse_than_linear"]:
            worse.append(
                f"{a.size:,}→{b.size:,}: ×{factor:.1f} time for ×{b.size / a.size:.0f} actions"
            )
    if worse:
        flagged = any(st["worse_than_linear"] for st in entry["steps"])
        entry["finding"] = ("worse than linear: " if flagged else "") + "; ".join(worse)


def build_growth(m: dict[tuple[str, int], Measured], sizes: list[int]) -> list[dict[str, Any]]:
    rows = []
    for probe, metric, title in GROWTH:
        points = [m[probe, n] for n in sizes if (probe, n) in m]
        entry: dict[str, Any] = {
            "feature": title,
            "probe": probe,
            "metric": metric,
            "points": [
                {
                    "actions": p.size,
                    "median_s": _round(p.median(metric)),
                    "peak_rss_mb": p.peak_rss_mb,
                }
                for p in points
            ],
            "steps": [],
            "finding": None,
            "status": "ok",
        }
        if any(not p.available for p in points):
            entry["status"] = "not available"
            entry["finding"] = next(p.reason for p in points if not p.available)
        elif any(_failed(p, metric) for p in points):
            entry["status"] = "error"
            entry["finding"] = next((p.error.splitlines()[-1] for p in points if p.error), None)
        else:
            _judge_growth(entry, points, metric)
        rows.append(entry)
    return rows


# -- machine and output -------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GB"
    except OSError:
        pass
    versions: dict[str, str] = {}
    from importlib import metadata

    for dist in ("PySide6-Essentials", "SQLAlchemy", "openpyxl", "reportlab", "python-calamine"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    soffice = shutil.which("soffice")
    libreoffice = "not installed"
    if soffice:
        try:
            libreoffice = (
                subprocess.run(
                    [soffice, "--version"], capture_output=True, text=True, timeout=60
                ).stdout.strip()
                or soffice
            )
        except (OSError, subprocess.TimeoutExpired):
            libreoffice = soffice
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyside6": versions["PySide6-Essentials"],
        "packages": versions,
        "libreoffice": libreoffice,
    }


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def _aim(case: dict[str, Any]) -> str:
    if not case["aim"]:
        return ""
    verdict = {True: "met", False: "**missed**", None: "—"}[case["aim_met"]]
    return f"{case['aim']}: {verdict}"


def _findings(results: dict[str, Any]) -> list[str]:
    """What a reader should act on: missed aims, worse-than-linear growth, cases that failed."""
    out = []
    for c in results["cases"]:
        f = c["feature"]
        if c["aim_met"] is False:
            where = "" if "actions" in c["title"] else f" ({c['actions']:,} actions)"
            out.append(
                f"{c['title']}{where}: {_ms(f['median_s'])}, {c['ratio']}× the "
                f"baseline, peak {f['peak_rss_mb']} MB; aim {c['aim']}."
            )
        elif c["status"] in ("error", "not available"):
            out.append(
                f"{c['title']}: {c['status']} — {(c['note'] or '').splitlines()[0] if c['note'] else ''}"
            )
    for g in results["growth"]:
        if g["status"] == "ok" and g["finding"]:
            out.append(f"{g['feature']}: {g['finding']}.")
    return out


def case_row(c: dict[str, Any]) -> str:
    """A case's line of the results table: ours against the baseline."""
    f, b = c["feature"], c["baseline"]
    ratio = f"**{c['ratio']:.2f}×**" if c["ratio"] is not None else c["status"]
    note = c["note"] or ""
    if c["status"] != "ok" and not note:
        note = c["status"]
    return (
        f"| {c['title']} | {c['actions']:,} | {_ms(f['median_s'])} ×{f['runs']} | {b['name']} | "
        f"{_ms(b['median_s'])} ×{b['runs']} | {ratio} | {f['peak_rss_mb'] or '—'} / {b['peak_rss_mb'] or '—'} | "
        f"{_aim(c)} | {note.replace('|', '/').splitlines()[0] if note else ''} |"
    )


def growth_row(g: dict[str, Any], sizes: list[int]) -> str:
    """A feature's line of the growth table: time and memory at each size, and each step."""
    cells = " | ".join(
        (f"> {p['over_s']:.0f} s" if p.get("over_s") else _ms(p["median_s"]))
        + (f" · {p['peak_rss_mb']:.0f} MB" if p.get("peak_rss_mb") else "")
        for p in g["points"]
    ) or " | ".join("—" for _ in sizes)
    steps = "; ".join(
        f"{s['from']:,}→{s['to']:,}: {'≥ ' if s.get('lower_bound') else ''}×{s['time_factor']} "
        f"(exponent {'≥ ' if s.get('lower_bound') else ''}{s['exponent']})"
        for s in g["steps"]
    )
    finding = g["finding"] or ("linear or better" if g["status"] == "ok" else g["status"])
    return f"| {g['feature']} | {cells} | {steps or '—'} | {finding} |"


def markdown(results: dict[str, Any]) -> str:
    mc = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"- Run {results['generated_at']} with `{results['command'].strip()}` in {results['total_seconds']} s.",
        f"- Machine: {mc['nproc']} cores, {mc['cpu']}, {mc['memory']} RAM, {mc['os']}; "
        f"Python {mc['python']}, PySide6 {mc['pyside6']}, LibreOffice: {mc['libreoffice']}.",
        f"- Each figure is the median of up to {results['settings']['runs']} runs (fewer when a run is long; "
        "the runs column says how many); peak memory is the child process's peak RSS.",
        "- Data: "
        + "; ".join(
            f"{int(n):,} actions → {d['rows'].get('quarter_update', 0):,} updates, "
            f"{d['rows'].get('partner', 0)} partners, {d['mb']} MB database (generated in "
            f"{d['seconds']} s), {d['returns']['files']} returns with {d['returns']['rows']:,} rows"
            for n, d in results.get("data", {}).items()
        )
        + ".",
        "",
        "| case | actions | ours (median) | baseline | baseline (median) | ratio | peak MB ours / baseline | aim | note |",
        "|---|---:|---:|---|---:|---:|---:|---|---|",
    ]
    lines += [case_row(c) for c in results["cases"]]
    findings = _findings(results)
    if findings:
        lines += ["", "## Findings", "", *[f"- {f}" for f in findings]]
    lines += ["", "## Growth with the size of the plan", ""]
    sizes = results["settings"]["sizes"]
    head = " | ".join(f"{n:,} actions" for n in sizes)
    lines += [
        f"| feature | {head} | growth factor per step | finding |",
        "|---|" + "---:|" * len(sizes) + "---|---|",
    ]
    lines += [growth_row(g, sizes) for g in results["growth"]]
    lines += [
        "",
        "Each cell: median time · peak memory of that process. "
        "Growth factor: time at the larger size ÷ time at the smaller; 10× more actions taking "
        "10× the time is linear (exponent 1). Exponent above "
        f"{LINEAR_SLACK} is flagged as worse than linear.",
        "",
    ]
    if "shared" in results:
        lines += shared_plan.markdown(results["shared"])
    return "\n".join(lines)


README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


def update_readme(readme: Path, table: str) -> bool:
    """Put the latest table between the README's markers; False when the markers are missing."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return False
    body = table.split("\n", 2)[2] if table.startswith("# ") else table  # drop the file's title
    # The README's own sections are level 2: the table's headings go one level down.
    body = "\n".join("#" + line if line.startswith("## ") else line for line in body.splitlines())
    readme.write_text(
        text[: start + len(README_START)] + "\n" + body.strip() + "\n" + text[end:],
        encoding="utf-8",
    )
    return True


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes", default="50,500,5000", help="plan sizes in actions (comma separated)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median taken)")
    parser.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="stop repeating a measurement after this many seconds",
    )
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument(
        "--timeout",
        type=float,
        default=150.0,
        help="seconds before a child process is killed (its case then reports the time-out)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench", help="folder for results.json and results.md"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="folder for generated data (default: a temporary one)",
    )
    parser.add_argument(
        "--readme",
        action="store_true",
        help="also put the table into README.md's Performance section",
    )
    parser.add_argument(
        "--quick", action="store_true", help="50 actions, one run: proves the suite works"
    )
    parser.add_argument(
        "--only",
        choices=["startup"],
        default=None,
        help="run one part and print its figures; results.json and results.md are left alone",
    )
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    if args.quick:
        args.sizes, args.runs, args.budget = [50], 1, 5.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    temp: tempfile.TemporaryDirectory[str] | None = None
    if args.work is None:
        temp = tempfile.TemporaryDirectory(prefix="scp-bench-")
        args.work = Path(temp.name)
    try:
        results = Runner(args).run()
    finally:
        if temp is not None:
            temp.cleanup()
    if args.only:
        print(json.dumps(results, indent=2))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    text = markdown(results)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    if args.readme and not update_readme(ROOT / "README.md", text):
        print("README.md has no bench markers; the table was not copied there.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
