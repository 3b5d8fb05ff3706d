"""Meetings, agenda items and papers through the services, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scp_desktop.services import meetings as svc
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import AgendaAttachment, AgendaItem, AuditEntry, Meeting
from tests.meeting_files import encrypted_pdf, paper_pdf, truncated_pdf, word_file, write_paper

BOARD = svc.MeetingFields("Community Safety Delivery Board", "14/03/2025", "10am", "Rowan House")


def _counts(db: Database) -> tuple[int, int, int]:
    with db.session(audit=False) as s:
        return (
            s.scalar(select(func.count()).select_from(Meeting)) or 0,
            s.scalar(select(func.count()).select_from(AgendaItem)) or 0,
            s.scalar(select(func.count()).select_from(AgendaAttachment)) or 0,
        )


def test_a_meeting_is_created_changed_listed_and_deleted_with_its_agenda(
    db: Database, tmp_path: Path
) -> None:
    first = svc.create_meeting(db, BOARD)
    later = svc.create_meeting(
        db, svc.MeetingFields("Crime and Disorder Committee", dt.date(2025, 11, 3), "6.30 pm")
    )
    m = svc.get_meeting(db, first)
    assert (m.body, m.date, m.time, m.venue) == (
        "Community Safety Delivery Board",
        dt.date(2025, 3, 14),
        "10:00",
        "Rowan House",
    )
    assert m.when == "Friday 14 March 2025 at 10:00"
    assert [x.id for x in svc.list_meetings(db)] == [later, first]  # the latest first

    svc.update_meeting(db, first, svc.MeetingFields("  CSDB  ", "2025-03-21", "", "Town Hall"))
    m = svc.get_meeting(db, first)
    assert (m.body, m.date, m.time, m.venue) == ("CSDB", dt.date(2025, 3, 21), "", "Town Hall")

    item = svc.add_item(db, first, svc.ItemFields("Minutes"))
    svc.add_papers(db, item, [write_paper(tmp_path, "m.pdf", "M", 2)])
    assert _counts(db) == (2, 1, 1)
    assert svc.delete_meeting(db, first) == "CSDB, 21/03/2025 (1 agenda item)"
    assert _counts(db) == (1, 0, 0)
    with db.session(audit=False) as s:
        audited = {(e, o) for e, o in s.execute(select(AuditEntry.entity, AuditEntry.operation))}
    assert {("meeting", "insert"), ("meeting", "update"), ("meeting", "delete")} <= audited
    assert ("agenda_attachment", "insert") in audited


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (svc.MeetingFields("Board", "31/02/2025"), r"'31/02/2025' is not a date.*does not exist"),
        (svc.MeetingFields("Board", "next Tuesday"), r"'next Tuesday' is not a date: .*dd/mm/yyyy"),
        (svc.MeetingFields("Board", ""), r"meeting date is missing"),
        (svc.MeetingFields("Board", "01/04/2025", "25:00"), r"'25:00' is not a time of day"),
        (svc.MeetingFields("Board", "01/04/2025", "18"), r"'18' is not a time of day.*hh:mm"),
        (svc.MeetingFields("Board", "01/04/2025", "13pm"), r"'13pm' is not a time of day"),
        (svc.MeetingFields("   ", "01/04/2025"), r"Say which committee or board meets"),
        (svc.MeetingFields("B" * 201, "01/04/2025"), r"201 characters long; at most 200"),
    ],
)
def test_bad_meeting_details_are_refused_and_nothing_is_written(
    db: Database, fields: svc.MeetingFields, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        svc.create_meeting(db, fields)
    assert _counts(db) == (0, 0, 0)
    kept = svc.create_meeting(db, BOARD)
    with pytest.raises(UserError, match=message):
        svc.update_meeting(db, kept, fields)
    assert svc.get_meeting(db, kept).body == "Community Safety Delivery Board"


def test_unknown_ids_are_named(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="There is no meeting 41"):
        svc.get_meeting(db, 41)
    with pytest.raises(UserError, match="There is no meeting 41"):
        svc.add_item(db, 41, svc.ItemFields("Minutes"))
    with pytest.raises(UserError, match="There is no agenda item 42"):
        svc.move_item(db, 42, by=1)
    with pytest.raises(UserError, match="There is no agenda item 42"):
        svc.add_papers(db, 42, [write_paper(tmp_path, "a.pdf", "A", 1)])
    with pytest.raises(UserError, match="There is no paper 43"):
        svc.remove_paper(db, 43)


def test_items_are_numbered_by_place_with_part_a_before_part_b(db: Database) -> None:
    meeting = svc.create_meeting(db, BOARD)
    apologies = svc.add_item(db, meeting, svc.ItemFields("Apologies"))
    review = svc.add_item(
        db, meeting, svc.ItemFields("Case review", part="B", exemption="paragraph 1")
    )
    minutes = svc.add_item(db, meeting, svc.ItemFields("Minutes", number="2a"))
    first = svc.add_item(db, meeting, svc.ItemFields("Welcome"), at=0)
    items = svc.get_meeting(db, meeting).items
    assert [(i.id, i.number, i.part) for i in items] == [
        (first, "1", "A"),
        (apologies, "2", "A"),
        (minutes, "2a", "A"),
        (review, "4", "B"),
    ]
    assert items[3].exemption.startswith("Paragraph 1 of Part 1 of Schedule 12A")
    assert items[3].exemption.endswith("Information relating to any individual.")

    # Back into Part A it goes last of the public items; into Part B, first of the exempt.
    svc.update_item(db, review, svc.ItemFields("Case review"))
    svc.update_item(db, apologies, svc.ItemFields("Apologies", part="B", exemption="My reasons"))
    items = svc.get_meeting(db, meeting).items
    assert [i.id for i in items] == [first, minutes, review, apologies]
    assert items[3].exemption == "My reasons"


def test_items_move_within_their_part_only(db: Database) -> None:
    meeting = svc.create_meeting(db, BOARD)
    a1 = svc.add_item(db, meeting, svc.ItemFields("One"))
    a2 = svc.add_item(db, meeting, svc.ItemFields("Two"))
    b1 = svc.add_item(db, meeting, svc.ItemFields("Exempt", part="B", exemption="3"))
    assert svc.move_item(db, a2, by=-1) == 0
    assert [i.id for i in svc.get_meeting(db, meeting).items] == [a2, a1, b1]
    with pytest.raises(UserError, match=r"Agenda item 1 'Two' is already the first item"):
        svc.move_item(db, a2, by=-1)
    with pytest.raises(UserError, match=r"'One' is in Part A, which runs from place 1 to 2"):
        svc.move_item(db, a1, by=1)
    with pytest.raises(UserError, match=r"'Exempt' is in Part B, which runs from place 3 to 3"):
        svc.move_item(db, b1, to=0)
    with pytest.raises(UserError, match=r"already the last item of the agenda"):
        svc.move_item(db, b1, by=1)
    assert [i.id for i in svc.get_meeting(db, meeting).items] == [a2, a1, b1]
    svc.remove_item(db, a2)
    assert [(i.id, i.number) for i in svc.get_meeting(db, meeting).items] == [(a1, "1"), (b1, "2")]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (svc.ItemFields(""), "An agenda item needs a title"),
        (svc.ItemFields("Closed session", part="B"), r"is in Part B: give the exempt-information"),
        (svc.ItemFields("Open", exemption="7"), r"gives a reason to exclude the public"),
        (svc.ItemFields("X", part="C"), r"the part is A \(public\) or B \(exempt\), not 'C'"),
        (svc.ItemFields("X", report="annual"), r"'annual' is not a report the pack can make"),
        (svc.ItemFields("X", quarter="2022-23-Q2"), r"a quarter is only needed for an item"),
        (svc.ItemFields("X", report="plan", quarter="Q5"), r"'Q5' is not a quarter"),
        (
            svc.ItemFields("X", report="quarterly", quarter="2030-31-Q1"),
            r"there is no plan for 2030-31 \(the year of Q1 2030-31\)",
        ),
        (svc.ItemFields("X", number="12345678901"), r"item number is 11 characters"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_written(
    db: Database, fields: svc.ItemFields, message: str
) -> None:
    meeting = svc.create_meeting(db, BOARD)
    with pytest.raises(UserError, match=message):
        svc.add_item(db, meeting, fields)
    assert _counts(db) == (1, 0, 0)


def test_a_report_item_names_its_report_and_quarter(demo_db: Database) -> None:
    meeting = svc.list_meetings(demo_db)[0].id
    item = svc.add_item(
        demo_db,
        meeting,
        svc.ItemFields("Year-end", report="year-end", quarter="Q4 2022-23"),
    )
    info = next(i for i in svc.get_meeting(demo_db, meeting).items if i.id == item)
    assert (info.report, info.quarter) == ("year-end", "2022-23-Q4")
    assert info.papers_text == "Year-end report, Q4 2022-23"
    demo_report = next(i for i in svc.get_meeting(demo_db, meeting).items if i.number == "7")
    assert demo_report.report == "quarterly+plan"
    assert demo_report.own_number == ""  # the demo's numbers follow their places


def test_papers_are_attached_in_order_checked_moved_renamed_and_removed(
    db: Database, tmp_path: Path
) -> None:
    meeting = svc.create_meeting(db, BOARD)
    item = svc.add_item(db, meeting, svc.ItemFields("Minutes"))
    steps: list[str] = []
    ids = svc.add_papers(
        db,
        item,
        [
            write_paper(tmp_path, "CDC_minutes-25_May_2022.pdf", "MAY", 2),
            write_paper(tmp_path, "sept.pdf", "SEPT", 3),
        ],
        titles=["", "Minutes 14 September 2021"],
        progress=lambda done, total, message: steps.append(message),
    )
    assert steps[0] == "Checking CDC_minutes-25_May_2022.pdf…"
    papers = svc.get_meeting(db, meeting).items[0].papers
    assert [(p.id, p.title, p.pages) for p in papers] == [
        (ids[0], "CDC minutes 25 May 2022", 2),
        (ids[1], "Minutes 14 September 2021", 3),
    ]
    assert papers[0].size == len(paper_pdf("MAY", 2))
    assert svc.get_meeting(db, meeting).items[0].papers_text == "2 PDFs, 5 pages"
    assert svc.move_paper(db, ids[1], -1) == 0
    with pytest.raises(UserError, match=r"sept\.pdf is already the first paper"):
        svc.move_paper(db, ids[1], -1)
    svc.rename_paper(db, ids[0], "Minutes 25 May 2022")
    with pytest.raises(UserError, match="A paper needs a title"):
        svc.rename_paper(db, ids[0], " ")
    papers = svc.get_meeting(db, meeting).items[0].papers
    assert [p.title for p in papers] == ["Minutes 14 September 2021", "Minutes 25 May 2022"]
    svc.remove_paper(db, ids[1])
    assert [p.id for p in svc.get_meeting(db, meeting).items[0].papers] == [ids[0]]
    with db.session(audit=False) as s:
        assert s.scalars(select(AgendaAttachment.position)).all() == [0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.docx", word_file(), r"report.docx is not a PDF: it looks like a Word, Excel"),
        (
            "photo.pdf",
            b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
            r"photo.pdf is not a PDF: it is a picture",
        ),
        ("locked.pdf", encrypted_pdf(), r"locked.pdf is password-protected \(encrypted\)"),
        ("cut.pdf", truncated_pdf(), r"cut.pdf is damaged and cannot be read as a PDF"),
        ("empty.pdf", b"", r"empty.pdf is empty \(0 bytes\)"),
    ],
)
def test_a_file_that_is_not_a_sound_pdf_is_refused_and_none_of_the_batch_is_added(
    db: Database, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    meeting = svc.create_meeting(db, BOARD)
    item = svc.add_item(db, meeting, svc.ItemFields("Minutes"))
    bad = tmp_path / name
    bad.write_bytes(content)
    good = write_paper(tmp_path, "good.pdf", "GOOD", 1)
    with pytest.raises(UserError, match=message):
        svc.add_papers(db, item, [good, bad])
    assert _counts(db) == (1, 1, 0)


def test_missing_folder_and_oversized_files_are_refused(db: Database, tmp_path: Path) -> None:
    meeting = svc.create_meeting(db, BOARD)
    item = svc.add_item(db, meeting, svc.ItemFields("Minutes"))
    with pytest.raises(UserError, match=r"There is no file .*gone.pdf"):
        svc.add_papers(db, item, [tmp_path / "gone.pdf"])
    with pytest.raises(UserError, match=r"is a folder, not a PDF file"):
        svc.add_papers(db, item, [tmp_path])
    big = write_paper(tmp_path, "big.pdf", "BIG", 40)
    with pytest.raises(UserError, match=r"big.pdf is \d+ KB; a paper can be at most 10 KB"):
        svc.add_papers(db, item, [big], max_bytes=10 * 1024)
    with pytest.raises(UserError, match="Choose at least one PDF file"):
        svc.add_papers(db, item, [])
    assert _counts(db) == (1, 1, 0)


def test_a_cancelled_attach_writes_nothing(db: Database, tmp_path: Path) -> None:
    meeting = svc.create_meeting(db, BOARD)
    item = svc.add_item(db, meeting, svc.ItemFields("Minutes"))
    paths = [write_paper(tmp_path, f"{n}.pdf", "X", 1) for n in range(3)]
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2

    assert svc.add_papers(db, item, paths, cancelled=cancelled) == []
    assert _counts(db) == (1, 1, 0)
