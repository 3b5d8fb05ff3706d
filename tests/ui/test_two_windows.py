"""Two windows (and the command line) on one plan file: every overwrite case of a stale
editor, form, undo or import preview is refused with who changed what, and nothing is lost."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.return_workbook import LEAD_SHEET
from scp_desktop.services import records, workspace
from scp_desktop.services.records import RecordKind
from scp_desktop.services.returns.export import export_returns
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import Action, AuditEntry, QuarterUpdate
from scp_desktop.ui.action_form import ActionFormDialog
from scp_desktop.ui.conflict_dialog import ConflictDialog
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.reference_editors import RecordFormDialog, RecordPanel
from scp_desktop.ui.returns import ImportReturnsDialog
from scp_desktop.ui.settings import Settings
from scp_desktop.ui.update_editor import UpdateEditorDialog

TODAY = dt.date(2022, 11, 15)  # in Q3 2022-23
Q3 = "2022-23-Q3"
Accepted = QDialog.DialogCode.Accepted
Rejected = QDialog.DialogCode.Rejected

Script = Callable[[QDialog], QDialog.DialogCode]


@pytest.fixture
def plan_file(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "shared.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """What each window would show in a (modal) message box, by officer."""
    shown: dict[str, list[str]] = {}
    monkeypatch.setattr(
        MainWindow,
        "show_error",
        lambda self, message: shown.setdefault(self.db.user, []).append(message),
    )
    return shown


@pytest.fixture
def scripts(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Script]]:
    """What the officer does in each modal dialog, in turn: keyed by dialog kind."""
    queue: dict[str, list[Script]] = {"editor": [], "form": [], "conflict": [], "record": []}

    def run(kind: str) -> Callable[[QDialog], QDialog.DialogCode]:
        def exec_(dialog: QDialog) -> QDialog.DialogCode:
            assert queue[kind], f"an unexpected {kind} dialog opened"
            return queue[kind].pop(0)(dialog)

        return exec_

    monkeypatch.setattr(UpdateEditorDialog, "exec", run("editor"))
    monkeypatch.setattr(ActionFormDialog, "exec", run("form"))
    monkeypatch.setattr(ConflictDialog, "exec", run("conflict"))
    monkeypatch.setattr(RecordFormDialog, "exec", run("record"))
    return queue


def _window(qtbot: QtBot, path: Path, officer: str, tmp_path: Path) -> Iterator[MainWindow]:
    db, _ = open_database(path, user=officer)
    settings = Settings(QSettings(str(tmp_path / f"{officer}.ini"), QSettings.Format.IniFormat))
    settings.officer_name = officer
    w = MainWindow(db, settings, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    yield w
    db.close()


@pytest.fixture
def alice(
    qtbot: QtBot, plan_file: Path, tmp_path: Path, errors: object, scripts: object
) -> Iterator[MainWindow]:
    yield from _window(qtbot, plan_file, "Alice", tmp_path)


@pytest.fixture
def bob(
    qtbot: QtBot, plan_file: Path, tmp_path: Path, errors: object, scripts: object
) -> Iterator[MainWindow]:
    yield from _window(qtbot, plan_file, "Bob", tmp_path)


def _at_q3(window: MainWindow, action_id: int) -> None:
    window.quarter_combo.setCurrentIndex(window.quarter_combo.findData(Q3))
    assert window.quarter is not None and window.quarter.code == Q3
    assert window.select_action(action_id)


def _narrative(db: Database, action_id: int) -> str | None:
    with db.session(audit=False) as s:
        return s.scalar(
            select(QuarterUpdate.narrative).where(
                QuarterUpdate.action_id == action_id, QuarterUpdate.quarter == Q3
            )
        )


def _typing(text: str) -> Script:
    def type_(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, UpdateEditorDialog)
        dialog.rag.set_value(dialog.rag.value() or RAG.AMBER)
        dialog.narrative.setPlainText(text)
        return Accepted

    return type_


def _conflict_rows(dialog: ConflictDialog) -> list[list[str]]:
    table = dialog.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _ep_return(db: Database, folder: Path, narrative: str) -> tuple[Path, list[int]]:
    """EP's Q3 return filled in, and the ids of the actions it reports on."""
    quarter = Quarter.parse(Q3)
    result = export_returns(db, plan_for_quarter(db, quarter), quarter, folder, agencies=["EP"])
    path = result.returns[0].path
    wb = openpyxl.load_workbook(path)
    ws = wb[LEAD_SHEET]
    refs = []
    for row in range(5, ws.max_row + 1):
        if ws.cell(row, 1).value:
            ws.cell(row, 7).value = "Green"
            ws.cell(row, 8).value = f"{narrative} {ws.cell(row, 1).value}"
            refs.append(str(ws.cell(row, 1).value))
    wb.save(path)
    with db.session(audit=False) as s:
        ids = [s.scalars(select(Action.id).where(Action.reference == r)).first() for r in refs]
    return path, [i for i in ids if i is not None]


