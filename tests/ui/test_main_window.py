"""The main window opens offscreen on the demo plan and shows its priorities."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from scp_desktop.storage.database import Database
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import Settings


def test_main_window_shows_demo_priorities(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db, Settings())
    qtbot.addWidget(window)
    window.show()
    nav = window.navigator
    top = [nav.topLevelItem(i).text(0) for i in range(nav.topLevelItemCount())]
    assert len(top) == 4
    assert top[0].startswith("Key priority 1: Tackling organised crime")
    assert window.demo_notice.isVisible()
    assert "Demo data" in window.demo_notice.text()
