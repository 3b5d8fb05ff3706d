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


def test_navigator_draws_each_rag_mix_as_a_bar_in_rag_order(
    qtbot: QtBot, demo_db: Database
) -> None:
    from PySide6.QtGui import QColor

    from scp_desktop.domain.rag import RAG
    from scp_desktop.ui.navigator import MIX_ROLE, RAG_ROLE

    window = MainWindow(demo_db, Settings())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    tree = window.navigator.tree
    plan = tree.topLevelItem(0)
    kp1 = plan.child(0)
    red, amber, green, blue, missing = kp1.data(2, MIX_ROLE)
    assert red + amber + green + blue + missing == int(kp1.text(1))
    assert "Green" in kp1.toolTip(2) and "not reported" in kp1.toolTip(2)
    # The line's bar, as drawn: a green stretch for its greens, grey at the end for the rest.
    image = tree.viewport().grab().toImage()
    rect = tree.visualItemRect(kp1)
    left, right = (
        tree.columnViewportPosition(2),
        tree.columnViewportPosition(2) + tree.columnWidth(2),
    )
    y = rect.center().y()
    seen = [image.pixelColor(x, y).name() for x in range(left, right)]
    assert seen.count(QColor(RAG.GREEN.hex_colour).name()) > (right - left) * green // (
        int(kp1.text(1)) * 2
    )
    assert "#d6d6d6" in seen  # not reported
    first_green = seen.index(QColor(RAG.GREEN.hex_colour).name())
    assert first_green < seen.index("#d6d6d6")
    # Action lines show their own RAG as a chip once an objective is opened.
    objective = kp1.child(0)
    objective.setExpanded(True)
    assert objective.childCount() > 0
    assert {objective.child(i).data(2, RAG_ROLE) for i in range(objective.childCount())} <= {
        "R",
        "A",
        "G",
        "B",
        "",
    }