def test_editor_open_while_the_command_line_imports(
    alice: MainWindow, bob: MainWindow, scripts: dict[str, list[Script]], tmp_path: Path
) -> None:
    """OK in an editor opened before an import lands no longer replaces the imported text."""
    path, action_ids = _ep_return(alice.db, tmp_path / "returns", "From the return")
    action_id = action_ids[0]
    _at_q3(alice, action_id)

    def type_while_import_lands(dialog: QDialog) -> QDialog.DialogCode:
        _typing("Alice typed this")(dialog)
        env = {**os.environ, "LOGNAME": "cli-officer", "USER": "cli-officer"}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "scp_desktop",
                "import",
                "--db",
                str(alice.db.path),
                "--quarter",
                Q3,
                str(path),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return Accepted

    seen: dict[str, object] = {}

    def reload(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ConflictDialog)
        seen["rows"] = _conflict_rows(dialog)
        dialog.reload_button.click()
        return Accepted

    def theirs_with_mine_beside(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, UpdateEditorDialog) and dialog.mine is not None
        seen["theirs"] = dialog.narrative.toPlainText()
        seen["mine"] = dialog.mine.toPlainText()
        return Rejected

    scripts["editor"] += [type_while_import_lands, theirs_with_mine_beside]
    scripts["conflict"].append(reload)
    alice.action_commands.edit_update()

    assert not scripts["editor"] and not scripts["conflict"]
    rows = seen["rows"]
    assert isinstance(rows, list) and rows[0][0].startswith("cli-officer")
    assert any(r[2] == "(added)" or r[2] == "Progress" for r in rows)
    assert str(seen["theirs"]).startswith("From the return")
    assert seen["mine"] == "Alice typed this"
    assert str(_narrative(alice.db, action_id)).startswith("From the return")


def test_save_mine_over_theirs_is_knowing_and_recorded(
    alice: MainWindow,
    bob: MainWindow,
    scripts: dict[str, list[Script]],
    errors: dict[str, list[str]],
) -> None:
    action_id = alice.model.row_at(0).id
    _at_q3(alice, action_id)
    _at_q3(bob, action_id)

    def bob_writes_meanwhile(dialog: QDialog) -> QDialog.DialogCode:
        _typing("Alice's words")(dialog)
        scripts["editor"].insert(0, _typing("Bob's words"))
        bob.action_commands.edit_update()
        return Accepted

    def overwrite(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ConflictDialog)
        # Bob filled in the empty quarter first: an addition, with his reason.
        assert [r[0] for r in _conflict_rows(dialog)] == ["Bob"]
        assert _conflict_rows(dialog)[0][2] == "(added)"
        dialog.overwrite_button.click()
        return Accepted

    scripts["editor"].append(bob_writes_meanwhile)
    scripts["conflict"].append(overwrite)
    alice.action_commands.edit_update()
    assert _narrative(alice.db, action_id) == "Alice's words"
    with alice.db.session(audit=False) as s:
        reasons = [
            e.reason
            for e in s.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity == "quarter_update", AuditEntry.user == "Alice"
                )
            )
        ]
    assert reasons and all("saved over a newer change knowingly" in r for r in reasons)
    assert not errors


