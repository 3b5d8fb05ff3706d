"""Meetings and their agendas: set up a meeting, its items in order, the PDF papers of each.

Every change is one transaction; nothing is written when any part of it is refused. Items
are kept in agenda order with Part A (public) before Part B (exempt), as they are taken.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from scp_desktop.domain.meetings import (
    ITEM_REPORTS,
    PART_A,
    PART_B,
    expand_exemption,
    item_number,
    parse_meeting_date,
    parse_meeting_time,
    when_label,
)
from scp_desktop.domain.periods import Quarter
from scp_desktop.pdf.papers import MAX_PAPER_BYTES, PaperError, check_paper, check_size
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import AgendaAttachment, AgendaItem, Meeting, Plan

Progress = Callable[[int, int, str], None]  # done, total, what is being done

__all__ = [
    "MAX_PAPER_BYTES",
    "ItemFields",
    "ItemInfo",
    "MeetingDetails",
    "MeetingFields",
    "MeetingSummary",
    "PaperInfo",
    "add_item",
    "add_papers",
    "create_meeting",
    "delete_meeting",
    "get_meeting",
    "list_meetings",
    "meeting_of_item",
    "move_item",
    "move_paper",
    "remove_item",
    "remove_paper",
    "rename_paper",
    "report_quarters",
    "update_item",
    "update_meeting",
]


# --- what callers give and get -------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFields:
    body: str  # the committee or board
    date: dt.date | str  # a date, or text as an officer writes it ("07/11/2022")
    time: str = ""  # "18:00", "6pm"; "" not set
    venue: str = ""


@dataclass(frozen=True)
class ItemFields:
    title: str
    description: str = ""
    presenter: str = ""
    part: str = PART_A
    exemption: str = ""  # Part B: the exempt-information paragraph ("7" is expanded)
    number: str = ""  # "" numbered by its place in the agenda
    report: str = ""  # a key of ITEM_REPORTS, or "" for none
    quarter: str = ""  # the report's quarter; "" the pack's


@dataclass(frozen=True)
class PaperInfo:
    id: int
    title: str
    file_name: str
    pages: int
    size: int  # bytes


@dataclass(frozen=True)
class ItemInfo:
    id: int
    position: int
    number: str  # as printed
    own_number: str  # as typed; "" numbered by position
    title: str
    description: str
    presenter: str
    part: str
    exemption: str
    report: str  # a key of ITEM_REPORTS, or ""
    quarter: str
    papers: tuple[PaperInfo, ...]

    @property
    def exempt(self) -> bool:
        return self.part == PART_B

    @property
    def report_label(self) -> str:
        if not self.report:
            return ""
        label = ITEM_REPORTS[self.report]
        return f"{label}, {Quarter.parse(self.quarter).label}" if self.quarter else label

    @property
    def papers_text(self) -> str:
        """'2 PDFs, 9 pages' and the generated report, for a table cell."""
        parts = []
        if self.papers:
            pages = sum(p.pages for p in self.papers)
            count = len(self.papers)
            parts.append(
                f"{count} PDF{'s' if count != 1 else ''}, {pages} page{'s' if pages != 1 else ''}"
            )
        if self.report:
            parts.append(self.report_label)
        return "; ".join(parts)


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    body: str
    date: dt.date
    time: str
    venue: str
    items: int

    @property
    def label(self) -> str:
        return f"{self.body}, {self.date.strftime('%d/%m/%Y')}"


@dataclass(frozen=True)
class MeetingDetails:
    id: int
    body: str
    date: dt.date
    time: str
    venue: str
    items: tuple[ItemInfo, ...]

    @property
    def label(self) -> str:
        return f"{self.body}, {self.date.strftime('%d/%m/%Y')}"

    @property
    def when(self) -> str:
        return when_label(self.date, self.time)


# --- reading -------------------------------------------------------------------------------


def list_meetings(db: Database) -> list[MeetingSummary]:
    """Every meeting, the latest first."""
    with db.session(audit=False) as s:
        counts: dict[int, int] = {
            meeting_id: count
            for meeting_id, count in s.execute(
                select(AgendaItem.meeting_id, func.count()).group_by(AgendaItem.meeting_id)
            )
        }
        return [
            MeetingSummary(m.id, m.body, m.date, m.time, m.venue, counts.get(m.id, 0))
            for m in s.scalars(select(Meeting).order_by(Meeting.date.desc(), Meeting.id.desc()))
        ]


def get_meeting(db: Database, meeting_id: int) -> MeetingDetails:
    with db.session(audit=False) as s:
        meeting = _meeting(s, meeting_id)
        items = list(meeting.items)
        item_ids = [i.id for i in items]
        papers: dict[int, list[PaperInfo]] = {}
        if item_ids:
            # The files themselves stay in the database: only their sizes are read.
            for row in s.execute(
                select(
                    AgendaAttachment.item_id,
                    AgendaAttachment.id,
                    AgendaAttachment.title,
                    AgendaAttachment.file_name,
                    AgendaAttachment.pages,
                    func.length(AgendaAttachment.content),
                )
                .where(AgendaAttachment.item_id.in_(item_ids))
                .order_by(AgendaAttachment.position, AgendaAttachment.id)
            ):
                papers.setdefault(row[0], []).append(
                    PaperInfo(row[1], row[2], row[3], row[4], int(row[5] or 0))
                )
        return MeetingDetails(
            meeting.id,
            meeting.body,
            meeting.date,
            meeting.time,
            meeting.venue,
            tuple(
                ItemInfo(
                    id=it.id,
                    position=it.position,
                    number=item_number(it.number, it.position),
                    own_number=it.number,
                    title=it.title,
                    description=it.description,
                    presenter=it.presenter,
                    part=it.part,
                    exemption=it.exemption,
                    report=_report_key(it),
                    quarter=it.report_quarter,
                    papers=tuple(papers.get(it.id, ())),
                )
                for it in items
            ),
        )


def meeting_of_item(db: Database, item_id: int) -> int:
    """The meeting an agenda item belongs to."""
    with db.session(audit=False) as s:
        return _item(s, item_id).meeting_id


def report_quarters(db: Database) -> list[str]:
    """The quarter codes of every plan held, for choosing a report item's quarter."""
    from scp_desktop.domain.periods import FinancialYear

    with db.session(audit=False) as s:
        years = sorted(s.scalars(select(Plan.year)))
    return [q.code for year in years for q in FinancialYear.parse(year).quarters]


