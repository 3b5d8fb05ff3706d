"""An action's notes, where a loaded spreadsheet keeps its other columns: shown in the action's
form, edited there like any field, and kept when other fields are edited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QTabWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, AuditEntry
from scp_desktop.ui.action_form import ActionFormDialog
from scp_desktop.ui.main_window import MainWindow
from tests.ui.windows import shown_window

TODAY = dt.date(2022, 8, 15)
KEPT = "How we will measure it: fewer repeat callers\nStatus: On hold"


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    yield shown_window(qtbot, demo_db, tmp_path, TODAY)


def _first_action_with_notes(window: MainWindow, db: Database) -> int:
    """The table's first action, given KEPT as its notes and chosen."""
    action_id = window.model.row_at(0).id
    with db.session() as s:
        action = s.get(Action, action_id)
        assert action is not None
        action.notes = KEPT
    window.select_action(action_id)
    return action_id


def _notes(db: Database, action_id: int) -> str:
    with db.session() as s:
        action = s.get(Action, action_id)
        assert action is not None
        return action.notes


def test_the_form_shows_the_notes_and_saves_an_edit_of_them(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    action_id = _first_action_with_notes(window, demo_db)
    seen: list[str] = []

    def add_a_line(form: ActionFormDialog) -> QDialog.DialogCode:
        tabs = form.findChild(QTabWidget)
        assert tabs is not None
        assert [tabs.tabText(i) for i in range(tabs.count())][-1] == "&Notes"
        seen.append(form.notes.toPlainText())
        form.notes.setPlainText(KEPT + "\nAgreed at the June board")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ActionFormDialog, "exec", add_a_line)
    window.acts.edit_action.trigger()
    assert seen == [KEPT]
    assert _notes(demo_db, action_id) == KEPT + "\nAgreed at the June board"
    with demo_db.session() as s:
        audit = s.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "action",
                AuditEntry.entity_id == action_id,
                AuditEntry.field == "notes",
            )
        ).all()
    assert [(a.old_value, a.new_value) for a in audit][-1] == (
        KEPT,
        KEPT + "\nAgreed at the June board",
    )
    # Undo puts the notes back as they were.
    window.acts.undo.trigger()
    assert _notes(demo_db, action_id) == KEPT


def test_editing_another_field_keeps_the_notes(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    action_id = _first_action_with_notes(window, demo_db)

    def rename(form: ActionFormDialog) -> QDialog.DialogCode:
        form.title_edit.setText("Renamed, notes untouched")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ActionFormDialog, "exec", rename)
    window.acts.edit_action.trigger()
    with demo_db.session() as s:
        action = s.get(Action, action_id)
        assert action is not None
        assert (action.title, action.notes) == ("Renamed, notes untouched", KEPT)
