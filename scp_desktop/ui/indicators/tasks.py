"""Running slow service calls off the GUI thread, with a progress dialog that can cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import DatabaseError

Work = Callable[[Callable[[], bool], Callable[[int, int], None]], Any]


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)


class Task(QRunnable):
    """Runs `work(should_stop, progress)` on a pool thread. Services open their own database
    sessions there, so no session crosses threads; results come back by queued signal."""

    def __init__(self, work: Work) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            result = self.work(self.stop.is_set, self.signals.progress.emit)
        except (UserError, DatabaseError) as exc:
            self.signals.failed.emit(str(exc))
            return
        except Exception as exc:  # a bug must reach the user, not vanish with the thread
            self.signals.failed.emit(f"Something went wrong: {exc!r}")
            return
        self.signals.finished.emit(result)


class BackgroundRunner(QObject):
    """One job at a time for a window: progress shown only if it lasts, Cancel stops it."""

    failed = Signal(str)

    def __init__(self, parent: QWidget, title: str) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.title = title
        self.task: Task | None = None
        self.progress: QProgressDialog | None = None

    @property
    def busy(self) -> bool:
        return self.task is not None

    def run(self, work: Work, label: str, then: Callable[[Any], None]) -> bool:
        if self.task is not None:
            self.failed.emit("Another job is still running; wait for it to finish.")
            return False
        task = Task(work)
        self.task = task
        dialog = QProgressDialog(label, "Cancel", 0, 0, self.parent_widget)
        dialog.setWindowTitle(self.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.canceled.connect(task.stop.set)
        self.progress = dialog
        task.signals.progress.connect(self._on_progress)
        task.signals.finished.connect(lambda result: self._finish(then, result))
        task.signals.failed.connect(self._failed)
        QThreadPool.globalInstance().start(task)
        return True

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None and total:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    def _close(self) -> None:
        self.task = None
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None

    def _finish(self, then: Callable[[Any], None], result: Any) -> None:
        self._close()
        then(result)

    def _failed(self, message: str) -> None:
        self._close()
        self.failed.emit(message)
