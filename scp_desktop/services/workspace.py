"""Read views for the officer's workspace: action rows, action details, history, dashboard.

Each view is loaded with a fixed number of queries whatever the plan's size (never one
query per action), and returned as plain frozen dataclasses the interface can keep.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import aliased

from scp_desktop.domain.deadlines import Deadline, DeadlineKind, deadline_from_storage
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG, Travel, direction_of_travel
from scp_desktop.services import indicators as indicator_service
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Action,
    ActionFrameworkItem,
    ActionPartner,
    AuditEntry,
    Evidence,
    Framework,
    FrameworkItem,
    Indicator,
    IndicatorValue,
    KeyPriority,
    Objective,
    Partner,
    Plan,
    QuarterUpdate,
)


class ActionRow(NamedTuple):
    """One line of the action table: everything shown, sorted and filtered on.

    A named tuple: a large plan makes thousands at once, and a tuple is built five times
    faster than a frozen dataclass. The narratives searched by the free-text filter are
    not here: they are most of the plan's text and the first paint does not need them
    (see `load_search_texts`).
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
    latest_progress: str
    latest_quarter: str  # label of the quarter the latest progress is from
    frameworks: tuple[str, ...]  # "PFCC:3", "ECPS:Serious Violence"
    overdue: bool
    not_reported: bool  # active, and no update for the chosen quarter
    lead_lower: str = ""  # lead agencies in lower case, also searched


_RAG_OF: dict[str | None, RAG | None] = {None: None, **{r.value: r for r in RAG}}
# Whitespace SQLite's trim() removes before deciding a narrative is blank.
_BLANK = " \t\r\n"


def _actions_in_plan(plan_id: int, action_ids: list[int] | None) -> Select[int]:
    stmt = (
        select(Action.id)
        .join(Objective, Action.objective_id == Objective.id)
        .join(KeyPriority, Objective.priority_id == KeyPriority.id)
        .where(KeyPriority.plan_id == plan_id)
    )
    if action_ids is not None:
        stmt = stmt.where(Action.id.in_(action_ids))
    return stmt


@contextmanager
def _bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of small tuples are made:
    it would otherwise walk every live object several times, and none of these can form a
    cycle. Re-enabled only by whoever disabled it, so nesting and threads are safe."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_action_rows(
    db: Database,
    plan_id: int,
    quarter: str,
    today: dt.date,
    *,
    action_ids: list[int] | None = None,
) -> list[ActionRow]:
    """The plan's actions as table rows for `quarter` (code "2022-23-Q2").

    With `action_ids`, only those rows (to refresh a few after an edit).
    Five queries in all, whatever the number of actions; the RAGs and the latest
    narrative per action are picked in SQL, so only one narrative per action is read.
    """
    with _bulk_allocation():
        return _action_rows(db, plan_id, quarter, today, action_ids)


