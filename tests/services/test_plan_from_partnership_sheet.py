"""Another partnership's own plan spreadsheet becomes its plan, with nothing lost on the way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from scp_desktop.excel.columns import Meaning
from scp_desktop.excel.plan_columns import partnership_in, plan_identity, year_in
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_spreadsheet import (
    DEFAULT_SECTION,
    YearNotKnown,
    load_plan_spreadsheet,
    preview_plan_spreadsheet,
    remap_plan_preview,
    set_agency,
)
from scp_desktop.services.reports import build_report
from scp_desktop.services.returns.export import export_plan_workbook, plan_id_for_year
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Action,
    FundingLine,
    KeyPriority,
    Partner,
    Partnership,
)
from tests.plan_sheets import AGENCIES, HEADER, tendring_plan


def test_year_and_partnership_are_read_from_banner_then_sheet_then_file_name() -> None:
    assert year_in("Annual Partnership Plan 2024/25") == "2024-25"
    assert year_in("APP 2024-2025") == "2024-25"
    assert year_in("APP 24-25") == "2024-25"
    assert year_in("Plan 2024-26") == "" and year_in("Updated 31/03/2024") == ""
    assert partnership_in("Safer Tendring Partnership — Annual Partnership Plan 2024-25") == (
        "Safer Tendring Partnership"
    )
    assert partnership_in("Tendring Community Safety Partnership Plan 2024-25") == (
        "Tendring Community Safety Partnership"
    )
    assert partnership_in("Appendix A: Annual Partnership Plan 2022-23") == ""
    found = plan_identity([(1, "Our plan"), (2, "Safer Tendring Partnership")], "APP 2024-25", "x")
    assert (found.partnership, found.partnership_from) == (
        "Safer Tendring Partnership",
        "banner row 2",
    )
    assert (found.year, found.year_from) == ("2024-25", "the sheet's name ('APP 2024-25')")
    found = plan_identity([(1, "Plan 2023/24")], "APP 2024-25", "Braintree CSP plan 2025-26")
    assert found.year == "2023-24" and found.year_from == "banner row 1"
    assert found.partnership == "Braintree CSP"
    assert found.partnership_from == "the file name ('Braintree CSP plan 2025-26')"
    found = plan_identity([], "Sheet1", "Braintree CSP plan 2025-26")
    assert (found.year, found.year_from) == (
        "2025-26",
        "the file name ('Braintree CSP plan 2025-26')",
    )


def test_every_column_is_mapped_or_kept_before_anything_is_written(
    db: Database, tmp_path: Path
) -> None:
    preview = preview_plan_spreadsheet(db, tendring_plan(tmp_path / "plan.xlsx"))
    assert preview.columns is not None and preview.columns.header_row == 4
    meanings = {c.header: c.meaning for c in preview.columns.columns}
    assert meanings == {
        "Objective": Meaning.OBJECTIVE,
        "Ref": Meaning.REFERENCE,
        "Project": Meaning.TITLE,
        "What is it?": Meaning.ABOUT,
        "Outcomes": Meaning.OUTCOMES,
        "Where": Meaning.TARGET_AREA,
        "Lead": Meaning.LEAD,
        "Partners": Meaning.SUPPORT,
        "Funding": Meaning.FUNDING,
        "By when": Meaning.DEADLINE,
        "PFCC Priority": Meaning.PFCC,
        "ECPS Strand": Meaning.ECPS,
        "Status": Meaning.STATUS,
        "Notes": Meaning.NOTES,
        "How we will measure it": Meaning.NOTES,
    }
    assert (preview.partnership, preview.partnership_from) == (
        "Safer Tendring Partnership",
        "banner row 1",
    )
    assert (preview.year, preview.year_from) == ("2024-25", "banner row 1")
    text = "\n".join(preview.lines_text())
    assert "Kept as notes on each action: Notes, How we will measure it" in text
    assert "Not used" not in text
    assert [line.objective for line in preview.lines] == [
        "Reduce serious violence",
        "Reduce serious violence",  # the merged cell, blank below its first row
        "Tackle anti-social behaviour",
        "Tackle anti-social behaviour",
    ]
    assert db.schema_revision() is not None
    with db.session() as s:
        assert s.scalars(select(Action)).first() is None  # a preview writes nothing

    # The officer sets the measure column aside: it is shown as not used, and left out.
    measure = next(c.index for c in preview.columns.columns if c.header.startswith("How"))
    remapped = remap_plan_preview(preview, {measure: Meaning.IGNORE})
    assert "Not used (left out): How we will measure it" in "\n".join(remapped.lines_text())
    assert all(
        name != "How we will measure it" for line in remapped.lines for name, _ in line.notes
    )
    # Choosing a second title column keeps the first as notes rather than dropping it.
    about = next(c.index for c in preview.columns.columns if c.header == "What is it?")
    swapped = remap_plan_preview(preview, {about: Meaning.TITLE})
    assert swapped.lines[0].title == "Surrender bins at three sites in the district"
    assert ("Project", "Knife surrender bins") in swapped.lines[0].notes
    with pytest.raises(UserError, match="project / initiative title"):
        project = next(c.index for c in preview.columns.columns if c.header == "Project")
        remap_plan_preview(preview, {project: Meaning.IGNORE})


def test_agencies_are_proposed_for_review_never_shortened_silently(
    db: Database, demo_db: Database, tmp_path: Path
) -> None:
    path = tendring_plan(tmp_path / "plan.xlsx")
    preview = preview_plan_spreadsheet(db, path)
    proposed = {a.text: (a.abbreviation, a.name, a.status) for a in preview.agencies}
    assert proposed == {
        "Essex Police": ("EP", "Essex Police", "new"),
        "Tendring CVS": ("TCVS", "Tendring CVS", "new"),
        "Tendring District Council": ("TDC", "Tendring District Council", "new"),
        "Open Road": ("OR", "Open Road", "new"),
        "TDC": ("TDC", "Tendring District Council", "new"),  # the same agency, abbreviated
    }
    assert "TCVS – Tendring CVS" in "\n".join(preview.lines_text())

    # Against the demo's agencies, the known ones are found by name.
    demo = preview_plan_spreadsheet(demo_db, path, year="2024-25")
    found = {a.text: (a.abbreviation, a.status) for a in demo.agencies}
    assert found["Essex Police"] == ("EP", "known")
    assert found["Open Road"] == ("OR", "known")
    assert found["Tendring CVS"] == ("TCVS", "new")

    # The officer's corrections: a new name, and an agency that is another known one.
    set_agency(preview, "Tendring CVS", "CVST", "Community Voluntary Services Tendring")
    with pytest.raises(UserError, match="needs an abbreviation"):
        set_agency(preview, "Open Road", " ", "Open Road")
    load_plan_spreadsheet(db, preview)
    with db.session() as s:
        partners = {p.abbreviation: p.name for p in s.scalars(select(Partner))}
    assert partners == {
        "EP": "Essex Police",
        "CVST": "Community Voluntary Services Tendring",
        "TDC": "Tendring District Council",
        "OR": "Open Road",
    }


def _workbook_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(
        str(value) for ws in wb for row in ws.iter_rows(values_only=True) for value in row if value
    )


def _source_cells(path: Path) -> list[tuple[str, str]]:
    """(header, text) of every filled cell under the spreadsheet's header row."""
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    headers = [c.value for c in ws[4]]
    return [
        (str(headers[c]), str(value))
        for row in ws.iter_rows(min_row=5, values_only=True)
        for c, value in enumerate(row)
        if value not in (None, "")
    ]


