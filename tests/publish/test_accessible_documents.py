"""The .docx and HTML of every report, read back: headings in order, captioned tables with a
header row that repeats, charts with alt text stating their figures, language en-GB, a title,
RAG in words, self-contained HTML, and every user string kept as text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from scp_desktop.domain.rag import RAG
from scp_desktop.services import committee, editing, publishing, reports
from scp_desktop.services.edit_inputs import UpdateFields
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, Meeting
from tests.document_scan import foreign_words
from tests.publish.reading import (
    NS,
    W,
    docx_text,
    docx_xml,
    heading_levels,
    levels_in_order,
    read_html,
)
from tests.services.test_any_partnership_documents import anytown_plan

TODAY = dt.date(2022, 10, 20)
QUARTER = "2022-23-Q2"
KINDS = ["quarterly", "plan", "year-end", "committee"]
HOSTILE = "<script>alert('x')</script> & Co\n=HYPERLINK(\"http://x\")\x00\x0b next\r\nline"


def _meeting(db: Database) -> int:
    return reports.list_meetings(db)[0].id


def _write(db: Database, kind: str, fmt: str, out: Path) -> Path:
    meeting = _meeting(db) if kind == "committee" else None
    publishing.write_document(db, kind, fmt, out, quarter=QUARTER, meeting_id=meeting, today=TODAY)
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_docx_is_accessible_by_construction(demo_db: Database, tmp_path: Path, kind: str) -> None:
    out = _write(demo_db, kind, "docx", tmp_path / f"{kind}.docx")
    levels = heading_levels(out)
    assert len(levels) > 5
    assert levels_in_order([lvl for lvl, _ in levels]), levels[:20]

    body = docx_xml(out)
    tables = body.findall(".//w:tbl", NS)
    assert tables
    for tbl in tables:
        first = tbl.find("w:tr", NS)
        assert first is not None
        repeat = first.find("w:trPr/w:tblHeader", NS)
        assert repeat is not None and repeat.get(f"{{{W}}}val") == "true"
        caption = tbl.find("w:tblPr/w:tblCaption", NS)
        assert caption is not None and caption.get(f"{{{W}}}val")
        # No other row claims to be a header.
        assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in tbl.findall("w:tr", NS)[1:])

    # Every shaded RAG cell states its colour in words.
    for tc in body.iter(f"{{{W}}}tc"):
        shd = tc.find("w:tcPr/w:shd", NS)
        if shd is not None and shd.get(f"{{{W}}}fill") in {r.hex_colour.lstrip("#") for r in RAG}:
            words = "".join(t.text or "" for t in tc.iter(f"{{{W}}}t"))
            assert re.fullmatch(r"(Red \(R\)|Amber \(A\)|Green \(G\)|Blue \(B\))", words), words

    styles = docx_xml(out, "word/styles.xml")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang is not None and lang.get(f"{{{W}}}val") == "en-GB"
    props = docx.Document(str(out)).core_properties
    assert props.language == "en-GB"
    assert props.title


@pytest.mark.parametrize("kind", ["quarterly", "committee", "year-end"])
def test_every_chart_has_alt_text_stating_its_figures(
    demo_db: Database, tmp_path: Path, kind: str
) -> None:
    out = _write(demo_db, kind, "docx", tmp_path / f"{kind}.docx")
    html_out = _write(demo_db, kind, "html", tmp_path / f"{kind}.html")
    data = reports.quarterly_data(
        demo_db, reports.plan_for_quarter(demo_db, QUARTER), QUARTER, TODAY
    )
    body = docx_xml(out)
    pictures = body.findall(".//wp:docPr", NS)
    assert pictures
    alts = [p.get("descr") or "" for p in pictures]
    assert all(alts)
    images = read_html(html_out).images
    assert images and all(i.get("alt") for i in images)
    assert sorted(i["alt"] for i in images) == sorted(alts)
    if kind != "year-end":
        first = data.priorities[0]
        counts = first.rag_counts()
        said = (
            f"{first.short_name}: {counts[RAG.RED]} Red, {counts[RAG.AMBER]} Amber, "
            f"{counts[RAG.GREEN]} Green, {counts[RAG.BLUE]} Blue, {counts[None]} not reported"
        )
        assert any(said in a for a in alts), (said, alts)
        total = sum(sum(p.rag_counts().values()) for p in data.priorities)
        assert any(f"(of {total} actions)" in a for a in alts)


@pytest.mark.parametrize("kind", KINDS)
def test_html_is_one_accessible_self_contained_file(
    demo_db: Database, tmp_path: Path, kind: str
) -> None:
    out = _write(demo_db, kind, "html", tmp_path / f"{kind}.html")
    page = read_html(out)
    assert page.lang == "en-GB"
    assert page.title.strip()
    assert {"header", "main", "footer"} <= set(page.landmarks)
    assert page.outside_landmarks == []
    assert levels_in_order([lvl for lvl, _ in page.headings]), page.headings[:20]
    assert [lvl for lvl, _ in page.headings].count(1) == 1
    assert page.tables
    for t in page.tables:
        assert t["caption"]
        assert t["header_scopes"] and set(t["header_scopes"]) == {"col"}  # type: ignore[arg-type]
    # Self-contained: no script, no linked style sheet, every image inline.
    assert "script" not in page.tags and "link" not in page.tags
    assert all(src.startswith("data:image/") for src in page.srcs)
    assert all(re.fullmatch(r"(Red|Amber|Green|Blue) \([RAGB]\)", c) for c in page.rag_cells)
    if kind in ("quarterly", "committee"):
        assert page.rag_cells


def test_docx_and_html_carry_the_same_headings(demo_db: Database, tmp_path: Path) -> None:
    for kind in KINDS:
        word = heading_levels(_write(demo_db, kind, "docx", tmp_path / f"{kind}.docx"))
        page = read_html(_write(demo_db, kind, "html", tmp_path / f"{kind}.html")).headings
        assert word == page


def test_committee_report_has_the_parts_of_a_council_report(
    demo_db: Database, tmp_path: Path
) -> None:
    meeting = _meeting(demo_db)
    texts = committee.load_texts(demo_db, meeting, QUARTER).texts
    texts.update(
        report_of="Assistant Director Communities",
        author="Sonia Carr",
        executive_summary="This report reviews the partnership's work.\n\nSecond paragraph.",
        financial="Funding is expected to fall.",
    )
    committee.save_texts(demo_db, meeting, QUARTER, texts)
    out = _write(demo_db, "committee", "docx", tmp_path / "c.docx")
    headings = [t for _, t in heading_levels(out)]
    numbered = [h for h in headings if re.match(r"\d+\. ", h)]
    assert numbered[:5] == [
        "1. Executive summary",
        "2. Action required",
        "3. Reason for scrutiny",
        "4. Background",
        "5. The partnership's performance, Q2 2022-23",
    ]
    assert [h.split(". ", 1)[1] for h in numbered[5:]] == [
        "Future plans",
        "Strategic plan references",
        "Consultation",
        "Equality, diversity and human rights implications",
        "Risk management implications",
        "Health and safety implications",
        "Financial implications",
        "Environmental and sustainability implications",
    ]
    assert [int(h.split(".")[0]) for h in numbered] == list(range(1, 14))
    for part in ("RAG summary", "Exceptions", "Performance statistics", "Funding"):
        assert any(part in h for h in headings), part
    assert any(h.startswith("Appendix A: Annual Partnership Plan") for h in headings)
    assert sum(h == "The Safer Colchester Partnership will" for h in headings) == 3
    text = docx_text(out)
    for label in ("Report of: ", "Author: ", "Title: ", "Wards affected: ", "Item number: "):
        assert label in text
    assert "Assistant Director Communities" in text and "Sonia Carr" in text
    assert "Item number: 7" in text and "Meeting: Crime and Disorder Committee" in text
    assert "Date: 07 November 2022" in text
    assert "Funding is expected to fall." in text
    assert "Second paragraph." in text
    # An implication left blank says so as councils do.
    assert "There are no specific implications arising from this report." in text
    assert "Achievements by partner" in text
    # Each partner by its name, with the abbreviation the tables use.
    assert "\nEssex Police (EP)\n" in text


def test_hostile_text_stays_text(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session() as s:
        action = s.scalars(select(Action).where(Action.reference == "2.3.9")).one()
        action_id = action.id
    editing.set_quarter_update(
        demo_db, action_id, QUARTER, UpdateFields(RAG.RED, HOSTILE, "Sam <b>")
    )
    meeting = _meeting(demo_db)
    texts = committee.load_texts(demo_db, meeting, QUARTER).texts
    texts["background"] = HOSTILE
    texts["author"] = "=cmd|' /C calc'!A0 & <i>"
    texts["title"] = "Safer\nTown <x>"
    committee.save_texts(demo_db, meeting, QUARTER, texts)

    html_out = _write(demo_db, "committee", "html", tmp_path / "c.html")
    raw = html_out.read_text(encoding="utf-8")
    assert "<script" not in raw and "<i>" not in raw and "<b>" not in raw
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co<br>" in raw
    page = read_html(html_out)
    assert '=HYPERLINK("http://x")' in page.text
    assert "=cmd|' /C calc'!A0 & <i>" in page.text
    assert "\x00" not in raw and "\x0b" not in raw
    assert re.search(r"\) next\n+line", page.text)
    # The title and attributes are one line of plain text.
    assert "Safer Town <x>" in page.title and "<br>" not in raw.split("</title>")[0]

    docx_out = _write(demo_db, "committee", "docx", tmp_path / "c.docx")
    text = docx_text(docx_out)
    assert "<script>alert('x')</script> & Co" in text
    assert '=HYPERLINK("http://x")' in text and "=cmd|' /C calc'!A0 & <i>" in text
    # The line break is a real break in Word, not a character.
    body = docx_xml(docx_out)
    assert any(
        r.find("w:br", NS) is not None
        and "".join(t.text or "" for t in r.iter(f"{{{W}}}t")) == "line"
        for r in body.iter(f"{{{W}}}r")
    )


def test_another_partnership_is_named_throughout(tmp_path: Path) -> None:
    db = anytown_plan(tmp_path)
    try:
        meeting = reports.list_meetings(db)[0].id
        for fmt in ("docx", "html"):
            for kind in KINDS:
                out = tmp_path / f"{kind}.{fmt}"
                publishing.write_document(
                    db, kind, fmt, out, quarter="2025-26-Q2", meeting_id=meeting
                )
                text = docx_text(out) if fmt == "docx" else read_html(out).text
                assert foreign_words(text) == [], (kind, fmt)
                assert "Safer Anytown Partnership" in text
                assert "OFFICIAL – Safer Anytown Partnership, Town Hall" in text
        header = docx_xml(tmp_path / "committee.docx", "word/header1.xml")
        logo = header.find(".//wp:docPr", NS)
        assert logo is not None and logo.get("descr") == "Safer Anytown Partnership logo"
        html_logo = read_html(tmp_path / "committee.html").images[0]
        assert html_logo["alt"] == "Safer Anytown Partnership logo"
        assert html_logo["src"].startswith("data:image/png;base64,")
        props = docx.Document(str(tmp_path / "committee.docx")).core_properties
        assert props.author == "Anytown Community Safety Team"
        assert "Community Safety Board" in props.title
    finally:
        db.close()


def test_bad_choices_are_named(demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="Word document or web page"):
        _write(demo_db, "committee", "pdf", tmp_path / "c.pdf")
    with pytest.raises(UserError, match="meeting pack is printed as a PDF"):
        _write(demo_db, "pack", "docx", tmp_path / "p.docx")
    with pytest.raises(UserError, match="Unknown format 'odt'"):
        _write(demo_db, "plan", "odt", tmp_path / "p.odt")
    with pytest.raises(UserError, match="There is no meeting 999"):
        publishing.write_document(
            demo_db, "committee", "docx", tmp_path / "c.docx", quarter=QUARTER, meeting_id=999
        )
    with pytest.raises(UserError, match="Could not write"):
        _write(demo_db, "plan", "html", tmp_path / "missing" / "p.html")
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("demo.db")]
    with demo_db.session(audit=False) as s:
        assert s.scalars(select(Meeting)).first() is not None
