"""The Meetings window: meetings, the chosen meeting's agenda in order, each item's PDF papers,
and making the meeting pack."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEventLoop, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.services import meetings as svc
from scp_desktop.services import reports
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.ui.jobs import CancelToken, Job, is_running, run_with_progress
from scp_desktop.ui.list_table_model import list_view
from scp_desktop.ui.meetings.item_dialog import AgendaItemDialog
from scp_desktop.ui.meetings.models import AgendaModel, PapersModel
from scp_desktop.ui.screen_fit import scrolled_layout

TITLE = "Meetings"


def _column(*buttons: QPushButton) -> QVBoxLayout:
    layout = QVBoxLayout()
    for button in buttons:
        layout.addWidget(button)
    layout.addStretch(1)
    return layout


class MeetingsDialog(QDialog):
    """Set up meetings and their agendas; attach papers; make the pack in the background."""

    packMade = Signal(str, int)  # path, pages
    failed = Signal(str)
    changed = Signal()  # anything written: for tests and the Reports dialog's meeting list

    def __init__(
        self,
        db: Database,
        plan_id: int | None = None,
        quarter_code: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.plan_id = plan_id
        self.quarter_code = quarter_code
        self.meeting: svc.MeetingDetails | None = None
        self.last_pack: Path | None = None
        self.last_error = ""
        self.setWindowTitle(TITLE)
        self.resize(1180, 760)
        self.job: Job | None = None

        # Meetings
        self.meeting_list = QListWidget(self)
        self.meeting_list.setAccessibleName("Meetings")
        self.new_button = QPushButton("&New meeting", self)
        self.delete_button = QPushButton("Delete meeting…", self)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Meetings", self))
        left_layout.addWidget(self.meeting_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        left_layout.addLayout(row)

        # The meeting
        self.body_edit = QLineEdit(self)
        self.body_edit.setPlaceholderText("e.g. Crime and Disorder Committee")
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.time_edit = QLineEdit(self)
        self.time_edit.setPlaceholderText("e.g. 18:00")
        self.time_edit.setMaximumWidth(120)
        self.venue_edit = QLineEdit(self)
        self.save_button = QPushButton("&Save meeting", self)
        form = QFormLayout()
        form.addRow("&Committee or board:", self.body_edit)
        date_label = QLabel("&Date:", self)
        date_label.setBuddy(self.date_edit)
        time_label = QLabel("T&ime:", self)
        time_label.setBuddy(self.time_edit)
        when = QHBoxLayout()
        when.addWidget(self.date_edit)
        when.addWidget(time_label)
        when.addWidget(self.time_edit)
        when.addStretch(1)
        form.addRow(date_label, when)
        form.addRow("&Venue:", self.venue_edit)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        form.addRow(save_row)
        meeting_box = QGroupBox("Meeting", self)
        meeting_box.setLayout(form)

        # The agenda
        self.agenda_model = AgendaModel(self)
        self.agenda_view = list_view(self.agenda_model, "Agenda items", self)
        for column, width in enumerate((40, 290, 80, 170)):
            self.agenda_view.setColumnWidth(column, width)
        self.add_item_button = QPushButton("&Add item…", self)
        self.edit_item_button = QPushButton("&Edit item…", self)
        self.remove_item_button = QPushButton("&Remove item", self)
        self.up_button = QPushButton("Move &up", self)
        self.down_button = QPushButton("Move do&wn", self)
        agenda_row = QHBoxLayout()
        agenda_row.addWidget(self.agenda_view, 1)
        agenda_row.addLayout(
            _column(
                self.add_item_button,
                self.edit_item_button,
                self.remove_item_button,
                self.up_button,
                self.down_button,
            )
        )
        agenda_box = QGroupBox("Agenda (Part A, then Part B)", self)
        agenda_box.setLayout(agenda_row)

        # The chosen item's papers
        self.papers_model = PapersModel(self)
        self.papers_view = list_view(self.papers_model, "Papers of the chosen item", self)
        for column, width in enumerate((260, 240, 60)):
            self.papers_view.setColumnWidth(column, width)
        self.papers_view.setMinimumHeight(120)
        self.attach_button = QPushButton("A&ttach PDFs…", self)
        self.rename_paper_button = QPushButton("Rena&me…", self)
        self.remove_paper_button = QPushButton("Remove paper", self)
        self.paper_up_button = QPushButton("Earlier", self)
        self.paper_down_button = QPushButton("Later", self)
        papers_row = QHBoxLayout()
        papers_row.addWidget(self.papers_view, 1)
        papers_row.addLayout(
            _column(
                self.attach_button,
                self.rename_paper_button,
                self.remove_paper_button,
                self.paper_up_button,
                self.paper_down_button,
            )
        )
        self.papers_box = QGroupBox(
            "Papers of the chosen item, in the order they are printed", self
        )
        self.papers_box.setLayout(papers_row)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(meeting_box)
        right_layout.addWidget(agenda_box, 3)
        right_layout.addWidget(self.papers_box, 1)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 880])

        # The pack
        self.public_check = QCheckBox("Pu&blic pack (leave out Part B papers)", self)
        self.pack_button = QPushButton("Make &pack…", self)
        self.open_pack_button = QPushButton("&Open pack", self)
        self.open_pack_button.setEnabled(False)
        close_button = QPushButton("Close", self)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.public_check)
        bottom.addWidget(self.pack_button)
        bottom.addWidget(self.open_pack_button)
        bottom.addStretch(1)
        bottom.addWidget(close_button)
        layout = QVBoxLayout(self)
        # The meeting and its agenda scroll on a short screen; the pack buttons stay in view.
        scrolled_layout(self, layout).addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)

        self.meeting_list.currentItemChanged.connect(self._meeting_chosen)
        self.new_button.clicked.connect(self.new_meeting)
        self.delete_button.clicked.connect(self._confirm_delete)
        self.save_button.clicked.connect(self.save_meeting)
        self.add_item_button.clicked.connect(self._add_item)
        self.edit_item_button.clicked.connect(self._edit_item)
        self.agenda_view.doubleClicked.connect(lambda _index: self._edit_item())
        self.remove_item_button.clicked.connect(self._confirm_remove_item)
        self.up_button.clicked.connect(lambda: self.move_item(-1))
        self.down_button.clicked.connect(lambda: self.move_item(1))
        self.agenda_view.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._show_papers()
        )
        self.attach_button.clicked.connect(self._choose_papers)
        self.rename_paper_button.clicked.connect(self._rename_paper)
        self.remove_paper_button.clicked.connect(self.remove_paper)
        self.paper_up_button.clicked.connect(lambda: self.move_paper(-1))
        self.paper_down_button.clicked.connect(lambda: self.move_paper(1))
        self.papers_view.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._enable()
        )
        self.pack_button.clicked.connect(self._choose_pack_file)
        self.open_pack_button.clicked.connect(self._open_pack)
        close_button.clicked.connect(self.reject)
        self.refresh()

    # --- reading -------------------------------------------------------------------------

    def refresh(self, meeting_id: int | None = None, item_id: int | None = None) -> None:
        """Read the meetings again, keeping (or moving to) the chosen meeting and item."""
        if meeting_id is None and self.meeting is not None:
            meeting_id = self.meeting.id
        current = self.current_item()
        if item_id is None and current is not None:
            item_id = current.id
        found = svc.list_meetings(self.db)
        self.meeting_list.blockSignals(True)
        self.meeting_list.clear()
        chosen = 0
        for row, m in enumerate(found):
            when = m.date.strftime("%d/%m/%Y") + (f" {m.time}" if m.time else "")
            entry = QListWidgetItem(f"{when}\n{m.body}")
            entry.setData(256, m.id)
            entry.setToolTip(m.venue)
            self.meeting_list.addItem(entry)
            if m.id == meeting_id:
                chosen = row
        self.meeting_list.blockSignals(False)
        if found:
            self.meeting_list.setCurrentRow(chosen)
            self._show_meeting(self.meeting_list.item(chosen).data(256), item_id)
        else:
            self.new_meeting()

    def _meeting_chosen(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self._show_meeting(current.data(256), None)

    def _show_meeting(self, meeting_id: int, item_id: int | None) -> None:
        try:
            self.meeting = svc.get_meeting(self.db, meeting_id)
        except (UserError, DatabaseError) as exc:
            self.show_error(str(exc))
            return
        m = self.meeting
        self.body_edit.setText(m.body)
        self.date_edit.setDate(QDate(m.date.year, m.date.month, m.date.day))
        self.time_edit.setText(m.time)
        self.venue_edit.setText(m.venue)
        self.save_button.setText("&Save meeting")
        self.agenda_model.set_rows(list(m.items))
        row = next((i for i, it in enumerate(m.items) if it.id == item_id), 0)
        if m.items:
            self.agenda_view.selectRow(row)
        self._show_papers()

    def _show_papers(self) -> None:
        item = self.current_item()
        self.papers_model.set_rows(list(item.papers) if item else [])
        if item is not None:
            self.papers_box.setTitle(f"Papers of item {item.number}, in the order they are printed")
        self._enable()

    def current_item(self) -> svc.ItemInfo | None:
        index = self.agenda_view.currentIndex()
        rows = self.agenda_model.rows
        if not index.isValid() or not 0 <= index.row() < len(rows):
            return None
        return rows[index.row()]

    def current_paper(self) -> svc.PaperInfo | None:
        index = self.papers_view.currentIndex()
        rows = self.papers_model.rows
        if not index.isValid() or not 0 <= index.row() < len(rows):
            return None
        return rows[index.row()]

    def _enable(self) -> None:
        has_meeting = self.meeting is not None
        item = self.current_item()
        paper = self.current_paper()
        busy = is_running(self.job)
        for widget in (self.add_item_button, self.delete_button, self.pack_button):
            widget.setEnabled(has_meeting and not busy)
        for widget in (self.edit_item_button, self.remove_item_button, self.up_button,
                       self.down_button, self.attach_button):  # fmt: skip
            widget.setEnabled(item is not None and not busy)
        for widget in (self.rename_paper_button, self.remove_paper_button, self.paper_up_button,
                       self.paper_down_button):  # fmt: skip
            widget.setEnabled(paper is not None and not busy)

    # --- the meeting -----------------------------------------------------------------------

    def new_meeting(self) -> None:
        """Clear the form for a meeting not saved yet."""
        self.meeting = None
        self.meeting_list.clearSelection()
        self.meeting_list.setCurrentRow(-1)
        self.body_edit.clear()
        today = dt.date.today()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.time_edit.clear()
        self.venue_edit.clear()
        self.save_button.setText("&Create meeting")
        self.agenda_model.set_rows([])
        self.papers_model.set_rows([])
        self.body_edit.setFocus()
        self._enable()

    def meeting_fields(self) -> svc.MeetingFields:
        day = self.date_edit.date()
        return svc.MeetingFields(
            self.body_edit.text(),
            dt.date(day.year(), day.month(), day.day()),
            self.time_edit.text(),
            self.venue_edit.text(),
        )

    def save_meeting(self) -> bool:
        fields = self.meeting_fields()
        if self.meeting is None:
            ok, made = self._write(lambda: svc.create_meeting(self.db, fields))
            if not ok or not isinstance(made, int):
                return False
            self.refresh(meeting_id=made)
            self.status.setText(f"Meeting created: {fields.body.strip()}.")
            return True
        meeting_id = self.meeting.id
        ok, _ = self._write(lambda: svc.update_meeting(self.db, meeting_id, fields))
        if not ok:
            return False
        self.refresh(meeting_id=meeting_id)
        self.status.setText("Meeting saved.")
        return True

    def _confirm_delete(self) -> None:
        if self.meeting is None:
            return
        answer = QMessageBox.question(
            self,
            TITLE,
            f"Delete {self.meeting.label} with its {len(self.meeting.items)} agenda item(s) and "
            "their papers? The change is kept in the audit log.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_meeting()

    def delete_meeting(self) -> None:
        if self.meeting is None:
            return
        meeting_id = self.meeting.id
        ok, what = self._write(lambda: svc.delete_meeting(self.db, meeting_id))
        if ok:
            self.meeting = None
            self.refresh()
            self.status.setText(f"Deleted {what}.")

    # --- agenda items ----------------------------------------------------------------------

    def item_dialog(self, item: svc.ItemInfo | None = None) -> AgendaItemDialog | None:
        """The dialog that adds (or edits) an item; saving it writes and refreshes."""
        if self.meeting is None:
            return None
        meeting_id = self.meeting.id
        written: list[int] = []

        def save(fields: svc.ItemFields) -> None:
            if item is None:
                written.append(svc.add_item(self.db, meeting_id, fields))
            else:
                svc.update_item(self.db, item.id, fields)
                written.append(item.id)
            self.changed.emit()
            self.refresh(item_id=written[-1])

        quarters = svc.report_quarters(self.db)
        return AgendaItemDialog(save, quarters, item, self)

    def _add_item(self) -> None:
        self._run_dialog(self.item_dialog())

    def _edit_item(self) -> None:
        item = self.current_item()
        if item is not None:
            self._run_dialog(self.item_dialog(item))

    def _run_dialog(self, dialog: QDialog | None) -> None:
        if dialog is None:
            return
        dialog.exec()
        dialog.deleteLater()

    def _confirm_remove_item(self) -> None:
        item = self.current_item()
        if item is None:
            return
        papers = f" and its {len(item.papers)} paper(s)" if item.papers else ""
        answer = QMessageBox.question(
            self, TITLE, f"Remove item {item.number} '{item.title}'{papers} from the agenda?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_item()

    def remove_item(self) -> None:
        item = self.current_item()
        if item is None:
            return
        ok, what = self._write(lambda: svc.remove_item(self.db, item.id))
        if ok:
            self.refresh(item_id=-1)
            self.status.setText(f"Removed {what}.")

    def move_item(self, by: int) -> None:
        item = self.current_item()
        if item is None:
            return
        ok, _ = self._write(lambda: svc.move_item(self.db, item.id, by=by))
        if ok:
            self.refresh(item_id=item.id)

    # --- papers ----------------------------------------------------------------------------

    def _choose_papers(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Attach PDF papers", "", "PDF files (*.pdf);;All files (*)"
        )
        if names:
            self.attach_papers([Path(n) for n in names])

    def attach_papers(self, paths: list[Path]) -> None:
        """Check and attach the files in the background (big PDFs take a while to check)."""
        item = self.current_item()
        if item is None:
            return
        db = self.db

        def work(token: CancelToken) -> list[int]:
            return svc.add_papers(
                db, item.id, paths, progress=token.report, cancelled=token.cancelled
            )

        def done(ids: list[int]) -> None:
            self.changed.emit()
            self.refresh(item_id=item.id)
            self.status.setText(
                f"Attached {len(ids)} paper(s) to item {item.number}." if ids else "Cancelled."
            )
            self._enable()

        self._run(work, "Checking the PDF files…", done)

    def _rename_paper(self) -> None:
        paper = self.current_paper()
        if paper is None:
            return
        title, ok = QInputDialog.getText(
            self, TITLE, "Title the agenda lists for this paper:", text=paper.title
        )
        if ok:
            self.rename_paper(title)

    def rename_paper(self, title: str) -> None:
        paper = self.current_paper()
        if paper is not None and self._write(lambda: svc.rename_paper(self.db, paper.id, title))[0]:
            self.refresh()

    def remove_paper(self) -> None:
        paper = self.current_paper()
        if paper is not None and self._write(lambda: svc.remove_paper(self.db, paper.id))[0]:
            self.refresh()

    def move_paper(self, by: int) -> None:
        paper = self.current_paper()
        if paper is None:
            return
        ok, place = self._write(lambda: svc.move_paper(self.db, paper.id, by))
        if ok and isinstance(place, int):
            self.refresh()
            self.papers_view.selectRow(place)

    # --- the pack --------------------------------------------------------------------------

    def suggested_pack_name(self) -> str:
        if self.meeting is None:
            return "Meeting pack.pdf"
        public = " (public)" if self.public_check.isChecked() else ""
        name = f"{self.meeting.body} {self.meeting.date.isoformat()} pack{public}.pdf"
        return re.sub(r'[\\/:*?"<>|]+', "-", name)

    def _choose_pack_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the meeting pack", self.suggested_pack_name(), "PDF files (*.pdf)"
        )
        if name:
            self.make_pack(Path(name if name.lower().endswith(".pdf") else name + ".pdf"))

    def make_pack(self, out: Path) -> None:
        """Build the pack into `out` off the GUI thread, with progress and Cancel."""
        if self.meeting is None:
            return
        db, meeting_id, plan_id = self.db, self.meeting.id, self.plan_id
        quarter, public = self.quarter_code, self.public_check.isChecked()

        def work(token: CancelToken) -> int | None:
            def report(fraction: float, message: str) -> None:
                if token.cancelled():
                    raise reports.Cancelled()
                if fraction >= 0:
                    token.report(int(fraction * 100), 100, message)

            try:
                return reports.build_report(
                    db,
                    "pack",
                    out,
                    plan_id=plan_id,
                    quarter=quarter,
                    meeting_id=meeting_id,
                    progress=report,
                    public=public,
                )
            except reports.Cancelled:
                return None

        def done(pages: int | None) -> None:
            self._enable()
            if pages is None:
                self.status.setText("Cancelled: no pack was written.")
                return
            self.last_pack = out
            self.open_pack_button.setEnabled(True)
            self.status.setText(f"Meeting pack saved: {out} ({pages} pages).")
            self.packMade.emit(str(out), pages)

        self.last_error = ""
        self._run(work, "Making the meeting pack…", done)

    def _run(self, work: Callable[[CancelToken], Any], label: str, done: Any) -> None:
        job = run_with_progress(
            self, work, title=TITLE, label=label, done=done, failed=self._failed
        )
        if job is not None:
            self.job = job
            self._enable()

    def _open_pack(self) -> None:
        if self.last_pack is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_pack)))

    # --- messages --------------------------------------------------------------------------

    def _write(self, change: Callable[[], object]) -> tuple[bool, object]:
        """Run a quick change (one small transaction): whether it was made, and its result.
        A refusal is shown to the officer."""
        try:
            result = change()
        except (UserError, DatabaseError) as exc:
            self.show_error(str(exc))
            return False, None
        self.changed.emit()
        return True, result

    def _failed(self, message: str) -> None:
        self._enable()
        self.show_error(message)
        self.failed.emit(message)

    def show_error(self, message: str) -> None:
        self.last_error = message
        self.status.setText(message)
        if self.isVisible():
            QMessageBox.warning(self, TITLE, message)

    def done(self, result: int) -> None:
        # A job still running is stopped and heard back from before the window goes: its
        # result is delivered to this window.
        job = self.job
        if job is not None and job.running:
            job.cancel()
            deadline = time.monotonic() + 10
            while job.running and time.monotonic() < deadline:
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        super().done(result)
