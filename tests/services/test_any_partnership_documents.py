"""A partnership other than the demo prints and exports under its own name: on every page of
every report, in every return workbook and email draft and in the plan export, with its own
footer and RAG wording, and never the demo's place names."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.services import editing, plan_admin, reports
from scp_desktop.services.edit_inputs import ActionFields, UpdateFields
from scp_desktop.services.partnership_file import create_partnership_file
from scp_desktop.services.records import RecordKind, save_record
from scp_desktop.services.returns.export import export_plan_workbook, export_returns
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import AgendaItem, Meeting, Partner
from tests.document_scan import (
    email_text,
    foreign_words,
    pdf_metadata,
    pdf_pages,
    workbook_text,
)
from tests.partnership_data import ANYTOWN, png_logo

TODAY = dt.date(2025, 10, 20)
QUARTER = "2025-26-Q2"


def anytown_plan(folder: Path, *, plan_status: str = "live") -> Database:
    """Safer Anytown from nothing: its file, two agencies, a priority, an objective, two
    actions and a quarter's updates."""
    made = create_partnership_file(
        folder / "anytown.db", ANYTOWN.with_logo(png_logo()), year=FinancialYear(2025)
    )
    db, _ = open_database(made.path, user="pat")
    council = save_record(
        db,
        RecordKind.PARTNER,
        None,
        {
            "abbreviation": "ABC",
            "name": "Anytown Borough Council",
            "statutory": True,
            "contact_name": "Sam Lee",
            "contact_email": "sam.lee@anytown.example",
        },
    ).id
    police = save_record(
        db, RecordKind.PARTNER, None, {"abbreviation": "NP", "name": "Northshire Police"}
    ).id
    priority = save_record(
        db,
        RecordKind.PRIORITY,
        None,
        {"number": 1, "kind": "key", "title": "Safer town centre"},
        parent_id=made.plan_id,
    ).id
    objective = save_record(
        db, RecordKind.OBJECTIVE, None, {"title": "Reduce night-time violence"},
        parent_id=priority,
    ).id  # fmt: skip
    first = editing.create_action(
        db,
        objective,
        ActionFields(
            title="Street pastors on Friday nights",
            reference="1.1",
            deadline_text="Mar 2026",
            lead_ids=(council,),
            support_ids=(police,),
        ),
    )
    editing.create_action(
        db, objective, ActionFields(title="Taxi marshals", reference="1.2", lead_ids=(police,))
    )
    for quarter, rag in (("2025-26-Q1", RAG.AMBER), (QUARTER, RAG.BLUE)):
        editing.set_quarter_update(
            db, first, quarter, UpdateFields(rag, f"Pastors out every Friday ({quarter}).", "Sam")
        )
    plan_admin.set_plan_status(db, made.plan_id, plan_status)
    with db.session(reason="meeting for the pack") as s:
        meeting = Meeting(
            body="Community Safety Board", date=dt.date(2025, 11, 12), venue="Town Hall"
        )
        meeting.items.append(AgendaItem(position=1, number="1", title="Performance", kind="report"))
        s.add(meeting)
    return db


@pytest.fixture
def anytown(tmp_path: Path) -> Database:
    db = anytown_plan(tmp_path)
    yield db  # type: ignore[misc]
    db.close()


@pytest.mark.parametrize("kind", ["quarterly", "plan", "year-end", "pack"])
def test_every_page_of_every_report_names_the_partnership(
    anytown: Database, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / f"{kind}.pdf"
    pages = reports.build_report(anytown, kind, out, quarter=QUARTER, today=TODAY)
    texts = pdf_pages(out)
    assert len(texts) == pages > 1
    for number, text in enumerate(texts, start=1):
        assert "Safer Anytown Partnership" in text, f"page {number} of the {kind} report"
        assert "OFFICIAL – Safer Anytown Partnership, Town Hall" in text, f"footer, page {number}"
        assert foreign_words(text) == [], f"page {number} of the {kind} report"
    assert "Anytown Community Safety Team" in texts[0]
    assert foreign_words(pdf_metadata(out)) == []
    if kind == "quarterly":
        assert any("Delivered and closed" in t for t in texts)  # the partnership's own words


def test_every_return_workbook_and_email_draft_speaks_for_the_partnership(
    anytown: Database, tmp_path: Path
) -> None:
    result = export_returns(
        anytown, 1, Quarter.parse(QUARTER), tmp_path / "returns", emails=True, today=TODAY
    )
    assert {r.agency for r in result.returns} == {"ABC", "NP"}
    for exported in result.returns:
        book = workbook_text(exported.path)
        assert "Safer Anytown Partnership" in book
        assert "Blue (B): Delivered and closed" in book
        assert ANYTOWN.footer in book
        assert foreign_words(book) == [], exported.path.name
        assert exported.email_path is not None
        draft = email_text(exported.email_path)
        assert "Safer Anytown Partnership" in draft and "Anytown Community Safety Team" in draft
        assert "community.safety@anytown.example" in draft
        assert "Delivered and closed" in draft
        assert foreign_words(draft) == [], exported.email_path.name


def test_the_plan_export_names_the_partnership(anytown: Database, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    assert export_plan_workbook(anytown, 1, out, Quarter.parse(QUARTER)) == 2
    book = workbook_text(out)
    assert "Safer Anytown Partnership" in book and "Street pastors on Friday nights" in book
    assert ANYTOWN.footer in book  # printed at the foot of each page
    assert foreign_words(book) == []


def test_a_new_partnership_has_none_of_the_demo_agencies(anytown: Database) -> None:
    with anytown.session(audit=False) as s:
        assert sorted(s.scalars(select(Partner.abbreviation))) == ["ABC", "NP"]


def test_a_profile_without_prepared_by_names_the_partnership_in_the_footer(
    tmp_path: Path,
) -> None:
    made = create_partnership_file(
        tmp_path / "blank.db",
        replace(ANYTOWN, prepared_by=""),
        year=FinancialYear(2025),
    )
    db, _ = open_database(made.path, user="pat")
    try:
        out = tmp_path / "plan.pdf"
        reports.build_report(db, "plan", out, quarter=QUARTER, today=TODAY)
        texts = pdf_pages(out)
    finally:
        db.close()
    for number, text in enumerate(texts, start=1):
        assert "Prepared by Safer Anytown Partnership · 20/10/2025" in text, f"page {number}"
        assert "Prepared ·" not in text