def _action_rows(
    db: Database, plan_id: int, quarter: str, today: dt.date, action_ids: list[int] | None
) -> list[ActionRow]:
    q = Quarter.parse(quarter)
    codes = [qq.code for qq in q.year.quarters]
    labels = {qq.code: qq.label for qq in q.year.quarters}
    with db.session(audit=False) as s:
        # Core-level execution: plain tuples, without the ORM's per-row bookkeeping.
        conn = s.connection()
        stmt = (
            select(
                Action.id,
                Action.reference,
                Action.title,
                Action.about,
                Action.deadline_kind,
                Action.deadline_date,
                Action.deadline_text,
                Action.status,
                Objective.id,
                Objective.title,
                KeyPriority.id,
                KeyPriority.number,
                KeyPriority.kind,
                KeyPriority.title,
            )
            .join(Objective, Action.objective_id == Objective.id)
            .join(KeyPriority, Objective.priority_id == KeyPriority.id)
            .where(KeyPriority.plan_id == plan_id)
            .order_by(
                KeyPriority.number, Objective.position, Objective.id, Action.position, Action.id
            )
        )
        if action_ids is not None:
            stmt = stmt.where(Action.id.in_(action_ids))
        base = conn.execute(stmt).all()
        in_plan = _actions_in_plan(plan_id, action_ids)
        partners: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
        for action_id, role, pid, abbr in conn.execute(
            select(ActionPartner.action_id, ActionPartner.role, Partner.id, Partner.abbreviation)
            .join(Partner, ActionPartner.partner_id == Partner.id)
            .where(ActionPartner.action_id.in_(in_plan))
            .order_by(ActionPartner.action_id, ActionPartner.position, ActionPartner.id)
        ).all():
            partners[action_id].append((role, pid, abbr))
        frameworks: dict[int, list[str]] = defaultdict(list)
        for action_id, fw_code, item_code in conn.execute(
            select(ActionFrameworkItem.action_id, Framework.code, FrameworkItem.code)
            .join(FrameworkItem, ActionFrameworkItem.item_id == FrameworkItem.id)
            .join(Framework, FrameworkItem.framework_id == Framework.id)
            .where(ActionFrameworkItem.action_id.in_(in_plan))
        ).all():
            frameworks[action_id].append(f"{fw_code}:{item_code}")
        # One row per action: its RAG in each quarter of the year.
        rags: dict[int, tuple[RAG | None, ...]] = {
            action_id: tuple(_RAG_OF[r] for r in quarter_rags)
            for action_id, *quarter_rags in conn.execute(
                select(
                    QuarterUpdate.action_id,
                    *(
                        func.max(case((QuarterUpdate.quarter == code, QuarterUpdate.rag)))
                        for code in codes
                    ),
                )
                .where(QuarterUpdate.action_id.in_(in_plan), QuarterUpdate.quarter.in_(codes))
                .group_by(QuarterUpdate.action_id)
            ).all()
        }
        # The latest non-blank narrative up to the chosen quarter: per action, the newest
        # update is looked up through the (action_id, quarter) index and older ones only
        # when it is blank, so about one narrative per action is read, not the year's.
        newer = aliased(QuarterUpdate)
        latest_id = (
            select(newer.id)
            .where(
                newer.action_id == Action.id,
                newer.quarter.in_(codes[: q.number]),
                func.trim(newer.narrative, _BLANK) != "",
            )
            .order_by(newer.quarter.desc())
            .limit(1)
            .correlate(Action)
            .scalar_subquery()
        )
        latest: dict[int, tuple[str, str]] = {
            action_id: (narrative, labels[code])
            for action_id, code, narrative in conn.execute(
                select(
                    QuarterUpdate.action_id, QuarterUpdate.quarter, QuarterUpdate.narrative
                ).where(
                    QuarterUpdate.id.in_(
                        _actions_in_plan(plan_id, action_ids).with_only_columns(latest_id)
                    )
                )
            ).all()
        }
    rows: list[ActionRow] = []
    deadlines: dict[tuple[str, dt.date | None, str], tuple[Deadline, str, bool]] = {}
    no_rags: tuple[RAG | None, ...] = (None, None, None, None)
    current = q.number - 1
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
    ) in base:
        key = (dkind, ddate, dtext)
        cached = deadlines.get(key)
        if cached is None:
            made = deadline_from_storage(dkind, ddate, dtext)
            late = made.kind in (DeadlineKind.DATE, DeadlineKind.MONTH) and made.is_overdue(today)
            cached = deadlines[key] = (made, made.display, late)
        deadline, deadline_display, late = cached
        plist = partners.get(aid, ())
        lead = ", ".join([a for role, _p, a in plist if role == "lead"])
        r1, r2, r3, r4 = rags.get(aid, no_rags)
        narrative, narrative_quarter = latest.get(aid, ("", ""))
        active = status == "active"
        rows.append(
            ActionRow(
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
                tuple([p for role, p, _a in plist if role == "lead"]),
                ", ".join([a for role, _p, a in plist if role == "support"]),
                deadline_display,
                deadline.day,
                status,
                (r1, r2, r3, r4),
                narrative,
                narrative_quarter,
                tuple(frameworks.get(aid, ())),
                active and late,
                active and (r1, r2, r3, r4)[current] is None,
                lead.lower(),
            )
        )
    return rows


