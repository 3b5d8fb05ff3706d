"""Help ▸ User guide (F1): the README's sections on the workspace, returns and reports, with
their pictures, shown offline; each dialog's Help opens the section about it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

# The README's top-level sections the guide holds, in this order, each with its subsections.
GUIDE_SECTIONS = (
    "Starting: the demo, or your own partnership",
    "The workspace",
    "Partner returns",
    "New plan from spreadsheet",
    "Performance statistics",
    "Printed reports",
    "Meetings and meeting packs",
    "Backups and restore",
    "Documents to publish: Word and HTML",
    "Several officers on one plan: a shared plan server",
)
_HEADING = re.compile(r"^(#{2,3}) (.+)$")


def guide_folder() -> Path:
    """Where README.md and its pictures are: beside the package, or in the bundle's guide
    folder (build.spec copies them there)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "guide"
    return Path(__file__).resolve().parents[2]


def guide_markdown(readme: str) -> str:
    """The chosen sections of the README, in guide order, as one Markdown text."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in readme.splitlines():
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 2:
            title = match.group(2).strip()
            current = sections.setdefault(title, []) if title in GUIDE_SECTIONS else None
        if current is not None:
            current.append(line)
    missing = [t for t in GUIDE_SECTIONS if t not in sections]
    parts = ["# SCP Desktop user guide", ""]
    for title in GUIDE_SECTIONS:
        if title in sections:
            parts += sections[title] + [""]
    if missing:
        parts.append("*Not found in this copy of the guide: " + ", ".join(missing) + ".*")
    return "\n".join(parts)


def headings(markdown: str) -> list[tuple[int, str]]:
    return [
        (len(m.group(1)), m.group(2).strip())
        for m in (_HEADING.match(line) for line in markdown.splitlines())
        if m is not None
    ]


class UserGuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("SCP Desktop user guide")
        self.setAccessibleName("User guide")
        self.resize(1000, 680)
        folder = folder or guide_folder()
        readme = folder / "README.md"
        try:
            markdown = guide_markdown(readme.read_text(encoding="utf-8"))
        except OSError as exc:
            markdown = f"# User guide\n\nThe guide could not be read from {readme}: {exc}."
        self.contents = QListWidget(self)
        self.contents.setAccessibleName("Guide contents")
        self.contents.setMaximumWidth(260)
        for level, title in headings(markdown):
            self.contents.addItem(("    " if level == 3 else "") + title)
        self.text = QTextBrowser(self)
        self.text.setAccessibleName("Guide text")
        self.text.setOpenExternalLinks(True)
        self.text.setSearchPaths([str(folder)])
        self.text.document().setBaseUrl(folder.as_uri() + "/")
        self.text.setMarkdown(markdown)
        row = QHBoxLayout()
        row.addWidget(self.contents)
        row.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.contents.currentTextChanged.connect(lambda t: self.show_section(t.strip()))

    def show_section(self, title: str) -> bool:
        """Scroll so the heading `title` is at the top; False when the guide has none."""
        document = self.text.document()
        cursor = QTextCursor(document)
        while True:
            cursor = document.find(title, cursor, QTextDocument.FindFlag.FindCaseSensitively)
            if cursor.isNull():
                return False
            if cursor.block().blockFormat().headingLevel() > 0 and cursor.block().text() == title:
                break
        cursor.clearSelection()
        self.text.setTextCursor(cursor)
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())  # then back: the heading ends up at the top
        self.text.ensureCursorVisible()
        return True


def open_guide(parent: QWidget | None, section: str = "") -> UserGuideDialog:
    """Shown beside the window (not modal) so the officer can follow it while working."""
    guide = UserGuideDialog(parent)
    guide.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    guide.show()
    if section:
        guide.show_section(section)
    return guide


def _uses_alt_h(dialog: QDialog) -> bool:
    texts = [b.text() for b in dialog.findChildren(QAbstractButton)]
    texts += [label.text() for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    return any(re.search(r"(?<!&)&[hH]", t.replace("&&", "")) for t in texts)


def install_help(dialog: QDialog, section: str) -> None:
    """F1 in `dialog`, and a Help button where it has a standard button row, open `section`."""
    if dialog.property("scp_help"):
        return  # the dialog set up its own
    dialog.setProperty("scp_help", True)
    # Alt+H unless the dialog already uses it (F1 works either way).
    text = "Help" if _uses_alt_h(dialog) else "&Help"
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), dialog)
    shortcut.activated.connect(lambda: open_guide(dialog, section))
    for box in dialog.findChildren(QDialogButtonBox):
        if box.window() is dialog:
            help_button = box.addButton(QDialogButtonBox.StandardButton.Help)
            help_button.setText(text)
            help_button.setAutoDefault(False)
            box.helpRequested.connect(lambda: open_guide(dialog, section))
            return
    layout = dialog.layout()
    if layout is None:
        return
    button = QPushButton(text, dialog)
    button.setAutoDefault(False)
    button.clicked.connect(lambda: open_guide(dialog, section))
    # No standard button row: into the last row of buttons the window has (no new row
    # taking height from a short screen).
    rows: list[QBoxLayout] = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        inner = item.layout() if item is not None else None
        if isinstance(inner, QBoxLayout) and inner.direction() in (
            QBoxLayout.Direction.LeftToRight,
            QBoxLayout.Direction.RightToLeft,
        ):
            rows.append(inner)
    if rows:
        rows[-1].addWidget(button)
    else:
        layout.addWidget(button)
        layout.setAlignment(button, Qt.AlignmentFlag.AlignRight)


# Which part of the guide each dialog opens at (by class name; others: the workspace).
SECTION_OF_DIALOG = {
    "PrepareReturnsDialog": "Partner returns",
    "ImportReturnsDialog": "Partner returns",
    "ExportPlanDialog": "Partner returns",
    "NewPlanFromSpreadsheetDialog": "New plan from spreadsheet",
    "ReportDialog": "Printed reports",
    "MeetingsDialog": "Meetings and meeting packs",
    "IndicatorsWindow": "Performance statistics",
    "BackupsDialog": "Backups and restore",
    "PartnershipDialog": "The partnership's profile",
    "UpdateEditorDialog": "The workspace",
    "ActionFormDialog": "The workspace",
}


def section_for(dialog: QWidget) -> str:
    return SECTION_OF_DIALOG.get(type(dialog).__name__, "The workspace")
