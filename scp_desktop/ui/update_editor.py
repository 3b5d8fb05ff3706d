"""The quarterly update editor: RAG (keys R, A, G, B), narrative, reported by and date,
beside the previous quarter's update that officers compare against."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG, RAG_ORDER
from scp_desktop.services.edit_inputs import UpdateFields
from scp_desktop.services.workspace import UpdatePair


def chip_style(rag: RAG) -> str:
    return (
        f"background: {rag.hex_colour}; color: {rag.ink_colour}; font-weight: bold; "
        "border-radius: 4px; padding: 2px 8px;"
    )


class RagPicker(QWidget):
    """Four toggle buttons; with focus on the picker, R, A, G or B chooses directly."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("RAG status (press R, A, G or B)")
        # Two rows of two: one row of four is wider than a 1366 px screen at 150 %.
        layout = QGridLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.group = QButtonGroup(self)
        self.buttons: dict[RAG, QPushButton] = {}
        for rag in RAG_ORDER:
            b = QPushButton(f"&{rag.value}  {rag.label} — {rag.meaning}", self)
            b.setCheckable(True)
            b.setAccessibleName(f"{rag.label}: {rag.meaning}")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setStyleSheet(
                "QPushButton { font-weight: bold; padding: 3px 6px; } "
                f"QPushButton:checked {{ background: {rag.hex_colour}; "
                f"color: {rag.ink_colour}; font-weight: bold; }}"
            )
            self.group.addButton(b)
            self.buttons[rag] = b
            layout.addWidget(b, len(self.buttons) // 3, (len(self.buttons) - 1) % 2)
        self.group.buttonClicked.connect(lambda _b: self.changed.emit())
        self.setStyleSheet("RagPicker:focus { border: 2px solid #1565C0; }")

    def value(self) -> RAG | None:
        for rag, b in self.buttons.items():
            if b.isChecked():
                return rag
        return None

    def set_value(self, rag: RAG | None) -> None:
        if rag is None:
            self.group.setExclusive(False)
            for b in self.buttons.values():
                b.setChecked(False)
            self.group.setExclusive(True)
        else:
            self.buttons[rag].setChecked(True)
        self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().upper()
        if text and text in "RAGB" and len(text) == 1:
            self.set_value(RAG(text))
            return
        super().keyPressEvent(event)


class UpdateEditorDialog(QDialog):
    def __init__(
        self,
        pair: UpdatePair,
        *,
        officer: str,
        today: dt.date,
        parent: QWidget | None = None,
        mine: UpdateFields | None = None,
    ) -> None:
        """`mine`: the officer's unsaved update after Reload, kept in view to copy from."""
        super().__init__(parent)
        q = Quarter.parse(pair.current.quarter)
        prev = Quarter.parse(pair.previous.quarter)
        self.setWindowTitle(f"Progress update {q.label} — {pair.title[:60]}")
        self.setAccessibleName("Progress update")
        self.resize(980, 520)
        outer = QVBoxLayout(self)
        title = QLabel(f"<b>{pair.title}</b>", self)
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(title)
        row = QHBoxLayout()
        outer.addLayout(row, 1)

        previous = QGroupBox(f"Previous quarter: {prev.label}", self)
        previous.setAccessibleName("Previous quarter's update")
        p_layout = QVBoxLayout(previous)
        pf = pair.previous.fields
        prev_rag = QLabel(previous)
        if pf is None:
            prev_rag.setText("Not reported")
        else:
            prev_rag.setText(f"{pf.rag.value}  {pf.rag.label} — {pf.rag.meaning}")
            prev_rag.setStyleSheet(chip_style(pf.rag))
        prev_rag.setAccessibleName("Previous RAG")
        p_layout.addWidget(prev_rag, 0, Qt.AlignmentFlag.AlignLeft)
        prev_text = QPlainTextEdit(previous)
        prev_text.setReadOnly(True)
        prev_text.setAccessibleName("Previous progress update")
        prev_text.setPlainText(pf.narrative if pf else "")
        prev_text.setTabChangesFocus(True)
        p_layout.addWidget(prev_text, 1)
        if pf is not None:
            by = pf.reported_by or "unknown"
            on = pf.reported_on.strftime("%d/%m/%Y") if pf.reported_on else "no date"
            p_layout.addWidget(QLabel(f"Reported by {by}, {on}"))
        row.addWidget(previous, 1)

        current = QGroupBox(f"This quarter: {q.label}", self)
        form = QFormLayout(current)
        self.rag = RagPicker(current)
        # No mnemonic here: Alt+R, Alt+A, Alt+G and Alt+B belong to the four RAG buttons.
        form.addRow("RAG:", self.rag)
        self.narrative = QPlainTextEdit(current)
        self.narrative.setAccessibleName("Progress update")
        self.narrative.setTabChangesFocus(True)
        form.addRow("&Progress:", self.narrative)
        self.reported_by = QLineEdit(current)
        self.reported_by.setAccessibleName("Reported by")
        form.addRow("Reported b&y:", self.reported_by)
        self.reported_on = QDateEdit(current)
        self.reported_on.setDisplayFormat("dd/MM/yyyy")
        self.reported_on.setCalendarPopup(True)
        self.reported_on.setAccessibleName("Date reported")
        form.addRow("&Date:", self.reported_on)
        self.remove = QCheckBox("Re&move this quarter's update (back to 'not reported')", current)
        form.addRow(self.remove)
        cf = pair.current.fields
        if pair.current.source and cf is not None:
            form.addRow("Source:", QLabel(pair.current.source))
        row.addWidget(current, 2)

        self.mine: QPlainTextEdit | None = None
        if mine is not None:
            yours = QGroupBox("Yours, not saved (copy what you need)", self)
            yours.setAccessibleName("Your unsaved update")
            y_layout = QVBoxLayout(yours)
            y_rag = QLabel(f"{mine.rag.value}  {mine.rag.label} — {mine.rag.meaning}", yours)
            y_rag.setStyleSheet(chip_style(mine.rag))
            y_layout.addWidget(y_rag, 0, Qt.AlignmentFlag.AlignLeft)
            self.mine = QPlainTextEdit(yours)
            self.mine.setReadOnly(True)
            self.mine.setAccessibleName("Your unsaved progress update")
            self.mine.setPlainText(mine.narrative)
            self.mine.setTabChangesFocus(True)
            y_layout.addWidget(self.mine, 1)
            row.addWidget(yours, 1)
            self.resize(1280, 560)

        self.hint = QLabel(self)
        self.hint.setStyleSheet("color: #B71C1C;")
        outer.addWidget(self.hint)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.remove.setVisible(cf is not None)

        self.rag.set_value(cf.rag if cf else None)
        self.narrative.setPlainText(cf.narrative if cf else "")
        self.reported_by.setText(cf.reported_by if cf and cf.reported_by else officer)
        day = cf.reported_on if cf and cf.reported_on else today
        self.reported_on.setDate(QDate(day.year, day.month, day.day))
        if pair.current.locked:
            self.hint.setText("This update is locked (the quarter has been signed off).")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.rag.changed.connect(self._validate)
        self.remove.toggled.connect(self._validate)
        self._validate()
        self.rag.setFocus()

    def _validate(self) -> None:
        if self.remove.isChecked() or self.rag.value() is not None:
            self.hint.setText("")
            ok = True
        else:
            self.hint.setText("Choose a RAG status (press R, A, G or B).")
            ok = False
        if self.hint.text() == "" or not ok:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def result_fields(self) -> UpdateFields | None:
        """The update to save; None removes the quarter's update."""
        rag = self.rag.value()
        if self.remove.isChecked() or rag is None:
            return None
        d = self.reported_on.date()
        return UpdateFields(
            rag,
            self.narrative.toPlainText().strip(),
            self.reported_by.text().strip(),
            dt.date(d.year(), d.month(), d.day()),
        )
