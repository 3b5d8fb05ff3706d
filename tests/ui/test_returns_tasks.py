"""Background tasks: results and errors come back by signal; Cancel reaches the worker."""

from __future__ import annotations

import threading
import time
from typing import Any

from pytestqt.qtbot import QtBot

from scp_desktop.services.errors import UserError
from scp_desktop.ui.returns.tasks import Task, start


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
