"""Building a report off the GUI thread, with progress and cancelling."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, QThread, Signal, Slot
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrinter

from scp_desktop.services import publishing, reports
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database, DatabaseError


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    plan_id: int
    quarter: str
    meeting_id: int | None
    out: Path
    fmt: str = "pdf"  # pdf to print; docx or html to publish


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
            if r.fmt != "pdf" or r.kind == "committee":
                # Documents to publish have no fixed pages: Word lays them out when opened.
                publishing.write_document(
                    self.db,
                    r.kind,
                    r.fmt,
                    r.out,
                    plan_id=r.plan_id,
                    quarter=r.quarter,
                    meeting_id=r.meeting_id,
                    progress=self._on_progress,
                )
                pages = 0
            else:
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


# Threads and their workers are kept here, not owned by a window, so closing the window
# mid-build can never destroy a running thread (which aborts the process) nor its worker.
_running: dict[QThread, QObject] = {}


class _Reaper(QObject):
    """Lets go of a thread and its worker on the GUI thread, once the thread has ended.

    A worker deleted by its own thread as that thread ends (deleteLater) races the GUI
    thread letting go of its Python object: both destroy it, and the process crashes.
    """

    @Slot()
    def thread_ended(self) -> None:
        _running.pop(self.sender(), None)  # type: ignore[call-overload]


_reaper: _Reaper | None = None


class PrintWorker(QObject):
    """Renders each page of a built PDF onto a chosen printer, off the GUI thread.

    QPainter may paint on a QPrinter from a worker thread; the printer is not touched by the
    GUI while this runs (the print dialog has closed).
    """

    progress = Signal(int, str)
    finished = Signal(str, int)  # path, pages printed
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, path: Path, printer: QPrinter) -> None:
        super().__init__()
        self.path = path
        self.printer: QPrinter | None = printer
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    @Slot()
    def run(self) -> None:
        # The printer was made on the GUI thread and must be destroyed there: the dialog keeps
        # it until this thread has ended, and this worker lets go of it before reporting.
        printer, self.printer = self.printer, None
        assert printer is not None
        try:
            self._print(printer)
        finally:
            del printer

    def _print(self, printer: QPrinter) -> None:
        from PySide6.QtPdf import QPdfDocument  # optional module: only needed once printing

        document = QPdfDocument()
        document.load(str(self.path))
        count = document.pageCount()
        if count <= 0:
            self.failed.emit(f"{self.path.name} could not be opened for printing.")
            return
        painter = QPainter()
        if not painter.begin(printer):
            self.failed.emit("The printer could not be started.")
            return
        try:
            dpi = printer.resolution()
            area = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
            for index in range(count):
                if self._stop.is_set():
                    printer.abort()
                    self.cancelled.emit()
                    return
                self.progress.emit(
                    int(100 * index / count), f"Printing page {index + 1} of {count}…"
                )
                if index:
                    printer.newPage()
                points = document.pagePointSize(index)
                size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                fitted = size.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                image = document.render(index, fitted)
                painter.drawImage(area.x(), area.y(), image)
        finally:
            painter.end()
            document.close()
        self.finished.emit(str(self.path), count)


def start(worker: ReportWorker | PrintWorker) -> QThread:
    """Move `worker` to a new thread and run it; the thread ends when the worker reports.

    Called on the GUI thread, where the thread and the worker are let go of when it ends."""
    global _reaper
    if _reaper is None:
        _reaper = _Reaper()
    thread = QThread()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    for signal in (worker.finished, worker.failed, worker.cancelled):
        signal.connect(thread.quit)
    thread.finished.connect(_reaper.thread_ended)
    _running[thread] = worker
    thread.start()
    return thread
