"""Every write checks what it replaces: two Database objects on one real file are two
instances of the application, and neither overwrites the other's change unseen."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.return_workbook import LEAD_SHEET
from scp_desktop.services import editing, indicators, records, workspace
from scp_desktop.services.edit_inputs import UpdateFields
from scp_desktop.services.errors import ConflictError
from scp_desktop.services.records import RecordKind
from scp_desktop.services.returns.apply import apply_import
from scp_desktop.services.returns.export import export_returns
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.services.returns.matching import Outcome
from scp_desktop.services.returns.preview import preview_import
from scp_desktop.services.versions import ABSENT, stale_is_conflict
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import AuditEntry, QuarterUpdate
from tests.postgres_server import PASSWORD, PostgresServer

Q2 = "2022-23-Q2"
Q3 = Quarter.parse("2022-23-Q3")
TODAY = dt.date(2022, 11, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def two(
    request: pytest.FixtureRequest, tmp_path: Path, demo_template: Path
) -> Iterator[tuple[Database, Database]]:
    """Alice and Bob, each with the application open on the same file, or each connected
    to the same shared plan as their own database role."""
    if request.param == "postgresql":
        server: PostgresServer = request.getfixturevalue("pg_server")
        name = server.new_database(request.getfixturevalue("pg_demo_template"))
        server.grant(name)
        alice, _ = open_database(server.url(name, server.officer("Alice")), password=PASSWORD)
        bob, _ = open_database(server.url(name, server.officer("Bob")), password=PASSWORD)
        assert (alice.user, bob.user) == ("Alice", "Bob")  # the roles, as the audit log says
    else:
        path = tmp_path / "shared.db"
        shutil.copy(demo_template, path)
        alice, _ = open_database(path, user="Alice")
        bob, _ = open_database(path, user="Bob")
    yield alice, bob
    alice.close()
    bob.close()


def _first_action(db: Database) -> int:
    with db.session(audit=False) as s:
        return s.scalars(
            select(QuarterUpdate.action_id).where(QuarterUpdate.quarter == Q2).limit(1)
        ).one()


def _update(db: Database, action_id: int, quarter: str) -> QuarterUpdate | None:
    with db.session(audit=False) as s:
        return s.scalars(
            select(QuarterUpdate).where(
                QuarterUpdate.action_id == action_id, QuarterUpdate.quarter == quarter
            )
        ).first()


def test_a_stale_update_editor_is_refused_with_who_changed_what(
    two: tuple[Database, Database],
) -> None:
    alice, bob = two
    action_id = _first_action(alice)
    opened = workspace.update_pair(alice, action_id, Q2).current
    assert opened.fields is not None and opened.version == 1
    editing.save_quarter_update(
        bob,
        action_id,
        Q2,
        replace(opened.fields, rag=RAG.RED, narrative="Bob's newer words"),
        expected_version=opened.version,
    )
    with pytest.raises(ConflictError) as caught:
        editing.save_quarter_update(
            alice,
            action_id,
            Q2,
            replace(opened.fields, narrative="Alice's words"),
            expected_version=opened.version,
        )
    conflict = caught.value
    assert conflict.read_version == 1 and conflict.current_version == 2
    text = str(conflict)
    assert "changed by Bob" in text and "Bob's newer words" in text and "Nothing" in text
    assert "RAG" in text and "→ R" in text
    fields = {f.field: (f.old, f.new) for f in conflict.changes[-1].fields}
    assert fields["Progress"] == (opened.fields.narrative, "Bob's newer words")
    # Nothing of Alice's landed; Bob's text is there.
    now = _update(alice, action_id, Q2)
    assert now is not None and now.narrative == "Bob's newer words" and now.version == 2


def test_an_update_removed_or_added_meanwhile_is_a_conflict(
    two: tuple[Database, Database],
) -> None:
    alice, bob = two
    action_id = _first_action(alice)
    opened = workspace.update_pair(alice, action_id, Q2).current
    editing.save_quarter_update(bob, action_id, Q2, None, expected_version=opened.version)
    with pytest.raises(ConflictError, match="deleted by Bob"):
        editing.save_quarter_update(
            alice, action_id, Q2, UpdateFields(RAG.GREEN, "mine"), expected_version=1
        )
    assert _update(alice, action_id, Q2) is None
    # Alice opened an empty quarter; Bob filled it in first.
    empty = workspace.update_pair(alice, action_id, "2022-23-Q4").current
    assert empty.fields is None and empty.version == ABSENT
    editing.save_quarter_update(
        bob, action_id, "2022-23-Q4", UpdateFields(RAG.AMBER, "Bob first"), expected_version=0
    )
    with pytest.raises(ConflictError, match="added by Bob"):
        editing.save_quarter_update(
            alice,
            action_id,
            "2022-23-Q4",
            UpdateFields(RAG.GREEN, "Alice second"),
            expected_version=empty.version,
        )
    kept = _update(alice, action_id, "2022-23-Q4")
    assert kept is not None and kept.narrative == "Bob first"


def test_overwrite_is_a_conscious_save_recorded_in_the_history(
    two: tuple[Database, Database],
) -> None:
    alice, bob = two
    action_id = _first_action(alice)
    opened = workspace.update_pair(alice, action_id, Q2).current
    editing.save_quarter_update(
        bob, action_id, Q2, UpdateFields(RAG.RED, "Bob"), expected_version=opened.version
    )
    with pytest.raises(ConflictError) as caught:
        editing.save_quarter_update(
            alice, action_id, Q2, UpdateFields(RAG.GREEN, "Alice"), expected_version=1
        )
    written = editing.save_quarter_update(
        alice,
        action_id,
        Q2,
        UpdateFields(RAG.GREEN, "Alice"),
        expected_version=caught.value.current_version,
        overwrite=True,
    )
    assert written.version == 3 and written.before is not None
    assert written.before.narrative == "Bob"
    with alice.session(audit=False) as s:
        reasons = {
            e.reason
            for e in s.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity == "quarter_update", AuditEntry.version == 3
                )
            )
        }
    assert reasons == {"update Q2 2022-23, saved over a newer change knowingly"}


def test_a_stale_action_form_does_not_revert_a_rename(two: tuple[Database, Database]) -> None:
    alice, bob = two
    action_id = _first_action(alice)
    opened = workspace.action_detail(alice, action_id)
    renamed = editing.save_action(
        bob,
        action_id,
        replace(opened.fields, title="Renamed by Bob"),
        expected_version=opened.version,
    )
    assert renamed.version == opened.version + 1
    with pytest.raises(ConflictError) as caught:
        editing.save_action(
            alice,
            action_id,
            replace(opened.fields, outputs=("A new output",)),
            expected_version=opened.version,
        )
    assert "Renamed by Bob" in str(caught.value) and "changed by Bob" in str(caught.value)
    assert workspace.action_detail(alice, action_id).fields.title == "Renamed by Bob"
    # A change of the action's parts alone (its outputs) is a new version too.
    now = workspace.action_detail(bob, action_id)
    editing.save_action(
        bob, action_id, replace(now.fields, outputs=("Bob's output",)), expected_version=now.version
    )
    with pytest.raises(ConflictError, match="Bob's output"):
        editing.save_action_status(alice, action_id, "complete", expected_version=now.version)
    assert workspace.action_detail(alice, action_id).fields.status == "active"


def test_undo_after_another_write_is_refused(two: tuple[Database, Database]) -> None:
    """An undo is a write at the version its own edit produced: newer text is never replaced."""
    alice, bob = two
    action_id = _first_action(alice)
    mine = editing.save_quarter_update(
        alice, action_id, Q2, UpdateFields(RAG.AMBER, "Alice's edit"), expected_version=1
    )
    # An import, another window or another instance writes after it.
    editing.save_quarter_rag(bob, action_id, Q2, RAG.RED, today=TODAY)
    with pytest.raises(ConflictError, match="changed by Bob"):
        editing.save_quarter_update(
            alice, action_id, Q2, mine.before, expected_version=mine.version
        )
    now = _update(alice, action_id, Q2)
    assert now is not None and (now.rag, now.narrative) == ("R", "Alice's edit")


def test_the_version_check_is_in_the_write_itself(two: tuple[Database, Database]) -> None:
    """Between reading and writing another writer commits: the UPDATE matches no row."""
    alice, bob = two
    action_id = _first_action(alice)
    with (
        pytest.raises(ConflictError, match="changed by Bob"),
        stale_is_conflict(
            alice, QuarterUpdate, _update(alice, action_id, Q2).id, 1, what="The update"
        ),
        alice.session() as s,
    ):
        u = s.scalars(
            select(QuarterUpdate).where(
                QuarterUpdate.action_id == action_id, QuarterUpdate.quarter == Q2
            )
        ).one()
        s.commit()  # the read is over; the write below is a new transaction
        editing.save_quarter_update(
            bob, action_id, Q2, UpdateFields(RAG.BLUE, "Bob"), expected_version=1
        )
        u.narrative = "Alice, from an old read"
    now = _update(alice, action_id, Q2)
    assert now is not None and now.narrative == "Bob"


def test_reference_records_refuse_a_stale_edit(two: tuple[Database, Database]) -> None:
    alice, bob = two
    partner = next(
        r for r in records.list_records(alice, RecordKind.PARTNER) if r.values["abbreviation"]
    )
    records.save_record(
        bob,
        RecordKind.PARTNER,
        partner.id,
        {**partner.values, "contact_name": "Bob's contact"},
        expected_version=partner.version,
    )
    with pytest.raises(ConflictError, match="Bob's contact"):
        records.save_record(
            alice,
            RecordKind.PARTNER,
            partner.id,
            {**partner.values, "name": "Alice's name"},
            expected_version=partner.version,
        )
    now = next(r for r in records.list_records(alice, RecordKind.PARTNER) if r.id == partner.id)
    assert now.values["contact_name"] == "Bob's contact" and now.values["name"] != "Alice's name"
    assert now.version == partner.version + 1
    # Undo of Bob's edit by Alice's stale state is refused the same way.
    with pytest.raises(ConflictError):
        records.set_record_state(
            alice, RecordKind.PARTNER, partner.id, partner.values, expected_version=partner.version
        )


# ---------------------------------------------------------------- returns import


def _one_return(db: Database, folder: Path, agency: str, narrative: str) -> list[str]:
    """Export `agency`'s Q3 return and fill every lead row; returns the references."""
    plan_id = plan_for_quarter(db, Q3)
    result = export_returns(db, plan_id, Q3, folder, agencies=[agency])
    path = result.returns[0].path
    wb = openpyxl.load_workbook(path)
    ws = wb[LEAD_SHEET]
    refs = []
    for row in range(5, ws.max_row + 1):
        ref = ws.cell(row, 1).value
        if not ref:
            continue
        ws.cell(row, 7).value = "Green"
        ws.cell(row, 8).value = f"{narrative} {ref}"
        ws.cell(row, 9).value = f"{agency} officer"
        refs.append(str(ref))
    wb.save(path)
    return refs


