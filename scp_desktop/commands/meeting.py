"""`scp-desktop meeting …`: set up meetings and their agendas, attach papers, make the pack."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scp_desktop.domain.meetings import ITEM_REPORTS


def register(subparsers: Any, add_db_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = subparsers.add_parser(
        "meeting", help="meetings and agendas: set them up, attach papers, make the meeting pack"
    )
    inner = parser.add_subparsers(dest="meeting_command", metavar="ACTION", required=True)

    p = inner.add_parser("list", help="every meeting, the latest first")
    add_db_arg(p)
    p.set_defaults(handler=_list)

    p = inner.add_parser("add", help="set up a meeting")
    add_db_arg(p)
    p.add_argument(
        "--body", required=True, help="committee or board, e.g. 'Crime and Disorder Committee'"
    )
    p.add_argument("--date", required=True, help="dd/mm/yyyy, e.g. 07/11/2022")
    p.add_argument("--time", default="", help="hh:mm, 24-hour, e.g. 18:00")
    p.add_argument("--venue", default="", help="where it meets")
    p.set_defaults(handler=_add)

    p = inner.add_parser("show", help="a meeting with its agenda, item ids and papers")
    add_db_arg(p)
    p.add_argument("meeting", type=int, help="meeting id (see 'meeting list')")
    p.set_defaults(handler=_show)

    p = inner.add_parser("edit", help="change a meeting's committee, date, time or venue")
    add_db_arg(p)
    p.add_argument("meeting", type=int)
    p.add_argument("--body")
    p.add_argument("--date")
    p.add_argument("--time", help="hh:mm; '' to clear")
    p.add_argument("--venue")
    p.set_defaults(handler=_edit)

    p = inner.add_parser("delete", help="delete a meeting with its agenda and papers")
    add_db_arg(p)
    p.add_argument("meeting", type=int)
    p.set_defaults(handler=_delete)

    agenda = inner.add_parser("agenda", help="agenda items: add, edit, move, remove")
    steps = agenda.add_subparsers(dest="agenda_command", metavar="ACTION", required=True)

    p = steps.add_parser("add", help="add an item (at the end of its part unless --at)")
    add_db_arg(p)
    p.add_argument("meeting", type=int)
    _item_args(p, required=True)
    p.add_argument("--at", type=int, help="place in the agenda, 1 = first")
    p.set_defaults(handler=_agenda_add)

    p = steps.add_parser("edit", help="change an item (only what is given)")
    add_db_arg(p)
    p.add_argument("item", type=int, help="item id (see 'meeting show')")
    _item_args(p, required=False)
    p.set_defaults(handler=_agenda_edit)

    p = steps.add_parser("move", help="move an item up, down or to a place")
    add_db_arg(p)
    p.add_argument("item", type=int)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--up", action="store_true")
    where.add_argument("--down", action="store_true")
    where.add_argument("--to", type=int, help="place in the agenda, 1 = first")
    p.set_defaults(handler=_agenda_move)

    p = steps.add_parser("remove", help="remove an item with its papers")
    add_db_arg(p)
    p.add_argument("item", type=int)
    p.set_defaults(handler=_agenda_remove)

    p = inner.add_parser("attach", help="attach PDF papers to an agenda item, in order")
    add_db_arg(p)
    p.add_argument("item", type=int, help="item id (see 'meeting show')")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE.pdf")
    p.add_argument(
        "--title", action="append", default=[], help="title the agenda lists (once per file)"
    )
    p.set_defaults(handler=_attach)

    p = inner.add_parser("detach", help="remove a paper from its agenda item")
    add_db_arg(p)
    p.add_argument("paper", type=int, help="paper id (see 'meeting show')")
    p.set_defaults(handler=_detach)

    p = inner.add_parser("pack", help="make the meeting pack (PDF)")
    add_db_arg(p)
    p.add_argument("meeting", type=int)
    p.add_argument("--out", type=Path, required=True, help="PDF file to write")
    p.add_argument(
        "--quarter", default="", help="quarter for report items that do not name their own"
    )
    p.add_argument(
        "--public", action="store_true", help="leave out Part B (exempt) papers, for publishing"
    )
    p.set_defaults(handler=_pack)


def _item_args(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--title", required=required)
    p.add_argument("--description", help="one paragraph on what the item is for")
    p.add_argument("--presenter", help="who presents it")
    p.add_argument("--number", help="its own number, e.g. 5a ('' numbers it by its place)")
    p.add_argument("--part", choices=["A", "B", "a", "b"], help="A public (default), B exempt")
    p.add_argument(
        "--exempt",
        metavar="REASON",
        help="the exempt-information paragraph (e.g. 7, or your own wording); puts it in Part B",
    )
    p.add_argument(
        "--report",
        choices=[*ITEM_REPORTS, "none"],
        help="a report the pack generates for this item",
    )
    p.add_argument("--quarter", help="the report's quarter, e.g. 2022-23-Q2")


def _db(args: argparse.Namespace) -> Any:
    from scp_desktop.commands.database import open_for_command

    return open_for_command(args)


def _list(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    db = _db(args)
    try:
        found = meetings.list_meetings(db)
    finally:
        db.close()
    if not found:
        print("No meetings yet: add one with 'scp-desktop meeting add'.")
    for m in found:
        when = m.date.strftime("%d/%m/%Y") + (f" {m.time}" if m.time else "")
        venue = f" · {m.venue}" if m.venue else ""
        print(
            f"{m.id:>4}  {when:<16} {m.body}{venue} ({m.items} item{'s' if m.items != 1 else ''})"
        )
    return 0


def _add(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    fields = meetings.MeetingFields(args.body, args.date, args.time, args.venue)
    db = _db(args)
    try:
        meeting_id = meetings.create_meeting(db, fields)
        details = meetings.get_meeting(db, meeting_id)
    finally:
        db.close()
    print(f"Added meeting {meeting_id}: {details.body}, {details.when}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    db = _db(args)
    try:
        m = meetings.get_meeting(db, args.meeting)
    finally:
        db.close()
    print(f"Meeting {m.id}: {m.body}")
    print(f"  {m.when}")
    if m.venue:
        print(f"  {m.venue}")
    if not m.items:
        print("  No agenda items yet: add one with 'scp-desktop meeting agenda add'.")
    part = ""
    for item in m.items:
        if item.part != part:
            part = item.part
            print(f"Part {part}{' (exempt)' if part == 'B' else ''}")
        print(f"  {item.number:>4}  {item.title}   [item {item.id}]")
        if item.presenter:
            print(f"        Presented by {item.presenter}")
        if item.exempt:
            print(f"        Exempt: {item.exemption}")
        if item.report:
            print(f"        Report: {item.report_label}")
        for paper in item.papers:
            print(
                f"        Paper: {paper.title} ({paper.file_name}, {paper.pages} "
                f"page{'s' if paper.pages != 1 else ''})   [paper {paper.id}]"
            )
    return 0


def _edit(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    db = _db(args)
    try:
        m = meetings.get_meeting(db, args.meeting)
        fields = meetings.MeetingFields(
            m.body if args.body is None else args.body,
            m.date if args.date is None else args.date,
            m.time if args.time is None else args.time,
            m.venue if args.venue is None else args.venue,
        )
        meetings.update_meeting(db, m.id, fields)
        m = meetings.get_meeting(db, m.id)
    finally:
        db.close()
    print(f"Meeting {m.id}: {m.body}, {m.when}" + (f", {m.venue}" if m.venue else ""))
    return 0


def _delete(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    db = _db(args)
    try:
        what = meetings.delete_meeting(db, args.meeting)
    finally:
        db.close()
    print(f"Deleted meeting {args.meeting}: {what}")
    return 0


def _fields(args: argparse.Namespace, current: Any = None) -> Any:
    """Item fields from the arguments, keeping the current item's values for those not given."""
    from scp_desktop.services import meetings

    def given(name: str, default: str) -> str:
        value = getattr(args, name)
        return default if value is None else str(value)

    part = given("part", current.part if current else "A").upper()
    exemption = given("exempt", current.exemption if current else "")
    if args.exempt is not None and args.exempt.strip() and args.part is None:
        part = "B"  # giving the reason for excluding the public is asking for Part B
    if args.part is not None and part == "A" and args.exempt is None:
        exemption = ""
    report = given("report", current.report if current else "")
    quarter = given("quarter", current.quarter if current else "")
    if report == "none":
        report, quarter = "", ""
    return meetings.ItemFields(
        title=given("title", current.title if current else ""),
        description=given("description", current.description if current else ""),
        presenter=given("presenter", current.presenter if current else ""),
        part=part,
        exemption=exemption,
        number=given("number", current.own_number if current else ""),
        report=report,
        quarter=quarter,
    )