def load_search_texts(
    db: Database,
    plan_id: int,
    quarter: str,
    *,
    action_ids: list[int] | None = None,
) -> dict[int, bytes]:
    """Per action, the lower-case text the free-text filter searches: title, about,
    reference and every progress narrative of `quarter`'s year, encoded as UTF-8.

    This is most of the plan's text (megabytes for a large plan), so the interface loads
    it after the table is shown, on a worker thread. UTF-8 rather than `str`: one dash or
    curly quote makes Python store a whole string at two bytes a character, and real
    narratives nearly all have one; a lower-case UTF-8 word is found in lower-case UTF-8
    text exactly where the `str` would be found in the `str`.
    """
    codes = [qq.code for qq in Quarter.parse(quarter).year.quarters]
    with db.session(audit=False) as s:
        conn = s.connection()
        narratives = (
            select(
                QuarterUpdate.action_id,
                func.group_concat(QuarterUpdate.narrative, " ").label("text"),
            )
            .where(
                QuarterUpdate.action_id.in_(_actions_in_plan(plan_id, action_ids)),
                QuarterUpdate.quarter.in_(codes),
            )
            .group_by(QuarterUpdate.action_id)
            .subquery()
        )
        stmt = (
            select(Action.id, Action.title, Action.about, Action.reference, narratives.c.text)
            .join(Objective, Action.objective_id == Objective.id)
            .join(KeyPriority, Objective.priority_id == KeyPriority.id)
            .outerjoin(narratives, narratives.c.action_id == Action.id)
            .where(KeyPriority.plan_id == plan_id)
        )
        if action_ids is not None:
            stmt = stmt.where(Action.id.in_(action_ids))
        texts: dict[int, bytes] = {}
        # In batches: the raw text of the whole plan is never held beside its lower case.
        for batch in conn.execute(stmt).partitions(256):
            for aid, title, about, ref, text in batch:
                texts[aid] = f"{title} {about} {ref} {text or ''}".lower().encode()
    return texts


# ---------------------------------------------------------------- action details


@dataclass(frozen=True)
class FundingLineData:
    source: str
    amount_pence: int | None
    note: str = ""


@dataclass(frozen=True)
class ActionFields:
    """Every editable field of an action (what the form shows and saves)."""

    title: str
    reference: str = ""
    about: str = ""
    outcome: str = ""
    target_area: str = ""
    deadline_text: str = ""
    status: str = "active"
    lead_ids: tuple[int, ...] = ()
    support_ids: tuple[int, ...] = ()
    framework_item_ids: tuple[int, ...] = ()
    outputs: tuple[str, ...] = ()
    funding: tuple[FundingLineData, ...] = ()


@dataclass(frozen=True)
class ActionDetail:
    id: int
    objective_id: int
    priority_id: int
    plan_id: int
    fields: ActionFields
    carried_from_id: int | None


def fields_of(a: Action) -> ActionFields:
    """An action's editable fields, read inside the caller's session."""
    return ActionFields(
        title=a.title,
        reference=a.reference,
        about=a.about,
        outcome=a.outcome,
        target_area=a.target_area,
        deadline_text=a.deadline_text
        or (
            ""
            if a.deadline_kind == "unknown"
            else deadline_from_storage(a.deadline_kind, a.deadline_date, "").display
        ),
        status=a.status,
        lead_ids=tuple(p.partner_id for p in a.partners if p.role == "lead"),
        support_ids=tuple(p.partner_id for p in a.partners if p.role == "support"),
        framework_item_ids=tuple(sorted(f.item_id for f in a.framework_items)),
        outputs=tuple(o.text for o in a.outputs),
        funding=tuple(FundingLineData(f.source, f.amount_pence, f.note) for f in a.funding),
    )


