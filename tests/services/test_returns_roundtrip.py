"""Round trip over the demo plan: export every agency's return, fill it in, import them all."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from sqlalchemy import inspect, select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG_ORDER
from scp_desktop.excel.return_workbook import LEAD_SHEET, META_SHEET
from scp_desktop.services.errors import UserError
from scp_desktop.services.returns.apply import apply_import
from scp_desktop.services.returns.export import (
    agency_choices,
    export_plan_workbook,
    export_returns,
    write_chase_emails,
)
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.services.returns.matching import Outcome, PreviewRow
from scp_desktop.services.returns.preview import preview_import
from scp_desktop.services.returns.status import return_status
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import ImportBatch, Partner, QuarterUpdate

Q2 = Quarter.parse("2022-23-Q2")
Q3 = Quarter.parse("2022-23-Q3")


def _fill(path: Path) -> dict[str, tuple[str, str]]:
    """Fill every lead row the way a partner would; returns reference → (RAG letter, narrative)."""
    wb = openpyxl.load_workbook(path)
    meta = {
        (r[0].value, r[1].value): r[3].value
        for r in wb[META_SHEET].iter_rows(min_row=10)
        if r[0].value
    }
    filled: dict[str, tuple[str, str]] = {}
    ws = wb[LEAD_SHEET]
    for row in range(5, ws.max_row + 1):
        ref = ws.cell(row, 1).value
        assert meta[(LEAD_SHEET, row)] == ref
        rag = RAG_ORDER[sum(map(ord, ref)) % 4]
        text = f"Progress on {ref}: <b>done</b> & £{len(ref) * 100} spent, “on time”.\nSecond line."
        ws.cell(row, 7).value = rag.label
        ws.cell(row, 8).value = text
        ws.cell(row, 9).value = "A. Officer"
        ws.cell(row, 10).value = dt.date(2022, 12, 20)
        filled[ref] = (rag.value, text)
    wb.save(path)
    return filled


def _snapshot(db: Database, skip: set[str]) -> dict[str, list[tuple[object, ...]]]:
    with db.engine.connect() as conn:
        tables = [
            t
            for t in sorted(inspect(conn).get_table_names())
            if t not in skip and not t.startswith("sqlite_")
        ]
        return {
            t: [tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{t}" ORDER BY 1')]
            for t in tables
        }


def test_every_update_lands_and_nothing_else_changes(demo_db: Database, tmp_path: Path) -> None:
    plan_id = plan_for_quarter(demo_db, Q3)
    written = {"audit_log", "import_batch", "import_change", "quarter_update"}
    before = _snapshot(demo_db, written)
    with demo_db.session() as s:
        q2_before = sorted(
            (u.action_id, u.rag, u.narrative)
            for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q2.code))
        )
    result = export_returns(demo_db, plan_id, Q3, tmp_path / "out", emails=True)
    lead_agencies = [c.abbreviation for c in agency_choices(demo_db, plan_id) if c.leads]
    assert sorted(r.agency for r in result.returns) == sorted(lead_agencies)
    expected: dict[str, tuple[str, str]] = {}
    for exported in result.returns:
        for ref, value in _fill(exported.path).items():
            assert expected.get(ref, value) == value  # actions with two leads are filled alike
            expected[ref] = value

    preview = preview_import(demo_db, [tmp_path / "out"], Q3)
    assert [f.status for f in preview.files] == ["ok"] * len(result.returns)
    assert sorted(preview.skipped) == sorted(
        r.email_path.name for r in result.returns if r.email_path
    )
    assert all(f.template for f in preview.files)
    updates = [r for r in preview.rows if r.outcome is Outcome.UPDATE]
    assert len(updates) == len(expected)
    assert all(r.selected and r.match_how == "template" for r in updates)
    others = {r.outcome for r in preview.rows if r.outcome is not Outcome.UPDATE}
    assert others <= {Outcome.UNCHANGED}  # blank supporting rows and the second lead's copy

    applied = apply_import(demo_db, preview)
    assert applied.created == len(expected) and applied.updated == 0
    with demo_db.session() as s:
        got = {
            u.action.reference: (u.rag, u.narrative, u.source, u.source_sheet, u.import_batch_id)
            for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q3.code))
        }
        batches = list(s.scalars(select(ImportBatch)))
        q2_after = sorted(
            (u.action_id, u.rag, u.narrative)
            for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q2.code))
        )
    assert {ref: v[:2] for ref, v in got.items()} == expected
    assert all(v[2] == "import" and v[3] == LEAD_SHEET and v[4] for v in got.values())
    assert len(batches) == len(result.returns) and all(b.partner_id for b in batches)
    assert q2_after == q2_before
    assert _snapshot(demo_db, written) == before
    status = return_status(demo_db, plan_id, Q3)
    assert all(a.returned for a in status)

    # The same files again: flagged as already imported, every row unchanged.
    again = preview_import(demo_db, [tmp_path / "out"], Q3)
    assert all("imported before" in " ".join(f.notes) for f in again.files)
    assert {r.outcome for r in again.rows} == {Outcome.UNCHANGED}


def test_q2_returns_overwrite_existing_updates(demo_db: Database, tmp_path: Path) -> None:
    plan_id = plan_for_quarter(demo_db, Q2)
    result = export_returns(demo_db, plan_id, Q2, tmp_path, agencies=["EP"])
    assert [r.agency for r in result.returns] == ["EP"]
    expected = _fill(result.returns[0].path)
    preview = preview_import(demo_db, [result.returns[0].path], Q2)
    rows = {r.reference: r for r in preview.rows if r.sheet == LEAD_SHEET}
    assert rows["1.1.2"].has_existing and rows["1.1.2"].outcome is Outcome.UPDATE
    assert rows["1.3.1"].message.startswith("New update")
    # Keep the existing update for one action.
    from scp_desktop.services.returns.preview import set_overwrite

    set_overwrite(preview, rows["1.1.2"], False)
    assert rows["1.1.2"].outcome is Outcome.UNCHANGED and not rows["1.1.2"].selected
    applied = apply_import(demo_db, preview)
    assert applied.created + applied.updated == len(expected) - 1
    with demo_db.session() as s:
        kept = s.scalars(
            select(QuarterUpdate).where(
                QuarterUpdate.quarter == Q2.code, QuarterUpdate.source == "import"
            )
        ).all()
        assert "1.1.2" not in {u.action.reference for u in kept}
        assert len(kept) == len(expected) - 1


def test_one_return_for_all_and_unknown_agency(demo_db: Database, tmp_path: Path) -> None:
    plan_id = plan_for_quarter(demo_db, Q2)
    result = export_returns(demo_db, plan_id, Q2, tmp_path, one_for_all=True)
    assert len(result.returns) == 1 and result.returns[0].lead_actions == 48
    with pytest.raises(UserError, match="NOPE"):
        export_returns(demo_db, plan_id, Q2, tmp_path, agencies=["NOPE"])


def test_email_drafts_and_chase_list(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session() as s:
        ep = s.scalars(select(Partner).where(Partner.abbreviation == "EP")).one()
        ep.contact_name = "Pat Jones"
        ep.contact_email = "pat.jones@example.org"
    plan_id = plan_for_quarter(demo_db, Q3)
    result = export_returns(demo_db, plan_id, Q3, tmp_path / "out", agencies=["EP"], emails=True)
    eml = result.returns[0].email_path
    assert eml is not None
    message: Message = message_from_bytes(eml.read_bytes())
    assert message["To"] == "Pat Jones <pat.jones@example.org>"
    assert message["X-Unsent"] == "1"
    attachments = [p.get_filename() for p in message.walk() if p.get_filename()]
    assert attachments == ["Return 2022-23-Q3 EP.xlsx"]

    _fill(result.returns[0].path)
    apply_import(demo_db, preview_import(demo_db, [result.returns[0].path], Q3))
    status = {a.abbreviation: a for a in return_status(demo_db, plan_id, Q3)}
    assert status["EP"].returned and not status["CBC"].returned
    written = write_chase_emails(demo_db, plan_id, Q3, tmp_path / "chase")
    names = sorted(p.name for p in written)
    assert "Reminder 2022-23-Q3 CBC.eml" in names and not any("EP" in n for n in names)


def test_whole_plan_export_in_appendix_layout(demo_db: Database, tmp_path: Path) -> None:
    plan_id = plan_for_quarter(demo_db, Q2)
    path = tmp_path / "plan.xlsx"
    assert export_plan_workbook(demo_db, plan_id, path, Q2) == 51
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert [c.value for c in ws[4]][:4] == ["Ref", "Objective", "Project / initiative", "About"]
    assert str(ws["A5"].value).startswith("Key priority 1:")
    assert "A5:P5" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[4]][13:16] == ["Funding", "Status", "Notes"]
    assert ws["A6"].value == "1.1.1" and ws["C6"].value == "Crucial Crew"
    assert ws["B6"].value and not ws["B7"].value  # objective once, blank on continuation rows
    assert ws["L7"].value == "Green"


def test_supporting_agency_rows_ask_and_never_hide_the_lead(
    demo_db: Database, tmp_path: Path
) -> None:
    plan_id = plan_for_quarter(demo_db, Q3)
    result = export_returns(demo_db, plan_id, Q3, tmp_path, agencies=["CBC", "EP"])
    cbc, ep = (r.path for r in result.returns)
    wb = openpyxl.load_workbook(cbc)
    ws = wb["Actions you support"]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == "1.3.2")
    ws.cell(row, 7).value = "Amber"
    ws.cell(row, 8).value = "CBC staff joined two Servator deployments"
    wb.save(cbc)
    _fill(ep)
    preview = preview_import(demo_db, [cbc, ep], Q3)  # the supporting note comes first
    servator = [
        r
        for r in preview.rows
        if r.action_id and preview.index.actions[r.action_id].reference == "1.3.2" and r.rag
    ]
    support = next(r for r in servator if r.file == cbc.name)
    lead = next(r for r in servator if r.file == ep.name)
    assert lead.outcome is Outcome.UPDATE and lead.selected
    assert support.outcome is Outcome.WARNING and not support.selected
    assert "also in" in support.message


def test_a_return_prepared_for_another_quarter_is_matched_by_reference(
    demo_db: Database, tmp_path: Path
) -> None:
    plan_id = plan_for_quarter(demo_db, Q2)
    path = export_returns(demo_db, plan_id, Q2, tmp_path, agencies=["CARA"]).returns[0].path
    _fill(path)
    preview = preview_import(demo_db, [path], Q3)
    assert "prepared for Q2 2022-23" in " ".join(preview.files[0].notes)
    assert [(r.match_how, r.outcome) for r in preview.rows] == [
        ("reference", Outcome.UPDATE),
        ("reference", Outcome.UPDATE),
    ]


def test_reading_can_be_cancelled_between_files(demo_db: Database, tmp_path: Path) -> None:
    plan_id = plan_for_quarter(demo_db, Q3)
    result = export_returns(demo_db, plan_id, Q3, tmp_path)
    seen: list[str] = []

    def progress(done: int, total: int, name: str) -> None:
        seen.append(name)

    preview = preview_import(
        demo_db,
        [r.path for r in result.returns],
        Q3,
        progress=progress,
        cancelled=lambda: len(seen) >= 2,
    )
    assert preview.cancelled and len(preview.files) == 2


def test_the_whole_plan_export_reads_back_as_a_return(demo_db: Database, tmp_path: Path) -> None:
    plan_id = plan_for_quarter(demo_db, Q2)
    path = tmp_path / "plan.xlsx"
    export_plan_workbook(demo_db, plan_id, path, Q2)
    preview = preview_import(demo_db, [path], Q2)
    # Banner rows are skipped; rows with an update are unchanged, the rest were left blank.
    assert len(preview.rows) == 51
    assert {r.outcome for r in preview.rows} == {Outcome.UNCHANGED}
    assert all(r.match_how == "reference" for r in preview.rows)


def test_own_return_edited_by_the_partner_still_matches(demo_db: Database, tmp_path: Path) -> None:
    plan_id = plan_for_quarter(demo_db, Q3)
    path = export_returns(demo_db, plan_id, Q3, tmp_path, agencies=["EP"]).returns[0].path
    expected = _fill(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[LEAD_SHEET]
    ws.protection.sheet = False
    ws.insert_rows(6)  # a blank row pushed everything below it down
    ws.title = "Our actions"  # and the sheet renamed
    wb.save(path)
    preview = preview_import(demo_db, [path], Q3)
    updates = [r for r in preview.rows if r.outcome is Outcome.UPDATE]
    assert len(updates) == len(expected)
    assert {r.match_how for r in updates} == {"reference"}
    assert {preview.index.actions[r.action_id].reference for r in updates if r.action_id} == set(
        expected
    )


def _without_metadata(path: Path, out: Path) -> Path:
    wb = openpyxl.load_workbook(path)
    del wb[META_SHEET]
    wb.save(out)
    return out


def test_own_return_reads_the_same_with_or_without_its_metadata(
    demo_db: Database, tmp_path: Path
) -> None:
    """Matching by the hidden ids gives exactly the rows, values and outcomes that reading the
    same sheets as any spreadsheet (matched by reference) gives."""
    plan_id = plan_for_quarter(demo_db, Q3)
    result = export_returns(demo_db, plan_id, Q3, tmp_path / "own", agencies=["EP", "CBC"])
    for exported in result.returns:
        _fill(exported.path)
        wb = openpyxl.load_workbook(exported.path)
        ws = wb[LEAD_SHEET]
        ws.cell(5, 8).value = "  Spaced   out\n\n  over lines  \t "  # tidied, line breaks kept
        ws.cell(6, 7).value = "amber "
        ws.cell(6, 10).value = "30/09/22"  # a date written as text
        ws.cell(7, 7).value = None
        ws.cell(7, 7).fill = PatternFill("solid", fgColor="FFFF0000")  # RAG given as a colour
        ws.cell(8, 7).value = "purple"  # not a RAG
        wb.save(exported.path)
    own = preview_import(demo_db, [r.path for r in result.returns], Q3)
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    plain = preview_import(
        demo_db,
        [_without_metadata(r.path, plain_dir / r.path.name) for r in result.returns],
        Q3,
    )
    assert all(f.template for f in own.files) and not any(f.template for f in plain.files)

    def seen(rows: list[PreviewRow]) -> list[tuple[object, ...]]:
        return [
            (
                *(r.sheet, r.row, r.reference, r.title, r.rag, r.rag_from_fill, r.narrative),
                *(r.reported_by, r.reported_on, r.action_id, r.outcome, r.message, r.problems),
            )
            for r in rows
            if r.sheet == LEAD_SHEET
        ]

    assert {r.match_how for r in own.rows if r.sheet == LEAD_SHEET} == {"template"}
    assert {r.match_how for r in plain.rows if r.sheet == LEAD_SHEET} == {"reference"}
    assert seen(own.rows) == seen(plain.rows)
    spaced = next(r for r in own.rows if r.sheet == LEAD_SHEET and r.row == 5)
    assert spaced.narrative == "Spaced out\n\nover lines"
    coloured = next(r for r in own.rows if r.sheet == LEAD_SHEET and r.row == 7)
    assert coloured.rag_from_fill and "colour of cell G7" in coloured.message
    assert next(r for r in own.rows if r.row == 8).outcome is Outcome.ERROR


def test_an_untidy_update_equal_to_the_one_held_is_unchanged(
    demo_db: Database, tmp_path: Path
) -> None:
    plan_id = plan_for_quarter(demo_db, Q2)
    path = export_returns(demo_db, plan_id, Q2, tmp_path, agencies=["EP"]).returns[0].path
    with demo_db.session() as s:
        held = {
            u.action.reference: u
            for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == Q2.code))
        }
    wb = openpyxl.load_workbook(path)
    ws = wb[LEAD_SHEET]
    ref = ws.cell(5, 1).value
    update = held[ref]
    padded = "  " + "   ".join(update.narrative.split(" ")) + " \t"
    ws.cell(5, 7).value = update.rag
    ws.cell(5, 8).value = padded
    wb.save(path)
    preview = preview_import(demo_db, [path], Q2)
    row = next(r for r in preview.rows if r.sheet == LEAD_SHEET and r.row == 5)
    assert row.written == padded and row.narrative == update.narrative.strip()
    assert row.outcome is Outcome.UNCHANGED
    assert row.message == "Same as the update already held for Q2 2022-23"