def test_loaded_printed_and_exported_with_every_column_present(
    db: Database, tmp_path: Path
) -> None:
    source = tendring_plan(tmp_path / "plan.xlsx")
    preview = preview_plan_spreadsheet(db, source)
    summary = load_plan_spreadsheet(db, preview)
    assert (summary.priorities, summary.objectives, summary.actions, summary.partners) == (
        1,
        2,
        4,
        4,
    )
    with db.session() as s:
        partnership = s.scalars(select(Partnership)).one()
        assert partnership.name == "Safer Tendring Partnership"
        [section] = s.scalars(select(KeyPriority)).all()
        assert section.title == DEFAULT_SECTION
        actions = {a.reference: a for a in s.scalars(select(Action))}
        bins = actions["T1"]
        assert bins.about == "Surrender bins at three sites in the district"
        assert bins.notes == (
            "Bins emptied monthly by the police\nHow we will measure it: Knives surrendered per quarter"
        )
        assert sorted((p.partner.abbreviation, p.role) for p in bins.partners) == [
            ("EP", "lead"),
            ("TCVS", "support"),
            ("TDC", "support"),
        ]
        assert [(f.source, f.amount_pence) for f in bins.funding] == [("PFCC grant", 500000)]
        assert sorted(i.item.title for i in bins.framework_items) == ["4", "Serious Violence"]
        assert actions["T3"].status == "complete"
        assert actions["T4"].partners[0].partner.abbreviation == "TDC"
        assert actions["T4"].deadline_kind == "tbc"
        assert (
            s.scalar(select(FundingLine.id).where(FundingLine.action_id == actions["T4"].id))
            is None
        )

    plan_id = plan_id_for_year(db, "2024-25")
    assert plan_id is not None
    pdf = tmp_path / "plan.pdf"
    pages = build_report(db, "plan", pdf, plan_id=plan_id, today=dt.date(2024, 5, 1))
    reader = PdfReader(pdf)
    assert len(reader.pages) == pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert "Safer Tendring Partnership" in page.extract_text(), f"page {number}"
    assert "Colchester" not in "".join(page.extract_text() for page in reader.pages)

    exported = tmp_path / "exported.xlsx"
    export_plan_workbook(db, plan_id, exported)
    text = _workbook_text(exported)
    cells = _source_cells(source)
    assert {h for h, _ in cells} == set(HEADER)  # every column of the source has data
    for header, value in cells:
        for part in re.split(r"[,;\n]", value):
            assert part.strip() in text, f"{header}: '{part.strip()}' is not in the export"
    for name, abbreviation in AGENCIES.items():
        assert name in text and abbreviation in text
    assert "Colchester" not in text


