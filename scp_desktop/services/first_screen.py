"""What the window shows first: the plan picked, its quarter and its action rows.

The same choice is made by the window on every reload (through a session, services/
workspace.py) and at start, straight from the plan file with Python's own sqlite3 while the
database layer is still loading (`FileReads`), so the officer reads the plan a second
sooner. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.services import plan_reads
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_reads import ActionRow, PartnershipInfo, PlanInfo, Progress
from scp_desktop.storage.errors import DatabaseError
from scp_desktop.storage.judging import SQLITE_HEADER, file_header, read_only_connection
from scp_desktop.storage.revisions import head_revision

if TYPE_CHECKING:
    from scp_desktop.storage.database import BulkReader


class Wanted(NamedTuple):
    """What the officer had on screen last: it decides the plan and quarter shown."""

    on_screen: int | None  # the plan on screen: a reload keeps it
    last_plan: int | None  # the plan shown last time
    quarter: Quarter | None  # the quarter on screen: a reload keeps it
    saved_quarter: Callable[[int], str]  # the quarter last shown of a plan ("" if none)
    show_archived: bool
    today: dt.date


class Screen(NamedTuple):
    """The partnership, the plans the picker lists, and the plan and quarter shown."""

    partnership: PartnershipInfo | None
    plans: list[PlanInfo]
    plan: PlanInfo | None
    quarter: Quarter | None
    has_plans: bool  # archived ones too: a file holding only those is not empty


class FirstScreen(NamedTuple):
    """A screen with the first of its plan's action rows (as many as the table shows at
    once), read before the plan file is attached, and how many the plan has."""

    screen: Screen
    rows: list[ActionRow]
    total: int


def listed_plans(
    every: Sequence[PlanInfo], *, show_archived: bool, on_screen: int | None
) -> list[PlanInfo]:
    """The plans the picker lists: archived (closed) ones only when asked for, except the one
    on screen, which stays until another is chosen."""
    if show_archived:
        return list(every)
    return [p for p in every if p.status != "closed" or p.id == on_screen]


def chosen_plan(listed: Sequence[PlanInfo], wanted: int | None) -> PlanInfo | None:
    """The wanted plan when it is listed, else the first (the newest year)."""
    for plan in listed:
        if plan.id == wanted:
            return plan
    return listed[0] if listed else None


def chosen_quarter(reader: BulkReader, plan: PlanInfo, wanted: Wanted) -> Quarter:
    """The quarter a plan opens on: the one on screen if of the plan's year; else the quarter
    being reported; else the one last shown; else today's, in a year under way; else the
    latest with an update, or the first."""
    try:
        year = FinancialYear.parse(plan.year)
    except ValueError:
        # Only a file changed outside SCP Desktop holds such a year.
        raise UserError(
            f"The plan “{plan.title}” has the year “{plan.year}”, which is not a financial "
            "year such as 2024-25, so it cannot be shown. The file was changed outside "
            "SCP Desktop: restore it from a backup (File ▸ Backups)."
        ) from None
    if wanted.quarter is not None and wanted.quarter.year == year:
        return wanted.quarter
    reporting = plan_reads.opening_quarter(reader, plan.id, year.label, wanted.today)
    if reporting is not None:
        return reporting
    saved = _parsed(wanted.saved_quarter(plan.id))
    if saved is not None and saved.year == year:
        return saved
    if year.first_day <= wanted.today <= year.last_day:
        return Quarter.containing(wanted.today)
    latest = plan_reads.latest_reported_quarter(reader, plan.id)
    return Quarter.parse(latest) if latest else year.quarter(1)


def _parsed(code: str) -> Quarter | None:
    try:
        return Quarter.parse(code) if code else None
    except ValueError:  # a setting from elsewhere, or garbage
        return None


def read_screen(reader: BulkReader, wanted: Wanted) -> Screen:
    """The partnership, the listed plans and the plan and quarter to show."""
    every = plan_reads.plans(reader)
    listed = listed_plans(every, show_archived=wanted.show_archived, on_screen=wanted.on_screen)
    plan = chosen_plan(
        listed, wanted.on_screen if wanted.on_screen is not None else wanted.last_plan
    )
    quarter = chosen_quarter(reader, plan, wanted) if plan is not None else None
    return Screen(plan_reads.partnership(reader), listed, plan, quarter, bool(every))


def read_first_screen(reader: BulkReader, wanted: Wanted, rows: int) -> FirstScreen:
    """The screen and its plan's first `rows` action rows, in the table's own order."""
    screen = read_screen(reader, wanted)
    if screen.plan is None or screen.quarter is None:
        return FirstScreen(screen, [], 0)
    first, total = plan_reads.first_action_ids(reader, screen.plan.id, rows)
    found = plan_reads.action_rows(reader, screen.plan.id, screen.quarter.code, wanted.today, first)
    return FirstScreen(screen, found, total)


class PlanTexts(Protocol):
    """Where the table reads its rows' latest progress and search texts from."""

    def latest_progress(
        self, plan_id: int, quarter: str, action_ids: Sequence[int] | None
    ) -> dict[int, Progress]: ...

    def search_texts(
        self, plan_id: int, quarter: str, action_ids: Sequence[int] | None
    ) -> dict[int, bytes]: ...


class FileReads:
    """Reads of a plan file through plain read-only sqlite3 connections, one per read (so
    any thread may call them): the first screen, then the table's progress and search
    texts until the plan file is attached."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> sqlite3.Connection | None:
        """A read-only connection to the file, if it is a plan at this version's schema;
        None otherwise (new, empty, foreign, older or newer, or unreadable): the full opening
        then decides, and says why."""
        try:
            header = file_header(self.path)
        except OSError:
            return None
        if not header.startswith(SQLITE_HEADER):
            return None
        conn: sqlite3.Connection | None = None
        try:
            conn = read_only_connection(
                self.path,
                header,
                timeout=0,  # a file locked by a write is not waited for here
                check_same_thread=False,
            )
            versions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            if versions == [(head_revision(),)]:
                return conn
        except sqlite3.Error:
            pass
        if conn is not None:
            conn.close()
        return None

    def first_screen(self, wanted: Wanted, rows: int) -> FirstScreen | None:
        """The first screen with its first `rows` action rows, or None when the file cannot
        be read so."""
        conn = self.connect()
        if conn is None:
            return None
        try:
            return read_first_screen(conn, wanted, rows)
        except (sqlite3.Error, UserError, ValueError, LookupError, TypeError, AttributeError):
            # A damaged or hand-edited file (a year, a quarter or a RAG that is not one): the
            # full opening checks it and says what is wrong.
            return None
        finally:
            conn.close()

    def latest_progress(
        self, plan_id: int, quarter: str, action_ids: Sequence[int] | None
    ) -> dict[int, Progress]:
        return self._read(lambda c: plan_reads.latest_progress(c, plan_id, quarter, action_ids))

    def search_texts(
        self, plan_id: int, quarter: str, action_ids: Sequence[int] | None
    ) -> dict[int, bytes]:
        return self._read(lambda c: plan_reads.search_texts(c, plan_id, quarter, action_ids))

    def _read[T](self, read: Callable[[sqlite3.Connection], T]) -> T:
        conn = self.connect()
        if conn is None:
            raise DatabaseError(f"The plan database {self.path} could not be read.")
        try:
            return read(conn)
        except sqlite3.Error as exc:
            raise DatabaseError(f"The plan database {self.path} could not be read.") from exc
        finally:
            conn.close()