def test_undo_after_another_window_wrote_is_refused(
    alice: MainWindow,
    bob: MainWindow,
    scripts: dict[str, list[Script]],
    errors: dict[str, list[str]],
) -> None:
    action_id = alice.model.row_at(0).id
    _at_q3(alice, action_id)
    _at_q3(bob, action_id)
    scripts["editor"].append(_typing("Alice first"))
    alice.action_commands.edit_update()
    scripts["editor"].append(_typing("Bob after her"))
    bob.action_commands.edit_update()
    assert _narrative(alice.db, action_id) == "Bob after her"

    assert alice.undo.stack.canUndo()
    alice.acts.undo.trigger()
    message = " ".join(errors["Alice"])
    assert "Could not undo" in message and "changed by Bob" in message
    assert "Bob after her" in message
    assert _narrative(alice.db, action_id) == "Bob after her"  # never applied
    assert not alice.undo.stack.canUndo()  # the command is obsolete

    # Bob's own undo still works: his write is the latest.
    bob.acts.undo.trigger()
    assert _narrative(bob.db, action_id) == "Alice first"
    assert "Bob" not in errors


def test_a_stale_action_form_does_not_revert_a_rename(
    alice: MainWindow, bob: MainWindow, scripts: dict[str, list[Script]]
) -> None:
    action_id = alice.model.row_at(0).id
    alice.select_action(action_id)
    bob.select_action(action_id)
    title = workspace.action_detail(alice.db, action_id).fields.title

    def bob_renames(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ActionFormDialog)
        dialog.title_edit.setText("Renamed by Bob")
        return Accepted

    def alice_edits_while_bob_renames(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ActionFormDialog)
        assert dialog.title_edit.text() == title
        dialog.about.setPlainText("Alice's new description")
        scripts["form"].insert(0, bob_renames)
        bob.action_commands.edit_action()
        return Accepted

    shown: list[list[str]] = []

    def reload(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ConflictDialog)
        shown.extend(_conflict_rows(dialog))
        dialog.reload_button.click()
        return Accepted

    reloaded: dict[str, str] = {}

    def see_theirs(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ActionFormDialog) and dialog.mine is not None
        reloaded["title"] = dialog.title_edit.text()
        reloaded["mine"] = dialog.mine.toPlainText()
        return Rejected

    scripts["form"] += [alice_edits_while_bob_renames, see_theirs]
    scripts["conflict"].append(reload)
    alice.action_commands.edit_action()

    assert any(
        r[0].startswith("Bob") and r[2] == "Title" and r[3] == title and r[4] == "Renamed by Bob"
        for r in shown
    )
    assert reloaded["title"] == "Renamed by Bob"
    assert "About: Alice's new description" in reloaded["mine"]
    detail = workspace.action_detail(alice.db, action_id)
    assert detail.fields.title == "Renamed by Bob"  # the rename stands
    assert detail.fields.about != "Alice's new description"


def test_an_import_previewed_as_new_does_not_replace_an_update_typed_since(
    qtbot: QtBot,
    alice: MainWindow,
    bob: MainWindow,
    scripts: dict[str, list[Script]],
    tmp_path: Path,
) -> None:
    path, action_ids = _ep_return(alice.db, tmp_path / "returns", "From the return")
    dialog = ImportReturnsDialog(alice.db, plan_for_quarter(alice.db, Quarter.parse(Q3)), Q3)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.add_paths([path])
    preview = dialog.preview
    assert preview is not None
    typed_on = action_ids[0]
    row = next(r for r in preview.rows if r.action_id == typed_on)
    assert row.selected and row.message.startswith("New update")

    _at_q3(bob, typed_on)
    scripts["editor"].append(_typing("Typed by Bob after the preview"))
    bob.action_commands.edit_update()

    with qtbot.waitSignal(dialog.applied, timeout=30000) as applied:
        dialog.apply_button.click()
    summary = dialog.summary_label.text()
    assert "not applied" in summary and "Not applied" in summary
    assert f"row {row.row}" in summary and "added by Bob" in summary
    assert len(applied.args[0].conflicts) == 1
    assert _narrative(alice.db, typed_on) == "Typed by Bob after the preview"
    others = action_ids[1:]
    assert others
    assert all(str(_narrative(alice.db, i)).startswith("From the return") for i in others)


def _setting(field: str, value: str) -> Script:
    def set_(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, RecordFormDialog)
        editor = dialog.editors[field]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        else:
            assert isinstance(editor, QLineEdit)
            editor.setText(value)
        return Accepted

    return set_