def _report_key(item: AgendaItem) -> str:
    if item.kind != "report":
        return ""
    kind = item.report_kind.strip().lower().replace("_", "-")
    return kind if kind in ITEM_REPORTS else "quarterly+plan"


def _meeting(s: Session, meeting_id: int) -> Meeting:
    meeting = s.get(Meeting, meeting_id, options=[selectinload(Meeting.items)])
    if meeting is None:
        raise UserError(f"There is no meeting {meeting_id}.")
    return meeting


def _item(s: Session, item_id: int) -> AgendaItem:
    item = s.get(AgendaItem, item_id)
    if item is None:
        raise UserError(f"There is no agenda item {item_id}.")
    return item


def _paper(s: Session, paper_id: int) -> AgendaAttachment:
    paper = s.get(AgendaAttachment, paper_id)
    if paper is None:
        raise UserError(f"There is no paper {paper_id}.")
    return paper


def _where(item: AgendaItem) -> str:
    return f"Agenda item {item_number(item.number, item.position)} '{item.title}'"


# --- meetings ------------------------------------------------------------------------------


def _text(value: str, what: str, limit: int, *, required: str = "") -> str:
    text = " ".join(str(value).split())
    if required and not text:
        raise UserError(required)
    if len(text) > limit:
        raise UserError(f"The {what} is {len(text)} characters long; at most {limit} fit.")
    return text


def _meeting_values(fields: MeetingFields) -> tuple[str, dt.date, str, str]:
    body = _text(
        fields.body,
        "committee or board name",
        200,
        required="Say which committee or board meets (e.g. Crime and Disorder Committee).",
    )
    try:
        day = fields.date if isinstance(fields.date, dt.date) else parse_meeting_date(fields.date)
        time = parse_meeting_time(fields.time)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    venue = _text(fields.venue, "venue", 300)
    return body, day, time, venue


def create_meeting(db: Database, fields: MeetingFields) -> int:
    body, day, time, venue = _meeting_values(fields)
    with db.session(reason="New meeting") as s:
        meeting = Meeting(body=body, date=day, time=time, venue=venue)
        s.add(meeting)
        s.flush()
        return meeting.id


def update_meeting(db: Database, meeting_id: int, fields: MeetingFields) -> None:
    body, day, time, venue = _meeting_values(fields)
    with db.session(reason="Meeting changed") as s:
        meeting = _meeting(s, meeting_id)
        meeting.body, meeting.date, meeting.time, meeting.venue = body, day, time, venue


def delete_meeting(db: Database, meeting_id: int) -> str:
    """Delete a meeting with its agenda and papers; returns what was deleted, in words."""
    with db.session(reason="Meeting deleted") as s:
        meeting = _meeting(s, meeting_id)
        label = f"{meeting.body}, {meeting.date.strftime('%d/%m/%Y')}"
        count = len(meeting.items)
        s.delete(meeting)
    return f"{label} ({count} agenda item{'s' if count != 1 else ''})"