def action_detail(db: Database, action_id: int) -> ActionDetail:
    with db.session(audit=False) as s:
        a = s.get(Action, action_id)
        if a is None:
            raise UserError("That action no longer exists (it may have been deleted).")
        return ActionDetail(
            a.id,
            a.objective_id,
            a.objective.priority_id,
            a.objective.priority.plan_id,
            fields_of(a),
            a.carried_from_id,
        )


@dataclass(frozen=True)
class UpdateFields:
    rag: RAG
    narrative: str = ""
    reported_by: str = ""
    reported_on: dt.date | None = None


@dataclass(frozen=True)
class UpdateView:
    quarter: str
    fields: UpdateFields | None
    source: str = ""
    locked: bool = False


@dataclass(frozen=True)
class UpdatePair:
    """The chosen quarter's update beside the previous quarter's, as officers compare them."""

    action_id: int
    title: str
    current: UpdateView
    previous: UpdateView


def _update_view(u: QuarterUpdate | None, quarter: str) -> UpdateView:
    if u is None:
        return UpdateView(quarter, None)
    source = u.source
    if u.source_sheet:
        source = f"{u.source}: sheet {u.source_sheet} row {u.source_row}"
    return UpdateView(
        quarter,
        UpdateFields(RAG(u.rag), u.narrative, u.reported_by, u.reported_on),
        source,
        u.locked,
    )


def update_pair(db: Database, action_id: int, quarter: str) -> UpdatePair:
    q = Quarter.parse(quarter)
    prev = q.previous().code
    with db.session(audit=False) as s:
        a = s.get(Action, action_id)
        if a is None:
            raise UserError("That action no longer exists (it may have been deleted).")
        by_q = {
            u.quarter: u
            for u in s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.action_id == action_id,
                    QuarterUpdate.quarter.in_([q.code, prev]),
                )
            )
        }
        # A rolled-over action's previous quarter (Q4 of last year) lives on the old action.
        if prev not in by_q and q.number == 1 and a.carried_from_id is not None:
            old = s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.action_id == a.carried_from_id, QuarterUpdate.quarter == prev
                )
            ).first()
            if old is not None:
                by_q[prev] = old
        return UpdatePair(
            action_id,
            f"{a.reference} {a.title}".strip(),
            _update_view(by_q.get(q.code), q.code),
            _update_view(by_q.get(prev), prev),
        )


# ---------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    user: str
    what: str  # table name in words
    operation: str
    field: str
    old: str
    new: str
    reason: str


@dataclass(frozen=True)
class PastQuarter:
    quarter_label: str
    rag: RAG
    narrative: str
    reported_by: str


@dataclass(frozen=True)
class ActionHistory:
    action_id: int
    title: str
    entries: list[HistoryEntry]
    quarters: list[PastQuarter]


_ENTITY_WORDS = {
    "action": "Action",
    "quarter_update": "Progress update",
    "action_partner": "Agency",
    "action_output": "Output",
    "funding_line": "Funding",
    "action_framework_item": "Cross-reference",
    "evidence": "Evidence",
}