def test_reference_records_and_objectives_refuse_a_stale_edit(
    qtbot: QtBot,
    alice: MainWindow,
    bob: MainWindow,
    scripts: dict[str, list[Script]],
    errors: dict[str, list[str]],
) -> None:
    alice_panel = RecordPanel(RecordKind.ACRONYM, alice.db, alice.edits)
    bob_panel = RecordPanel(RecordKind.ACRONYM, bob.db, bob.edits)
    for panel in (alice_panel, bob_panel):
        qtbot.addWidget(panel)
        panel.view.selectRow(0)
    record = alice_panel.current()
    assert record is not None
    scripts["record"].append(_setting("meaning", "Meaning by Bob"))
    bob_panel.edit()

    mine_shown: list[str] = []

    def see_both(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, RecordFormDialog) and dialog.mine is not None
        mine_shown.append(dialog.mine.toPlainText())
        editor = dialog.editors["meaning"]
        assert isinstance(editor, QLineEdit) and editor.text() == "Meaning by Bob"
        return Rejected

    scripts["record"] += [_setting("meaning", "Meaning by Alice"), see_both]

    def reload(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ConflictDialog)
        dialog.reload_button.click()
        return Accepted

    scripts["conflict"].append(reload)
    alice_panel.edit()
    assert mine_shown and "Meaning by Alice" in mine_shown[0]
    now = next(r for r in records.list_records(alice.db, RecordKind.ACRONYM) if r.id == record.id)
    assert now.values["meaning"] == "Meaning by Bob"

    # An objective renamed in one window is not reverted by a stale form in the other.
    priority_id = alice.model.row_at(0).priority_id
    objective_id = alice.model.row_at(0).objective_id
    alice.select_action(alice.model.row_at(0).id)
    bob.select_action(bob.model.row_at(0).id)

    def bob_renames_meanwhile(dialog: QDialog) -> QDialog.DialogCode:
        _setting("title", "Objective as Alice would have it")(dialog)
        scripts["record"].insert(0, _setting("title", "Objective renamed by Bob"))
        bob.plan_commands.edit_objective()
        return Accepted

    seen: list[str] = []

    def cancel(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ConflictDialog)
        seen.extend(dialog.table.item(r, 4).text() for r in range(dialog.table.rowCount()))
        dialog.cancel_button.click()
        return Rejected

    scripts["record"].append(bob_renames_meanwhile)
    scripts["conflict"].append(cancel)
    alice.plan_commands.edit_objective()
    assert "Objective renamed by Bob" in seen
    titles = {
        r.id: r.values["title"]
        for r in records.list_records(alice.db, RecordKind.OBJECTIVE, priority_id)
    }
    assert titles[objective_id] == "Objective renamed by Bob"
    assert not scripts["record"] and not scripts["conflict"]
    assert not errors


def test_undo_of_a_rename_after_another_window_edited_the_action_is_refused(
    alice: MainWindow,
    bob: MainWindow,
    scripts: dict[str, list[Script]],
    errors: dict[str, list[str]],
) -> None:
    action_id = alice.model.row_at(0).id
    alice.select_action(action_id)
    bob.select_action(action_id)
    title = workspace.action_detail(alice.db, action_id).fields.title

    def renaming(new_title: str) -> Script:
        def rename(dialog: QDialog) -> QDialog.DialogCode:
            assert isinstance(dialog, ActionFormDialog)
            dialog.title_edit.setText(new_title)
            return Accepted

        return rename

    scripts["form"].append(renaming("Renamed by Alice"))
    alice.action_commands.edit_action()
    scripts["form"].append(renaming("Renamed again by Bob"))
    bob.action_commands.edit_action()
    alice.acts.undo.trigger()
    message = " ".join(errors["Alice"])
    assert "Could not undo" in message and "Renamed again by Bob" in message
    assert workspace.action_detail(alice.db, action_id).fields.title == "Renamed again by Bob"
    # Bob undoes his own rename: back to Alice's, whose undo is no longer on her list.
    bob.acts.undo.trigger()
    assert workspace.action_detail(bob.db, action_id).fields.title == "Renamed by Alice"
    assert not alice.undo.stack.canUndo() and title != "Renamed by Alice"


def _rag(db: Database, action_id: int) -> str | None:
    with db.session(audit=False) as s:
        return s.scalar(
            select(QuarterUpdate.rag).where(
                QuarterUpdate.action_id == action_id, QuarterUpdate.quarter == Q3
            )
        )


def _q3_cell(window: MainWindow, action_id: int) -> object:
    from scp_desktop.ui.action_table import Column

    return window.model.index(window.model.row_of(action_id), Column.Q3)


