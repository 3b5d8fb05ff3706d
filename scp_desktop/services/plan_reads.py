"""Reads of a plan in SQL text through a driver's connection (a `BulkReader`), with no
SQLAlchemy: the services run them inside a session (storage.database.sqlite_connection), and
the window's first screen runs them on the plan file straight away while the database layer
still loads (services/first_screen.py).

Each read is a fixed number of queries whatever the plan's size, returning plain tuples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from scp_desktop.domain.deadlines import DeadlineKind, deadline_from_storage
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.domain.reporting import reporting_quarter

if TYPE_CHECKING:
    from scp_desktop.storage.database import BulkReader


@dataclass(frozen=True)
class PlanInfo:
    id: int
    year: str
    title: str
    status: str


@dataclass(frozen=True)
class PartnershipInfo:
    name: str
    abbreviation: str
    area: str
    prepared_by: str
    is_demo: bool


def partnership(reader: BulkReader) -> PartnershipInfo | None:
    """The file's partnership profile; None for a file not yet set up."""
    found = reader.execute(
        "SELECT name, abbreviation, area, prepared_by, is_demo FROM partnership ORDER BY id LIMIT 1"
    ).fetchone()
    if found is None:
        return None
    name, abbreviation, area, prepared_by, is_demo = found
    return PartnershipInfo(name, abbreviation, area, prepared_by, bool(is_demo))


def plans(reader: BulkReader) -> list[PlanInfo]:
    """Every plan of the file, the newest year first."""
    found = reader.execute('SELECT id, year, title, status FROM "plan" ORDER BY year DESC, id')
    return [PlanInfo(pid, year, title, status) for pid, year, title, status in found]


def first_action_ids(reader: BulkReader, plan_id: int, count: int) -> tuple[list[int], int]:
    """The ids of the plan's first `count` actions in the table's order (`action_rows`), and
    how many actions the plan has: only the rows one screen shows are then read."""
    found = reader.execute(
        f"{_PLAN_ACTIONS.format(only='')} ORDER BY {_TABLE_ORDER} LIMIT :count",
        {"plan": plan_id, "count": count},
    ).fetchall()
    total = reader.execute(
        f"SELECT count(*) FROM ({_PLAN_ACTIONS.format(only='')})", {"plan": plan_id}
    ).fetchone()
    return [action_id for (action_id,) in found], total[0] if total else 0


def latest_reported_quarter(reader: BulkReader, plan_id: int) -> str | None:
    """The latest quarter of the plan with any update: where an officer most likely works."""
    found = reader.execute(
        f"SELECT max(quarter) FROM quarter_update WHERE action_id IN "
        f"({_PLAN_ACTIONS.format(only='')})",
        {"plan": plan_id},
    ).fetchone()
    return found[0] if found else None


def signed_quarters(reader: BulkReader) -> set[str]:
    """The quarters whose figures are signed off (and not unlocked since)."""
    found = reader.execute("SELECT quarter FROM quarter_signoff WHERE unlocked_at IS NULL")
    return {quarter for (quarter,) in found.fetchall()}


def opening_quarter(reader: BulkReader, plan_id: int, year: str, today: dt.date) -> Quarter | None:
    """The quarter a plan for `year` opens on: the one being reported (domain.reporting), or
    a later one its updates have already reached (returns for the quarter in progress that
    came in early). None for a year already over."""
    reporting = reporting_quarter(FinancialYear.parse(year), today, signed_quarters(reader))
    if reporting is None:
        return None
    latest = latest_reported_quarter(reader, plan_id)
    if latest is not None and reporting.code < latest <= Quarter.containing(today).code:
        return Quarter.parse(latest)
    return reporting


class ActionRow(NamedTuple):
    """One line of the action table: everything shown, sorted and filtered on.

    A named tuple: a large plan makes thousands at once, and a tuple is built five times
    faster than a frozen dataclass. The narratives are not here: they are most of the
    plan's text, and a screen shows a few dozen rows. The table reads the latest progress
    of the rows it shows (`latest_progress`), and the free-text filter its search texts
    (`search_texts`).
    """

    id: int
    reference: str
    title: str
    about: str
    priority_id: int
    priority_number: int
    priority_kind: str
    priority_title: str
    objective_id: int
    objective_title: str
    lead: str  # lead agencies' abbreviations, comma separated
    lead_ids: tuple[int, ...]
    support: str
    deadline: str  # as displayed ("Mar 2023", "Ongoing")
    deadline_date: dt.date | None
    status: str
    rags: tuple[RAG | None, RAG | None, RAG | None, RAG | None]  # Q1..Q4 of the plan year
    frameworks: tuple[str, ...]  # "PFCC:3", "ECPS:Serious Violence"
    overdue: bool
    not_reported: bool  # active, and no update for the chosen quarter
    lead_lower: str = ""  # lead agencies in lower case, also searched
    # The versions of the Q1..Q4 updates as read (0: none), so a RAG typed into the table
    # is saved only over the update the table showed.
    rag_versions: tuple[int, int, int, int] = (0, 0, 0, 0)


