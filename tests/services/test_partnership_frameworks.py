"""The plan documents follow the partnership's own cross-reference frameworks: a column per
framework the plan cites, headed by that framework, in the printed plan, the Word and HTML
plan and the plan workbook, which reads back with the same cross-references."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import select

from scp_desktop.excel.columns import Meaning
from scp_desktop.services import editing, publishing, reports
from scp_desktop.services.edit_inputs import fields_of
from scp_desktop.services.plan_spreadsheet import load_plan_spreadsheet, preview_plan_spreadsheet
from scp_desktop.services.records import RecordKind, save_record
from scp_desktop.services.returns.export import export_plan_workbook, plan_id_for_year
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, Framework
from tests.document_scan import pdf_pages
from tests.publish.reading import heading_levels
from tests.services.test_any_partnership_documents import anytown_plan

TODAY = dt.date(2025, 10, 20)
ESSEX = ("PFCC", "ECPS", "Police and Crime Plan", "Crime Prevention Strategy")
HOSTILE = "<b>Harm</b> & =SUM(A1)"


def _framework(db: Database, code: str, name: str, items: list[str]) -> dict[str, int]:
    """A framework with its items (code = title); item code → id."""
    fw = save_record(db, RecordKind.FRAMEWORK, None, {"code": code, "name": name}).id
    return {
        item: save_record(
            db,
            RecordKind.FRAMEWORK_ITEM,
            None,
            {"code": item, "title": f"{name} item {item}", "position": k},
            parent_id=fw,
        ).id
        for k, item in enumerate(items)
    }


def _cite(db: Database, reference: str, item_ids: list[int]) -> None:
    with db.session() as s:
        action = s.scalars(select(Action).where(Action.reference == reference)).one()
        action_id, fields = action.id, fields_of(action)
    editing.update_action(db, action_id, replace(fields, framework_item_ids=tuple(item_ids)))


def _cross_references(db: Database, year: str) -> dict[str, set[tuple[str, str]]]:
    """Each action's (framework name, item code) pairs in the plan of `year`, by title."""
    plan_id = plan_id_for_year(db, year)
    with db.session() as s:
        found: dict[str, set[tuple[str, str]]] = {}
        for a in s.scalars(select(Action)):
            if a.objective.priority.plan_id == plan_id:
                found[a.title] = {(f.item.framework.name, f.item.code) for f in a.framework_items}
        return found


@pytest.fixture
def anytown(tmp_path: Path) -> Database:
    """Safer Anytown, citing its Community Safety Strategy and Violence Reduction Unit plan;
    a third framework is set up but cited by no action."""
    db = anytown_plan(tmp_path)
    css = _framework(db, "CSS", "Community Safety Strategy", ["1", "2", "10"])
    vru = _framework(db, "VRU", "Violence Reduction Unit", ["V1", "V2"])
    _framework(db, "YJP", "Youth Justice Plan", ["Y1"])
    _cite(db, "1.1", [css["10"], css["2"], vru["V2"]])
    _cite(db, "1.2", [css["1"]])
    yield db  # type: ignore[misc]
    db.close()


def _flat(pages: list[str]) -> str:
    return " ".join(" ".join(pages).split())


def test_the_printed_plan_has_a_column_per_framework_cited(
    anytown: Database, tmp_path: Path
) -> None:
    out = tmp_path / "plan.pdf"
    reports.build_report(anytown, "plan", out, today=TODAY)
    text = _flat(pdf_pages(out))
    assert "Outcomes Community Safety Strategy Violence Reduction Unit Lead agency" in text
    assert "2, 10" in text  # number order, as the plan's own columns print them
    assert "Key to the cross-references" in text
    assert "Youth Justice Plan" not in text  # set up, but the plan cites none of it
    for word in ESSEX:
        assert word not in text


def test_the_published_plan_has_a_column_per_framework_cited(
    anytown: Database, tmp_path: Path
) -> None:
    word = tmp_path / "plan.docx"
    publishing.write_document(anytown, "plan", "docx", word, today=TODAY)
    document = docx.Document(str(word))
    [actions] = [t for t in document.tables if t.rows[0].cells[0].text == "Objective"]
    header = [c.text for c in actions.rows[0].cells]
    assert header == [
        "Objective", "Ref", "Project / initiative", "About", "Outcomes", "CSS", "VRU",
        "Lead agency", "By when",
    ]  # fmt: skip
    first = [c.text for c in actions.rows[1].cells]
    assert first[5:7] == ["2, 10", "V2"]
    headings = [text for _, text in heading_levels(word)]
    assert "Community Safety Strategy" in headings and "Violence Reduction Unit" in headings
    assert "Youth Justice Plan" not in headings
    everything = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    for word_ in ESSEX:
        assert word_ not in everything

    page = tmp_path / "plan.html"
    publishing.write_document(anytown, "plan", "html", page, today=TODAY)
    read = _Html()
    read.feed(page.read_text(encoding="utf-8"))
    assert [h for h in read.th if h in ("CSS", "VRU")] == ["CSS", "VRU"]
    assert "Community Safety Strategy" in read.headings
    for word_ in ESSEX:
        assert word_ not in read.text


