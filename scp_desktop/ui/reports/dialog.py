"""Report dialog: choose a document, then preview, print or save it as a PDF, or save it as a
Word document or web page to publish."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTemporaryDir, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import plans, publishing, reports
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import CancelToken, Job, is_running, run_with_progress
from scp_desktop.ui.reports.committee_texts import CommitteeTextsDialog
from scp_desktop.ui.reports.worker import ReportRequest, build_document, print_document

try:  # Qt's PDF module is a separate wheel; without it the preview opens the system viewer.
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    HAS_QTPDF = True
except ImportError:  # pragma: no cover - depends on the installation
    HAS_QTPDF = False


class ReportDialog(QDialog):
    """Pick document, plan, quarter (and meeting); build in a worker; preview, print or save."""

    built = Signal(str, int)  # path, pages: for tests and callers that want the file
    failed = Signal(str)

    def __init__(
        self, db: Database, plan_id: int | None, quarter_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Reports")
        self.resize(1000, 760)
        self._tmp = QTemporaryDir()
        self._job: Job | None = None
        self._then: str = ""
        self._printer: QPrinter | None = None
        self.last_path: Path | None = None
        self.last_error = ""
        self.texts_dialog: CommitteeTextsDialog | None = None

        self.kind_combo = QComboBox(self)
        for kind, label in reports.REPORT_KINDS.items():
            self.kind_combo.addItem(label, kind)
        self.kind_combo.addItem(publishing.KINDS["committee"], "committee")
        self.format_combo = QComboBox(self)
        for fmt, label in publishing.FORMATS.items():
            self.format_combo.addItem(label, fmt)
        self.texts_button = QPushButton("Committee report &texts…", self)
        self.plan_combo = QComboBox(self)
        for info in plans.list_plans(db):
            self.plan_combo.addItem(f"{info.title} ({info.year})", info.id)
        if plan_id is not None:
            self.plan_combo.setCurrentIndex(max(0, self.plan_combo.findData(plan_id)))
        self.quarter_combo = QComboBox(self)
        self.meeting_combo = QComboBox(self)
        for meeting in reports.list_meetings(db):
            self.meeting_combo.addItem(meeting.label, meeting.id)
        self.meeting_label = QLabel("&Meeting:", self)
        self.meeting_label.setBuddy(self.meeting_combo)

        form = QFormLayout()
        form.addRow("&Document:", self.kind_combo)
        form.addRow("&Plan:", self.plan_combo)
        form.addRow("&Quarter:", self.quarter_combo)
        form.addRow(self.meeting_label, self.meeting_combo)
        form.addRow("&Format:", self.format_combo)
        form.addRow("", self.texts_button)

        self.preview_button = QPushButton("Pre&view", self)
        self.print_button = QPushButton("P&rint…", self)
        self.save_button = QPushButton("&Save as…", self)
        close_button = QPushButton("Close", self)
        buttons = QHBoxLayout()
        for b in (self.preview_button, self.print_button, self.save_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close_button)

        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.view: QWidget | None = None
        self.document = None
        if HAS_QTPDF:
            self.document = QPdfDocument(self)
            view = QPdfView(self)
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setZoomMode(QPdfView.ZoomMode.FitInView)
            view.setDocument(self.document)
            view.setAccessibleName("Report preview")
            self.view = view
            from scp_desktop.ui.reports.preview_bar import PreviewControls

            self.preview_controls = PreviewControls(view, self.document, self)
            layout.addWidget(self.preview_controls)
            layout.addWidget(view, 1)
        else:
            layout.addStretch(1)

        self.plan_combo.currentIndexChanged.connect(self._fill_quarters)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.format_combo.currentIndexChanged.connect(self._kind_changed)
        self.texts_button.clicked.connect(self.edit_texts)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_as)
        close_button.clicked.connect(self.reject)
        self._fill_quarters()
        if quarter_code:
            self.quarter_combo.setCurrentIndex(max(0, self.quarter_combo.findData(quarter_code)))
        self._kind_changed()

    # --- choices ----------------------------------------------------------------------------

    def _fill_quarters(self) -> None:
        current = self.quarter_combo.currentData()
        self.quarter_combo.clear()
        plan_id = self.plan_combo.currentData()
        if plan_id is None:
            return
        for code in reports.quarters_of_plan(self.db, plan_id):
            self.quarter_combo.addItem(Quarter.parse(code).label, code)
        if current:
            self.quarter_combo.setCurrentIndex(max(0, self.quarter_combo.findData(current)))

    def _kind_changed(self) -> None:
        kind = self.kind_combo.currentData()
        is_pack = kind == "pack"
        is_committee = kind == "committee"
        self.meeting_combo.setVisible(is_pack or is_committee)
        self.meeting_label.setVisible(is_pack or is_committee)
        self.texts_button.setVisible(is_committee)
        self.quarter_combo.setEnabled(kind in ("quarterly", "pack", "committee"))
        # A pack is printed; a committee report is published: each has its own formats.
        model = self.format_combo.model()
        for i in range(self.format_combo.count()):
            fmt = self.format_combo.itemData(i)
            allowed = not (is_pack and fmt != "pdf") and not (is_committee and fmt == "pdf")
            item = model.item(i)  # type: ignore[attr-defined]
            item.setEnabled(allowed)
        if not model.item(self.format_combo.currentIndex()).isEnabled():  # type: ignore[attr-defined]
            self.format_combo.setCurrentIndex(
                self.format_combo.findData("docx" if is_committee else "pdf")
            )
        is_pdf = self.format_combo.currentData() == "pdf"
        self.preview_button.setEnabled(is_pdf and not self.is_busy())
        self.print_button.setEnabled(is_pdf and not self.is_busy())

    def choose(
        self, kind: str, quarter: str = "", meeting_id: int | None = None, fmt: str = ""
    ) -> None:
        """Select a document (as a user would with the combo boxes)."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        if fmt:
            self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))
        if quarter:
            self.quarter_combo.setCurrentIndex(self.quarter_combo.findData(quarter))
        if meeting_id is not None:
            self.meeting_combo.setCurrentIndex(self.meeting_combo.findData(meeting_id))

    def _request(self, out: Path) -> ReportRequest | None:
        plan_id = self.plan_combo.currentData()
        if plan_id is None:
            self._show_error("There is no plan to report on yet.")
            return None
        kind = self.kind_combo.currentData()
        meeting = self.meeting_combo.currentData() if kind in ("pack", "committee") else None
        if kind == "pack" and meeting is None:
            self._show_error("There is no meeting to make a pack for.")
            return None
        if kind == "committee" and meeting is None:
            self._show_error("Set up the committee's meeting first (Meetings).")
            return None
        return ReportRequest(
            kind,
            plan_id,
            self.quarter_combo.currentData() or "",
            meeting,
            out,
            self.format_combo.currentData() or "pdf",
        )

    def _suggested_name(self) -> str:
        return re.sub(r'[\\/:*?"<>|]+', "-", self._document_name())

    def _document_name(self) -> str:
        name = self._pdf_name()
        suffix = publishing.SUFFIX.get(self.format_combo.currentData() or "pdf", ".pdf")
        return name.removesuffix(".pdf") + suffix

    def _pdf_name(self) -> str:
        kind = self.kind_combo.currentData()
        quarter = self.quarter_combo.currentData() or ""
        if kind == "committee":
            return f"Committee report {self.meeting_combo.currentText()} {quarter}.pdf"
        if kind == "plan":
            return f"Annual Partnership Plan {self.plan_combo.currentText()}.pdf"
        if kind == "pack":
            return f"Meeting pack {self.meeting_combo.currentText()}.pdf"
        if kind == "year-end":
            return f"Year-end report {self.plan_combo.currentText()}.pdf"
        return f"Quarterly performance report {quarter}.pdf"

    # --- actions ----------------------------------------------------------------------------

    def preview(self) -> None:
        self._build(self._temp_path("preview"), then="preview")

    def save_as(self) -> None:
        fmt = self.format_combo.currentData() or "pdf"
        suffix = publishing.SUFFIX[fmt]
        kinds = {"pdf": "PDF files", "docx": "Word documents", "html": "Web pages"}
        name, _ = QFileDialog.getSaveFileName(
            self, "Save report as", self._suggested_name(), f"{kinds[fmt]} (*{suffix})"
        )
        if name:
            self.save_to(Path(name if name.lower().endswith(suffix) else name + suffix))

    def edit_texts(self) -> None:
        """The officer's own sections of the committee report for this meeting and quarter."""
        meeting = self.meeting_combo.currentData()
        quarter = self.quarter_combo.currentData()
        if meeting is None or not quarter:
            self._show_error("Choose the meeting and the quarter the report covers first.")
            return
        self.texts_dialog = CommitteeTextsDialog(self.db, meeting, quarter, self)
        self.texts_dialog.open()

    def save_to(self, path: Path) -> None:
        self._build(path, then="saved")

    def print_report(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Build the document and send its pages to an already chosen printer."""
        self._printer = printer
        # Its own file: on Windows the previewed file is held open and cannot be replaced.
        self._build(self._temp_path("print"), then="print")

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def is_busy(self) -> bool:
        return is_running(self._job)

    def _temp_path(self, purpose: str) -> Path:
        return Path(self._tmp.path()) / purpose / self._suggested_name()

    def _build(self, out: Path, *, then: str) -> None:
        if self.is_busy():
            return
        request = self._request(out)
        if request is None:
            return
        self._then = then
        self.last_error = ""
        if self.document is not None and then == "preview":
            self.document.close()  # the file is about to be replaced
        db = self.db
        self._run(lambda token: build_document(db, request, token), "Building the document…", out)

    def _run(self, work: Callable[[CancelToken], int | None], label: str, out: Path) -> None:
        def done(pages: int | None) -> None:
            self._set_busy(False)
            if pages is None:
                self.status.setText("Cancelled.")
            else:
                self._on_finished(str(out), pages)

        def failed(message: str) -> None:
            self._set_busy(False)
            self._on_failed(message)

        self._job = run_with_progress(
            self, work, title="Reports", label=label, done=done, failed=failed, total=100
        )
        self._set_busy(self._job is not None)

    def _set_busy(self, busy: bool) -> None:
        is_pdf = self.format_combo.currentData() == "pdf"
        self.save_button.setEnabled(not busy)
        for b in (self.preview_button, self.print_button):
            b.setEnabled(not busy and is_pdf)

    def _on_finished(self, path: str, pages: int) -> None:
        self.last_path = Path(path)
        if self._then == "preview":
            self._show_preview(Path(path))
            self.status.setText(f"{pages} pages.")
        elif self._then == "print" and self._printer is not None:
            # The document is built; printing is a second background step.
            printer, self._printer = self._printer, None
            QTimer.singleShot(0, lambda: self._start_printing(Path(path), printer))
            return
        elif self._then == "printed":
            self.status.setText(f"Sent {pages} pages to the printer.")
        elif pages == 0:
            self.status.setText(f"Saved {path}.")
        else:
            self.status.setText(f"Saved {path} ({pages} pages).")
        self.built.emit(path, pages)

    def _on_failed(self, message: str) -> None:
        self._show_error(message)
        self.failed.emit(message)

    def _show_error(self, message: str) -> None:
        self.last_error = message
        self.status.setText(message)
        if self.isVisible():
            QMessageBox.warning(self, "Reports", message)

    def _show_preview(self, path: Path) -> None:
        if self.document is not None:
            self.document.load(str(path))
        else:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _start_printing(self, path: Path, printer: QPrinter) -> None:
        """Send the built PDF's pages to the printer in a worker, with progress and Cancel."""
        if not HAS_QTPDF:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
            self.built.emit(str(path), 0)
            return
        self._then = "printed"
        # The job holds the printer until its end is delivered here, on the GUI thread.
        self._run(lambda token: print_document(path, printer, token), "Printing…", path)

    def done(self, result: int) -> None:
        job = self._job
        if job is not None and job.running:
            job.cancel()
            job.wait(5)  # the build stops at its next step; nothing is left half written
        super().done(result)
