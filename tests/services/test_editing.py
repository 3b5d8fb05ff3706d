"""Editing services on real SQLite files: every write one transaction, audited, undoable."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scp_desktop.domain.rag import RAG, Travel
from scp_desktop.services import editing, plans, records, workspace
from scp_desktop.services.edit_inputs import ActionFields, FundingLineData, UpdateFields
from scp_desktop.services.errors import UserError
from scp_desktop.services.records import RecordKind
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Action,
    AuditEntry,
    Evidence,
    Partner,
    Plan,
    QuarterSignoff,
    QuarterUpdate,
)

TODAY = dt.date(2022, 11, 1)
Q2 = "2022-23-Q2"


def _plan_id(db: Database) -> int:
    return plans.list_plans(db)[0].id


def _partner(db: Database, abbreviation: str) -> int:
    with db.session(audit=False) as s:
        return s.scalars(select(Partner.id).where(Partner.abbreviation == abbreviation)).one()


def _first_objective(db: Database) -> int:
    structure = workspace.plan_structure(db, _plan_id(db))
    return structure.priorities[0][1][0].id


def test_rows_of_the_demo_plan(demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, _plan_id(demo_db), Q2, TODAY)
    assert len(rows) == 51
    reported = [r for r in rows if r.rags[1] is not None]
    assert len(reported) == 42
    assert all(r.not_reported for r in rows if r.rags[1] is None and r.status == "active")
    crew = next(r for r in rows if r.title == "Crucial Crew")
    assert crew.lead == "CBC"
    progress = workspace.load_latest_progress(demo_db, _plan_id(demo_db), Q2)
    assert len(progress) == 51 and progress[crew.id].text
    assert progress[crew.id].quarter == "Q2 2022-23"
    assert any(f.startswith("PFCC:") for r in rows for f in r.frameworks)
    overdue = [r for r in rows if r.overdue]
    assert overdue and all(r.deadline_date and r.deadline_date < TODAY for r in overdue)
    only = workspace.load_action_rows(demo_db, _plan_id(demo_db), Q2, TODAY, action_ids=[crew.id])
    assert [r.id for r in only] == [crew.id]


def test_create_action_validates_and_writes_everything(demo_db: Database) -> None:
    objective = _first_objective(demo_db)
    with pytest.raises(UserError, match="title"):
        editing.create_action(demo_db, objective, ActionFields(title="  "))
    with pytest.raises(UserError, match="lead agency"):
        editing.create_action(demo_db, objective, ActionFields(title="Knife amnesty"))
    cbc, ep = _partner(demo_db, "CBC"), _partner(demo_db, "EP")
    fields = ActionFields(
        title="Knife amnesty bins",
        reference="1.9.1",
        deadline_text="Mar 2023",
        lead_ids=(ep,),
        support_ids=(cbc, ep),
        outputs=("Two bins installed", ""),
        funding=(FundingLineData("Safer Streets", 150000, "bins"),),
    )
    new_id = editing.create_action(demo_db, objective, fields)
    detail = workspace.action_detail(demo_db, new_id)
    assert detail.fields.lead_ids == (ep,)
    assert detail.fields.support_ids == (cbc,)  # a lead is not also a supporter
    assert detail.fields.outputs == ("Two bins installed",)
    assert detail.fields.funding[0].amount_pence == 150000
    with demo_db.session() as s:
        a = s.get(Action, new_id)
        assert a is not None
        assert (a.deadline_kind, a.deadline_date) == ("month", dt.date(2023, 3, 31))
        audit = s.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action_id == new_id, AuditEntry.operation == "insert"
            )
        )
        assert audit and audit >= 4  # action, two partners, output, funding line


def test_update_action_returns_the_state_before(demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, _plan_id(demo_db), Q2, TODAY)
    action_id = rows[0].id
    before = workspace.action_detail(demo_db, action_id).fields
    returned = editing.update_action(
        demo_db, action_id, replace(before, title="Renamed", deadline_text="TBC")
    )
    assert returned == before
    assert workspace.action_detail(demo_db, action_id).fields.title == "Renamed"
    editing.update_action(demo_db, action_id, returned)
    assert workspace.action_detail(demo_db, action_id).fields == before


def test_delete_and_restore_brings_back_updates_and_evidence(
    demo_db: Database, tmp_path: Path
) -> None:
    rows = workspace.load_action_rows(demo_db, _plan_id(demo_db), Q2, TODAY)
    row = next(r for r in rows if r.rags[1] is not None)
    note = tmp_path / "minutes.txt"
    note.write_text("evidence of delivery")
    editing.attach_evidence(demo_db, row.id, note, quarter=Q2, added_by="tester")
    snapshot = editing.delete_action(demo_db, row.id)
    with demo_db.session() as s:
        assert s.get(Action, row.id) is None
        assert not s.scalars(select(QuarterUpdate).where(QuarterUpdate.action_id == row.id)).all()
    assert editing.restore_action(demo_db, snapshot) == row.id
    again = workspace.load_action_rows(demo_db, _plan_id(demo_db), Q2, TODAY, action_ids=[row.id])
    assert again[0].rags == row.rags and again[0].lead == row.lead
    evidence = workspace.list_evidence(demo_db, row.id)
    assert [(e.file_name, e.quarter) for e in evidence] == [("minutes.txt", "Q2 2022-23")]
    assert workspace.evidence_content(demo_db, evidence[0].id)[1] == b"evidence of delivery"


def test_quarter_update_set_change_remove_and_locked(demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, _plan_id(demo_db), Q2, TODAY)
    action_id = rows[0].id
    q3 = "2022-23-Q3"
    assert (
        editing.set_quarter_update(demo_db, action_id, q3, UpdateFields(RAG.AMBER, "late")) is None
    )
    previous = editing.set_quarter_rag(demo_db, action_id, q3, RAG.RED, today=TODAY)
    assert previous == UpdateFields(RAG.AMBER, "late")
    pair = workspace.update_pair(demo_db, action_id, q3)
    assert pair.current.fields is not None and pair.current.fields.rag is RAG.RED
    assert pair.current.fields.narrative == "late"
    assert pair.previous.fields is not None  # Q2 from the demo
    editing.set_quarter_update(demo_db, action_id, q3, None)
    assert workspace.update_pair(demo_db, action_id, q3).current.fields is None
    with demo_db.session() as s:
        s.add(QuarterSignoff(quarter=q3, signed_off_by="chair"))
    with pytest.raises(UserError, match="signed off"):
        editing.set_quarter_update(demo_db, action_id, q3, UpdateFields(RAG.GREEN))


def test_move_within_the_plan_only(demo_db: Database) -> None:
    plan_id = _plan_id(demo_db)
    rows = workspace.load_action_rows(demo_db, plan_id, Q2, TODAY)
    structure = workspace.plan_structure(demo_db, plan_id)
    target = structure.priorities[1][1][0].id
    old = editing.move_action(demo_db, rows[0].id, target)
    assert old == rows[0].objective_id
    moved = workspace.load_action_rows(demo_db, plan_id, Q2, TODAY, action_ids=[rows[0].id])
    assert moved[0].objective_id == target
    result = editing.rollover_plan(demo_db, plan_id, [])
    other = workspace.plan_structure(demo_db, result.plan_id).priorities[0][1][0].id
    with pytest.raises(UserError, match="own plan"):
        editing.move_action(demo_db, rows[0].id, other)


def test_rollover_carries_chosen_actions_and_keeps_history(demo_db: Database) -> None:
    plan_id = _plan_id(demo_db)
    rows = workspace.load_action_rows(demo_db, plan_id, Q2, TODAY)
    chosen = [r.id for r in rows[:5]]
    result = editing.rollover_plan(demo_db, plan_id, chosen)
    assert (result.year, result.actions) == ("2023-24", 5)
    new_rows = workspace.load_action_rows(demo_db, result.plan_id, "2023-24-Q1", TODAY)
    assert [r.title for r in new_rows] == [r.title for r in rows[:5]]
    assert all(r.rags == (None, None, None, None) for r in new_rows)
    with demo_db.session() as s:
        carried = s.scalars(
            select(Action.carried_from_id).where(Action.id.in_([r.id for r in new_rows]))
        )
        assert sorted(carried) == sorted(chosen)
        assert s.scalar(select(func.count(QuarterUpdate.id))) == 42  # old history untouched
    with pytest.raises(UserError, match="already a plan"):
        editing.rollover_plan(demo_db, plan_id, chosen)
    history = workspace.action_history(demo_db, new_rows[0].id)
    assert history.quarters and history.quarters[0].quarter_label == "Q2 2022-23"
    editing.delete_plan(demo_db, result.plan_id)
    with demo_db.session() as s:
        assert s.scalar(select(func.count(Plan.id))) == 1


def test_undoing_a_delete_relinks_the_next_years_copy(demo_db: Database) -> None:
    plan_id = _plan_id(demo_db)
    original = workspace.load_action_rows(demo_db, plan_id, Q2, TODAY)[0].id
    result = editing.rollover_plan(demo_db, plan_id, [original])
    copy = workspace.load_action_rows(demo_db, result.plan_id, "2023-24-Q1", TODAY)[0].id
    snapshot = editing.delete_action(demo_db, original)
    assert snapshot.carried_into == (copy,)
    with demo_db.session() as s:
        assert s.get(Action, copy).carried_from_id is None  # type: ignore[union-attr]
    assert editing.restore_action(demo_db, snapshot) == original
    with demo_db.session() as s:
        assert s.get(Action, copy).carried_from_id == original  # type: ignore[union-attr]
    # The copy's history again reaches back into the old plan's quarters.
    history = workspace.action_history(demo_db, copy)
    assert history.quarters and history.quarters[0].quarter_label == "Q2 2022-23"


def test_records_unique_in_use_and_exact_restore(demo_db: Database) -> None:
    with pytest.raises(UserError, match="already a partner agency"):
        records.save_record(demo_db, RecordKind.PARTNER, None, {"abbreviation": "CBC", "name": "x"})
    with pytest.raises(UserError, match="lead or supporting"):
        records.delete_record(demo_db, RecordKind.PARTNER, _partner(demo_db, "CBC"))
    change = records.save_record(
        demo_db, RecordKind.ACRONYM, None, {"abbreviation": "VAWG", "meaning": "Violence"}
    )
    edited = records.save_record(
        demo_db,
        RecordKind.ACRONYM,
        change.id,
        {"abbreviation": "VAWG", "meaning": "Violence against women and girls"},
    )
    assert edited.before == {"abbreviation": "VAWG", "meaning": "Violence"}
    deleted = records.delete_record(demo_db, RecordKind.ACRONYM, change.id)
    records.set_record_state(demo_db, RecordKind.ACRONYM, change.id, deleted.before)
    again = {r.id: r.values for r in records.list_records(demo_db, RecordKind.ACRONYM)}
    assert again[change.id]["meaning"] == "Violence against women and girls"
    with pytest.raises(UserError, match="amount"):
        records.save_record(demo_db, RecordKind.FUNDING_STREAM, None, {"source": "PCC"})
    priority = workspace.plan_structure(demo_db, _plan_id(demo_db)).priorities[0][0].id
    with pytest.raises(UserError, match="objective"):
        records.delete_record(demo_db, RecordKind.PRIORITY, priority)


IN_USE_KINDS = [kind for kind, spec in records.SPECS.items() if spec.in_use is not None]


@pytest.mark.parametrize("kind", IN_USE_KINDS)
def test_a_record_in_use_is_kept_and_the_refusal_counts_its_users(
    demo_db: Database, kind: RecordKind
) -> None:
    in_use = records.SPECS[kind].in_use
    assert in_use is not None
    with demo_db.session(audit=False) as s:
        record_id = s.scalars(select(in_use.refers).limit(1)).one()
        users = s.scalar(select(func.count()).where(in_use.refers == record_id))
    for delete in (
        lambda: records.delete_record(demo_db, kind, record_id),
        lambda: records.set_record_state(demo_db, kind, record_id, None),  # redo of a delete
    ):
        with pytest.raises(
            UserError, match=rf"cannot be deleted: {users} {re.escape(in_use.what)}"
        ):
            delete()
    with demo_db.session(audit=False) as s:
        assert s.get(records.SPECS[kind].model, record_id) is not None


def test_evidence_too_big_is_refused(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(editing, "MAX_EVIDENCE_BYTES", 10)
    big = tmp_path / "photo.jpg"
    big.write_bytes(b"x" * 100)
    action_id = workspace.load_action_rows(demo_db, _plan_id(demo_db), Q2, TODAY)[0].id
    with pytest.raises(UserError, match=r"photo\.jpg"):
        editing.attach_evidence(demo_db, action_id, big)
    with pytest.raises(UserError, match="Cannot read"):
        editing.attach_evidence(demo_db, action_id, tmp_path / "missing.pdf")
    with demo_db.session() as s:
        assert s.scalar(select(func.count(Evidence.id))) == 0


def test_dashboard_counts_travel_and_statistics(demo_db: Database) -> None:
    plan_id = _plan_id(demo_db)
    d = workspace.dashboard(demo_db, plan_id, Q2, TODAY)
    assert sum(sum(p.counts.values()) for p in d.priorities) == 42
    assert d.travel[Travel.NEW] == 42
    assert len(d.not_reported) == sum(p.not_reported for p in d.priorities)
    rows = workspace.load_action_rows(demo_db, plan_id, Q2, TODAY)
    target = next(r for r in rows if r.rags[1] is RAG.GREEN)
    editing.set_quarter_update(demo_db, target.id, "2022-23-Q3", UpdateFields(RAG.RED))
    d3 = workspace.dashboard(demo_db, plan_id, "2022-23-Q3", TODAY)
    assert d3.travel[Travel.DECLINED] == 1
    tiles = workspace.priority_statistics(demo_db, plan_id, Q2)
    assert [t.label for t in tiles] == ["KP1", "KP2", "KP3", "KP4"][: len(tiles)]
    values = [i for t in tiles for i in t.indicators if i.value is not None]
    assert values and all(i.period for i in values)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no named pipes here")
def test_a_pipe_or_folder_is_refused_as_evidence_without_hanging(
    demo_db: Database, tmp_path: Path
) -> None:
    """A named pipe called report.pdf (left in a shared folder) would block the read for
    ever; a device such as /dev/zero would fill the memory. Both are refused at once."""
    import os
    import threading

    from scp_desktop.storage.models import Evidence

    pipe = tmp_path / "report.pdf"
    os.mkfifo(pipe)
    action_id = workspace.load_action_rows(demo_db, _plan_id(demo_db), Q2, TODAY)[0].id
    outcome: list[BaseException | None] = []

    def attach(path: Path) -> None:
        try:
            editing.attach_evidence(demo_db, action_id, path)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=attach, args=(pipe,), daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():
        # Unblock the reader so the test ends; the attach hung, which is the failure.
        with open(pipe, "wb"):
            pass
        pytest.fail("attaching a named pipe hung")
    assert isinstance(outcome[0], UserError)
    assert "report.pdf is not an ordinary file" in str(outcome[0])
    with pytest.raises(UserError, match="is a folder"):
        editing.attach_evidence(demo_db, action_id, tmp_path)
    if Path("/dev/zero").exists():
        with pytest.raises(UserError, match="not an ordinary file"):
            editing.attach_evidence(demo_db, action_id, Path("/dev/zero"))
    with demo_db.session(audit=False) as s:
        assert s.scalar(select(func.count()).select_from(Evidence)) == 0 or all(
            e.file_name != "report.pdf" for e in s.scalars(select(Evidence))
        )
