"""Building and printing a report: the work of the Reports dialog's background jobs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrinter

from scp_desktop.services import publishing, reports
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import CancelToken


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    plan_id: int
    quarter: str
    meeting_id: int | None
    out: Path
    fmt: str = "pdf"  # pdf to print; docx or html to publish


def build_document(db: Database, request: ReportRequest, token: CancelToken) -> int | None:
    """Build the document `request` asks for (the services open their own sessions): its
    pages, 0 for a document to publish, None when cancelled."""

    def progress(fraction: float, message: str) -> None:
        if token.cancelled():
            raise reports.Cancelled()
        token.report(int(fraction * 100) if fraction >= 0 else -1, 100, message)

    r = request
    try:
        written = publishing.write_document(
            db,
            r.kind,
            r.fmt,
            r.out,
            plan_id=r.plan_id,
            quarter=r.quarter,
            meeting_id=r.meeting_id,
            progress=progress,
        )
    except reports.Cancelled:
        return None
    # Documents to publish have no fixed pages (Word lays them out when opened): what was
    # written counts bytes, not pages.
    return written if r.fmt == "pdf" and r.kind != "committee" else 0


def print_document(path: Path, printer: QPrinter, token: CancelToken) -> int | None:
    """Render each page of a built PDF onto a chosen printer: the pages printed, None when
    cancelled.

    QPainter may paint on a QPrinter from a worker thread; the printer is not touched by the
    GUI while this runs (the print dialog has closed). The printer was made on the GUI thread
    and is let go of there: the job keeps its work until its end is delivered on that thread.
    """
    from PySide6.QtPdf import QPdfDocument  # optional module: only needed once printing

    document = QPdfDocument()
    document.load(str(path))
    count = document.pageCount()
    if count <= 0:
        raise UserError(f"{path.name} could not be opened for printing.")
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("The printer could not be started.")
    try:
        dpi = printer.resolution()
        area = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
        for index in range(count):
            if token.cancelled():
                printer.abort()
                return None
            token.report(index, count, f"Printing page {index + 1} of {count}…")
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
    return count
