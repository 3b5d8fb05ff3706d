"""One measurement per child process: `python -m bench.probes NAME PARAMS.json OUT.json`.

A fresh process per probe gives an honest peak RSS (`ru_maxrss`) for that probe alone, and keeps
one feature's caches and imports from flattering the next. Each probe repeats its work up to
`runs` times (stopping early once `budget` seconds are spent, after at least one run) and writes
the per-run times of each metric; the parent takes medians and ratios.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.features import Unavailable

FILTER_TEXT = "knife"
Result = dict[str, Any]


def _repeat(params: Result, once: Callable[[int], dict[str, float]]) -> dict[str, list[float]]:
    runs, budget = int(params.get("runs", 3)), float(params.get("budget", 30.0))
    times: dict[str, list[float]] = {}
    started = time.perf_counter()
    for i in range(runs):
        for metric, seconds in once(i).items():
            times.setdefault(metric, []).append(seconds)
        if time.perf_counter() - started > budget:
            break
    return times


# -- database open + check ----------------------------------------------------------------


def db_app(params: Result) -> Result:
    from scp_desktop.services.checks import check_database
    from scp_desktop.storage.database import open_database

    path = Path(params["db"])
    info: Result = {}

    def once(_: int) -> dict[str, float]:
        t0 = time.perf_counter()
        db, _result = open_database(path, user="bench", create=False)
        try:
            report = check_database(db)
        finally:
            db.close()
        elapsed = time.perf_counter() - t0
        if not report.ok:
            raise RuntimeError("\n".join(report.lines()))
        info["actions"] = report.actions
        return {"open_check": elapsed}

    return {"times": _repeat(params, once), "info": info}


def db_bare(params: Result) -> Result:
    from bench.baselines import database_check

    path = Path(params["db"])

    def once(_: int) -> dict[str, float]:
        t0 = time.perf_counter()
        database_check(path)
        return {"open_check": time.perf_counter() - t0}

    return {"times": _repeat(params, once), "info": {}}


# -- the action table -----------------------------------------------------------------------


def _app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


def _settle(app: Any) -> None:
    app.processEvents()
    app.processEvents()


def _dispose(app: Any, window: Any) -> None:
    """Really free a window between runs, so peak memory is one open plan, not five."""
    import gc

    from PySide6.QtCore import QEvent

    window.close()
    window.deleteLater()
    # processEvents() leaves deferred deletes alone; without this every run's window stays alive.
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()
    _settle(app)


def _pending_timers(root: Any) -> bool:
    """Whether a short single-shot QTimer under `root` is running: a debounced filter."""
    from PySide6.QtCore import QTimer

    return any(
        t.isActive() and t.isSingleShot() and t.interval() <= 2000
        for t in root.findChildren(QTimer)
    )


def _type_filter(
    app: Any, root: Any, edit: Any, model: Any, debounce_wait: float
) -> tuple[list[float], list[float]]:
    """Time each keystroke of FILTER_TEXT then each backspace until the table has reacted.

    Returns every keystroke's time, and the times of those after which the model said its
    rows changed (a table that skips keystrokes changing nothing is faster on the others)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    changed = {"n": 0}

    def bump(*_args: Any) -> None:
        changed["n"] += 1

    signals = [model.modelReset, model.layoutChanged, model.rowsRemoved, model.rowsInserted]
    for sig in signals:
        sig.connect(bump)
    keys: list[Any] = [*FILTER_TEXT, *[Qt.Key.Key_Backspace] * len(FILTER_TEXT)]
    times = []
    changed_times = []
    try:
        for key in keys:
            before = changed["n"]
            t0 = time.perf_counter()
            QTest.keyClick(edit, key)
            _settle(app)
            # A debounced filter reacts when its timer fires; the officer waits for that too.
            deadline = t0 + debounce_wait
            while (
                changed["n"] == before and _pending_timers(root) and time.perf_counter() < deadline
            ):
                app.processEvents()
                time.sleep(0.001)
            _settle(app)
            times.append(time.perf_counter() - t0)
            if changed["n"] != before:
                changed_times.append(times[-1])
    finally:
        for sig in signals:
            sig.disconnect(bump)
    return times, changed_times


def _keystrokes(keys: list[float], changing: list[float]) -> dict[str, float]:
    out = {
        "filter_key": statistics.median(keys),
        "filter_keys_changing_count": float(len(changing)),
    }
    if changing:
        out["filter_key_changing"] = statistics.median(changing)
    return out


