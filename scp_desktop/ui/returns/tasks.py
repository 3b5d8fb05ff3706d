"""Running a service call on a worker thread, with progress, cancel and the result back by signal."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import DatabaseError


class TaskSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)


class Task(QRunnable):
    """Calls `work(progress, cancelled)`; the GUI thread hears back through `signals`.

    The work must open its own database session: sessions never cross threads.
    """

    def __init__(
        self, work: Callable[[Callable[[int, int, str], None], Callable[[], bool]], Any]
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the dialog keeps it until its signals have been delivered
        self.work = work
        self.signals = TaskSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit, self._cancel.is_set)
        except (UserError, DatabaseError) as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # shown to the officer rather than lost on a worker thread
            traceback.print_exc()
            self.signals.failed.emit(f"Something went wrong: {exc}")
        else:
            self.signals.finished.emit(result)


def start(task: Task) -> None:
    QThreadPool.globalInstance().start(task)
