"""The choice offered when a save finds the record changed since it was opened: see the
other change (who, when, old → new) and reload, save over it knowingly, or cancel."""

from __future__ import annotations

import html
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.services.errors import ConflictError
from scp_desktop.services.versions import ABSENT, by_whom, when_text, who_text


class Resolution(Enum):
    RELOAD = "reload"
    OVERWRITE = "overwrite"
    CANCEL = "cancel"


class ConflictDialog(QDialog):
    """Shows the other change and asks what to do; `resolution` holds the answer."""

    def __init__(self, conflict: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.resolution = Resolution.CANCEL
        self.setWindowTitle("Changed since you opened it")
        self.setAccessibleName("Changed since you opened it")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        gone = conflict.current_version == ABSENT
        who = by_whom(conflict.changes, conflict.officer)
        pause = "," if who.endswith("window") else ""
        heading = QLabel(
            f"<b>{html.escape(conflict.what)} was {'deleted' if gone else 'changed'} by "
            f"{html.escape(who)}{pause} after you opened it.</b> Your changes have not been "
            "saved yet.",
            self,
        )
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)
        self.table = QTableWidget(0, 5, self)
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName("The other change, field by field")
        self.table.setHorizontalHeaderLabels(["Who", "When", "Field", "Was", "Now"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for change in conflict.changes:
            verb = {"insert": "(added)", "delete": "(deleted)"}.get(change.operation, "")
            fields = change.fields or ()
            rows = [(f.field, f.old, f.new) for f in fields] or [(verb or "(changed)", "", "")]
            for field, old, new in rows:
                r = self.table.rowCount()
                self.table.insertRow(r)
                who = who_text(change.user, conflict.officer)
                for c, text in enumerate((who, when_text(change.at), field, old, new)):
                    item = QTableWidgetItem(text)
                    item.setToolTip(
                        f"{text}\n({change.reason})" if c == 0 and change.reason else text
                    )
                    self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        for c in (0, 1, 2):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        for c in (3, 4):
            # Was and Now share the width, wrapped, so both texts can be read side by side.
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
        explain = QLabel(
            "<b>Reload</b> shows their version, with yours beside it to copy from. "
            "<b>Save mine over theirs</b> replaces their change with yours (the history "
            "records that you did so knowingly). <b>Cancel</b> saves nothing.",
            self,
        )
        explain.setWordWrap(True)
        explain.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(explain)
        self.buttons = QDialogButtonBox(self)
        self.reload_button = QPushButton("&Reload (show theirs, keep mine to copy)", self)
        self.overwrite_button = QPushButton("Save &mine over theirs", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.overwrite_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.reload_button.setDefault(True)
        self.reload_button.clicked.connect(lambda: self._choose(Resolution.RELOAD))
        self.overwrite_button.clicked.connect(lambda: self._choose(Resolution.OVERWRITE))
        self.cancel_button.clicked.connect(lambda: self._choose(Resolution.CANCEL))
        layout.addWidget(self.buttons)

    def _choose(self, resolution: Resolution) -> None:
        self.resolution = resolution
        if resolution is Resolution.CANCEL:
            self.reject()
        else:
            self.accept()


def ask_resolution(conflict: ConflictError, parent: QWidget | None) -> Resolution:
    """Run the dialog modally; Cancel when closed any other way."""
    dialog = ConflictDialog(conflict, parent)
    dialog.exec()
    dialog.deleteLater()
    return dialog.resolution
