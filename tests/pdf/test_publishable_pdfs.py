"""The printed PDFs read back as a reader, a screen reader and a committee clerk meet them:
language and metadata, embedded fonts, no near-empty pages, a full glossary, the demo's
notice, and a year-end report that tells the whole year."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from scp_desktop.domain.rag import RAG
from scp_desktop.domain.reports import DEMO_NOTICE
from scp_desktop.services import reports
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Action,
    AgendaAttachment,
    AgendaItem,
    Partnership,
    QuarterUpdate,
)

QUARTER = "2022-23-Q2"
TODAY = dt.date(2022, 10, 20)
KINDS = ("quarterly", "plan", "year-end", "pack")
# A page of a report's body holds at least this much text besides its header and footer.
MIN_BODY_CHARS = 400
_FURNITURE = re.compile(r"Page \d+ of \d+|Prepared by|^Safer Colchester Partnership|^Demo data:")


def _build(db: Database, kind: str, out: Path) -> PdfReader:
    reports.build_report(db, kind, out, quarter=QUARTER, today=TODAY)
    return PdfReader(str(out))


def _pages(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


@pytest.mark.parametrize("kind", KINDS)
def test_language_and_xmp_metadata(demo_db: Database, tmp_path: Path, kind: str) -> None:
    reader = _build(demo_db, kind, tmp_path / f"{kind}.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = reader.xmp_metadata
    assert xmp is not None
    info = reader.metadata
    assert info is not None and info.title
    assert xmp.dc_title["x-default"] == info.title
    assert xmp.dc_creator == ["Community Safety Team, Colchester Borough Council"]
    assert xmp.dc_language == ["en-GB"]
    assert xmp.dc_description["x-default"] == info.subject


@pytest.mark.parametrize("kind", KINDS)
def test_every_font_is_embedded(demo_db: Database, tmp_path: Path, kind: str) -> None:
    reader = _build(demo_db, kind, tmp_path / f"{kind}.pdf")
    seen = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            seen.add(str(font["/BaseFont"]))
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            assert "/FontDescriptor" in descendant, font["/BaseFont"]
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert seen and all("DejaVuSans" in name for name in seen)


@pytest.mark.parametrize("kind", ("quarterly", "plan", "year-end"))
def test_no_near_empty_pages(demo_db: Database, tmp_path: Path, kind: str) -> None:
    pages = _pages(_build(demo_db, kind, tmp_path / f"{kind}.pdf"))
    # Page 1 is the cover, page 2 the contents; every page after holds the report's body.
    thin = {}
    for number, text in enumerate(pages[2:], start=3):
        body = [line for line in text.splitlines() if not _FURNITURE.search(line)]
        if len("".join(body)) < MIN_BODY_CHARS:
            thin[number] = body
    assert thin == {}


@pytest.mark.parametrize("kind", KINDS)
def test_demo_notice_on_every_page_only_for_demo_data(
    demo_db: Database, tmp_path: Path, kind: str
) -> None:
    pages = _pages(_build(demo_db, kind, tmp_path / f"demo-{kind}.pdf"))
    assert all(DEMO_NOTICE in " ".join(text.split()) for text in pages)
    with demo_db.session() as s:
        s.scalars(select(Partnership)).one().is_demo = False
    own = _pages(_build(demo_db, kind, tmp_path / f"own-{kind}.pdf"))
    assert not any("Demo data" in text for text in own)


def test_glossary_explains_partner_abbreviations(demo_db: Database, tmp_path: Path) -> None:
    text = "\n".join(_pages(_build(demo_db, "quarterly", tmp_path / "q.pdf")))
    body, glossary = text.rsplit("\nGlossary", 1)
    assert re.search(r"\bEP\b", body)
    assert re.search(r"^EP\nEssex Police$", glossary, re.M)
    assert re.search(r"^ECFRS\nEssex County Fire", glossary, re.M)
    # Partners never named in the document stay out.
    assert "British Transport Police" not in glossary


@pytest.mark.parametrize("kind", KINDS)
def test_notes_about_the_data_source_are_not_printed(
    demo_db: Database, tmp_path: Path, kind: str
) -> None:
    text = " ".join(" ".join(_pages(_build(demo_db, kind, tmp_path / f"{kind}.pdf"))).split())
    for phrase in (
        "§",
        "seed ",
        "in the source",
        "Appendix calls",
        "year-end report)",
        "not stated",
    ):
        assert phrase not in text


def test_year_end_tells_every_quarter_in_order(demo_db: Database, tmp_path: Path) -> None:
    stories = {
        "2022-23-Q1": ("A", "Spring: venue booked and partners briefed."),
        "2022-23-Q3": ("R", "Autumn: funding bid refused, sessions paused."),
        "2022-23-Q4": ("B", "Winter: programme delivered to all schools."),
    }
    with demo_db.session() as s:
        action = s.scalars(
            select(Action)
            .join(QuarterUpdate)
            .where(QuarterUpdate.quarter == QUARTER)
            .order_by(Action.id)
        ).first()
        assert action is not None
        title = action.title
        q2 = s.scalars(
            select(QuarterUpdate).where(
                QuarterUpdate.action_id == action.id, QuarterUpdate.quarter == QUARTER
            )
        ).one()
        q2_rag, q2_text = RAG(q2.rag), " ".join(q2.narrative.split())
        for quarter, (rag, narrative) in stories.items():
            s.add(QuarterUpdate(action_id=action.id, quarter=quarter, rag=rag, narrative=narrative))
    text = " ".join(" ".join(_pages(_build(demo_db, "year-end", tmp_path / "ye.pdf"))).split())
    marks = [
        text.index("Q1 2022-23 – A Amber Spring: venue booked"),
        text.index(f"Q2 2022-23 – {q2_rag.value} {q2_rag.label} {q2_text[:30]}"),
        text.index("Q3 2022-23 – R Red Autumn: funding bid refused"),
        text.index("Q4 2022-23 – B Blue Winter: programme delivered"),
    ]
    assert marks == sorted(marks)
    # The Red and Amber quarters come back among the year's exceptions, after the actions.
    exceptions = text[text.index("Exceptions in 2022-23") :]
    assert title.split()[0] in exceptions
    assert "Q3 2022-23 – R Red Autumn: funding bid refused" in exceptions
    assert "Q1 2022-23 – A Amber Spring: venue booked" in exceptions
    for heading in ("The Partnership will:", "Statistics against target", "Funding in 2022-23"):
        assert heading in text


def _after_page_top_header(text: str, last_header_line: str) -> str | None:
    """The first line under a table header that opens the page, or None when the page does
    not open with that table."""
    lines = [line for line in text.splitlines() if not _FURNITURE.search(line)]
    lines = [line for line in lines if "Quarterly performance report ·" not in line]
    lines = [line for line in lines if "report ·" not in line and "Plan ·" not in line]
    if not lines or lines[0] not in ("Ref", "Objective"):
        return None
    try:
        return lines[lines.index(last_header_line) + 1]
    except (ValueError, IndexError):
        return None


@pytest.mark.parametrize(
    ("kind", "header_end"),
    [("quarterly", "Progress update"), ("year-end", "Progress over the year")],
)
def test_a_page_continuing_an_objective_names_it(
    demo_db: Database, tmp_path: Path, kind: str, header_end: str
) -> None:
    pages = _pages(_build(demo_db, kind, tmp_path / f"{kind}.pdf"))
    firsts = [_after_page_top_header(text, header_end) for text in pages]
    opened = [line for line in firsts if line is not None]
    assert opened, "no page opens inside an action table"
    assert all(line.startswith("Objective: ") for line in opened), opened
    joined = [" ".join(text.split()) for text in pages]
    assert any(re.search(r"Objective: [^()]+ \(continued\)", text) for text in joined)


def test_plan_page_continuing_an_objective_repeats_its_title(
    demo_db: Database, tmp_path: Path
) -> None:
    pages = _pages(_build(demo_db, "plan", tmp_path / "plan.pdf"))
    firsts = [_after_page_top_header(text, "by when") for text in pages]
    opened = [line for line in firsts if line is not None]
    assert len(opened) >= 3
    # Never a blank objective cell: the first cell is an objective, not a project's reference.
    assert not [line for line in opened if re.match(r"\d+\.\d+\.\d+ ", line)]
    assert sum("(continued)" in " ".join(text.split()[:80]) for text in pages) >= 2


def _paper(size: tuple[float, float], pages: int, label: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 14)
        canvas.drawString(72, size[1] - 90, f"{label} PAGE {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_pack_papers_fill_their_pages_without_near_empty_lead_pages(
    demo_db: Database, tmp_path: Path
) -> None:
    with demo_db.session() as s:
        item = s.scalars(select(AgendaItem).where(AgendaItem.kind == "minutes")).one()
        for title, size, label in (
            ("Minutes of 25 May 2022", A4, "PORTRAIT MINUTES"),
            ("Minutes of 14 September 2021", landscape(A4), "LANDSCAPE MINUTES"),
        ):
            item.attachments.append(
                AgendaAttachment(
                    title=title, file_name="m.pdf", content=_paper(size, 2, label), pages=2
                )
            )
    reader = _build(demo_db, "pack", tmp_path / "pack.pdf")
    pages = _pages(reader)
    where = {
        label: [i for i, text in enumerate(pages) if label in text]
        for label in ("PORTRAIT MINUTES PAGE", "LANDSCAPE MINUTES PAGE")
    }
    portrait, wide = where["PORTRAIT MINUTES PAGE"], where["LANDSCAPE MINUTES PAGE"]
    assert len(portrait) == 2 and len(wide) == 2
    # The item's heading and its first paper page share a page: no page of a heading alone.
    assert "Item 5: Minutes of Previous Meeting" in pages[portrait[0]]
    # A landscape paper is printed on landscape pages, so it is not shrunk to a portrait width.
    for index in wide:
        box = reader.pages[index].mediabox
        assert float(box.width) > float(box.height)
    for index in portrait:
        box = reader.pages[index].mediabox
        assert float(box.width) < float(box.height)
    # Every page after the agenda holds a paper or a report's body, never a heading alone;
    # the report follows its item's heading on the same page.
    report = next(i for i, text in enumerate(pages) if "Item 7: Safer Colchester" in text[:400])
    assert "Summary – Q2 2022-23" in pages[report]
    thin = [
        number
        for number, text in enumerate(pages[2:], start=3)
        if len("".join(line for line in text.splitlines() if not _FURNITURE.search(line)))
        < MIN_BODY_CHARS
        and "MINUTES PAGE" not in text
    ]
    assert thin == []