_RAG_OF: dict[str | None, RAG | None] = {None: None, **{r.value: r for r in RAG}}
# Whitespace SQLite's trim() removes before deciding a narrative is blank.
_BLANK = " \t\r\n"


# The table's queries in SQL text, run on the session's own SQLite connection: a plan's
# rows are the hottest read in the program, and SQLAlchemy's result rows cost a fifth of it.
# Each takes `:plan` and, when only some rows are wanted, the `{only}` clause.
_PLAN_ACTIONS = (
    "SELECT a.id FROM action a JOIN objective o ON a.objective_id = o.id "
    "JOIN key_priority kp ON o.priority_id = kp.id WHERE kp.plan_id = :plan{only}"
)
# The table's order of a plan's actions: by priority, objective, then the action's place.
_TABLE_ORDER = "kp.number, o.position, o.id, a.position, a.id"
# Quarter codes are always this long (quarter_update's CHECK), ending in the quarter's number.
_CODE_LENGTH = len("2022-23-Q1")
# The next-to-last column is the action's RAGs in the year, as quarter numbers, letters and
# the updates' versions ("1G1 2A3 4R1 "): looked up per action through the (action_id, quarter, rag) index, which SQLite
# does in a tenth of the time of grouping the year's updates. The last is its framework
# items' ids ("3,17"), likewise through the (action_id, item_id) index.
_ROWS_SQL = (
    "SELECT a.id, a.reference, a.title, a.about, a.deadline_kind, a.deadline_date, "
    "a.deadline_text, a.status, o.id, o.title, kp.id, kp.number, kp.kind, kp.title, "
    "o.position, a.position, "
    f"(SELECT group_concat(substr(u.quarter, {_CODE_LENGTH}) || u.rag || u.version || ' ', '') "
    "FROM quarter_update u WHERE u.action_id = a.id AND u.quarter BETWEEN :q1 AND :q4), "
    "(SELECT group_concat(f.item_id, ',') FROM action_framework_item f "
    "WHERE f.action_id = a.id) "
    "FROM action a JOIN objective o ON a.objective_id = o.id "
    "JOIN key_priority kp ON o.priority_id = kp.id WHERE kp.plan_id = :plan{only}"
)
_PARTNERS_SQL = (
    "SELECT action_id, role, partner_id FROM action_partner "
    f"WHERE action_id IN ({_PLAN_ACTIONS}) ORDER BY action_id, position, id"
)
_PARTNER_NAMES_SQL = "SELECT id, abbreviation FROM partner"
_FRAMEWORK_ITEMS_SQL = (
    "SELECT i.id, f.code || ':' || i.code FROM framework_item i "
    "JOIN framework f ON i.framework_id = f.id"
)
# The latest non-blank narrative up to the chosen quarter: per action, the newest update is
# looked up through the (action_id, quarter) index and older ones only when it is blank, so
# about one narrative per action is read, not the year's. `{upto}` is the quarters up to the
# chosen one (":q1, :q2"). The quarter's code comes first in the same text: codes are
# always _CODE_LENGTH characters, and one value per action spares a second look-up of each
# update.
_LATEST_SQL = (
    "SELECT a.id, (SELECT n.quarter || n.narrative FROM quarter_update n "
    "WHERE n.action_id = a.id AND n.quarter IN ({upto}) AND trim(n.narrative, :blank) != '' "
    "ORDER BY n.quarter DESC LIMIT 1) "
    "FROM action a JOIN objective o ON a.objective_id = o.id "
    "JOIN key_priority kp ON o.priority_id = kp.id WHERE kp.plan_id = :plan{only}"
)


# Per action: its title, about, reference and the year's narratives (in quarter order, read
# per action through the (action_id, quarter) index: a third of the time of grouping the
# year's updates), joined and with ASCII letters lower-cased by SQLite, as UTF-8 bytes.
_SEARCH_SQL = (
    "SELECT a.id, CAST(lower(a.title || ' ' || a.about || ' ' || a.reference || ' ' || "
    "coalesce((SELECT group_concat(u.narrative, ' ') FROM quarter_update u "
    "WHERE u.action_id = a.id AND u.quarter BETWEEN :q1 AND :q4), '')) AS BLOB) "
    "FROM action a JOIN objective o ON a.objective_id = o.id "
    "JOIN key_priority kp ON o.priority_id = kp.id WHERE kp.plan_id = :plan{only}"
)


