"""Background tasks: results and errors come back by signal; Cancel reaches the worker."""

from __future__ import annotations

import threading
import time
from typing import Any

from pytestqt.qtbot import QtBot

from scp_desktop.services.errors import UserError
from scp_desktop.ui.tasks import BackgroundRunner, Task, start


def test_cancel_reaches_the_worker(qtbot: QtBot) -> None:
    started = threading.Event()

    def work(progress: Any, cancelled: Any) -> str:
        started.set()
        for n in range(500):
            if cancelled():
                return f"stopped after {n}"
            progress(n, 500, "file")
            time.sleep(0.01)
        return "ran to the end"

    task = Task(work)
    with qtbot.waitSignal(task.signals.finished, timeout=10000) as blocker:
        start(task)
        assert started.wait(5)
        task.cancel()
    assert str(blocker.args[0]).startswith("stopped after")


def test_user_errors_come_back_as_messages(qtbot: QtBot) -> None:
    def work(progress: Any, cancelled: Any) -> None:
        raise UserError("That plan no longer exists.")

    task = Task(work)
    with qtbot.waitSignal(task.signals.failed, timeout=10000) as blocker:
        start(task)
    assert blocker.args == ["That plan no longer exists."]


def test_runner_shows_progress_runs_one_job_at_a_time_and_cancels(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QPushButton, QWidget

    window = QWidget()
    qtbot.addWidget(window)
    runner = BackgroundRunner(window, "Indicators")
    release = threading.Event()
    results: list[Any] = []
    refusals: list[str] = []
    runner.failed.connect(refusals.append)

    def work(progress: Any, cancelled: Any) -> str:
        progress(1, 4, "Reading values…")
        while not release.is_set() and not cancelled():
            time.sleep(0.01)
        return "cancelled" if cancelled() else "done"

    assert runner.run(work, "Working…", results.append)
    try:
        assert runner.busy
        qtbot.waitUntil(lambda: runner.progress is not None and runner.progress.maximum() == 4)
        assert runner.progress is not None and runner.progress.labelText() == "Reading values…"
        assert not runner.run(work, "Again", results.append)
        assert refusals == ["Another job is still running; wait for it to finish."]
        cancel = next(b for b in runner.progress.findChildren(QPushButton) if b.text() == "Cancel")
        cancel.click()  # the officer presses Cancel
        qtbot.waitUntil(lambda: results == ["cancelled"], timeout=5000)
        assert not runner.busy and runner.progress is None
    finally:
        release.set()  # never leave the pool thread waiting


def test_what_the_work_held_is_let_go_once_it_has_run(qtbot: QtBot) -> None:
    import gc
    import weakref

    from PySide6.QtCore import QThreadPool

    class Preview:
        """Stands for what a job's work captures: an import's preview, thousands of rows."""

    preview = Preview()
    held = weakref.ref(preview)

    def work(progress: Any, cancelled: Any, preview: Preview = preview) -> int:
        return 1

    task = Task(work)
    del work, preview
    with qtbot.waitSignal(task.signals.finished, timeout=10000):
        start(task)
    QThreadPool.globalInstance().waitForDone()
    gc.collect()
    assert held() is None
