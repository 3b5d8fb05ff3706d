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
    tree = window.navigator.tree
    assert tree.topLevelItemCount() == 1
    plan = tree.topLevelItem(0)
    assert plan.text(0).startswith("2022-23")
    assert plan.text(1) == "51"
    priorities = [plan.child(i).text(0) for i in range(plan.childCount())]
    assert len(priorities) == 4
    assert priorities[0].startswith("KP1: Tackling organised crime")
    assert "G" in plan.child(0).text(2)  # the quarter's RAG mix, with letters
    assert window.demo_notice.isVisible()
    assert "Demo data" in window.demo_text.text()
    assert window.start_empty.isVisible()
