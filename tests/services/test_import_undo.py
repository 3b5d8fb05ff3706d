"""Undoing an applied import: every update put back exactly as it was (those it made removed),
redone exactly, and refused with nothing changed where an officer changed one since."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.services import editing, import_undo
from scp_desktop.services.edit_inputs import UpdateFields
from scp_desktop.services.errors import ConflictError, UserError
from scp_desktop.services.indicators import sign_off_quarter
from scp_desktop.services.returns.apply import apply_import
from scp_desktop.services.returns.preview import preview_import
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, Evidence, ImportBatch, ImportChange, QuarterUpdate

Q2 = Quarter.parse("2022-23-Q2")


def _return(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Initiative", "RAG", "Progress", "By"])
    ws.append(["Op Enlightenment", "Amber", "Fewer schools this term", "PC Smith"])  # replaces
    ws.append(["Op Sceptre / Op Pegasi", "behind schedule", "Started late", ""])  # new update
    ws.append(["Op Oscar", "N/A", "Funding agreed", ""])  # RAG held kept, when ticked
    wb.save(path)
    return path


def _updates(db: Database) -> dict[int, tuple[object, ...]]:
    with db.session() as s:
        return {
            u.action_id: tuple(
                getattr(u, c.key) for c in QuarterUpdate.__table__.columns if c.key != "version"
            )
            for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q2.code))
        }


def _action(db: Database, title: str) -> int:
    with db.session() as s:
        return s.scalars(select(Action.id).where(Action.title == title)).one()


def _apply(db: Database, tmp_path: Path) -> int:
    preview = preview_import(db, [_return(tmp_path / "EP return.xlsx")], Q2)
    oscar = next(r for r in preview.rows if r.title == "Op Oscar")
    assert oscar.keeps_rag and oscar.applicable and not oscar.selected
    oscar.selected = True
    result = apply_import(db, preview)
    assert result.created == 1 and result.updated == 2
    assert result.import_id is not None and len(result.action_ids) == 3
    return result.import_id


def test_undo_puts_back_exactly_what_was_there_and_redo_the_import(
    demo_db: Database, tmp_path: Path
) -> None:
    before = _updates(demo_db)
    import_id = _apply(demo_db, tmp_path)
    after = _updates(demo_db)
    sceptre = _action(demo_db, "Op Sceptre / Op Pegasi")
    oscar = _action(demo_db, "Op Oscar")
    assert sceptre not in before and sceptre in after
    rag = [c.key for c in QuarterUpdate.__table__.columns if c.key != "version"].index("rag")
    assert after[oscar][rag] == before[oscar][rag]  # the unreadable RAG left the held one
    with demo_db.session() as s:
        assert s.scalar(select(ImportChange.id).where(ImportChange.action_id == oscar))

    undone = import_undo.undo_import(demo_db, import_id)
    assert undone.undone and set(undone.action_ids) == set(after) - set(before) | {
        _action(demo_db, "Op Enlightenment"),
        oscar,
    }
    assert _updates(demo_db) == before
    with demo_db.session() as s:
        batch = s.get(ImportBatch, import_id)
        assert batch is not None and batch.undone_at is not None and batch.undone_by == "tester"
    with pytest.raises(UserError, match="already undone"):
        import_undo.undo_import(demo_db, import_id)

    import_undo.redo_import(demo_db, import_id)
    assert _updates(demo_db).keys() == after.keys()
    with demo_db.session() as s:
        # Back after the versions it had: its earlier life's changes never read as newer.
        remade = s.scalars(
            select(QuarterUpdate).where(
                QuarterUpdate.action_id == sceptre, QuarterUpdate.quarter == Q2.code
            )
        ).one()
        assert remade.version == 2
    redone = _updates(demo_db)
    id_column = [c.key for c in QuarterUpdate.__table__.columns if c.key != "version"].index("id")
    for action_id, values in after.items():
        # The update the undo removed comes back under a new id; all else is as imported.
        strip = [v for i, v in enumerate(values) if i != id_column]
        assert [v for i, v in enumerate(redone[action_id]) if i != id_column] == strip
    # And undone again: still exactly as before the import.
    import_undo.undo_import(demo_db, import_id)
    assert _updates(demo_db) == before


def test_undo_is_refused_where_an_officer_changed_an_update_since(
    demo_db: Database, tmp_path: Path
) -> None:
    import_id = _apply(demo_db, tmp_path)
    enlightenment = _action(demo_db, "Op Enlightenment")
    editing.set_quarter_update(
        demo_db, enlightenment, Q2.code, UpdateFields(RAG.RED, "Typed by the officer")
    )
    changed = _updates(demo_db)
    with pytest.raises(ConflictError) as refused:
        import_undo.undo_import(demo_db, import_id)
    message = str(refused.value)
    assert message.startswith("The import of EP return.xlsx cannot be undone")
    assert "Op Enlightenment was changed by tester" in message and "Nothing was changed" in message
    assert _updates(demo_db) == changed  # not one update of the import was put back
    with demo_db.session() as s:
        batch = s.get(ImportBatch, import_id)
        assert batch is not None and batch.undone_at is None
    listed = import_undo.imports_touching(demo_db, enlightenment)
    assert [i.id for i in listed] == [import_id] and not listed[0].undone


def test_redo_is_refused_where_an_update_changed_after_the_undo(
    demo_db: Database, tmp_path: Path
) -> None:
    import_id = _apply(demo_db, tmp_path)
    import_undo.undo_import(demo_db, import_id)
    sceptre = _action(demo_db, "Op Sceptre / Op Pegasi")
    editing.set_quarter_update(demo_db, sceptre, Q2.code, UpdateFields(RAG.GREEN, "Typed"))
    changed = _updates(demo_db)
    with pytest.raises(ConflictError, match="cannot be redone"):
        import_undo.redo_import(demo_db, import_id)
    assert _updates(demo_db) == changed


def test_undo_never_removes_evidence_attached_to_an_update_the_import_made(
    demo_db: Database, tmp_path: Path
) -> None:
    import_id = _apply(demo_db, tmp_path)
    sceptre = _action(demo_db, "Op Sceptre / Op Pegasi")
    with demo_db.session() as s:
        update = s.scalars(
            select(QuarterUpdate).where(
                QuarterUpdate.action_id == sceptre, QuarterUpdate.quarter == Q2.code
            )
        ).one()
        s.add(Evidence(action_id=sceptre, update_id=update.id, file_name="a.pdf", content=b"%PDF"))
    kept = _updates(demo_db)
    with pytest.raises(ConflictError, match="evidence attached since"):
        import_undo.undo_import(demo_db, import_id)
    assert _updates(demo_db) == kept


def test_undo_is_refused_once_the_quarter_is_signed_off(demo_db: Database, tmp_path: Path) -> None:
    import_id = _apply(demo_db, tmp_path)
    sign_off_quarter(demo_db, Q2.code)
    kept = _updates(demo_db)
    with pytest.raises(UserError, match="signed off"):
        import_undo.undo_import(demo_db, import_id)
    assert _updates(demo_db) == kept


def test_the_files_applied_together_are_undone_together(demo_db: Database, tmp_path: Path) -> None:
    before = _updates(demo_db)
    first = _return(tmp_path / "EP return.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Initiative", "RAG", "Progress"])
    ws.append(["Box Smart", "G", "Sessions running"])
    wb.save(tmp_path / "CBH return.xlsx")
    preview = preview_import(demo_db, [first, tmp_path / "CBH return.xlsx"], Q2)
    result = apply_import(demo_db, preview)
    assert result.batches == 2 and result.import_id is not None
    with demo_db.session() as s:
        groups = {b.applied_with for b in s.scalars(select(ImportBatch))}
    assert groups == {result.import_id}
    box = _action(demo_db, "Box Smart")
    assert [i.id for i in import_undo.imports_touching(demo_db, box)] == [result.import_id]
    import_undo.undo_import(demo_db, result.import_id)
    assert _updates(demo_db) == before


def test_an_import_no_longer_in_the_file_is_named_as_such(demo_db: Database) -> None:
    with pytest.raises(UserError, match="no longer in this file"):
        import_undo.undo_import(demo_db, 987654)


def test_a_row_added_as_a_new_action_needs_a_title_and_an_objective_of_the_plan(
    demo_db: Database, tmp_path: Path
) -> None:
    from scp_desktop.services.returns.preview import add_row_as_action, objective_choices

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Initiative", "RAG", "Progress"])
    ws.append(["Knife crime awareness week", "on track", "Bins placed"])
    wb.save(tmp_path / "EP new work.xlsx")
    preview = preview_import(demo_db, [tmp_path / "EP new work.xlsx"], Q2)
    row = preview.rows[0]
    objective = objective_choices(demo_db, preview.plan_id)[2]
    with demo_db.session() as s:
        actions = s.scalar(select(func.count()).select_from(Action))
    with pytest.raises(UserError, match="needs a title"):
        add_row_as_action(demo_db, preview, row, objective.id, title="   ")
    with pytest.raises(UserError, match="not in this plan"):
        add_row_as_action(demo_db, preview, row, 987654, title="Knife crime awareness week")
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Action)) == actions  # nothing added
    assert row.action_id is None

    new_id = add_row_as_action(
        demo_db, preview, row, objective.id, title="Knife crime awareness week", reference="9.9"
    )
    assert row.action_id == new_id and row.match_how == "officer" and row.selected
    with demo_db.session() as s:
        added = s.get(Action, new_id)
        assert added is not None and added.objective_id == objective.id
        assert added.reference == "9.9"
        assert [p.partner.abbreviation for p in added.partners if p.role == "lead"] == ["EP"]
    result = apply_import(demo_db, preview)
    assert result.created == 1 and result.action_ids == [new_id]