def test_a_flat_list_loads_under_one_section_the_officer_names(
    db: Database, tmp_path: Path
) -> None:
    path = tendring_plan(tmp_path / "list.xlsx", flat=True)
    preview = preview_plan_spreadsheet(db, path)
    assert len(preview.lines) == 4 and preview.without_priority == 4
    assert preview.without_objective == 4
    assert f"they go under one section, '{DEFAULT_SECTION}'" in "\n".join(preview.lines_text())
    preview.section_title = "Community safety projects"
    summary = load_plan_spreadsheet(db, preview)
    assert (summary.priorities, summary.objectives, summary.actions) == (1, 1, 4)
    assert "'Community safety projects'" in summary.warnings[0]
    with db.session() as s:
        [section] = s.scalars(select(KeyPriority)).all()
        assert section.title == "Community safety projects"
        assert [o.title for o in section.objectives] == ["Community safety projects"]
        assert len(section.objectives[0].actions) == 4


def test_the_year_comes_from_the_sheet_name_then_the_file_name_or_must_be_given(
    db: Database, tmp_path: Path
) -> None:
    banner = "Safer Tendring Partnership — Annual Partnership Plan"
    by_sheet = preview_plan_spreadsheet(db, tendring_plan(tmp_path / "a.xlsx", banner=banner))
    assert (by_sheet.year, by_sheet.year_from) == ("2024-25", "the sheet's name ('APP 2024-25')")
    by_file = preview_plan_spreadsheet(
        db, tendring_plan(tmp_path / "Tendring APP 2025-26.xlsx", banner=banner, sheet="Plan")
    )
    assert by_file.year == "2025-26" and by_file.year_from.startswith("the file name")
    unknown = preview_plan_spreadsheet(
        db, tendring_plan(tmp_path / "plan.xlsx", banner=banner, sheet="Plan")
    )
    assert unknown.year == "" and "year not known" in unknown.lines_text()[0]
    with pytest.raises(YearNotKnown, match=r"sheet's name 'Plan'.*give it"):
        load_plan_spreadsheet(db, unknown)
    given = preview_plan_spreadsheet(
        db, tmp_path / "plan.xlsx", year="2024/25", partnership="Tendring CSP"
    )
    assert (given.year, given.partnership, given.partnership_from) == (
        "2024-25",
        "Tendring CSP",
        "what you gave",
    )
    with pytest.raises(UserError, match="not a financial year"):
        preview_plan_spreadsheet(db, tmp_path / "plan.xlsx", year="2024-26")


