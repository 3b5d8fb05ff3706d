"""Background jobs: one runner, its cancel token, its progress dialog, its error policy."""

from __future__ import annotations

import gc
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow, QPushButton, QWidget
from pytestqt.qtbot import QtBot

import scp_desktop.ui
from scp_desktop.logs import configure_logging
from scp_desktop.services.errors import UserError
from scp_desktop.storage.backups import list_backups, take_backup
from scp_desktop.ui import jobs, problem_dialog
from scp_desktop.ui.jobs import CancelToken, run_in_background, run_with_progress


def _window(qtbot: QtBot) -> QMainWindow:
    window = QMainWindow()
    window.setCentralWidget(QWidget())
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_cancel_token_stops_a_real_backup(
    qtbot: QtBot, tmp_path: Path, demo_template: Path
) -> None:
    """A real job (SQLite's backup of a plan, 4 MB a step) stops when Cancel is pressed, and
    no backup is left behind."""
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE ballast (x BLOB)")
        connection.executemany(
            "INSERT INTO ballast VALUES (?)", [(b"x" * 200_000,) for _ in range(200)]
        )
    connection.close()
    window = _window(qtbot)
    ended: list[object] = []
    steps: list[int] = []

    def work(token: CancelToken) -> object:
        def progress(done: int, total: int, text: str) -> None:
            steps.append(done)
            token.report(done, total, text)
            time.sleep(0.2)

        return take_backup(path, "manual", progress=progress, cancelled=token.cancelled)

    job = run_with_progress(
        window, work, title="Backups", label="Backing up…", done=ended.append, failed=ended.append
    )
    assert job is not None and job.dialog is not None
    qtbot.waitUntil(lambda: len(steps) >= 1, timeout=10000)
    cancel = next(b for b in job.dialog.findChildren(QPushButton) if b.text() == "Cancel")
    cancel.click()
    qtbot.waitUntil(lambda: not job.running, timeout=20000)
    assert ended == ["No backup was made: Cancelled; nothing was changed."]
    assert len(steps) < 10  # it stopped part way through the copy
    assert list_backups(path) == []


def test_progress_text_and_value_are_shown_and_cancel_reaches_the_work(qtbot: QtBot) -> None:
    window = _window(qtbot)
    release = threading.Event()
    results: list[object] = []

    def work(token: CancelToken) -> str:
        token.report(1, 4, "Reading values…")
        while not release.is_set() and not token.cancelled():
            time.sleep(0.01)
        return "cancelled" if token.cancelled() else "done"

    job = run_with_progress(window, work, title="Indicators", label="Working…", done=results.append)
    try:
        assert job is not None
        dialog = job.dialog
        assert dialog is not None and dialog.isVisible()  # shown at once
        qtbot.waitUntil(lambda: dialog.maximum() == 4 and dialog.value() == 1)
        assert dialog.labelText() == "Reading values…"
        refusals: list[str] = []
        assert run_with_progress(window, work, title="x", label="y", failed=refusals.append) is None
        assert refusals == [jobs.BUSY]
        next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel").click()
        qtbot.waitUntil(lambda: results == ["cancelled"], timeout=5000)
        assert not job.running and job.dialog is None
    finally:
        release.set()


def test_a_refusal_reaches_failed_with_its_message(qtbot: QtBot) -> None:
    window = _window(qtbot)
    messages: list[str] = []

    def work(token: CancelToken) -> None:
        raise UserError("That plan no longer exists.")

    run_in_background(work, name="test", owner=window, failed=messages.append)
    qtbot.waitUntil(lambda: messages == ["That plan no longer exists."], timeout=5000)


SECRET = "Victim lives at 4 Elm Row"


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_exception_is_logged_and_shown_and_the_window_stays(
    qtbot: QtBot, tmp_path: Path
) -> None:
    log_file = configure_logging(tmp_path / "logs")
    assert log_file is not None
    window = _window(qtbot)
    messages: list[str] = []

    def work(token: CancelToken) -> None:
        raise KeyError(SECRET)

    job = run_with_progress(
        window, work, title="Export this view", label="Exporting…", failed=messages.append
    )
    assert job is not None
    qtbot.waitUntil(lambda: messages == [jobs.UNEXPECTED], timeout=5000)
    shown = problem_dialog._shown
    assert shown is not None and shown.isVisible()
    assert "KeyError" in shown.details and SECRET not in shown.details
    assert shown.parent() is window
    text = log_file.read_text(encoding="utf-8")
    assert "unexpected KeyError in the job Export this view" in text
    assert SECRET not in text
    assert window.isVisible() and job.dialog is None
    shown.close()


def test_a_job_ending_after_its_window_is_gone_calls_nothing_and_does_not_crash(
    qtbot: QtBot,
) -> None:
    window = QMainWindow()
    window.show()
    release = threading.Event()
    heard: list[object] = []

    def work(token: CancelToken) -> str:
        token.report(1, 2, "half way")
        release.wait(10)
        token.report(2, 2, "all")
        return "built"

    job = run_with_progress(window, work, title="Reports", label="Building…", done=heard.append)
    assert job is not None
    window.close()
    window.deleteLater()
    qtbot.waitUntil(lambda: not jobs.shiboken6.isValid(window), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: not job.running, timeout=5000)
    QApplication.processEvents()
    assert heard == [] and job.dialog is None


def test_what_the_work_held_is_let_go_once_its_end_is_delivered(qtbot: QtBot) -> None:
    class Preview:
        """Stands for what a job's work captures: an import's preview, thousands of rows."""

    preview = Preview()
    held = weakref.ref(preview)

    def work(token: CancelToken, preview: Preview = preview) -> int:
        return 1

    results: list[int] = []
    job = run_in_background(work, name="test", owner=None, done=results.append)
    del work, preview
    qtbot.waitUntil(lambda: results == [1], timeout=5000)
    qtbot.waitUntil(lambda: job not in jobs._live, timeout=5000)
    gc.collect()
    assert held() is None


def test_only_the_runner_module_starts_threads() -> None:
    """Every background job in the window goes through `scp_desktop.ui.jobs`."""
    pattern = re.compile(
        r"\b(QThread|QRunnable|QThreadPool|threading\.Thread|concurrent\.futures)\b"
    )
    package = Path(scp_desktop.ui.__file__).parent
    offenders = [
        f"{path.relative_to(package)}:{n}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "jobs.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
    assert (package / "jobs.py").read_text(encoding="utf-8").count("(QRunnable)") == 1


def test_the_runner_imports_nothing_the_first_window_does_not_need() -> None:
    """The window imports the runner before it is shown: no database layer, no services."""
    code = (
        "import sys, scp_desktop.ui.jobs; "
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'scp_desktop.s'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