def _action_by_ref(db: Database, reference: str) -> int:
    from scp_desktop.storage.models import Action

    with db.session(audit=False) as s:
        return s.scalars(select(Action.id).where(Action.reference == reference)).first()  # type: ignore[return-value]


def test_an_update_typed_after_the_preview_is_not_replaced(
    two: tuple[Database, Database], tmp_path: Path
) -> None:
    alice, bob = two
    refs = _one_return(alice, tmp_path / "ep", "EP", "From the return")
    assert len(refs) >= 2
    preview = preview_import(alice, [tmp_path / "ep"], Q3)
    new_rows = [r for r in preview.rows if r.outcome is Outcome.UPDATE and r.selected]
    assert all("New update" in r.message for r in new_rows)
    typed_on = new_rows[0].action_id
    assert typed_on is not None
    # Between the preview and Apply, Bob types an update for one of those actions.
    editing.save_quarter_update(
        bob, typed_on, Q3.code, UpdateFields(RAG.AMBER, "Typed by Bob"), expected_version=0
    )
    result = apply_import(alice, preview)
    assert result.created == len(new_rows) - 1
    assert len(result.conflicts) == 1
    line = result.conflicts[0]
    assert f"row {new_rows[0].row}" in line and "added by Bob" in line
    assert any("Not applied" in x and "Bob" in x for x in result.lines())
    kept = _update(alice, typed_on, Q3.code)
    assert kept is not None and kept.narrative == "Typed by Bob" and kept.source == "typed"
    others = [_update(alice, r.action_id, Q3.code) for r in new_rows[1:] if r.action_id]
    assert all(u is not None and u.source == "import" for u in others)


