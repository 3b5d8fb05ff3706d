"""The officer's own sections of a committee report, written and kept per meeting and quarter."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.committee import BLANK_IMPLICATION, HEADER_FIELDS, TEXT_SECTIONS
from scp_desktop.domain.periods import Quarter
from scp_desktop.services import committee
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database, DatabaseError

_HINTS = {
    "executive_summary": "What the report covers and what the committee is asked to look at.",
    "background": "The partnership's duties, its partners and how it works.",
    "future_plans": "What the partnership will do next.",
}


class CommitteeTextsDialog(QDialog):
    """Header fields and free-text sections; the data sections come from the database."""

    def __init__(
        self, db: Database, meeting_id: int, quarter: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.meeting_id = meeting_id
        self.quarter = quarter
        self.setWindowTitle(f"Committee report texts – {Quarter.parse(quarter).label}")
        self.resize(820, 720)
        loaded = committee.load_texts(db, meeting_id, quarter)
        self.source = QLabel(self)
        self.source.setWordWrap(True)
        if loaded.saved:
            self.source.setText("The texts saved for this report.")
        elif loaded.started_from:
            self.source.setText(
                f"Started from the texts of {loaded.started_from}: check every section "
                "before saving."
            )
        else:
            self.source.setText("No texts saved yet: the standard wording is filled in.")

        self.fields: dict[str, QLineEdit] = {}
        self.sections: dict[str, QPlainTextEdit] = {}
        inner = QWidget(self)
        form = QFormLayout(inner)
        for key, label in HEADER_FIELDS:
            line = QLineEdit(loaded.texts.get(key, ""), inner)
            line.setAccessibleName(label)
            self.fields[key] = line
            form.addRow(f"{label}:", line)
        for key, heading in TEXT_SECTIONS:
            edit = QPlainTextEdit(loaded.texts.get(key, ""), inner)
            edit.setAccessibleName(heading)
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText(
                _HINTS.get(key, f"Blank prints: {BLANK_IMPLICATION}")
                if key not in ("action_required", "reason_for_scrutiny")
                else ""
            )
            edit.setMinimumHeight(90)
            self.sections[key] = edit
            form.addRow(f"{heading}:", edit)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.last_error = ""

    def texts(self) -> dict[str, str]:
        found = {k: e.text().strip() for k, e in self.fields.items()}
        found.update({k: e.toPlainText().strip() for k, e in self.sections.items()})
        return found

    def save(self) -> None:
        try:
            committee.save_texts(self.db, self.meeting_id, self.quarter, self.texts())
        except (UserError, DatabaseError) as exc:
            self.last_error = str(exc)
            if self.isVisible():
                QMessageBox.warning(self, "Committee report", str(exc))
            return
        self.accept()
