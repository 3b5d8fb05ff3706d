"""The meeting pack read back with pypdf: the agenda's page ranges are the pages things are on."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from scp_desktop.services import meetings as svc
from scp_desktop.services import reports
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import AgendaAttachment, AgendaItem
from tests.meeting_files import write_paper

TODAY = dt.date(2025, 3, 1)


def _pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _where(pages: list[str], marker: str) -> list[int]:
    """1-based numbers of the pages showing `marker`."""
    return [n for n, text in enumerate(pages, start=1) if marker in _flat(text) + " "]


def _between(text: str, start: str, end: str) -> str:
    """The text after `start` up to `end` (an item's own line runs on to its page range)."""
    begin = text.index(start) + len(start)
    return text[begin : text.index(end, begin)]


def _span(numbers: list[int]) -> str:
    return str(numbers[0]) if numbers[0] == numbers[-1] else f"{numbers[0]} – {numbers[-1]}"


def _board(db: Database, tmp_path: Path) -> dict[str, int]:
    meeting = svc.create_meeting(
        db,
        svc.MeetingFields("Community Safety Delivery Board", "14/03/2025", "10:00", "Rowan House"),
    )
    ids = {"meeting": meeting}
    ids["welcome"] = svc.add_item(db, meeting, svc.ItemFields("Welcome and apologies"))
    ids["minutes"] = svc.add_item(
        db,
        meeting,
        svc.ItemFields(
            "Minutes of previous meetings",
            description="To confirm the minutes of the last two meetings as a correct record.",
        ),
    )
    svc.add_papers(
        db,
        ids["minutes"],
        [
            write_paper(tmp_path, "january.pdf", "JANUARY MINUTES", 2),
            write_paper(tmp_path, "december.pdf", "DECEMBER MINUTES", 3),
        ],
        titles=["Minutes 16 January 2025", "Minutes 5 December 2024"],
    )
    ids["review"] = svc.add_item(
        db,
        meeting,
        svc.ItemFields(
            "Domestic homicide review",
            presenter="Review chair",
            part="B",
            exemption="2",
        ),
    )
    svc.add_papers(db, ids["review"], [write_paper(tmp_path, "dhr.pdf", "DHR DRAFT", 4)])
    ids["hotspots"] = svc.add_item(
        db,
        meeting,
        svc.ItemFields("Town centre hotspots", presenter="Inspector Shah, Essex Police"),
    )
    svc.add_papers(db, ids["hotspots"], [write_paper(tmp_path, "hot.pdf", "HOTSPOT MAP", 1)])
    return ids


def test_the_agenda_prints_the_pages_each_item_and_paper_is_on(
    db: Database, tmp_path: Path
) -> None:
    ids = _board(db, tmp_path)
    out = tmp_path / "pack.pdf"
    total = reports.build_report(db, "pack", out, meeting_id=ids["meeting"], today=TODAY)
    pages = _pages(out)
    assert len(pages) == total
    assert all(f"Page {n} of {total}" in text for n, text in enumerate(pages, start=1))

    january = _where(pages, "JANUARY MINUTES PAGE")
    december = _where(pages, "DECEMBER MINUTES PAGE")
    dhr = _where(pages, "DHR DRAFT PAGE")
    hotspot = _where(pages, "HOTSPOT MAP PAGE")
    # Papers in agenda order, each in its own order, one page each, with no gaps or blanks.
    assert len(january) == 2 and len(december) == 3 and len(dhr) == 4 and len(hotspot) == 1
    assert [f"JANUARY MINUTES PAGE {n}" in pages[p - 1] for n, p in enumerate(january, 1)] == [
        True,
        True,
    ]
    # Part A first: the hotspots item (added after the Part B review) comes before it.
    assert january[-1] + 1 == december[0]
    # Each item's first paper page shares the page of the item's heading.
    assert december[-1] + 1 == hotspot[0]
    assert hotspot[-1] + 1 == dhr[0]

    minutes_cover = january[0]
    assert "Item 2: Minutes of previous meetings" in pages[minutes_cover - 1]
    agenda = _flat(pages[1])
    assert "Part A – open to the public, including the press" in agenda
    own = _between(agenda, "Minutes of previous meetings", "Minutes 16 January")
    assert own.endswith(f" {minutes_cover} – {december[-1]} ")
    assert f"Minutes 16 January 2025 {_span(january)}" in agenda
    assert f"Minutes 5 December 2024 {_span(december)}" in agenda
    own = _between(agenda, "Town centre hotspots", " hot ")
    # One page: its heading and its one-page paper.
    assert hotspot == [hotspot[0]]
    assert own == f" Presented by Inspector Shah, Essex Police {hotspot[0]}"
    assert f"hot {_span(hotspot)}" in agenda
    # An item without papers has no pages.
    assert _between(agenda, "Welcome and apologies", "Minutes of previous") == " 2 "
    # Part B after Part A, its item marked exempt with its paragraph.
    assert agenda.index("Town centre hotspots") < agenda.index("Part B – not open to the public")
    own = _between(agenda, "Domestic homicide review", " dhr ")
    assert "Exempt information. Paragraph 2 of Part 1 of Schedule 12A" in own
    assert own.endswith(f" {dhr[0]} – {dhr[-1]}")
    cover = _flat(pages[dhr[0] - 1])
    assert "NOT FOR PUBLICATION" in cover and "Item 4: Domestic homicide review" in cover
    assert "Not for publication" in pages[dhr[0] - 1]  # the running header of its papers
    assert "Glossary" in pages[-1]

    outline = {
        entry.title: PdfReader(str(out)).get_destination_page_number(entry) + 1
        for entry in PdfReader(str(out)).outline
        if not isinstance(entry, list)
    }
    assert outline["Item 2: Minutes of previous meetings"] == minutes_cover
    assert outline["Item 4: Domestic homicide review"] == dhr[0]


def test_a_long_agenda_running_over_pages_still_prints_the_right_pages(
    db: Database, tmp_path: Path
) -> None:
    meeting = svc.create_meeting(db, svc.MeetingFields("Board", "01/04/2025"))
    paper = write_paper(tmp_path, "p.pdf", "PAPER", 1)
    for n in range(1, 41):
        item = svc.add_item(
            db,
            meeting,
            svc.ItemFields(f"Item number {n}", description="A paragraph on the item. " * 6),
        )
        if n % 4 == 0:
            svc.add_papers(db, item, [paper], titles=[f"Paper of item {n}"])
    out = tmp_path / "long.pdf"
    reports.build_report(db, "pack", out, meeting_id=meeting, today=TODAY)
    pages = _pages(out)
    agenda_pages = _where(pages, "Item number 1 ")[:1] + _where(pages, "Item number 40 ")[:1]
    assert agenda_pages[0] < agenda_pages[1] < 6, "the agenda runs over more than one page"
    agenda = _flat(" ".join(pages[: agenda_pages[1]]))
    for n in range(4, 41, 4):
        page = _where(pages, f"Item {n}: Item number {n}")[0]
        assert "PAPER PAGE 1" in pages[page - 1]  # the paper shares its heading's page
        assert f"Paper of item {n} {page}" in agenda


def test_a_public_pack_leaves_out_part_b_papers(db: Database, tmp_path: Path) -> None:
    ids = _board(db, tmp_path)
    full = reports.build_report(db, "pack", tmp_path / "full.pdf", meeting_id=ids["meeting"])
    public = reports.build_report(
        db, "pack", tmp_path / "public.pdf", meeting_id=ids["meeting"], public=True
    )
    assert public == full - 4  # the review's 4 pages (its heading shares the first)
    pages = _pages(tmp_path / "public.pdf")
    assert _where(pages, "DHR DRAFT") == []
    agenda = _flat(pages[1])
    assert "Domestic homicide review" in agenda and "Papers not for publication." in agenda
    assert "This public pack does not include the papers of Part B items" in agenda
    assert "Part B papers (exempt information) are not included" in _flat(pages[0])


def test_a_report_item_prints_its_generated_report_after_its_papers(
    demo_db: Database, tmp_path: Path
) -> None:
    meeting = svc.list_meetings(demo_db)[0].id
    item = svc.add_item(
        demo_db,
        meeting,
        svc.ItemFields("Year-end performance", report="year-end", quarter="2022-23-Q4"),
    )
    svc.add_papers(demo_db, item, [write_paper(tmp_path, "cover.pdf", "COVERING REPORT", 2)])
    out = tmp_path / "pack.pdf"
    reports.build_report(demo_db, "pack", out, quarter="2022-23-Q2", meeting_id=meeting)
    pages = _pages(out)
    covering = _where(pages, "COVERING REPORT PAGE")
    heading = "Year-end performance report: 2022-23"
    starts = _where(pages, heading)
    # Listed on the agenda and on the item's opening page (which the paper's first page
    # shares), printed straight after its paper.
    assert starts == [2, covering[0], covering[-1] + 1]
    agenda = _flat(pages[1])
    assert f"cover {_span(covering)}" in agenda
    last = int(re.search(rf"{heading} {starts[2]} – (\d+)", agenda).group(1))  # type: ignore[union-attr]
    assert "Glossary" in pages[last] and "Glossary" not in pages[last - 1]


def test_a_damaged_paper_stored_long_ago_stops_the_pack_with_its_name(
    db: Database, tmp_path: Path
) -> None:
    ids = _board(db, tmp_path)
    with db.session() as s:
        item = s.get(AgendaItem, ids["hotspots"])
        assert item is not None
        item.attachments.append(
            AgendaAttachment(title="Old map", file_name="old-map.pdf", content=b"%PDF-1.4 junk")
        )
    out = tmp_path / "pack.pdf"
    with pytest.raises(
        UserError, match=r"Agenda item 3 'Town centre hotspots': old-map.pdf is damaged"
    ):
        reports.build_report(db, "pack", out, meeting_id=ids["meeting"])
    assert not out.exists()


def test_a_cancelled_pack_leaves_no_file(db: Database, tmp_path: Path) -> None:
    ids = _board(db, tmp_path)
    out = tmp_path / "pack.pdf"
    seen: list[str] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(message)
        if message == "Numbering the agenda…":
            raise reports.Cancelled()

    with pytest.raises(reports.Cancelled):
        reports.build_report(db, "pack", out, meeting_id=ids["meeting"], progress=progress)
    assert "Laying out the pack…" in seen
    assert not out.exists() and list(tmp_path.glob(".building-*")) == []


def test_hostile_agenda_text_prints_as_typed(db: Database, tmp_path: Path) -> None:
    meeting = svc.create_meeting(db, svc.MeetingFields("Board <b>A</b>", "01/04/2025"))
    item = svc.add_item(
        db,
        meeting,
        svc.ItemFields(
            'Review <a href="https://evil.example">x</a>',
            description="R&D <img src='/etc/passwd'/> costs £5",
            presenter="<font name=x>Chair",
            part="B",
            exemption="Our <i>own</i> reason",
        ),
    )
    svc.add_papers(db, item, [write_paper(tmp_path, "p.pdf", "P", 1)], titles=["Paper <u>1</u>"])
    out = tmp_path / "pack.pdf"
    reports.build_report(db, "pack", out, meeting_id=meeting)
    agenda = _flat(_pages(out)[1])
    for typed in ('Review <a href="https://evil.example">x</a>', "R&D <img src='/etc/passwd'/>",
                  "<font name=x>Chair", "Our <i>own</i> reason", "Paper <u>1</u>"):  # fmt: skip
        assert typed in agenda
