"""Help ▸ User guide (F1) and each dialog's Help open the guide built from the README."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from scp_desktop.storage.database import Database
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.user_guide import (
    GUIDE_SECTIONS,
    UserGuideDialog,
    guide_folder,
    guide_markdown,
    headings,
)
from tests.ui.keyboard_walk import mnemonic_clashes, tab_traps, too_big
from tests.ui.windows import shown_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    w = shown_window(qtbot, demo_db, tmp_path, dt.date(2022, 8, 15))
    yield w


def _guides() -> list[UserGuideDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, UserGuideDialog)]


def test_the_guide_holds_the_readme_sections_with_their_pictures() -> None:
    assert guide_folder() == ROOT
    markdown = guide_markdown((ROOT / "README.md").read_text(encoding="utf-8"))
    titles = [t for level, t in headings(markdown) if level == 2]
    assert titles == list(GUIDE_SECTIONS)
    assert "Not found" not in markdown
    pictures = re.findall(r"\]\((docs/images/[^)]+)\)", markdown)
    assert "docs/images/action-table.png" in pictures
    for picture in pictures:
        assert (ROOT / picture).is_file(), picture
    # Build instructions and the command line are not for the officer's guide.
    assert "## Set-up" not in markdown and "## Command line" not in markdown


def test_the_build_ships_the_guide_and_its_pictures() -> None:
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert '(str(root / "README.md"), "guide")' in spec
    assert '(str(root / "docs" / "images"), "guide/docs/images")' in spec


def test_a_missing_section_is_said_not_hidden() -> None:
    markdown = guide_markdown("## The workspace\n\nText.\n")
    assert "Not found in this copy of the guide: " in markdown and "Partner returns" in markdown


def test_f1_opens_the_guide_with_its_pictures_and_contents(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window.guide_action.trigger()
    guide = _guides()[-1]
    qtbot.addWidget(guide)
    assert guide.isVisible()
    assert window.guide_action.shortcut().toString() == "F1"
    assert "Help" in [a.text().replace("&", "") for a in window.menuBar().actions()]
    document = guide.text.document()
    assert "Right-click" in document.toPlainText()
    image = document.resource(3, "docs/images/action-table.png")  # 3: an image resource
    assert image is not None and not image.isNull()
    assert guide.contents.count() > len(GUIDE_SECTIONS)
    assert mnemonic_clashes(guide) == {} and tab_traps(guide) == [] and too_big(guide) == []
    guide.grab().save(str(tmp_path / "guide.png"))
    # Choosing a heading in the contents brings it to the top of the text.
    bar = guide.text.verticalScrollBar()
    guide.contents.setCurrentRow(guide.contents.count() - 1)
    assert bar.value() > 0
    guide.close()


def test_a_dialogs_help_button_opens_its_section(window: MainWindow, qtbot: QtBot) -> None:
    opened: list[str] = []

    def press_help() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        box = dialog.findChild(QDialogButtonBox)
        help_button = box.button(QDialogButtonBox.StandardButton.Help) if box else None
        if help_button is None:
            help_button = next(
                b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == "Help"
            )
        help_button.click()
        guide = _guides()[-1]
        cursor = guide.text.textCursor()
        opened.append(cursor.block().text())
        guide.close()
        dialog.reject()

    for trigger, section in (
        (window.open_prepare_returns, "Partner returns"),
        (window.open_reports, "Printed reports"),
    ):
        QTimer.singleShot(200, press_help)
        trigger()
        assert opened[-1] == section
