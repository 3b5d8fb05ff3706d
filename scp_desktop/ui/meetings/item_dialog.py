"""One agenda item: title, number, description, presenter, Part A/B and why it is exempt, and
a report the pack generates for it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.meetings import EXEMPT_PARAGRAPHS, ITEM_REPORTS, exemption_text
from scp_desktop.domain.periods import Quarter
from scp_desktop.services.errors import UserError
from scp_desktop.services.meetings import ItemFields, ItemInfo
from scp_desktop.storage.database import DatabaseError

Save = Callable[[ItemFields], None]


class AgendaItemDialog(QDialog):
    """Edits the fields of one item; `save` is called on OK and the dialog stays open, with
    the message shown, when the item is refused."""

    def __init__(
        self,
        save: Save,
        quarters: list[str],
        item: ItemInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.setWindowTitle("Edit agenda item" if item else "New agenda item")
        self.resize(640, 420)
        self.title_edit = QLineEdit(self)
        self.number_edit = QLineEdit(self)
        self.number_edit.setPlaceholderText("numbered by its place")
        self.number_edit.setMaxLength(10)
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText("One paragraph: what the committee is asked to do")
        self.description_edit.setAccessibleName("Description")
        self.description_edit.setMaximumHeight(110)
        self.presenter_edit = QLineEdit(self)
        self.part_combo = QComboBox(self)
        self.part_combo.addItem("A – open to the public", "A")
        self.part_combo.addItem("B – exempt, public excluded", "B")
        self.exemption_combo = QComboBox(self)
        self.exemption_combo.setEditable(True)
        self.exemption_combo.addItem("", "")
        for number in EXEMPT_PARAGRAPHS:
            text = exemption_text(number)
            self.exemption_combo.addItem(text, text)
        self.exemption_combo.setToolTip(
            "The paragraph of Schedule 12A it is exempt under, or your own wording"
        )
        self.exemption_combo.setAccessibleName("Exempt because")
        self.exemption_combo.setMinimumContentsLength(30)
        self.report_combo = QComboBox(self)
        self.report_combo.addItem("None", "")
        for key, label in ITEM_REPORTS.items():
            self.report_combo.addItem(label, key)
        self.quarter_combo = QComboBox(self)
        self.quarter_combo.addItem("The quarter chosen for the pack", "")
        for code in quarters:
            self.quarter_combo.addItem(Quarter.parse(code).label, code)

        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Number:", self.number_edit)
        form.addRow("&Description:", self.description_edit)
        form.addRow("&Presented by:", self.presenter_edit)
        form.addRow("P&art:", self.part_combo)
        form.addRow("&Exempt because:", self.exemption_combo)
        form.addRow("&Generated report:", self.report_combo)
        form.addRow("&Quarter:", self.quarter_combo)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #B71C1C")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        if item is not None:
            self.title_edit.setText(item.title)
            self.number_edit.setText(item.own_number)
            self.description_edit.setPlainText(item.description)
            self.presenter_edit.setText(item.presenter)
            self.part_combo.setCurrentIndex(self.part_combo.findData(item.part))
            self.exemption_combo.setCurrentText(item.exemption)
            line = self.exemption_combo.lineEdit()
            if line is not None:
                line.setCursorPosition(0)  # the paragraph number is at the start
            self.report_combo.setCurrentIndex(max(0, self.report_combo.findData(item.report)))
            self.quarter_combo.setCurrentIndex(max(0, self.quarter_combo.findData(item.quarter)))
        self.part_combo.currentIndexChanged.connect(self._enable)
        self.report_combo.currentIndexChanged.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        self.exemption_combo.setEnabled(self.part_combo.currentData() == "B")
        self.quarter_combo.setEnabled(bool(self.report_combo.currentData()))

    def fields(self) -> ItemFields:
        part = self.part_combo.currentData()
        report = self.report_combo.currentData() or ""
        return ItemFields(
            title=self.title_edit.text(),
            description=self.description_edit.toPlainText(),
            presenter=self.presenter_edit.text(),
            part=part,
            exemption=self.exemption_combo.currentText() if part == "B" else "",
            number=self.number_edit.text(),
            report=report,
            quarter=(self.quarter_combo.currentData() or "") if report else "",
        )

    def accept(self) -> None:
        try:
            self._save(self.fields())
        except (UserError, DatabaseError) as exc:
            self.message.setText(str(exc))
            return
        super().accept()