def table_bare(params: Result) -> Result:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit, QTableView, QVBoxLayout, QWidget

    from bench.baselines import make_table_model, table_rows

    app = _app()
    path = Path(params["db"])
    info: Result = {}

    def once(i: int) -> dict[str, float]:
        t0 = time.perf_counter()
        rows = table_rows(path)
        window = QWidget()
        layout = QVBoxLayout(window)
        edit = QLineEdit(window)
        view = QTableView(window)
        layout.addWidget(edit)
        layout.addWidget(view)
        model = make_table_model(rows)
        view.setModel(model)
        view.setSortingEnabled(False)
        edit.textChanged.connect(model.set_filter)
        window.resize(1280, 720)
        window.show()
        _settle(app)
        load = time.perf_counter() - t0
        info["rows"] = model.rowCount()
        t1 = time.perf_counter()
        model.sort(1, Qt.SortOrder.DescendingOrder if i % 2 else Qt.SortOrder.AscendingOrder)
        _settle(app)
        sort = time.perf_counter() - t1
        keys, changing = _type_filter(app, window, edit, model, 0.0)
        _dispose(app, window)
        return {"load": load, "sort": sort, **_keystrokes(keys, changing)}

    return {"times": _repeat(params, once), "info": info}


def _find_action_table(window: Any, expected: int, timeout: float) -> Any:
    """The window's table with the most rows, waiting for a background load to fill it."""
    from PySide6.QtWidgets import QTableView

    app = _app()
    deadline = time.perf_counter() + timeout
    while True:
        best, best_rows = None, -1
        for view in window.findChildren(QTableView):
            if view.model() is None or not view.isVisible():
                continue
            rows = view.model().rowCount()
            if rows > best_rows:
                best, best_rows = view, rows
        if best is not None and best_rows >= expected:
            return best
        if best is None and time.perf_counter() > deadline - timeout + 3:
            raise Unavailable("action table: the main window shows no table")
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the action table showed {best_rows} rows, expected {expected}")
        app.processEvents()
        time.sleep(0.001)


def _find_filter(window: Any) -> Any:
    from PySide6.QtWidgets import QLineEdit

    for edit in window.findChildren(QLineEdit):
        words = " ".join(
            [edit.objectName(), edit.accessibleName(), edit.placeholderText(), edit.toolTip()]
        ).lower()
        if edit.isVisible() and any(w in words for w in ("filter", "search", "find")):
            return edit
    raise Unavailable("action table: no visible filter box (a QLineEdit named filter/search)")


def _title_column(model: Any) -> int:
    """The project / initiative column, so both tables sort the same thing."""
    from PySide6.QtCore import Qt

    for column in range(model.columnCount()):
        header = str(model.headerData(column, Qt.Orientation.Horizontal) or "").lower()
        if "project" in header or "title" in header or "initiative" in header:
            return column
    return 1


def table_app(params: Result) -> Result:
    from PySide6.QtCore import Qt

    app = _app()
    from scp_desktop.storage.database import open_database
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.settings import Settings

    path = Path(params["db"])
    expected = int(params["actions"])
    info: Result = {}

    def once(i: int) -> dict[str, float]:
        db, result = open_database(path, user="bench", create=False)
        try:
            t0 = time.perf_counter()
            # The window as the application builds it: the plan opens in the action table.
            window = MainWindow(db, Settings(), open_result=result)
            window.resize(1366, 768)
            window.show()
            _settle(app)
            view = _find_action_table(window, expected, timeout=60)
            _settle(app)
            load = time.perf_counter() - t0
            model = view.model()
            info["rows"] = model.rowCount()
            info["view"] = type(view).__name__
            info["model"] = type(model).__name__
            column = _title_column(model)
            info["sort_column"] = str(model.headerData(column, Qt.Orientation.Horizontal))
            t1 = time.perf_counter()
            model.sort(
                column, Qt.SortOrder.DescendingOrder if i % 2 else Qt.SortOrder.AscendingOrder
            )
            _settle(app)
            sort = time.perf_counter() - t1
            keys, changing = _type_filter(app, window, _find_filter(window), model, 2.0)
            _dispose(app, window)
        finally:
            db.close()
        return {"load": load, "sort": sort, **_keystrokes(keys, changing)}

    return {"times": _repeat(params, once), "info": info}


# -- import of returns ------------------------------------------------------------------


def import_app(params: Result) -> Result:
    from bench import features

    files = [Path(f) for f in params["files"]]
    dry = features.DryRun(Path(params["db"]), params["quarter"])
    info: Result = {"via": dry.how}

    def once(_: int) -> dict[str, float]:
        t0 = time.perf_counter()
        outcomes = dry.run(files)
        elapsed = time.perf_counter() - t0
        info["outcomes"] = outcomes
        info["rows"] = sum(outcomes.values())
        return {"dry_run": elapsed}

    try:
        return {"times": _repeat(params, once), "info": info}
    finally:
        dry.close()


