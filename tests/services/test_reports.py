"""Printed reports built from the demo plan, read back from the PDF files."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from scp_desktop.cli import main
from scp_desktop.domain.rag import RAG, RAG_ORDER, Travel
from scp_desktop.pdf.base import words_of
from scp_desktop.services import reports
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Acronym,
    Action,
    AgendaAttachment,
    AgendaItem,
    KeyPriority,
    Meeting,
    Objective,
    Plan,
    QuarterUpdate,
)

QUARTER = "2022-23-Q2"
TODAY = dt.date(2022, 10, 20)
HOSTILE = (
    'R&D <b>bold</b> <font name="Nope" color="red">styled</font> '
    '<a href="https://evil.example/x">link</a> <img src="/etc/passwd"/> x<y & z>w\x07\x00\n'
    "second line – £5 “quoted” café"
)


def _build(db: Database, kind: str, out: Path, **kw: object) -> PdfReader:
    pages = reports.build_report(db, kind, out, quarter=QUARTER, today=TODAY, **kw)  # type: ignore[arg-type]
    reader = PdfReader(str(out))
    assert len(reader.pages) == pages
    return reader


def _text(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _plan_id(db: Database) -> int:
    with db.session(audit=False) as s:
        return s.scalars(select(Plan.id)).one()


def _titles(db: Database) -> list[str]:
    with db.session(audit=False) as s:
        return list(s.scalars(select(Action.title)))


def test_quarterly_report_prints_every_action_and_page_x_of_y(
    demo_db: Database, tmp_path: Path
) -> None:
    reader = _build(demo_db, "quarterly", tmp_path / "q.pdf")
    pages = _text(reader)
    whole = _squash("".join(pages))
    missing = [t for t in _titles(demo_db) if _squash(t) not in whole]
    assert missing == []
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
    meta = reader.metadata
    assert meta is not None
    assert "Quarterly performance report" in (meta.title or "")
    assert meta.author and meta.subject
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_quarterly_rag_counts_equal_the_database(demo_db: Database, tmp_path: Path) -> None:
    reader = _build(demo_db, "quarterly", tmp_path / "q.pdf")
    summary = next(
        t for t in _text(reader) if "RAG status by key priority" in t and "All actions" in t
    )
    with demo_db.session(audit=False) as s:
        rows = s.execute(
            select(QuarterUpdate.rag, func.count())
            .where(QuarterUpdate.quarter == QUARTER)
            .group_by(QuarterUpdate.rag)
        ).all()
        actions = s.scalar(
            select(func.count()).select_from(Action).where(Action.status != "dropped")
        )
    counts = Counter({rag: n for rag, n in rows})
    reported = sum(counts.values())
    expected = [counts.get(r.value, 0) for r in RAG_ORDER] + [actions - reported, actions]
    found = re.search(r"All actions\s+" + r"\s+".join([r"(\d+)"] * 6), summary)
    assert found is not None, summary
    assert [int(x) for x in found.groups()] == expected


def test_quarterly_report_shows_change_since_last_quarter(
    demo_db: Database, tmp_path: Path
) -> None:
    with demo_db.session() as s:
        action = s.scalars(select(Action).order_by(Action.id)).first()
        assert action is not None
        current = s.scalars(
            select(QuarterUpdate).where(
                QuarterUpdate.action_id == action.id, QuarterUpdate.quarter == QUARTER
            )
        ).one()
        current.rag = "G"
        s.add(
            QuarterUpdate(action_id=action.id, quarter="2022-23-Q1", rag="R", narrative="Stalled")
        )
        ref = action.reference
    text = "".join(_text(_build(demo_db, "quarterly", tmp_path / "q.pdf")))
    assert re.search(re.escape(ref) + r".*?G\s*▲ Up", text, re.S)


def test_glossary_lists_exactly_the_acronyms_used(demo_db: Database, tmp_path: Path) -> None:
    reader = _build(demo_db, "quarterly", tmp_path / "q.pdf")
    pages = _text(reader)
    # The glossary may start part-way down a page: split the text at its heading.
    text = "\n".join(pages)
    heading = list(re.finditer(r"^Glossary\s*$", text, re.M))[-1]
    body, glossary = text[: heading.start()], text[heading.start() :]
    with demo_db.session(audit=False) as s:
        acronyms = {a.abbreviation: a.meaning for a in s.scalars(select(Acronym))}
    listed = {
        abbr
        for abbr, meaning in acronyms.items()
        if re.search(re.escape(abbr) + r"\s+" + re.escape(meaning.split()[0]), glossary)
    }
    # Used: in the body, or in the meaning of an acronym that is used (the glossary is read too).
    used = {a for a in acronyms if a in words_of([body])}
    grew = True
    while grew:
        more = {
            a for a in acronyms if a not in used and any(a in words_of([acronyms[u]]) for u in used)
        }
        grew = bool(more)
        used |= more
    assert listed == used
    assert len(used) > 5
    assert "APP" not in used or "APP" in words_of([body])


def test_hostile_text_prints_literally(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session() as s:
        update = s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == QUARTER)).first()
        assert update is not None
        update.narrative = HOSTILE
        update.rag = "R"
        update.action.title = "Title <b>not bold</b> & <i>not italic</i>"
    out = tmp_path / "q.pdf"
    reader = _build(demo_db, "quarterly", out)
    text = "\n".join(_text(reader))
    flat = _squash(text)
    for piece in ["R&D<b>bold</b>", '<fontname="Nope"color="red">styled</font>',
                  '<ahref="https://evil.example/x">link</a>', '<imgsrc="/etc/passwd"/>', "x<y&z>w",
                  "Title<b>notbold</b>&<i>notitalic</i>", "£5“quoted”café"]:  # fmt: skip
        assert piece in flat, piece
    assert "R&D;" not in text
    # The narrative's own line break is kept: the second line starts a line of its own.
    assert re.search(r"^second line", text, re.M)
    raw = out.read_bytes()
    assert b"evil.example" not in raw  # no link annotation, no URI
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert "/URI" not in str(annot.get_object().get("/A", ""))


def test_fonts_are_embedded(demo_db: Database, tmp_path: Path) -> None:
    reader = _build(demo_db, "quarterly", tmp_path / "q.pdf")
    fonts = reader.pages[2]["/Resources"]["/Font"]
    names = set()
    for ref in fonts.values():
        font = ref.get_object()
        names.add(str(font["/BaseFont"]))
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        if "/FontDescriptor" in descendant:
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert any("DejaVuSans" in n for n in names)


def test_plan_is_landscape_with_each_objective_printed_once(
    demo_db: Database, tmp_path: Path
) -> None:
    reader = _build(demo_db, "plan", tmp_path / "plan.pdf")
    page = reader.pages[2].mediabox
    assert float(page.width) > float(page.height)
    pages = _text(reader)
    whole = _squash("".join(pages))
    assert [t for t in _titles(demo_db) if _squash(t) not in whole] == []
    with demo_db.session(audit=False) as s:
        commitments = " ".join(kp.commitments for kp in s.scalars(select(KeyPriority)))
        objectives = [
            o.title
            for o in s.scalars(select(Objective).join(KeyPriority))
            if len(o.actions) >= 2 and len(o.title) > 25 and o.title not in commitments
        ]
    assert objectives
    for title in objectives:
        # Once on its first row; a page that starts inside it names it again, "(continued)".
        printed = whole.count(_squash(title))
        assert printed - whole.count(_squash(title) + "(continued)") == 1, title


def test_year_end_report_shows_quarter_path(demo_db: Database, tmp_path: Path) -> None:
    reader = _build(demo_db, "year-end", tmp_path / "ye.pdf")
    text = "\n".join(_text(reader))
    assert "Q1 Q2 Q3 Q4" in re.sub(r"\s+", " ", text)
    assert "Q2 2022-23:" in text
    assert "Performance statistics" in text and "IOM cohort (Colchester & Tendring)" in text
    whole = _squash(text)
    assert [t for t in _titles(demo_db) if _squash(t) not in whole] == []


def _minutes_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))  # US Letter: scaled into the A4 body
    for number in (1, 2):
        canvas.setFont("Helvetica", 14)
        canvas.drawString(72, 700, f"MINUTES PAGE {number} of the previous meeting")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _attach(db: Database, content: bytes, name: str = "minutes.pdf") -> int:
    """Put a file on the minutes item as it is stored (the checks on attaching are passed by)."""
    with db.session() as s:
        item = s.scalars(select(AgendaItem).where(AgendaItem.kind == "minutes")).one()
        item.attachments.append(
            AgendaAttachment(title="Minutes", file_name=name, content=content, pages=2)
        )
        return s.scalars(select(Meeting.id)).one()


def test_meeting_pack_merges_attachments_with_running_page_numbers(
    demo_db: Database, tmp_path: Path
) -> None:
    meeting_id = _attach(demo_db, _minutes_pdf())
    reader = _build(demo_db, "pack", tmp_path / "pack.pdf", meeting_id=meeting_id)
    pages = _text(reader)
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
    minutes = [i for i, t in enumerate(pages) if "MINUTES PAGE" in t]
    assert len(minutes) == 2 and minutes[1] == minutes[0] + 1
    outline = {
        o.title: reader.get_destination_page_number(o)
        for o in reader.outline
        if not isinstance(o, list)
    }
    assert outline["Item 5: Minutes of Previous Meeting"] == minutes[0]
    report_page = outline["Item 7: Safer Colchester Partnership Report"]
    # The report follows its item's heading on the same page.
    assert "Summary – Q2 2022-23" in pages[report_page]
    # The agenda prints the pages each item runs over (its cover sheet, then its papers).
    agenda = re.sub(r"\s+", " ", pages[1])
    assert f"Minutes of Previous Meeting {minutes[0] + 1} – {minutes[1] + 1}" in agenda
    assert f"Safer Colchester Partnership Report {report_page + 1} – {total - 1}" in agenda
    whole = _squash("".join(pages))
    assert "Appendix:AnnualPartnershipPlan" in whole
    assert [t for t in _titles(demo_db) if whole.count(_squash(t)) < 2] == []


def test_meeting_pack_refuses_an_attachment_that_is_not_a_pdf(
    demo_db: Database, tmp_path: Path
) -> None:
    meeting_id = _attach(demo_db, b"PK\x03\x04 not a pdf", "minutes.docx")
    out = tmp_path / "pack.pdf"
    with pytest.raises(
        UserError, match=r"Agenda item 5 'Minutes of Previous Meeting': minutes.docx is not a PDF"
    ):
        reports.build_report(
            demo_db, "pack", out, quarter=QUARTER, meeting_id=meeting_id, today=TODAY
        )
    assert not out.exists()
    assert list(tmp_path.glob(".building-*")) == []


def test_cancelled_build_leaves_no_file(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "q.pdf"
    out.write_bytes(b"old")
    calls = []

    def progress(fraction: float, message: str) -> None:
        calls.append(fraction)
        if len(calls) > 5:
            raise reports.Cancelled()

    with pytest.raises(reports.Cancelled):
        reports.build_report(demo_db, "quarterly", out, quarter=QUARTER, progress=progress)
    assert out.read_bytes() == b"old"
    assert list(tmp_path.glob(".building-*")) == []


def test_quarter_outside_the_plan_year_is_refused(demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no plan for 2023-24"):
        reports.build_report(demo_db, "quarterly", tmp_path / "q.pdf", quarter="2023-24-Q1")
    with pytest.raises(UserError, match="not a quarter"):
        reports.build_report(demo_db, "quarterly", tmp_path / "q.pdf", quarter="Q9")


def test_report_command(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = demo_db.path
    demo_db.close()
    out = tmp_path / "plan.pdf"
    assert (
        main(
            ["report", "--db", str(path), "--kind", "plan", "--quarter", QUARTER, "--out", str(out)]
        )
        == 0
    )
    assert "pages" in capsys.readouterr().out
    assert PdfReader(str(out)).pages
    assert (
        main(
            [
                "report",
                "--db",
                str(path),
                "--kind",
                "quarterly",
                "--quarter",
                "2031-32-Q1",
                "--out",
                str(out),
            ]
        )
        == 1
    )
    assert "no plan for 2031-32" in capsys.readouterr().err


def test_very_long_texts_run_on_as_continued_rows(demo_db: Database, tmp_path: Path) -> None:
    long_text = " ".join(f"Sentence {i} of a very long progress narrative." for i in range(400))
    with demo_db.session() as s:
        update = s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == QUARTER)).first()
        assert update is not None
        update.narrative = long_text
        update.action.about = long_text
    for kind in ("quarterly", "plan", "year-end"):
        reader = _build(demo_db, kind, tmp_path / f"{kind}.pdf")
        pages = _text(reader)
        flat = _squash("".join(pages))
        assert [i for i in range(400) if f"Sentence{i}ofaverylong" not in flat] == []
        assert any("continued" in t for t in pages)


def test_hostile_meeting_and_agenda_text_prints_literally(
    demo_db: Database, tmp_path: Path
) -> None:
    with demo_db.session() as s:
        meeting = s.scalars(select(Meeting)).one()
        meeting.venue = "Room <b>1</b> & 2\x00"
        item = s.scalars(select(AgendaItem).where(AgendaItem.kind == "minutes")).one()
        item.title = 'Minutes <a href="x">of</a> <img src="/etc/passwd"/>'
        item.attachments.append(
            AgendaAttachment(
                title="<font name=x>minutes.pdf",
                file_name="<font name=x>minutes.pdf",
                content=_minutes_pdf(),
                pages=2,
            )
        )
        meeting_id = meeting.id
    reader = _build(demo_db, "pack", tmp_path / "pack.pdf", meeting_id=meeting_id)
    flat = _squash("".join(_text(reader)))
    assert "Room<b>1</b>&2" in flat
    assert '<ahref="x">of</a><imgsrc="/etc/passwd"/>' in flat
    assert "<fontname=x>minutes.pdf" in flat


def test_an_empty_plan_still_prints_every_document(db: Database, tmp_path: Path) -> None:
    from scp_desktop.domain.periods import FinancialYear
    from scp_desktop.services import setup

    plan_id = setup.create_empty_plan(db, FinancialYear(2024), partnership_name="Test CSP")
    with db.session() as s:
        s.add(Meeting(body="Board", date=dt.date(2024, 7, 1)))
    for kind in ("quarterly", "plan", "year-end", "pack"):
        out = tmp_path / f"{kind}.pdf"
        pages = reports.build_report(
            db, kind, out, plan_id=plan_id, quarter="2024-25-Q1", today=TODAY
        )
        text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
        assert f"Page {pages} of {pages}" in text
    assert "No performance statistics are recorded." in "".join(
        p.extract_text() for p in PdfReader(str(tmp_path / "quarterly.pdf")).pages
    )


def test_q1_compares_with_q4_of_the_action_it_was_carried_from(
    db: Database, tmp_path: Path
) -> None:
    with db.session() as s:
        old = Plan(year="2021-22", title="Plan 2021-22", status="closed")
        new = Plan(year="2022-23", title="Plan 2022-23", status="live")
        for plan in (old, new):
            kp = KeyPriority(number=1, title="Safer streets")
            kp.objectives.append(Objective(title="Reduce harm"))
            plan.priorities.append(kp)
        s.add_all([old, new])
        s.flush()
        before = Action(
            objective_id=old.priorities[0].objectives[0].id,
            reference="1.1.1",
            title="Night patrols",
        )
        s.add(before)
        s.flush()
        after = Action(
            objective_id=new.priorities[0].objectives[0].id,
            reference="1.1.1",
            title="Night patrols",
            carried_from_id=before.id,
        )
        s.add(after)
        s.flush()
        s.add(QuarterUpdate(action_id=before.id, quarter="2021-22-Q4", rag="A", narrative="Slow"))
        s.add(QuarterUpdate(action_id=after.id, quarter="2022-23-Q1", rag="G", narrative="Better"))
        plan_id = new.id
    data = reports.quarterly_data(db, plan_id, "2022-23-Q1", TODAY)
    line = data.priorities[0].objectives[0].actions[0]
    assert (line.previous_rag, line.rag, line.travel) == (RAG.AMBER, RAG.GREEN, Travel.IMPROVED)


def test_a_pack_needs_a_quarter_only_for_an_item_carrying_the_quarterly_report(
    demo_db: Database, tmp_path: Path
) -> None:
    meeting_id = _attach(demo_db, _minutes_pdf())
    out = tmp_path / "pack.pdf"
    with pytest.raises(UserError, match=r"Agenda item 7 .* choose its quarter"):
        reports.build_report(demo_db, "pack", out, meeting_id=meeting_id, today=TODAY)
    assert not out.exists()
    # The item names its own quarter: the pack then needs none.
    with demo_db.session() as s:
        item = s.scalars(select(AgendaItem).where(AgendaItem.kind == "report")).one()
        item.report_quarter = QUARTER
    pages = reports.build_report(demo_db, "pack", out, meeting_id=meeting_id, today=TODAY)
    assert "Summary – Q2 2022-23" in "".join(_text(PdfReader(str(out))))
    # A meeting with no generated report at all builds with no quarter chosen.
    with demo_db.session() as s:
        s.delete(s.scalars(select(AgendaItem).where(AgendaItem.kind == "report")).one())
    fewer = reports.build_report(demo_db, "pack", out, meeting_id=meeting_id, today=TODAY)
    assert 0 < fewer < pages