def test_two_imports_of_one_quarter_clash_in_plain_words(
    two: tuple[Database, Database], tmp_path: Path
) -> None:
    alice, bob = two
    _one_return(alice, tmp_path / "a", "EP", "Alice's copy")
    _one_return(bob, tmp_path / "b", "EP", "Bob's copy")
    first = preview_import(alice, [tmp_path / "a"], Q3)
    second = preview_import(bob, [tmp_path / "b"], Q3)
    applied = apply_import(alice, first)
    assert applied.created > 0 and not applied.conflicts
    clashed = apply_import(bob, second)  # no UNIQUE constraint error
    assert clashed.created == 0 and len(clashed.conflicts) == applied.created
    assert all("added by Alice" in c for c in clashed.conflicts)
    with alice.session(audit=False) as s:
        texts = {
            u.narrative
            for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q3.code))
        }
    assert texts and all(t.startswith("Alice's copy") for t in texts)


def test_an_imported_update_edited_by_hand_says_so(
    two: tuple[Database, Database], tmp_path: Path
) -> None:
    alice, bob = two
    _one_return(alice, tmp_path / "ep", "EP", "Imported")
    preview = preview_import(alice, [tmp_path / "ep"], Q3)
    apply_import(alice, preview)
    row = next(r for r in preview.rows if r.outcome is Outcome.UPDATE and r.action_id)
    assert row.action_id is not None
    view = workspace.update_pair(bob, row.action_id, Q3.code).current
    assert view.source.startswith("Imported from ") and f"row {row.row}" in view.source
    assert view.fields is not None
    editing.save_quarter_update(
        bob,
        row.action_id,
        Q3.code,
        replace(view.fields, narrative="Corrected by Bob"),
        expected_version=view.version,
    )
    edited = workspace.update_pair(alice, row.action_id, Q3.code).current
    assert edited.source.startswith("Edited by Bob on ")
    assert f"after being imported from {preview.files[0].name}" in edited.source
    assert f"sheet {row.sheet} row {row.row}" in edited.source
    history = workspace.action_history(alice, row.action_id)
    assert history.quarters[0].source == edited.source