# --- agenda items ----------------------------------------------------------------------------


def _item_values(s: Session, fields: ItemFields) -> dict[str, str]:
    title = _text(fields.title, "item title", 2000, required="An agenda item needs a title.")
    where = f"Agenda item '{title}'"
    part = str(fields.part).strip().upper() or PART_A
    if part not in (PART_A, PART_B):
        raise UserError(f"{where}: the part is A (public) or B (exempt), not '{fields.part}'.")
    exemption = expand_exemption(fields.exemption)
    if part == PART_B and not exemption:
        raise UserError(
            f"{where} is in Part B: give the exempt-information paragraph it is taken under "
            "(e.g. 7, or 'Paragraph 1: information relating to any individual')."
        )
    if part == PART_A and exemption:
        raise UserError(f"{where} gives a reason to exclude the public: put it in Part B.")
    report = str(fields.report).strip().lower().replace("_", "-")
    if report and report not in ITEM_REPORTS:
        raise UserError(
            f"{where}: '{fields.report}' is not a report the pack can make "
            f"(expected {', '.join(ITEM_REPORTS)})."
        )
    quarter = ""
    if str(fields.quarter).strip():
        if not report:
            raise UserError(f"{where}: a quarter is only needed for an item carrying a report.")
        try:
            q = Quarter.parse(str(fields.quarter))
        except ValueError as exc:
            raise UserError(f"{where}: {exc}.") from exc
        if s.scalars(select(Plan.id).where(Plan.year == q.year.label)).first() is None:
            raise UserError(
                f"{where}: there is no plan for {q.year.label} (the year of {q.label})."
            )
        quarter = q.code
    return {
        "title": title,
        "description": str(fields.description).strip(),
        "presenter": _text(fields.presenter, "presenter", 200),
        "part": part,
        "exemption": exemption,
        "number": _text(fields.number, "item number", 10),
        "report": report,
        "quarter": quarter,
    }


def _apply(item: AgendaItem, values: dict[str, str]) -> None:
    item.title = values["title"]
    item.description = values["description"]
    item.presenter = values["presenter"]
    item.part = values["part"]
    item.exemption = values["exemption"]
    item.number = values["number"]
    if values["report"]:
        item.kind = "report"
        item.report_kind = values["report"]
    else:
        # Minutes and other papers are told apart only by their titles now.
        item.kind = "item" if item.kind == "report" else item.kind
        item.report_kind = ""
    item.report_quarter = values["quarter"]


def _renumber(items: list[AgendaItem]) -> None:
    """Positions 0..n-1 in agenda order, Part A before Part B (each keeping its own order)."""
    ordered = sorted(items, key=lambda it: (it.part == PART_B, it.position))
    for position, item in enumerate(ordered):
        item.position = position


def add_item(db: Database, meeting_id: int, fields: ItemFields, *, at: int | None = None) -> int:
    """Add an item at position `at` (0-based; default: the end of its part)."""
    with db.session(reason="Agenda item added") as s:
        meeting = _meeting(s, meeting_id)
        values = _item_values(s, fields)
        items = list(meeting.items)
        item = AgendaItem(kind="item")
        _apply(item, values)
        if at is None or at >= len(items):
            item.position = len(items)
        else:
            at = max(0, at)
            for other in items:
                if other.position >= at:
                    other.position += 1
            item.position = at
        meeting.items.append(item)
        _renumber([*items, item])
        s.flush()
        return item.id


def update_item(db: Database, item_id: int, fields: ItemFields) -> None:
    with db.session(reason="Agenda item changed") as s:
        item = _item(s, item_id)
        values = _item_values(s, fields)
        moved_part = item.part != values["part"]
        _apply(item, values)
        if moved_part:
            # Into Part B it goes first of the exempt items; back into Part A, last of the public.
            item.position = -1 if item.part == PART_B else 10**6
            s.flush()
            _renumber(list(_meeting(s, item.meeting_id).items))


def remove_item(db: Database, item_id: int) -> str:
    """Remove an item with its papers; returns what was removed, in words."""
    with db.session(reason="Agenda item removed") as s:
        item = _item(s, item_id)
        label = _where(item)
        meeting = _meeting(s, item.meeting_id)
        s.delete(item)
        s.flush()
        _renumber([it for it in meeting.items if it.id != item_id])
    return label