def action_history(db: Database, action_id: int) -> ActionHistory:
    """The audit trail of an action (newest first) and its updates in every quarter,
    following roll-overs back to earlier years."""
    with db.session(audit=False) as s:
        a = s.get(Action, action_id)
        if a is None:
            raise UserError("That action no longer exists (it may have been deleted).")
        chain = [a.id]
        seen = {a.id}
        cursor = a.carried_from_id
        while cursor is not None and cursor not in seen:
            chain.append(cursor)
            seen.add(cursor)
            cursor = s.scalar(select(Action.carried_from_id).where(Action.id == cursor))
        entries = [
            HistoryEntry(
                e.at,
                e.user,
                _ENTITY_WORDS.get(e.entity, e.entity),
                e.operation,
                e.field,
                e.old_value or "",
                e.new_value or "",
                e.reason,
            )
            for e in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action_id.in_(chain))
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            )
        ]
        quarters = [
            PastQuarter(Quarter.parse(u.quarter).label, RAG(u.rag), u.narrative, u.reported_by)
            for u in s.scalars(
                select(QuarterUpdate)
                .where(QuarterUpdate.action_id.in_(chain))
                .order_by(QuarterUpdate.quarter.desc())
            )
        ]
        return ActionHistory(a.id, f"{a.reference} {a.title}".strip(), entries, quarters)


# ---------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class PriorityRag:
    priority_id: int
    label: str  # "KP1" or "Other"
    title: str
    counts: dict[RAG, int]
    not_reported: int


@dataclass(frozen=True)
class ActionRef:
    id: int
    reference: str
    title: str
    lead: str
    detail: str  # why it is listed: "due Mar 2023", "Q1: Green"


@dataclass(frozen=True)
class IndicatorTile:
    indicator_id: int
    name: str
    unit: str
    value: str | None
    period: str
    comparator: str | None
    comparator_label: str
    previous_year: str | None
    status: str = ""  # computed by the indicator's rule: "A Amber", "No target", "No value"
    rag: RAG | None = None


@dataclass(frozen=True)
class PriorityStatistics:
    priority_id: int
    label: str
    title: str
    indicators: list[IndicatorTile]


@dataclass(frozen=True)
class Dashboard:
    quarter: str
    quarter_label: str
    priorities: list[PriorityRag]
    travel: dict[Travel, int]
    overdue: list[ActionRef]
    not_reported: list[ActionRef]
    statistics: list[PriorityStatistics] = field(default_factory=list)


def _priority_label(number: int, kind: str) -> str:
    return f"KP{number}" if kind == "key" else "Other"


def dashboard(
    db: Database,
    plan_id: int,
    quarter: str,
    today: dt.date,
    *,
    rows: list[ActionRow] | None = None,
) -> Dashboard:
    """RAG counts per priority, direction of travel, overdue and not-reported actions.

    `rows` may be the ones already loaded for the same plan, quarter and day (the table's),
    to save reading them again.
    """
    q = Quarter.parse(quarter)
    if rows is None:
        rows = load_action_rows(db, plan_id, quarter, today)
    with db.session(audit=False) as s:
        priorities = s.execute(
            select(KeyPriority.id, KeyPriority.number, KeyPriority.kind, KeyPriority.title)
            .where(KeyPriority.plan_id == plan_id)
            .order_by(KeyPriority.number)
        ).all()
        previous_rags: dict[int, RAG] = {}
        if q.number == 1:
            # Last year's Q4 is on the actions these were carried from.
            carried = dict(
                s.execute(
                    select(Action.id, Action.carried_from_id)
                    .join(Objective, Action.objective_id == Objective.id)
                    .join(KeyPriority, Objective.priority_id == KeyPriority.id)
                    .where(KeyPriority.plan_id == plan_id, Action.carried_from_id.is_not(None))
                ).all()
            )
            by_old = {old: new for new, old in carried.items()}
            for old_id, rag in s.execute(
                select(QuarterUpdate.action_id, QuarterUpdate.rag).where(
                    QuarterUpdate.action_id.in_(list(by_old)),
                    QuarterUpdate.quarter == q.previous().code,
                )
            ):
                previous_rags[by_old[old_id]] = RAG(rag)
    counts: dict[int, dict[RAG, int]] = {p.id: dict.fromkeys(RAG, 0) for p in priorities}
    missing: dict[int, int] = dict.fromkeys((p.id for p in priorities), 0)
    travel: dict[Travel, int] = dict.fromkeys(Travel, 0)
    overdue: list[ActionRef] = []
    not_reported: list[ActionRef] = []
    for r in rows:
        current = r.rags[q.number - 1]
        if current is not None:
            counts[r.priority_id][current] += 1
        elif r.status == "active":
            missing[r.priority_id] += 1
        previous = r.rags[q.number - 2] if q.number > 1 else previous_rags.get(r.id)
        way = direction_of_travel(previous, current)
        if way is not None:
            travel[way] += 1
        if r.overdue:
            overdue.append(ActionRef(r.id, r.reference, r.title, r.lead, f"due {r.deadline}"))
        if r.not_reported:
            last = next(
                (
                    f"last: {Quarter(q.year, n + 1).label} {rag.label}"
                    for n, rag in reversed(list(enumerate(r.rags[: q.number - 1])))
                    if rag is not None
                ),
                "no update this year",
            )
            not_reported.append(ActionRef(r.id, r.reference, r.title, r.lead, last))
    return Dashboard(
        quarter=q.code,
        quarter_label=q.label,
        priorities=[
            PriorityRag(
                p.id, _priority_label(p.number, p.kind), p.title, counts[p.id], missing[p.id]
            )
            for p in priorities
        ],
        travel=travel,
        overdue=overdue,
        not_reported=not_reported,
        statistics=priority_statistics(db, plan_id, quarter),
    )


