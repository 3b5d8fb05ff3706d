"""Building a report off the GUI thread, with progress and cancelling."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from scp_desktop.services import reports
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database, DatabaseError


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    plan_id: int
    quarter: str
    meeting_id: int | None
    out: Path


class ReportWorker(QObject):
    """Runs one build in its own thread; the service opens its own sessions there."""

    progress = Signal(int, str)  # percent, message
    finished = Signal(str, int)  # path, pages
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, db: Database, request: ReportRequest) -> None:
        super().__init__()
        self.db = db
        self.request = request
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def _on_progress(self, fraction: float, message: str) -> None:
        if self._stop.is_set():
            raise reports.Cancelled()
        if fraction >= 0:
            self.progress.emit(int(fraction * 100), message)
        elif message:
            self.progress.emit(-1, message)

    @Slot()
    def run(self) -> None:
        r = self.request
        try:
            pages = reports.build_report(
                self.db,
                r.kind,
                r.out,
                plan_id=r.plan_id,
                quarter=r.quarter,
                meeting_id=r.meeting_id,
                progress=self._on_progress,
            )
        except reports.Cancelled:
            self.cancelled.emit()
        except (UserError, DatabaseError) as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a layout bug must not kill the app; say what happened
            self.failed.emit(f"The document could not be built: {type(exc).__name__}: {exc}")
        else:
            self.finished.emit(str(r.out), pages)


# Threads are kept here, not owned by a window, so closing the window mid-build can never
# destroy a running thread (which aborts the process); each removes itself when it ends.
_running: set[QThread] = set()


def start(worker: ReportWorker) -> QThread:
    """Move `worker` to a new thread and run it; the thread ends when the worker reports."""
    thread = QThread()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    for signal in (worker.finished, worker.failed, worker.cancelled):
        signal.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(lambda: _running.discard(thread))
    _running.add(thread)
    thread.start()
    return thread
