"""The "Import returns" dialog: read files off the GUI thread, preview every row, let the officer decide, apply."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.excel.columns import Meaning
from scp_desktop.services.returns.apply import ApplyResult, apply_import
from scp_desktop.services.returns.export import write_chase_emails
from scp_desktop.services.returns.matching import Outcome, PreviewRow
from scp_desktop.services.returns.preview import (
    FilePreview,
    ImportPreview,
    agency_abbreviations,
    choose_action,
    collect_paths,
    preview_import,
    set_file_agency,
)
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import CancelToken, is_running
from scp_desktop.ui.returns.common import ReturnsDialog, button_row
from scp_desktop.ui.returns.models import (
    FILTER_ALL,
    FILTER_ATTENTION,
    FILTER_UPDATES,
    FileTableModel,
    PreviewTableModel,
    StatusTableModel,
)
from scp_desktop.ui.returns.review import (
    ChooseActionDialog,
    PreviewRagDelegate,
    PreviewTableView,
    detail_pane,
    row_detail_html,
)

FILE_FILTER = "Returns (*.xlsx *.xlsm *.csv);;All files (*)"


class ImportReturnsDialog(ReturnsDialog):
    """Multi-file / folder import with a preview the officer edits before anything is written."""

    preview_ready = Signal(object)  # ImportPreview
    applied = Signal(object)  # ApplyResult
    chased = Signal(object)  # list of reminder .eml paths
    failed = Signal(str)

    def __init__(
        self, db: Database, plan_id: int, quarter_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(db, plan_id, quarter_code, parent)
        self.paths: list[Path] = []
        self.skipped: list[str] = []  # files in dropped folders that are not spreadsheets
        self.column_choices: dict[str, dict[str, dict[int, Meaning]]] = {}
        self.preview: ImportPreview | None = None
        self.setWindowTitle(f"Import returns — {self.quarter.label}")
        self.setAcceptDrops(True)
        self.resize(1200, 760)

        outer = QVBoxLayout(self)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._summary_page())

        self.buttons, self.apply_button = button_row(self, "Apply", self.apply)
        self.apply_button.setEnabled(False)
        outer.addWidget(self.buttons)

    # ------------------------------------------------------------ layout
    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.preview_model = PreviewTableModel(self)
        self.preview_model.selection_changed.connect(self._update_counts)
        top = QHBoxLayout()
        add_files = QPushButton("Add files…")
        add_folder = QPushButton("Add folder…")
        self.clear_button = QPushButton("Clear")
        add_files.clicked.connect(self._choose_files)
        add_folder.clicked.connect(self._choose_folder)
        self.clear_button.clicked.connect(self.clear)
        hint = QLabel(
            "…or drop returns and folders here. Nothing is written until you press Apply."
        )
        hint.setStyleSheet("color: #555")
        for w in (add_files, add_folder, self.clear_button):
            top.addWidget(w)
        top.addWidget(hint, 1)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.file_model = FileTableModel(self)
        self.file_view = QTableView()
        self.file_view.setTabKeyNavigation(False)
        self.file_view.setAccessibleName("Files")
        self.file_view.setModel(self.file_model)
        self.file_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.file_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.file_view.verticalHeader().setVisible(False)
        self.file_view.setToolTip("Double-click a file's agency to say whose return it is")
        self.file_view.doubleClicked.connect(self._file_double_clicked)
        header = self.file_view.horizontalHeader()
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.file_view.setColumnWidth(0, 260)
        splitter.addWidget(self.file_view)

        rows_box = QWidget()
        rows_layout = QVBoxLayout(rows_box)
        rows_layout.setContentsMargins(0, 0, 0, 0)
        tools = QHBoxLayout()
        self.filter_combo = QComboBox()
        self.filter_combo.addItem("All rows", FILTER_ALL)
        self.filter_combo.addItem("Needing attention", FILTER_ATTENTION)
        self.filter_combo.addItem("Updates only", FILTER_UPDATES)
        self.filter_combo.currentIndexChanged.connect(
            lambda: self.preview_model.set_filter(str(self.filter_combo.currentData()))
        )
        tick_all = QPushButton("Tick all")
        untick_all = QPushButton("Untick all")
        tick_all.clicked.connect(lambda: self.preview_model.set_all(True))
        untick_all.clicked.connect(lambda: self.preview_model.set_all(False))
        self.match_button = QPushButton("Choose action…")
        self.match_button.setToolTip("Match the selected row to another action of the plan")
        self.match_button.clicked.connect(self._choose_action_for_current)
        self.columns_button = QPushButton("Columns…")
        self.columns_button.setToolTip("Say what the columns of the selected file mean")
        self.columns_button.clicked.connect(self._edit_columns)
        tools.addWidget(QLabel("Show:"))
        tools.addWidget(self.filter_combo)
        tools.addWidget(tick_all)
        tools.addWidget(untick_all)
        tools.addStretch(1)
        tools.addWidget(self.match_button)
        tools.addWidget(self.columns_button)
        rows_layout.addLayout(tools)

        self.preview_view = PreviewTableView()
        self.preview_view.setTabKeyNavigation(False)
        self.preview_view.setAccessibleName("Rows to import")
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setSortingEnabled(True)
        self.preview_view.sortByColumn(PreviewTableModel.ROW, Qt.SortOrder.AscendingOrder)
        self.preview_view.setWordWrap(False)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.preview_view.doubleClicked.connect(self._double_clicked)
        # The RAG cell is a drop-down (double-click, click the selected row's, or F2).
        self.preview_view.setItemDelegateForColumn(
            PreviewTableModel.RAG_COL, PreviewRagDelegate(self.preview_view)
        )
        self.preview_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        for col, width in enumerate((50, 150, 110, 45, 240, 45, 85, 360, 110, 190)):
            self.preview_view.setColumnWidth(col, width)
        self.preview_view.horizontalHeader().setStretchLastSection(True)
        # How the RAG was read sits beside it (shown there, kept last in the model).
        self.preview_view.horizontalHeader().moveSection(
            PreviewTableModel.RAG_RULE, PreviewTableModel.RAG_COL + 1
        )
        self.detail = detail_pane()
        rows_split = QSplitter(Qt.Orientation.Horizontal)
        rows_split.addWidget(self.preview_view)
        rows_split.addWidget(self.detail)
        rows_split.setStretchFactor(0, 3)
        rows_split.setStretchFactor(1, 1)
        rows_split.setSizes([860, 300])
        rows_layout.addWidget(rows_split, 1)
        self.preview_view.selectionModel().currentChanged.connect(lambda *_: self._show_detail())
        self.preview_model.dataChanged.connect(lambda *_: self._show_detail())
        self.preview_model.modelReset.connect(self._show_detail)
        self.preview_model.layoutChanged.connect(lambda *_: self._show_detail())
        splitter.addWidget(rows_box)
        splitter.setSizes([150, 520])
        layout.addWidget(splitter, 1)

        self.counts = QLabel("Add the returns that came back to see what importing them would do.")
        self.counts.setAccessibleName("Summary of the preview")
        layout.addWidget(self.counts)
        return page

    def _summary_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("font-size: 11pt")
        layout.addWidget(self.summary_label)
        self.skipped_label = QLabel("Rows not imported, and why:")
        layout.addWidget(self.skipped_label)
        self.skipped_list = QListWidget()
        self.skipped_list.setAccessibleName("Rows not imported, and why")
        self.skipped_list.setWordWrap(True)
        layout.addWidget(self.skipped_list, 1)
        layout.addWidget(QLabel(f"Returns for {self.quarter.label}: whom to chase"))
        self.status_model = StatusTableModel(self)
        self.status_view = QTableView()
        self.status_view.setTabKeyNavigation(False)
        self.status_view.setAccessibleName("Returned and not returned")
        self.status_view.setModel(self.status_model)
        self.status_view.verticalHeader().setVisible(False)
        self.status_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.status_view, 1)
        self.chase_label = QLabel()
        self.chase_label.setWordWrap(True)
        layout.addWidget(self.chase_label)
        self.chase_button = QPushButton("Write reminder emails…")
        self.chase_button.setToolTip(
            "Email drafts (.eml), each with a fresh copy of the return, for the agencies not yet returned"
        )
        self.chase_button.clicked.connect(self._choose_chase_folder)
        more = QPushButton("Import more returns")
        more.clicked.connect(self._import_more)
        row = QHBoxLayout()
        row.addWidget(self.chase_button)
        row.addStretch(1)
        row.addWidget(more)
        layout.addLayout(row)
        return page

    # ------------------------------------------------------------ choosing files
    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Returns to import", str(Path.home()), FILE_FILTER
        )
        if files:
            self.add_paths([Path(f) for f in files])

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of returns", str(Path.home()))
        if folder:
            self.add_paths([Path(folder)])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.add_paths(paths)
            event.acceptProposedAction()

    def add_paths(self, paths: list[Path]) -> None:
        for path in collect_paths(paths, self.skipped):
            if path not in self.paths:
                self.paths.append(path)
        self.read_files()

    def clear(self) -> None:
        self.paths = []
        self.skipped = []
        self.column_choices = {}
        self._show_preview(None)

    # ------------------------------------------------------------ reading (worker thread)
    def read_files(self) -> None:
        if not self.paths or is_running(self._job):
            return
        db, paths, quarter, plan_id = self.db, list(self.paths), self.quarter, self.plan_id
        choices = {k: dict(v) for k, v in self.column_choices.items()}

        def work(token: CancelToken) -> ImportPreview:
            return preview_import(
                db,
                paths,
                quarter,
                plan_id=plan_id,
                column_choices=choices,
                progress=token.report,
                cancelled=token.cancelled,
            )

        self._run(
            work,
            f"Reading {len(paths)} file(s)…",
            self._preview_done,
            total=len(paths),
            describe=lambda done, total, name: f"Reading {name} ({done + 1} of {total})…",
        )

    def _run(self, work: Any, label: str, done: Any, **options: Any) -> None:
        self.apply_button.setEnabled(False)
        self._run_job(work, label, done, self._failed, **options)

    def _preview_done(self, preview: ImportPreview) -> None:
        self._finish_task()
        self._show_preview(preview)
        self.preview_ready.emit(preview)

    def _failed(self, message: str) -> None:
        self._finish_task()
        self.counts.setText(f"<span style='color:#C62828'>Nothing was written: {message}</span>")
        self._update_apply()
        self.failed.emit(message)

    def _show_preview(self, preview: ImportPreview | None) -> None:
        self.preview = preview
        files = preview.files if preview else []
        counts = [len(preview.rows_of(i)) for i in range(len(files))] if preview else []
        self.file_model.set_files(files, counts)
        self.preview_model.set_preview(preview)
        self._update_counts()

    def _update_counts(self) -> None:
        preview = self.preview
        if preview is None:
            self.counts.setText(
                "Add the returns that came back to see what importing them would do."
            )
            self._update_apply()
            return
        c = preview.counts()
        refused = sum(1 for f in preview.files if f.status == "rejected")
        ticked = sum(1 for r in preview.rows if r.selected)
        parts = [
            f"{len(preview.files)} file(s)" + (f", {refused} refused" if refused else ""),
            f"{len(preview.rows)} rows: {c[Outcome.UPDATE]} update, {c[Outcome.UNCHANGED]} unchanged, "
            f"{c[Outcome.WARNING]} to check, {c[Outcome.ERROR]} error, {c[Outcome.UNMATCHED]} not matched",
            f"<b>{ticked} ticked to apply</b>",
        ]
        skipped = sorted(set(self.skipped) | set(preview.skipped))
        if skipped:
            parts.append(f"{len(skipped)} other file(s) in the folder left out (not spreadsheets)")
        if preview.cancelled:
            parts.append("reading was cancelled: only the files read so far are shown")
        self.counts.setText(" · ".join(parts))
        self._update_apply()

    def _update_apply(self) -> None:
        preview = self.preview
        self.apply_button.setEnabled(
            not is_running(self._job)
            and preview is not None
            and any(f.status == "ok" for f in preview.files)
            and self.pages.currentIndex() == 0
        )

    # ------------------------------------------------------------ fixing rows
    def _current_row(self) -> PreviewRow | None:
        index = self.preview_view.currentIndex()
        return self.preview_model.row_at(index.row()) if index.isValid() else None

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.column() in (PreviewTableModel.ACTION, PreviewTableModel.MESSAGE):
            self._choose_action_for_current()

    def _show_detail(self) -> None:
        self.detail.setHtml(row_detail_html(self.preview, self._current_row()))

    def choose_action_dialog(self) -> ChooseActionDialog | None:
        """The 'Choose action' dialog for the selected row (not yet shown)."""
        row = self._current_row()
        if row is None or self.preview is None:
            return None
        return ChooseActionDialog(self.db, self.preview, row, self)

    def _choose_action_for_current(self) -> None:
        dialog = self.choose_action_dialog()
        if dialog is None:
            return
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.chose_in(dialog)

    def chose_in(self, dialog: ChooseActionDialog) -> None:
        """What the officer chose in the dialog: a plan's action, none, or a new action."""
        if dialog.added is not None:
            self._show_preview(self.preview)  # the plan has one more action
            self._select_row(dialog.row)
        else:
            self.choose_action(dialog.row, dialog.chosen)

    def _select_row(self, target: PreviewRow) -> None:
        for r in range(self.preview_model.rowCount()):
            if self.preview_model.row_at(r) is target:
                self.preview_view.setCurrentIndex(self.preview_model.index(r, 0))
                return

    def choose_action(self, row: PreviewRow, action_id: int | None) -> None:
        assert self.preview is not None
        choose_action(self.preview, row, action_id)
        self.preview_model.refresh_row(row)

    def _file_double_clicked(self, index: QModelIndex) -> None:
        if self.preview is None or not index.isValid():
            return
        if index.column() != 2:
            self._edit_columns()
            return
        fp = self.preview.files[index.row()]
        if fp.status != "ok":
            return
        options = ["(no agency)", *agency_abbreviations(self.preview)]
        current = options.index(fp.agency) if fp.agency in options else 0
        text, ok = QInputDialog.getItem(
            self, "Whose return", f"{fp.name} is the return of:", options, current, False
        )
        if ok:
            self.set_file_agency(index.row(), "" if text == options[0] else text)

    def set_file_agency(self, file_index: int, abbreviation: str) -> None:
        assert self.preview is not None
        set_file_agency(self.preview, file_index, abbreviation)
        self._show_preview(self.preview)

    def _edit_columns(self) -> None:
        if self.preview is None:
            return
        index = self.file_view.currentIndex()
        file_index = index.row() if index.isValid() else 0
        if not (0 <= file_index < len(self.preview.files)):
            return
        fp = self.preview.files[file_index]
        if not any(sheet.headers for sheet in fp.sheets):
            return  # refused before any header could be read (not a spreadsheet, damaged…)
        dialog = ColumnsDialog(fp, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_column_choices(fp.name, dialog.choices())

    def set_column_choices(self, file_name: str, choices: dict[str, dict[int, Meaning]]) -> None:
        """The officer's column meanings for one file (remembered for its agency on Apply); re-reads."""
        self.column_choices[file_name] = choices
        self.read_files()

    # ------------------------------------------------------------ applying
    def apply(self) -> None:
        preview = self.preview
        if preview is None or is_running(self._job):
            return
        db = self.db

        def work(_token: CancelToken) -> ApplyResult:
            return apply_import(db, preview)

        # No Cancel: one transaction, it completes or changes nothing.
        self._run(work, "Applying the returns…", self._applied, cancellable=False)

    def _applied(self, result: ApplyResult) -> None:
        self._finish_task()
        lines = result.lines()
        # Rows not applied because their update changed after the preview, each in words.
        skipped = "".join(f"<br>⚠ {html.escape(line)}" for line in lines[3:])
        undo = (
            "<br>Edit ▸ Undo in the main window (or History, on any action it updated) undoes "
            "this import as one step."
            if result.action_ids
            else ""
        )
        self.summary_label.setText(f"<b>{lines[0]}.</b><br>{lines[1]}<br>{lines[2]}{skipped}{undo}")
        self.skipped_list.clear()
        self.skipped_list.addItems(result.skipped)
        self.skipped_label.setText(
            f"{len(result.skipped)} row(s) not imported, and why:"
            if result.skipped
            else "Every row read was imported."
        )
        self.status_model.set_items(result.status)
        self.pages.setCurrentIndex(1)
        self._update_apply()
        self.applied.emit(result)

    def _choose_chase_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder for the reminder emails", str(Path.home())
        )
        if folder:
            self.write_chase_emails(Path(folder))

    def write_chase_emails(self, folder: Path) -> None:
        """Reminder drafts for every agency whose return has not come back (worker thread)."""
        if is_running(self._job):
            return
        db, plan_id, quarter = self.db, self.plan_id, self.quarter

        def work(_token: CancelToken) -> list[Path]:
            return write_chase_emails(db, plan_id, quarter, folder, today=dt.date.today())

        self._run(work, "Writing reminder emails…", self._chased, cancellable=False)

    def _chased(self, written: list[Path]) -> None:
        self._finish_task()
        if written:
            self.chase_label.setText(
                f"{len(written)} reminder email draft(s) written to {written[0].parent}: "
                + ", ".join(p.stem.split()[-1] for p in written)
            )
        else:
            self.chase_label.setText("Every agency has returned: no reminders needed.")
        self.chased.emit(written)

    def _import_more(self) -> None:
        self.paths = []
        self.skipped = []
        self.column_choices = {}
        self._show_preview(None)
        self.pages.setCurrentIndex(0)
        self._update_apply()