def _period_key(period: str) -> tuple[int, str]:
    """Order periods so that later quarters and years sort last; unknown text first."""
    try:
        q = Quarter.parse(period)
        return (q.year.start * 10 + q.number, period)
    except ValueError:
        pass
    try:
        return (FinancialYear.parse(period).start * 10 + 5, period)
    except ValueError:
        return (0, period)


def priority_statistics(db: Database, plan_id: int, quarter: str) -> list[PriorityStatistics]:
    """For each key priority, its indicators' latest value up to `quarter` (the tile data).

    Values for periods after the chosen quarter are left out so an old quarter's dashboard
    shows what was known then.
    """
    q = Quarter.parse(quarter)
    limit = q.year.start * 10 + q.number
    # The status comes from the indicator rules (frozen at sign-off where signed off).
    assessed = {
        item.id: item.assessment
        for tile in indicator_service.priority_tiles(db, plan_id, quarter)
        for item in tile.indicators
    }
    with db.session(audit=False) as s:
        priorities = s.execute(
            select(KeyPriority.id, KeyPriority.number, KeyPriority.kind, KeyPriority.title)
            .where(KeyPriority.plan_id == plan_id, KeyPriority.kind == "key")
            .order_by(KeyPriority.number)
        ).all()
        ids = [p.id for p in priorities]
        indicators = s.execute(
            select(Indicator.id, Indicator.name, Indicator.unit, Indicator.priority_id)
            .where(Indicator.priority_id.in_(ids))
            .order_by(Indicator.name)
        ).all()
        values: dict[int, list[IndicatorValue]] = defaultdict(list)
        for v in s.scalars(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id.in_([i.id for i in indicators])
            )
        ):
            values[v.indicator_id].append(v)
        by_priority: dict[int, list[IndicatorTile]] = defaultdict(list)
        for ind in indicators:
            known = [v for v in values.get(ind.id, []) if _period_key(v.period)[0] <= limit]
            latest = max(known, key=lambda v: _period_key(v.period), default=None)
            by_priority[ind.priority_id].append(
                IndicatorTile(
                    ind.id,
                    ind.name,
                    ind.unit,
                    latest.value if latest else None,
                    latest.period if latest else "",
                    latest.comparator if latest else None,
                    latest.comparator_label if latest else "",
                    latest.previous_year if latest else None,
                    assessed[ind.id].status_text if ind.id in assessed else "",
                    assessed[ind.id].rag if ind.id in assessed else None,
                )
            )
        return [
            PriorityStatistics(
                p.id, _priority_label(p.number, p.kind), p.title, by_priority.get(p.id, [])
            )
            for p in priorities
        ]


