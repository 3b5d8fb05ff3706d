"""Every window and dialog, reached through the menus and buttons the officer uses: Alt
letters reach one target each, Tab leaves every table and list, each fits a small screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from scp_desktop.storage.database import Database
from scp_desktop.ui.main_window import MainWindow
from tests.ui.keyboard_walk import close_what_opens, mnemonic_clashes, tab_traps, too_big
from tests.ui.windows import shown_window

TODAY = dt.date(2022, 8, 15)


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    w = shown_window(qtbot, demo_db, tmp_path, TODAY)
    w.select_action(w.model.row_at(0).id)
    yield w


class Walker:
    """Runs an action, then inspects and closes each modal window it opens (nested ones too)."""

    def __init__(self) -> None:
        self.seen: dict[str, QWidget] = {}
        self.problems: list[str] = []

    def inspect(self, widget: QWidget, where: str) -> None:
        if isinstance(widget, QFileDialog | QPrintDialog):
            return  # the platform's own
        name = f"{where} → {widget.windowTitle() or type(widget).__name__}"
        self.seen[name] = widget
        for letter, targets in mnemonic_clashes(widget).items():
            self.problems.append(f"{name}: Alt+{letter.upper()} reaches {targets}")
        for view in tab_traps(widget):
            self.problems.append(f"{name}: Tab is trapped in '{view}'")
        if not isinstance(widget, QMessageBox | QInputDialog | QMainWindow):
            helps = [
                b for b in widget.findChildren(QPushButton) if b.text().replace("&", "") == "Help"
            ]
            if not helps:
                self.problems.append(f"{name}: no Help button")
            for screen in too_big(widget):
                self.problems.append(f"{name}: does not fit {screen}")

    def run(self, where: str, trigger: Callable[[], object]) -> None:
        handled: set[int] = set()

        def seen(modal: QWidget) -> None:
            if id(modal) not in handled:
                handled.add(id(modal))
                self.inspect(modal, where)

        close_what_opens(trigger, seen)


def _menu_actions(menu: QMenu, path: str) -> Iterator[tuple[str, QAction]]:
    for action in menu.actions():
        if action.isSeparator():
            continue
        label = f"{path} ▸ {action.text().replace('&', '')}"
        if action.menu() is not None:
            yield from _menu_actions(action.menu(), label)
        else:
            yield label, action


def test_every_window_and_dialog_has_unique_alt_letters_no_tab_trap_and_fits(
    window: MainWindow, qtbot: QtBot
) -> None:
    walker = Walker()
    walker.inspect(window, "Main window")
    skip = {window.acts.quit}
    for top in window.menuBar().actions():
        menu = top.menu()
        assert menu is not None
        for label, action in _menu_actions(menu, top.text().replace("&", "")):
            if action in skip or not action.isEnabled():
                continue
            walker.run(label, action.trigger)
            window.select_action(window.model.row_at(0).id)
    print("\n".join(walker.seen))
    assert not walker.problems, "\n".join(walker.problems)