def test_the_plan_workbook_reads_back_with_the_same_cross_references(
    anytown: Database, tmp_path: Path
) -> None:
    out = tmp_path / "plan.xlsx"
    export_plan_workbook(anytown, 1, out)
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[4]]
    assert header[8:11] == ["By when", "Community Safety Strategy", "Violence Reduction Unit"]
    assert not {"PFCC priority", "ECPS strand"} & set(header)
    assert ws.cell(6, 10).value == "2, 10"

    before = _cross_references(anytown, "2025-26")
    preview = preview_plan_spreadsheet(anytown, out, year="2026-27")
    assert [line.cross_references for line in preview.lines] == [
        [("Community Safety Strategy", ["2", "10"]), ("Violence Reduction Unit", ["V2"])],
        [("Community Safety Strategy", ["1"])],
    ]
    summary = load_plan_spreadsheet(anytown, preview)
    assert not any("not linked" in w or "new to this file" in w for w in summary.warnings)
    assert _cross_references(anytown, "2026-27") == before
    with anytown.session() as s:  # linked to the frameworks the file has; none made anew
        assert len(s.scalars(select(Framework)).all()) == 3


def test_the_plan_workbook_brings_its_frameworks_into_a_new_plan_file(
    anytown: Database, db: Database, tmp_path: Path
) -> None:
    """A file with no frameworks yet learns them from the workbook's key: named and titled as
    there, every cross-reference linked."""
    out = tmp_path / "plan.xlsx"
    export_plan_workbook(anytown, 1, out)
    preview = preview_plan_spreadsheet(db, out)
    assert [c.name for c in preview.columns.of(Meaning.FRAMEWORK)] == [  # type: ignore[union-attr]
        "Community Safety Strategy",
        "Violence Reduction Unit",
    ]
    summary = load_plan_spreadsheet(db, preview)
    assert not any("not linked" in w for w in summary.warnings)
    assert _cross_references(db, "2025-26") == _cross_references(anytown, "2025-26")
    with db.session() as s:
        made = {
            fw.name: (fw.code, [(i.code, i.title) for i in fw.items])
            for fw in s.scalars(select(Framework))
        }
    assert made == {
        "Community Safety Strategy": (
            "CSS",
            [("2", "Community Safety Strategy item 2"), ("10", "Community Safety Strategy item 10"),
             ("1", "Community Safety Strategy item 1")],
        ),
        "Violence Reduction Unit": ("VRU", [("V2", "Violence Reduction Unit item V2")]),
    }  # fmt: skip


def test_a_code_the_framework_does_not_have_is_kept_in_the_notes(
    anytown: Database, tmp_path: Path
) -> None:
    out = tmp_path / "plan.xlsx"
    export_plan_workbook(anytown, 1, out)
    book = openpyxl.load_workbook(out)
    ws = book.active
    assert ws is not None and ws.cell(4, 11).value == "Violence Reduction Unit"
    ws.cell(6, 11).value = "V2, V9"
    book.save(out)
    preview = preview_plan_spreadsheet(anytown, out, year="2026-27")
    summary = load_plan_spreadsheet(anytown, preview)
    assert "VRU codes not known in this database, so not linked" in "\n".join(summary.warnings)
    assert "V9" in "\n".join(summary.warnings)
    plan_id = plan_id_for_year(anytown, "2026-27")
    with anytown.session() as s:
        pastors = next(
            a
            for a in s.scalars(select(Action).where(Action.title.startswith("Street pastors")))
            if a.objective.priority.plan_id == plan_id
        )
        assert "Violence Reduction Unit (not linked): V9" in pastors.notes
        assert ("VRU", "V2") in {
            (f.item.framework.code, f.item.code) for f in pastors.framework_items
        }


def test_a_heading_written_with_an_ampersand_is_still_the_file_s_framework(
    anytown: Database, tmp_path: Path
) -> None:
    # The column is read as the framework's by the header search; linking it must match the
    # heading by the same rule, not make a second framework of it.
    with anytown.session() as s:
        vru = s.scalars(select(Framework).where(Framework.code == "VRU")).one()
        vru_id = vru.id
    save_record(
        anytown,
        RecordKind.FRAMEWORK,
        vru_id,
        {"code": "VRU", "name": "Violence Reduction and Prevention Unit"},
    )
    out = tmp_path / "plan.xlsx"
    export_plan_workbook(anytown, 1, out)
    book = openpyxl.load_workbook(out)
    ws = book.active
    assert ws is not None and ws.cell(4, 11).value == "Violence Reduction and Prevention Unit"
    ws.cell(4, 11).value = "Violence Reduction & Prevention Unit"
    book.save(out)
    before = _cross_references(anytown, "2025-26")
    preview = preview_plan_spreadsheet(anytown, out, year="2026-27")
    summary = load_plan_spreadsheet(anytown, preview)
    assert not any("not linked" in w or "new to this file" in w for w in summary.warnings)
    assert _cross_references(anytown, "2026-27") == before
    with anytown.session() as s:
        assert len(s.scalars(select(Framework)).all()) == 3