# ---------------------------------------------------------------- choices and reference data


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class FrameworkChoices:
    id: int
    code: str
    name: str
    items: list[Choice]


@dataclass(frozen=True)
class PlanStructure:
    """Priorities and objectives of a plan, for pickers (move to, new action under)."""

    plan_id: int
    year: str
    priorities: list[tuple[Choice, list[Choice]]]
    other_priority_ids: frozenset[int] = frozenset()  # sections outside the key priorities


def plan_structure(db: Database, plan_id: int) -> PlanStructure:
    with db.session(audit=False) as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise UserError("That plan no longer exists.")
        objectives: dict[int, list[Choice]] = defaultdict(list)
        for oid, pid, title in s.execute(
            select(Objective.id, Objective.priority_id, Objective.title)
            .join(KeyPriority)
            .where(KeyPriority.plan_id == plan_id)
            .order_by(Objective.position, Objective.id)
        ):
            objectives[pid].append(Choice(oid, title))
        return PlanStructure(
            plan.id,
            plan.year,
            [
                (
                    Choice(
                        kp.id,
                        f"{_priority_label(kp.number, kp.kind)}: {kp.title}",
                    ),
                    objectives.get(kp.id, []),
                )
                for kp in plan.priorities
            ],
            frozenset(kp.id for kp in plan.priorities if kp.kind != "key"),
        )


def partner_choices(db: Database) -> list[Choice]:
    with db.session(audit=False) as s:
        return [
            Choice(pid, f"{abbr} — {name}")
            for pid, abbr, name in s.execute(
                select(Partner.id, Partner.abbreviation, Partner.name).order_by(
                    Partner.abbreviation
                )
            )
        ]


def framework_choices(db: Database) -> list[FrameworkChoices]:
    with db.session(audit=False) as s:
        return [
            FrameworkChoices(
                fw.id,
                fw.code,
                fw.name,
                [Choice(i.id, f"{i.code}. {i.title}") for i in fw.items],
            )
            for fw in s.scalars(select(Framework).order_by(Framework.code))
        ]


@dataclass(frozen=True)
class EvidenceInfo:
    id: int
    file_name: str
    size: int
    added_at: dt.datetime
    added_by: str
    quarter: str  # the update's quarter label, or "" when attached to the action


def list_evidence(db: Database, action_id: int) -> list[EvidenceInfo]:
    with db.session(audit=False) as s:
        return [
            EvidenceInfo(
                eid,
                name,
                size or 0,
                added_at,
                added_by,
                Quarter.parse(quarter).label if quarter else "",
            )
            for eid, name, size, added_at, added_by, quarter in s.execute(
                select(
                    Evidence.id,
                    Evidence.file_name,
                    func.length(Evidence.content),
                    Evidence.added_at,
                    Evidence.added_by,
                    QuarterUpdate.quarter,
                )
                .outerjoin(QuarterUpdate, Evidence.update_id == QuarterUpdate.id)
                .where(Evidence.action_id == action_id)
                .order_by(Evidence.added_at, Evidence.id)
            )
        ]


def evidence_content(db: Database, evidence_id: int) -> tuple[str, bytes]:
    with db.session(audit=False) as s:
        e = s.get(Evidence, evidence_id)
        if e is None:
            raise UserError("That evidence file is no longer in the database.")
        return e.file_name, e.content


def latest_reported_quarter(db: Database, plan_id: int) -> str | None:
    """The latest quarter of the plan with any update: where an officer most likely works."""
    with db.session(audit=False) as s:
        return s.scalar(
            select(func.max(QuarterUpdate.quarter))
            .join(Action, QuarterUpdate.action_id == Action.id)
            .join(Objective, Action.objective_id == Objective.id)
            .join(KeyPriority, Objective.priority_id == KeyPriority.id)
            .where(KeyPriority.plan_id == plan_id)
        )
