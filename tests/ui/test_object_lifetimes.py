"""Qt objects die when the code that owns them lets go, never at a moment chosen by the cyclic
garbage collector (which can be inside another widget's paint)."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from scp_desktop.services import workspace
from scp_desktop.storage.database import Database
from scp_desktop.ui.action_form import PartnerPicker
from scp_desktop.ui.collector import GarbageCollector, install_garbage_collector
from scp_desktop.ui.indicators.values_grid import ValuesGridWidget
from tests.ui.test_indicators import cell, grid_widget, rated_indicator


def paste_q1(widget: ValuesGridWidget) -> None:
    model = widget.model
    widget.table.setCurrentIndex(model.index(0, model.column_index("period")))
    widget.paste_text("Q1 2022-23\t120\n")
    assert widget.message.text().startswith("Pasted"), widget.message.text()


def test_a_values_grid_with_undo_history_is_freed_without_the_cycle_collector(
    qtbot: QtBot, demo_db: Database
) -> None:
    # Each edit pushes an undo command owned by the grid's stack. A command pointing back at
    # the grid made a cycle, so a closed grid was freed only when a collection ran: once,
    # inside a table's paintEvent, which crashed.
    widget = grid_widget(qtbot, demo_db, rated_indicator(demo_db))
    paste_q1(widget)
    assert widget.undo_stack.count() == 1
    widget.close()
    gone = weakref.ref(widget)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del widget
        assert gone() is None  # freed by reference counting alone
    finally:
        if enabled:
            gc.enable()


def test_undo_still_works_through_the_weak_reference(qtbot: QtBot, demo_db: Database) -> None:
    widget = grid_widget(qtbot, demo_db, rated_indicator(demo_db))
    paste_q1(widget)
    assert cell(widget, "2022-23-Q1", "value") == "120"
    widget.undo_stack.undo()
    assert cell(widget, "2022-23-Q1", "value") == ""
    widget.undo_stack.redo()
    assert cell(widget, "2022-23-Q1", "value") == "120"


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collections_run_from_the_event_loop_only(qtbot: QtBot) -> None:
    enabled = gc.isenabled()
    owner = QWidget()
    collector = GarbageCollector(owner, interval_ms=10)
    try:
        assert not gc.isenabled()  # no collection can start inside Qt's own code
        assert install_garbage_collector(owner) is collector  # one per owner
        probe = weakref.ref(_Cycle())
        for _ in range(2000):
            _Cycle()  # enough garbage to pass the first threshold
        assert probe() is not None  # nothing collected it outside the loop
        qtbot.waitUntil(lambda: probe() is None, timeout=5000)
    finally:
        collector.stop()
        owner.deleteLater()
    assert gc.isenabled() == enabled


def test_partner_completion_list_keeps_its_model(qtbot: QtBot) -> None:
    picker = PartnerPicker(
        "lead agency",
        [workspace.Choice(1, "Essex Police"), workspace.Choice(2, "Essex County Fire")],
    )
    qtbot.addWidget(picker)
    gc.collect()
    model = picker.entry.completer().model()
    assert model is not None
    assert model.rowCount() == 2
