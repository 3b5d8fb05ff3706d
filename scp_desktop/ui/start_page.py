"""The first-run start page: open the demo, start a new partnership, start from the plan
spreadsheet, or open a plan file (recent ones listed)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scp_desktop import APP_NAME
from scp_desktop.ui.user_guide import install_help


class StartChoice(StrEnum):
    DEMO = "demo"
    NEW_PARTNERSHIP = "new"
    SPREADSHEET = "spreadsheet"
    OPEN = "open"
    RECENT = "recent"


class StartPage(QDialog):
    """Asks what to open; the caller does the work the choice names (`choice`, `recent_path`)."""

    def __init__(self, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        self.setAccessibleName("Start page")
        self.setMinimumWidth(560)
        self.choice: StartChoice | None = None
        self.recent_path: Path | None = None
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>Welcome to {APP_NAME}</h2>", self)
        layout.addWidget(heading)
        intro = QLabel(
            "Your Annual Partnership Plan, partner returns and reports live in one plan file on "
            "this computer. Try the demo, or start your own partnership's file.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        def link(text: str, note: str, choice: StartChoice) -> QCommandLinkButton:
            button = QCommandLinkButton(text, note, self)
            button.setAccessibleName(text.replace("&", ""))
            button.clicked.connect(lambda: self._choose(choice))
            layout.addWidget(button)
            return button

        self.demo_button = link(
            "Open the &demo",
            "The Safer Colchester Partnership's plan 2022-23, in a demo file of its own: "
            "look around and try things, nothing of yours is changed.",
            StartChoice.DEMO,
        )
        self.new_button = link(
            "Start a &new partnership…",
            "Your partnership's name, area, logo and RAG wording, and an empty plan for this "
            "financial year in a new file.",
            StartChoice.NEW_PARTNERSHIP,
        )
        self.spreadsheet_button = link(
            "Start from our plan &spreadsheet…",
            "A new plan file built from the plan spreadsheet you already keep.",
            StartChoice.SPREADSHEET,
        )
        self.open_button = link(
            "&Open a plan file…",
            "A plan file you or a colleague already have (.db).",
            StartChoice.OPEN,
        )
        self.demo_button.setDefault(True)
        self.demo_button.setFocus()

        self.recent_list = QListWidget(self)
        self.recent_list.setAccessibleName("Recent plan files (Enter opens)")
        for name in recent:
            item = QListWidgetItem(Path(name).name, self.recent_list)
            item.setToolTip(name)
            item.setData(Qt.ItemDataRole.UserRole, name)
        self.recent_list.itemActivated.connect(self._recent_chosen)
        if recent:
            label = QLabel("&Recent plan files:", self)
            label.setBuddy(self.recent_list)
            layout.addWidget(label)
            self.recent_list.setMaximumHeight(24 * min(len(recent), 5) + 8)
            layout.addWidget(self.recent_list)
        else:
            self.recent_list.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Quit")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        install_help(self, "Starting: the demo, or your own partnership")

    def _choose(self, choice: StartChoice) -> None:
        self.choice = choice
        self.accept()

    def _recent_chosen(self, item: QListWidgetItem) -> None:
        self.recent_path = Path(str(item.data(Qt.ItemDataRole.UserRole)))
        self._choose(StartChoice.RECENT)