def _item_line(db: Any, meeting_id: int, item_id: int) -> str:
    from scp_desktop.services import meetings

    item = next(i for i in meetings.get_meeting(db, meeting_id).items if i.id == item_id)
    return f"item {item.id}: {item.number} {item.title} (Part {item.part})"


def _meeting_of(db: Any, item_id: int) -> int:
    from scp_desktop.services import meetings

    return meetings.meeting_of_item(db, item_id)


def _agenda_add(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    if args.at is not None and args.at < 1:
        raise _usage(f"--at {args.at}: places start at 1.")
    db = _db(args)
    try:
        at = None if args.at is None else args.at - 1
        item_id = meetings.add_item(db, args.meeting, _fields(args), at=at)
        line = _item_line(db, args.meeting, item_id)
    finally:
        db.close()
    print(f"Added {line}")
    return 0


def _agenda_edit(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    db = _db(args)
    try:
        meeting_id = _meeting_of(db, args.item)
        current = next(i for i in meetings.get_meeting(db, meeting_id).items if i.id == args.item)
        meetings.update_item(db, args.item, _fields(args, current))
        line = _item_line(db, meeting_id, args.item)
    finally:
        db.close()
    print(f"Changed {line}")
    return 0


def _agenda_move(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    if args.to is not None and args.to < 1:
        raise _usage(f"--to {args.to}: places start at 1.")
    db = _db(args)
    try:
        if args.to is not None:
            place = meetings.move_item(db, args.item, to=args.to - 1)
        else:
            place = meetings.move_item(db, args.item, by=-1 if args.up else 1)
        line = _item_line(db, _meeting_of(db, args.item), args.item)
    finally:
        db.close()
    print(f"Moved {line} to place {place + 1}")
    return 0


def _agenda_remove(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    db = _db(args)
    try:
        what = meetings.remove_item(db, args.item)
    finally:
        db.close()
    print(f"Removed {what}")
    return 0


def _attach(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    if args.title and len(args.title) != len(args.files):
        raise _usage(
            f"{len(args.title)} --title for {len(args.files)} file(s): give one per file, or none."
        )
    db = _db(args)
    try:
        ids = meetings.add_papers(db, args.item, args.files, titles=args.title)
        details = meetings.get_meeting(db, _meeting_of(db, args.item))
    finally:
        db.close()
    papers = {p.id: p for item in details.items for p in item.papers}
    for paper_id in ids:
        paper = papers[paper_id]
        print(
            f"Attached {paper.file_name} as '{paper.title}' ({paper.pages} "
            f"page{'s' if paper.pages != 1 else ''})   [paper {paper.id}]"
        )
    return 0


def _detach(args: argparse.Namespace) -> int:
    from scp_desktop.services import meetings

    db = _db(args)
    try:
        what = meetings.remove_paper(db, args.paper)
    finally:
        db.close()
    print(f"Removed {what}")
    return 0


def _pack(args: argparse.Namespace) -> int:
    from scp_desktop.services import reports

    db = _db(args)
    started = time.perf_counter()
    try:
        pages = reports.build_report(
            db, "pack", args.out, quarter=args.quarter, meeting_id=args.meeting, public=args.public
        )
    finally:
        db.close()
    seconds = time.perf_counter() - started
    kind = "Public meeting pack" if args.public else "Meeting pack"
    print(f"{kind} written to {args.out} ({pages} pages, {seconds:.1f} s)")
    return 0


def _usage(message: str) -> Exception:
    from scp_desktop.services.errors import UserError

    return UserError(message)