def move_item(db: Database, item_id: int, *, by: int = 0, to: int | None = None) -> int:
    """Move an item `by` places (-1 up, +1 down) or `to` a 0-based place; returns its new place.

    An item stays within its part: Part B items always follow the public part."""
    with db.session(reason="Agenda item moved") as s:
        item = _item(s, item_id)
        items = sorted(_meeting(s, item.meeting_id).items, key=lambda it: it.position)
        same_part = [it for it in items if it.part == item.part]
        first = items.index(same_part[0])
        last = items.index(same_part[-1])
        here = items.index(item)
        target = here + by if to is None else to
        where = _where(item)
        if not 0 <= target < len(items):
            side = "first" if target < here else "last"
            raise UserError(f"{where} is already the {side} item of the agenda.")
        if target < first or target > last:
            raise UserError(
                f"{where} is in Part {item.part}, which runs from place {first + 1} to "
                f"{last + 1}: Part B items always follow the public part. Change its part "
                "to move it across."
            )
        items.remove(item)
        items.insert(target, item)
        for position, it in enumerate(items):
            it.position = position
        return target


# --- papers ----------------------------------------------------------------------------------


def paper_title(file_name: str) -> str:
    """A readable title from a file name: 'CDC_minutes-25_May_2022.pdf' → 'CDC minutes 25 May 2022'."""
    stem = Path(file_name).stem
    return " ".join(re.sub(r"[_]+|(?<=\w)-(?=\w)", " ", stem).split()) or file_name


def _read_paper(path: Path, max_bytes: int) -> tuple[bytes, int]:
    name = path.name
    try:
        if path.is_dir():
            raise UserError(f"{path} is a folder, not a PDF file.")
        # Refused before reading: a stray video should not be loaded into memory.
        check_size(path.stat().st_size, name, max_bytes=max_bytes)
        content = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"There is no file {path}.") from exc
    except PaperError as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"{path} cannot be read: {exc.strerror or exc}.") from exc
    try:
        return content, check_paper(content, name, max_bytes=max_bytes)
    except PaperError as exc:
        raise UserError(str(exc)) from exc


def add_papers(
    db: Database,
    item_id: int,
    paths: Sequence[Path],
    *,
    titles: Sequence[str] = (),
    max_bytes: int = MAX_PAPER_BYTES,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[int]:
    """Attach PDF files to an item, after its other papers and in the order given.

    Every file is checked first; if any is refused (named in the message), none is added.
    Returns the new papers' ids (empty if cancelled)."""
    if not paths:
        raise UserError("Choose at least one PDF file to attach.")
    with db.session(audit=False) as s:
        _item(s, item_id)  # an unknown item is said before any file is read
    checked: list[tuple[str, str, bytes, int]] = []
    for index, raw in enumerate(paths):
        path = Path(raw)
        if progress is not None:
            progress(index, len(paths), f"Checking {path.name}…")
        if cancelled():
            return []
        content, pages = _read_paper(path, max_bytes)
        title = titles[index].strip() if index < len(titles) and titles[index].strip() else ""
        checked.append((title or paper_title(path.name), path.name, content, pages))
    if progress is not None:
        progress(len(paths), len(paths), "Saving…")
    with db.session(reason="Papers attached") as s:
        item = _item(s, item_id)
        start = len(item.attachments)
        made = []
        for offset, (title, name, content, pages) in enumerate(checked):
            paper = AgendaAttachment(
                title=_text(title, "paper title", 300),
                file_name=name[:300],
                content=content,
                pages=pages,
                position=start + offset,
            )
            item.attachments.append(paper)
            made.append(paper)
        s.flush()
        return [p.id for p in made]


def remove_paper(db: Database, paper_id: int) -> str:
    with db.session(reason="Paper removed") as s:
        paper = _paper(s, paper_id)
        item = _item(s, paper.item_id)
        label = f"{paper.file_name} from {_where(item)}"
        item.attachments.remove(paper)
        for position, other in enumerate(item.attachments):
            other.position = position
    return label


def rename_paper(db: Database, paper_id: int, title: str) -> None:
    with db.session(reason="Paper renamed") as s:
        paper = _paper(s, paper_id)
        paper.title = _text(title, "paper title", 300, required="A paper needs a title.")


def move_paper(db: Database, paper_id: int, by: int) -> int:
    """Move a paper `by` places within its item (-1 earlier, +1 later); returns its new place."""
    with db.session(reason="Paper moved") as s:
        paper = _paper(s, paper_id)
        item = _item(s, paper.item_id)
        papers = list(item.attachments)
        here = papers.index(paper)
        target = here + by
        if not 0 <= target < len(papers):
            side = "first" if by < 0 else "last"
            raise UserError(f"{paper.file_name} is already the {side} paper of {_where(item)}.")
        papers.remove(paper)
        papers.insert(target, paper)
        for position, other in enumerate(papers):
            other.position = position
        return target
