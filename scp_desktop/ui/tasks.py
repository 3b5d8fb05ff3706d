"""Running service calls on worker threads, with progress, Cancel and the result back by signal.

Every slow job of the application (imports, exports, indicator work) goes through `Task`;
`BackgroundRunner` adds the progress dialog a window shows while one runs.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from scp_desktop.logs import log_unexpected
from scp_desktop.services.errors import UserError
from scp_desktop.storage.errors import DatabaseError

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)


Progress = Callable[[int, int, str], None]  # done, total, what is being done


class Task(QRunnable):
    """Calls `work(progress, cancelled)`; the GUI thread hears back through `signals`.

    The work must open its own database session: sessions never cross threads.
    """

    def __init__(self, work: Callable[[Progress, Callable[[], bool]], Any]) -> None:
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
        work, self.work = self.work, _done
        try:
            result = work(self.signals.progress.emit, self._cancel.is_set)
        except (UserError, DatabaseError) as exc:
            log.info("task refused (%s)", type(exc).__name__)
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # shown to the officer rather than lost on a worker thread
            traceback.print_exc()
            log_unexpected(type(exc), exc, exc.__traceback__, "a background task")
            self.signals.failed.emit(f"Something went wrong: {exc}")
        else:
            self.signals.finished.emit(result)
        finally:
            # The thread pool never lets go of a runnable that does not delete itself (and
            # this one must not: its signals outlive the run), so the task itself stays;
            # what the work held (an import's preview of thousands of rows, the database)
            # must not stay with it.
            del work


def _done(progress: Progress, cancelled: Callable[[], bool]) -> None:
    raise RuntimeError("This task has already run.")


def start(task: Task) -> None:
    QThreadPool.globalInstance().start(task)


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

    def run(
        self,
        work: Callable[[Progress, Callable[[], bool]], Any],
        label: str,
        then: Callable[[Any], None],
    ) -> bool:
        if self.task is not None:
            self.failed.emit("Another job is still running; wait for it to finish.")
            return False
        task = Task(work)
        self.task = task
        dialog = QProgressDialog(label, "Cancel", 0, 0, self.parent_widget)
        dialog.setWindowTitle(self.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.canceled.connect(task.cancel)
        self.progress = dialog
        task.signals.progress.connect(self._on_progress)
        task.signals.finished.connect(lambda result: self._finish(then, result))
        task.signals.failed.connect(self._failed)
        start(task)
        return True

    def _on_progress(self, done: int, total: int, message: str) -> None:
        # A window-modal progress dialog runs the event loop inside setValue, so the job may
        # finish (and the dialog go) in the middle of this call: the value is set last.
        progress = self.progress
        if progress is not None and total:
            if message:
                progress.setLabelText(message)
            progress.setMaximum(total)
            progress.setValue(done)

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