_CHOOSABLE = (
    Meaning.REFERENCE,
    Meaning.TITLE,
    Meaning.RAG,
    Meaning.PROGRESS,
    Meaning.REPORTED_BY,
    Meaning.REPORTED_ON,
    Meaning.LEAD,
    Meaning.PREVIOUS,
    Meaning.IGNORE,
)


class ColumnsDialog(QDialog):
    """What each column of a file means; the choice is remembered for the file's agency."""

    def __init__(self, file: FilePreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Columns of {file.name}")
        self.resize(520, 480)
        self._combos: dict[str, dict[int, QComboBox]] = {}
        layout = QVBoxLayout(self)
        note = QLabel(
            "Say what each column holds. "
            + (f"This is remembered for {file.agency}'s next returns." if file.agency else "")
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        area = QScrollArea()
        area.setWidgetResizable(True)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        for sheet in file.sheets:
            if not sheet.headers:
                continue
            box = QGroupBox(f"Sheet '{sheet.name}' (header in row {sheet.header_row})")
            form = QFormLayout(box)
            combos: dict[int, QComboBox] = {}
            for col, header in enumerate(sheet.headers):
                if not header:
                    continue
                combo = QComboBox()
                for meaning in _CHOOSABLE:
                    combo.addItem(meaning.label, meaning.value)
                current = sheet.meanings.get(col, Meaning.IGNORE)
                found = combo.findData(current.value)
                combo.setCurrentIndex(found if found >= 0 else combo.findData(Meaning.IGNORE.value))
                form.addRow(header[:60], combo)
                combos[col] = combo
            self._combos[sheet.name] = combos
            inner_layout.addWidget(box)
        inner_layout.addStretch(1)
        area.setWidget(inner)
        layout.addWidget(area, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choices(self) -> dict[str, dict[int, Meaning]]:
        return {
            sheet: {col: Meaning(str(combo.currentData())) for col, combo in combos.items()}
            for sheet, combos in self._combos.items()
        }