def test_a_rag_typed_into_a_stale_table_cell_is_refused_then_reloaded(
    alice: MainWindow,
    bob: MainWindow,
    scripts: dict[str, list[Script]],
    errors: dict[str, list[str]],
) -> None:
    """A RAG key on a cell showing an older update asks, naming who set what, and Reload
    shows theirs: nothing of Bob's is overwritten unseen."""
    action_id = alice.model.row_at(0).id
    _at_q3(alice, action_id)
    _at_q3(bob, action_id)
    scripts["editor"].append(_typing("Bob's narrative"))
    bob.action_commands.edit_update()
    bob_rag = _rag(bob.db, action_id)
    assert bob_rag is not None
    other = RAG.RED if bob_rag != "R" else RAG.GREEN
    seen: dict[str, object] = {}

    def reload(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ConflictDialog)
        seen["rows"] = _conflict_rows(dialog)
        dialog.reload_button.click()
        return Accepted

    scripts["conflict"].append(reload)
    # Alice's table still shows the quarter as it was before Bob's update.
    assert alice.model.setData(_q3_cell(alice, action_id), other)  # type: ignore[arg-type]
    assert not scripts["conflict"], "no conflict dialog was shown"
    rows = seen["rows"]
    assert isinstance(rows, list) and rows and all(r[0] == "Bob" for r in rows)
    assert _rag(alice.db, action_id) == bob_rag
    assert _narrative(alice.db, action_id) == "Bob's narrative"
    # Reloaded: the cell now shows Bob's RAG, and a RAG typed now is saved.
    row = alice.model.row_at(alice.model.row_of(action_id))
    assert row.rags[2] is not None and row.rags[2].value == bob_rag
    assert alice.model.setData(_q3_cell(alice, action_id), other)  # type: ignore[arg-type]
    assert _rag(alice.db, action_id) == other.value
    assert _narrative(alice.db, action_id) == "Bob's narrative"
    assert not errors


def test_a_stale_rag_key_saved_over_knowingly_and_cancel_saves_nothing(
    alice: MainWindow,
    bob: MainWindow,
    scripts: dict[str, list[Script]],
) -> None:
    action_id = alice.model.row_at(1).id
    _at_q3(alice, action_id)
    _at_q3(bob, action_id)
    assert bob.model.setData(_q3_cell(bob, action_id), RAG.AMBER)  # type: ignore[arg-type]
    assert _rag(bob.db, action_id) == "A"

    def cancel(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ConflictDialog)
        dialog.cancel_button.click()
        return Rejected

    def overwrite(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ConflictDialog)
        dialog.overwrite_button.click()
        return Accepted

    scripts["conflict"] += [cancel, overwrite]
    alice.model.setData(_q3_cell(alice, action_id), RAG.RED)  # type: ignore[arg-type]
    assert _rag(alice.db, action_id) == "A"
    alice.model.setData(_q3_cell(alice, action_id), RAG.RED)  # type: ignore[arg-type]
    assert _rag(alice.db, action_id) == "R"
    assert not scripts["conflict"]


def test_a_change_of_ones_own_in_another_window_is_worded_so(
    qtbot: QtBot,
    plan_file: Path,
    tmp_path: Path,
    errors: dict[str, list[str]],
    scripts: dict[str, list[Script]],
) -> None:
    """The same officer in two windows: the refusal says "you, in another window"."""
    first = next(_window(qtbot, plan_file, "Alice", tmp_path))
    second = next(_window(qtbot, plan_file, "Alice", tmp_path / "second"))
    action_id = first.model.row_at(2).id
    _at_q3(first, action_id)
    _at_q3(second, action_id)
    assert second.model.setData(_q3_cell(second, action_id), RAG.GREEN)  # type: ignore[arg-type]
    seen: dict[str, object] = {}

    def look(dialog: QDialog) -> QDialog.DialogCode:
        assert isinstance(dialog, ConflictDialog)
        seen["rows"] = _conflict_rows(dialog)
        seen["text"] = " ".join(label.text() for label in dialog.findChildren(QLabel))
        dialog.cancel_button.click()
        return Rejected

    scripts["conflict"].append(look)
    first.model.setData(_q3_cell(first, action_id), RAG.RED)  # type: ignore[arg-type]
    rows = seen["rows"]
    assert isinstance(rows, list) and rows[0][0] == "you, in another window"
    assert "by you, in another window, after you opened it" in str(seen["text"])
    assert "someone else" not in str(seen["text"])