def test_a_partnership_with_no_frameworks_gets_no_such_columns(
    tmp_path: Path,
) -> None:
    db = anytown_plan(tmp_path)
    try:
        pdf = tmp_path / "plan.pdf"
        reports.build_report(db, "plan", pdf, today=TODAY)
        text = _flat(pdf_pages(pdf))
        assert "Outcomes Lead agency / by when" in text
        assert "Key to the cross-references" not in text
        word = tmp_path / "plan.docx"
        publishing.write_document(db, "plan", "docx", word, today=TODAY)
        [actions] = [t for t in docx.Document(str(word)).tables if t.rows[0].cells[0].text == "Objective"]  # fmt: skip
        assert [c.text for c in actions.rows[0].cells][4:6] == ["Outcomes", "Lead agency"]
        book = tmp_path / "plan.xlsx"
        export_plan_workbook(db, 1, book)
        ws = openpyxl.load_workbook(book).active
        assert ws is not None
        assert [c.value for c in ws[4]][8:10] == ["By when", "Funding"]
        assert "Cross-references" not in openpyxl.load_workbook(book).sheetnames
        preview = preview_plan_spreadsheet(db, book, year="2026-27")
        assert all(line.cross_references == [] for line in preview.lines)
    finally:
        db.close()


def test_three_frameworks_three_columns(anytown: Database, tmp_path: Path) -> None:
    youth = _framework(anytown, "HSP", "Health and Safety Plan", ["H1"])
    _cite(anytown, "1.2", [youth["H1"]])
    out = tmp_path / "plan.pdf"
    reports.build_report(anytown, "plan", out, today=TODAY)
    text = _flat(pdf_pages(out))
    assert (
        "Outcomes Community Safety Strategy Violence Reduction Unit Health and Safety Plan "
        "Lead agency" in text
    )
    book = tmp_path / "plan.xlsx"
    export_plan_workbook(anytown, 1, book)
    ws = openpyxl.load_workbook(book).active
    assert ws is not None
    assert [c.value for c in ws[4]][9:12] == [
        "Community Safety Strategy",
        "Violence Reduction Unit",
        "Health and Safety Plan",
    ]


def test_framework_names_print_as_typed_in_every_format(tmp_path: Path) -> None:
    db = anytown_plan(tmp_path)
    try:
        item = _framework(db, "HARM", HOSTILE, ["=1+1", "<i>"])
        _cite(db, "1.1", [item["=1+1"], item["<i>"]])
        pdf = tmp_path / "plan.pdf"
        reports.build_report(db, "plan", pdf, today=TODAY)
        text = "\n".join(pdf_pages(pdf))
        assert HOSTILE in _flat([text]) and "<i>, =1+1" in text

        word = tmp_path / "plan.docx"
        publishing.write_document(db, "plan", "docx", word, today=TODAY)
        assert HOSTILE in [t for _, t in heading_levels(word)]

        page = tmp_path / "plan.html"
        publishing.write_document(db, "plan", "html", page, today=TODAY)
        read = _Html()
        read.feed(page.read_text(encoding="utf-8"))
        assert HOSTILE in read.headings and "<i>, =1+1" in read.td

        book = tmp_path / "plan.xlsx"
        export_plan_workbook(db, 1, book)
        ws = openpyxl.load_workbook(book).active
        assert ws is not None
        heading = ws.cell(4, 10)
        assert heading.value == HOSTILE and heading.data_type == "s"  # text, never a formula
        assert ws.cell(6, 10).value == "=1+1, <i>"  # as the action lists them
        assert ws.cell(6, 10).data_type == "s"

        before = _cross_references(db, "2025-26")
        preview = preview_plan_spreadsheet(db, book, year="2026-27")
        load_plan_spreadsheet(db, preview)
        assert _cross_references(db, "2026-27") == before
        assert before["Street pastors on Friday nights"] == {(HOSTILE, "=1+1"), (HOSTILE, "<i>")}
    finally:
        db.close()


def test_the_demo_prints_essex_frameworks_as_before(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    reports.build_report(demo_db, "plan", out, today=dt.date(2022, 10, 20))
    pages = pdf_pages(out)
    assert "Outcomes PFCC priority ECPS strand Lead agency / by when" in _flat(pages[:3])
    book = tmp_path / "plan.xlsx"
    export_plan_workbook(demo_db, plan_id_for_year(demo_db, "2022-23") or 0, book)
    ws = openpyxl.load_workbook(book).active
    assert ws is not None
    assert [c.value for c in ws[4]][9:11] == ["PFCC priority", "ECPS strand"]


class _Html(HTMLParser):
    """The page's text, its headings, header cells and data cells, as a reader hears them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.headings: list[str] = []
        self.th: list[str] = []
        self.td: list[str] = []
        self._open: list[str] = []
        self._buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]|th|td", tag):
            self._open.append(tag)
            self._buffer = ""

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()
            text = " ".join(self._buffer.split())
            (self.th if tag == "th" else self.td if tag == "td" else self.headings).append(text)

    def handle_data(self, data: str) -> None:
        self.text += data
        self._buffer += data