# ---------------------------------------------------------------- indicators


def _indicator(db: Database) -> int:
    from scp_desktop.domain.indicators import Polarity, TargetKind, Unit

    return indicators.save_definition(
        db,
        indicators.IndicatorDefinition(
            name="Robbery",
            unit=Unit.COUNT,
            polarity=Polarity.LOWER_BETTER,
            target_kind=TargetKind.ABSOLUTE,
            target_value="100",
        ),
    )


def test_a_stale_indicator_value_is_refused_and_the_block_writes_nothing(
    two: tuple[Database, Database],
) -> None:
    alice, bob = two
    ind = _indicator(alice)
    shown = {r.period: r.version for r in indicators.values_grid(alice, ind, "2022-23").rows}
    assert shown["2022-23-Q2"] == ABSENT
    written = indicators.save_values(
        bob, ind, [indicators.ValueEdit("2022-23-Q2", {"value": "150"}, expected_version=0)]
    )
    assert written == {"2022-23-Q2": 1}
    with pytest.raises(ConflictError, match="added by Bob"):
        indicators.save_values(
            alice,
            ind,
            [
                indicators.ValueEdit("2022-23-Q1", {"value": "80"}, expected_version=0),
                indicators.ValueEdit("Q2 2022-23", {"value": "90"}, expected_version=0),
            ],
        )
    rows = {r.period: r for r in indicators.values_grid(alice, ind, "2022-23").rows}
    assert rows["2022-23-Q2"].value == "150" and rows["2022-23-Q1"].value == ""  # all or nothing
    # An undo of Bob's value by a stale grid is refused the same way; his own is not.
    indicators.save_values(
        alice, ind, [indicators.ValueEdit("2022-23-Q2", {"value": "95"}, expected_version=1)]
    )
    with pytest.raises(ConflictError, match="changed by Alice"):
        indicators.save_values(
            bob, ind, [indicators.ValueEdit("2022-23-Q2", {"value": ""}, expected_version=1)]
        )
    assert indicators.values_grid(bob, ind, "2022-23").rows[5].value == "95"


def test_a_stale_indicator_definition_is_refused(two: tuple[Database, Database]) -> None:
    alice, bob = two
    ind = _indicator(alice)
    opened = indicators.get_definition(alice, ind)
    assert opened.version == 1
    indicators.save_definition(bob, replace(indicators.get_definition(bob, ind), target_value="90"))
    with pytest.raises(ConflictError, match="changed by Bob"):
        indicators.save_definition(alice, replace(opened, name="Robbery (all)"))
    now = indicators.get_definition(alice, ind)
    assert (now.name, now.target_value, now.version) == ("Robbery", "90", 2)
    indicators.save_definition(
        alice, replace(opened, name="Robbery (all)", version=now.version), overwrite=True
    )
    assert indicators.get_definition(bob, ind).name == "Robbery (all)"


def test_who_made_a_change_is_worded_for_the_officer_reading_it() -> None:
    import datetime as dt

    from scp_desktop.services.errors import OtherChange
    from scp_desktop.services.versions import by_whom, describe_change, who_text

    at = dt.datetime(2026, 12, 6, 8, 0)
    mine = OtherChange("Alice Smith", at, "update", "", ())
    bobs = OtherChange("Bob", at, "update", "", ())
    unnamed = OtherChange("", at, "update", "", ())
    assert who_text("Alice Smith", " alice smith ") == "you, in another window"
    assert who_text("Alice Smith", "Bob") == "Alice Smith"
    assert who_text("", "Bob") == "someone"
    assert by_whom((mine,), "Alice Smith") == "you, in another window"
    assert by_whom((mine, bobs), "Alice Smith") == "you (in another window) and Bob"
    assert by_whom((unnamed,), "Alice Smith") == "someone else"
    assert by_whom((), "Alice Smith") == "someone else"
    assert describe_change(mine, "Alice Smith").startswith("changed by you, in another window, on ")
