"""Two indicator value grids (two instances) on one plan file: a stale typed value or undo
is refused with who changed what, and the officer chooses Reload, Save mine or Cancel."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from scp_desktop.services import indicators as svc
from scp_desktop.storage.database import Database, open_database
from scp_desktop.ui.conflict_dialog import ConflictDialog
from scp_desktop.ui.indicators.values_grid import ValuesGridWidget
from tests.ui.test_indicators import cell, grid_widget, rated_indicator

Q2 = "2022-23-Q2"


@pytest.fixture
def two(tmp_path: Path, demo_template: Path) -> Iterator[tuple[Database, Database]]:
    path = tmp_path / "shared.db"
    shutil.copy(demo_template, path)
    alice, _ = open_database(path, user="Alice")
    bob, _ = open_database(path, user="Bob")
    yield alice, bob
    alice.close()
    bob.close()


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[ConflictDialog], None]]:
    """The officer's answer to each conflict dialog, in turn."""
    queue: list[Callable[[ConflictDialog], None]] = []

    def exec_(dialog: ConflictDialog) -> QDialog.DialogCode:
        assert queue, "an unexpected conflict dialog opened"
        queue.pop(0)(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ConflictDialog, "exec", exec_)
    return queue


def _type(widget: ValuesGridWidget, period: str, text: str) -> None:
    model = widget.model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).period == period)
    assert model.setData(
        model.index(row, model.column_index("value")), text, Qt.ItemDataRole.EditRole
    )


def test_a_stale_value_offers_reload_overwrite_or_cancel(
    qtbot: QtBot, two: tuple[Database, Database], answers: list[Callable[[ConflictDialog], None]]
) -> None:
    alice_db, bob_db = two
    ind = rated_indicator(alice_db)
    alice = grid_widget(qtbot, alice_db, ind)
    bob = grid_widget(qtbot, bob_db, ind)
    _type(bob, Q2, "150")  # Alice's grid still shows the quarter empty
    seen: list[list[str]] = []

    def cancel(dialog: ConflictDialog) -> None:
        table = dialog.table
        seen.extend([table.item(r, c).text() for c in range(5)] for r in range(table.rowCount()))
        dialog.cancel_button.click()

    answers.append(cancel)
    _type(alice, Q2, "90")
    assert seen and seen[0][0] == "Bob"
    assert cell(alice, Q2, "value") == "150"  # Bob's figure stands, and is now shown
    assert not alice.undo_stack.canUndo()

    # Alice's grid is up to date now: her next figure saves, and Bob's grid is stale.
    _type(alice, Q2, "100")
    assert cell(alice, Q2, "value") == "100"
    answers.append(lambda dialog: dialog.reload_button.click())
    _type(bob, Q2, "120")
    assert "Yours, not saved" in bob.message.text() and "120" in bob.message.text()
    assert cell(bob, Q2, "value") == "100"

    _type(alice, Q2, "95")
    answers.append(lambda dialog: dialog.overwrite_button.click())
    _type(bob, Q2, "130")
    assert cell(bob, Q2, "value") == "130"
    assert svc.values_grid(alice_db, ind, "2022-23").rows[5].value == "130"


def test_undo_after_another_instance_changed_the_value_is_refused(
    qtbot: QtBot, two: tuple[Database, Database]
) -> None:
    alice_db, bob_db = two
    ind = rated_indicator(alice_db)
    alice = grid_widget(qtbot, alice_db, ind)
    _type(alice, Q2, "90")
    assert alice.undo_stack.canUndo()
    bob = grid_widget(qtbot, bob_db, ind)
    _type(bob, Q2, "150")
    alice.undo_stack.undo()
    assert "Could not undo" in alice.message.text() and "Bob" in alice.message.text()
    assert cell(alice, Q2, "value") == "150"  # never put back to empty
    assert not alice.undo_stack.canUndo()
    # Bob's undo is over his own latest write: it works.
    bob.undo_stack.undo()
    assert cell(bob, Q2, "value") == "90"