def import_calamine(params: Result) -> Result:
    from bench.baselines import calamine_read, calamine_read_threaded
    from scp_desktop.excel.grid import ReadAhead

    files = [Path(f) for f in params["files"]]
    # The importer reads on this many threads; the same read so spread is reported beside it.
    workers = ReadAhead.default_workers()
    info: Result = {"threads": workers}

    def once(_: int) -> dict[str, float]:
        t0 = time.perf_counter()
        info["cells"] = calamine_read(files)
        t1 = time.perf_counter()
        calamine_read_threaded(files, workers)
        return {"dry_run": t1 - t0, "threaded": time.perf_counter() - t1}

    return {"times": _repeat(params, once), "info": info}


def import_soffice(params: Result) -> Result:
    import shutil
    import subprocess
    import tempfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise Unavailable("LibreOffice (soffice) is not installed on this machine")
    files = [str(f) for f in params["files"]]
    profile = tempfile.mkdtemp(prefix="bench-lo-profile-")

    def convert(paths: list[str]) -> None:
        with tempfile.TemporaryDirectory() as out:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "csv",
                    "--outdir",
                    out,
                    *paths,
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
            if len(list(Path(out).glob("*.csv"))) != len(paths):
                raise RuntimeError("LibreOffice did not convert every file")

    def once(_: int) -> dict[str, float]:
        t0 = time.perf_counter()
        convert(files)
        return {"dry_run": time.perf_counter() - t0}

    try:
        # Its first start writes a user profile; an officer's LibreOffice already has one.
        try:
            convert(files[:1])
        except RuntimeError:
            # LibreOffice without Calc (e.g. Debian's writer-only packages) opens no workbook.
            raise Unavailable(
                "LibreOffice here cannot open workbooks (Calc is not installed)"
            ) from None
        return {"times": _repeat(params, once), "info": {"program": soffice}}
    finally:
        shutil.rmtree(profile, ignore_errors=True)


# -- quarterly report -------------------------------------------------------------------


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def report_app(params: Result) -> Result:
    from bench import features

    out = Path(params["out"])
    builder = features.QuarterlyReport(Path(params["db"]), params["quarter"])
    info: Result = {"via": builder.how}

    def once(_: int) -> dict[str, float]:
        out.unlink(missing_ok=True)
        t0 = time.perf_counter()
        builder.build(out)
        elapsed = time.perf_counter() - t0
        info["pages"] = _pages(out)
        info["kb"] = out.stat().st_size // 1024
        return {"build": elapsed}

    try:
        return {"times": _repeat(params, once), "info": info}
    finally:
        builder.close()


def report_bare(params: Result) -> Result:
    from bench.baselines import bare_report, report_rows

    out = Path(params["out"])
    font = Path(params["font"])
    info: Result = {}

    def once(_: int) -> dict[str, float]:
        t0 = time.perf_counter()
        rows = report_rows(Path(params["db"]), params["quarter"])
        info["pages"] = bare_report(rows, out, font)
        elapsed = time.perf_counter() - t0
        info["kb"] = out.stat().st_size // 1024
        return {"build": elapsed}

    return {"times": _repeat(params, once), "info": info}


def _published(params: Result, fmt: str) -> Result:
    from bench import features

    out = Path(params["out"])
    builder = features.PublishedReport(Path(params["db"]), params["quarter"], fmt)
    info: Result = {"via": builder.how}

    def once(_: int) -> dict[str, float]:
        out.unlink(missing_ok=True)
        t0 = time.perf_counter()
        builder.build(out)
        elapsed = time.perf_counter() - t0
        info["kb"] = out.stat().st_size // 1024
        return {"build": elapsed}

    try:
        return {"times": _repeat(params, once), "info": info}
    finally:
        builder.close()


def report_docx(params: Result) -> Result:
    return _published(params, "docx")


def report_html(params: Result) -> Result:
    return _published(params, "html")


PROBES: dict[str, Callable[[Result], Result]] = {
    "db_app": db_app,
    "db_bare": db_bare,
    "table_app": table_app,
    "table_bare": table_bare,
    "import_app": import_app,
    "import_calamine": import_calamine,
    "import_soffice": import_soffice,
    "report_app": report_app,
    "report_bare": report_bare,
    "report_docx": report_docx,
    "report_html": report_html,
}


def own_peak_kb() -> int:
    """This process's peak RSS in kB.

    /proc's VmHWM first: Linux carries `ru_maxrss` over from the parent across fork and exec,
    so a child of a large runner would report the runner's size instead of its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss_mb() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # e.g. LibreOffice
    return round(max(own_peak_kb(), children) / 1024, 1)


def main(argv: list[str]) -> int:
    name, params_file, out_file = argv
    params = json.loads(Path(params_file).read_text(encoding="utf-8"))
    try:
        result = PROBES[name](params)
        result["available"] = True
    except Unavailable as exc:
        result = {"available": False, "reason": str(exc)}
    except Exception as exc:
        result = {
            "available": True,
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc()[-3000:],
        }
    result["peak_rss_mb"] = peak_rss_mb()
    Path(out_file).write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