def test_a_plan_for_an_existing_partnership_keeps_its_name_unless_the_officer_changes_it(
    demo_db: Database, tmp_path: Path
) -> None:
    path = tendring_plan(tmp_path / "plan.xlsx")
    preview = preview_plan_spreadsheet(demo_db, path)
    assert (preview.partnership, preview.partnership_from) == (
        "Safer Colchester Partnership",
        "this plan file",
    )
    assert any("names Safer Tendring Partnership" in p for p in preview.problems)
    preview.partnership = "Safer Colchester and Tendring Partnership"
    preview.prepared_by = "Community Safety Team"
    load_plan_spreadsheet(demo_db, preview)
    with demo_db.session() as s:
        partnership = s.scalars(select(Partnership)).one()
        assert partnership.name == "Safer Colchester and Tendring Partnership"
        assert partnership.prepared_by == "Community Safety Team"


def test_nothing_that_does_not_fit_is_cut_silently(db: Database, tmp_path: Path) -> None:
    path = tendring_plan(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    wards = ", ".join(f"Ward number {n}" for n in range(40))
    ws["F5"] = wards
    ws["M6"] = "On hold until funding"
    ws["K7"] = "7, 99"
    wb.save(path)
    summary = load_plan_spreadsheet(db, preview_plan_spreadsheet(db, path))
    assert any("row 5: the target area is longer than 300" in w for w in summary.warnings)
    assert any("status 'On hold until funding' not understood" in w for w in summary.warnings)
    with db.session() as s:
        actions = {a.reference: a for a in s.scalars(select(Action))}
        assert f"Target area (in full): {wards}" in actions["T1"].notes
        assert actions["T2"].status == "active"
        assert "Status: On hold until funding" in actions["T2"].notes
        # PFCC was new to this file, so its items are created as the spreadsheet names them.
        assert sorted(
            i.item.code for i in actions["T3"].framework_items if i.item.code != "CN"
        ) == [
            "7",
            "99",
        ]


def test_notes_go_with_the_actions_rolled_over_into_next_year(db: Database, tmp_path: Path) -> None:
    from scp_desktop.services.editing import rollover_plan

    load_plan_spreadsheet(db, preview_plan_spreadsheet(db, tendring_plan(tmp_path / "plan.xlsx")))
    plan_id = plan_id_for_year(db, "2024-25")
    assert plan_id is not None
    with db.session() as s:
        ids = [a.id for a in s.scalars(select(Action).where(Action.reference.in_(["T1", "T2"])))]
    rollover_plan(db, plan_id, ids)
    next_id = plan_id_for_year(db, "2025-26")
    with db.session() as s:
        carried = {
            a.reference: a.notes
            for a in s.scalars(select(Action).where(Action.carried_from_id.is_not(None)))
        }
    assert (
        carried["T2"]
        == "Needs ten more volunteers by summer\nHow we will measure it: Nights covered"
    )
    assert next_id is not None and len(carried) == 2


def test_a_by_when_that_is_not_a_date_is_kept_as_written_and_said(
    db: Database, tmp_path: Path
) -> None:
    path = tendring_plan(tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws["J5"] = "31/02/2025"  # no such day
    ws["J6"] = "end of term"
    wb.save(path)
    summary = load_plan_spreadsheet(db, preview_plan_spreadsheet(db, path))
    said = [w for w in summary.warnings if "By when" in w]
    assert any("row 5, By when: '31/02/2025' is not a date" in w for w in said), said
    assert any("row 6, By when: 'end of term' is not a date" in w for w in said), said
    with db.session() as s:
        actions = {a.reference: a for a in s.scalars(select(Action))}
        assert (actions["T1"].deadline_kind, actions["T1"].deadline_text) == (
            "unknown",
            "31/02/2025",
        )
        assert actions["T1"].deadline_date is None