def _only(plan_id: int, action_ids: Sequence[int] | None) -> tuple[str, dict[str, object]]:
    """The `{only}` clause for `action_ids` (nothing for all the plan's actions), and the
    parameters with the plan's."""
    params: dict[str, object] = {"plan": plan_id}
    if action_ids is None:
        return "", params
    names = [f"id{i}" for i in range(len(action_ids))]
    params.update(zip(names, action_ids, strict=True))
    return " AND a.id IN (" + ", ".join(f":{n}" for n in names) + ")", params


def _quarter_params(q: Quarter) -> dict[str, object]:
    return {f"q{n}": qq.code for n, qq in enumerate(q.year.quarters, start=1)}


def action_rows(
    reader: BulkReader,
    plan_id: int,
    quarter: str,
    today: dt.date,
    action_ids: Sequence[int] | None = None,
) -> list[ActionRow]:
    """The plan's actions as table rows for `quarter` (code "2022-23-Q2"); with
    `action_ids`, only those rows. Four queries in all, whatever the number of actions; the
    RAGs are picked in SQL."""
    q = Quarter.parse(quarter)
    only, params = _only(plan_id, action_ids)
    quarters = _quarter_params(q)

    def run(sqlite: BulkReader, sql: str, extra: Mapping[str, object] | None = None) -> list[Any]:
        cursor = sqlite.execute(sql.format(only=only), {**params, **extra} if extra else params)
        return list(cursor.fetchall())

    base = run(reader, _ROWS_SQL, quarters)
    partner_names: dict[int, str] = dict(reader.execute(_PARTNER_NAMES_SQL).fetchall())
    item_codes: dict[int, str] = dict(reader.execute(_FRAMEWORK_ITEMS_SQL).fetchall())
    partner_links = run(reader, _PARTNERS_SQL)
    plan_status = reader.execute(
        'SELECT status FROM "plan" WHERE id = :plan', {"plan": plan_id}
    ).fetchone()
    # A draft plan has asked no one for anything yet: nothing of it is overdue or unreported.
    flagged = plan_status is not None and plan_status[0] != "draft"
    leads: dict[int, list[int]] = {}
    supports: dict[int, list[int]] = {}
    for action_id, role, partner_id in partner_links:
        (leads if role == "lead" else supports).setdefault(action_id, []).append(partner_id)
    # Thousands of actions share a few hundred lead agencies, cross-reference sets and RAG
    # patterns: each is made once and shared by every row that has it.
    no_rags: tuple[tuple[RAG | None, ...], tuple[int, ...]] = ((None,) * 4, (0,) * 4)
    rag_sets: dict[str | None, tuple[tuple[RAG | None, ...], tuple[int, ...]]] = {None: no_rags}
    named: dict[tuple[int, ...], tuple[str, tuple[int, ...], str]] = {}

    def names_of(ids: list[int]) -> tuple[str, tuple[int, ...], str]:
        key = tuple(ids)
        found = named.get(key)
        if found is None:
            text = ", ".join([partner_names[p] for p in key])
            found = named[key] = (text, key, text.lower())
        return found

    lead_of = {action_id: names_of(ids) for action_id, ids in leads.items()}
    support_of = {action_id: names_of(ids)[0] for action_id, ids in supports.items()}
    item_sets: dict[str | None, tuple[str, ...]] = {None: ()}
    # Sorted here rather than in SQL: SQLite would sort whole rows, titles and all. The
    # order is _TABLE_ORDER's.
    base.sort(key=lambda b: (b[11], b[14], b[8], b[15], b[0]))
    rows: list[ActionRow] = []
    deadlines: dict[tuple[str, str | None, str], tuple[str, dt.date | None, bool]] = {}
    no_lead: tuple[str, tuple[int, ...], str] = ("", (), "")
    current = q.number - 1
    append = rows.append
    # tuple.__new__ straight away: the named tuple's own __new__ binds 23 keyword
    # parameters per row; the fields are in declaration order here.
    new_row = tuple.__new__
    for (
        aid,
        ref,
        title,
        about,
        dkind,
        ddate,
        dtext,
        status,
        oid,
        otitle,
        pid,
        pnum,
        pkind,
        ptitle,
        _opos,
        _apos,
        rag_text,
        item_text,
    ) in base:
        key = (dkind, ddate, dtext)
        cached = deadlines.get(key)
        if cached is None:
            made = deadline_from_storage(
                dkind, dt.date.fromisoformat(ddate) if ddate else None, dtext
            )
            late = made.kind in (DeadlineKind.DATE, DeadlineKind.MONTH) and made.is_overdue(today)
            cached = deadlines[key] = (made.display, made.day, late)
        deadline_display, deadline_day, late = cached
        lead, lead_ids, lead_lower = lead_of.get(aid, no_lead)
        found_rags = rag_sets.get(rag_text)
        if found_rags is None:
            letters: list[RAG | None] = [None, None, None, None]
            versions = [0, 0, 0, 0]
            for part in rag_text.split():
                letters[int(part[0]) - 1] = _RAG_OF[part[1]]
                versions[int(part[0]) - 1] = int(part[2:])
            found_rags = rag_sets[rag_text] = (tuple(letters), tuple(versions))
        r, rag_versions = found_rags
        items = item_sets.get(item_text)
        if items is None:
            items = item_sets[item_text] = tuple([item_codes[int(i)] for i in item_text.split(",")])
        active = status == "active" and flagged
        append(
            new_row(
                ActionRow,
                (
                    aid,
                    ref,
                    title,
                    about,
                    pid,
                    pnum,
                    pkind,
                    ptitle,
                    oid,
                    otitle,
                    lead,
                    lead_ids,
                    support_of.get(aid, ""),
                    deadline_display,
                    deadline_day,
                    status,
                    r,
                    items,
                    active and late,
                    active and r[current] is None,
                    lead_lower,
                    rag_versions,
                ),
            )
        )
    return rows


class Progress(NamedTuple):
    """An action's latest progress narrative up to a quarter, and that quarter's label."""

    text: str
    quarter: str


NO_PROGRESS = Progress("", "")


def latest_progress(
    reader: BulkReader, plan_id: int, quarter: str, action_ids: Sequence[int] | None = None
) -> dict[int, Progress]:
    """Per action of the plan (or of `action_ids` in it), its latest non-blank progress
    narrative in `quarter` or an earlier quarter of its year; NO_PROGRESS when it has none,
    so that every action asked about has an answer."""
    q = Quarter.parse(quarter)
    labels = {qq.code: qq.label for qq in q.year.quarters}
    only, params = _only(plan_id, action_ids)
    params.update(_quarter_params(q), blank=_BLANK)
    upto = ", ".join(f":q{n}" for n in range(1, q.number + 1))
    found = reader.execute(_LATEST_SQL.format(only=only, upto=upto), params)
    return {
        action_id: (
            Progress(text[_CODE_LENGTH:], labels[text[:_CODE_LENGTH]])
            if text is not None
            else NO_PROGRESS
        )
        for action_id, text in found.fetchall()
    }


def search_texts(
    reader: BulkReader, plan_id: int, quarter: str, action_ids: Sequence[int] | None = None
) -> dict[int, bytes]:
    """Per action, the lower-case text the free-text filter searches: title, about,
    reference and every progress narrative of `quarter`'s year, encoded as UTF-8.

    This is most of the plan's text (megabytes for a large plan), so the interface loads
    it after the table is shown, on a worker thread. UTF-8 rather than `str`: one dash or
    curly quote makes Python store a whole string at two bytes a character, and real
    narratives nearly all have one; a lower-case UTF-8 word is found in lower-case UTF-8
    text exactly where the `str` would be found in the `str`.
    """
    only, params = _only(plan_id, action_ids)
    params.update(_quarter_params(Quarter.parse(quarter)))
    texts: dict[int, bytes] = {}
    cursor = reader.execute(_SEARCH_SQL.format(only=only), params)
    # In batches: the raw text of the whole plan is never held beside its lower case.
    while batch := cursor.fetchmany(256):
        for aid, raw in batch:
            # A server hands back text, which SQLite's CAST gives as UTF-8 bytes.
            texts[aid] = _lower_rest(raw.encode() if isinstance(raw, str) else raw)
    return texts


_ASCII = bytes(range(128))


def _lower_rest(raw: bytes) -> bytes:
    """UTF-8 text whose ASCII letters SQLite has already lower-cased, fully lower-cased.

    Python's Unicode lower case costs a pass over the whole text, and nearly every real
    narrative has a "£", a dash or a curly quote, none of which has a lower case. So look
    only at the characters outside ASCII, gathered in one C-speed pass: when none of them
    changes, neither does the text (the one letter that changes by context, Σ, changes
    on its own too).
    """
    if raw.isascii():
        return raw
    rest = raw.translate(None, _ASCII).decode()
    if rest.lower() == rest:
        return raw
    return raw.decode().lower().encode()
