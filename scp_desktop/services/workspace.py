"""Read views for the officer's workspace: action rows, action details, history, dashboard.

Each view is loaded with a fixed number of queries whatever the plan's size (never one
query per action), and returned as plain frozen dataclasses the interface can keep.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG, Travel, direction_of_travel
from scp_desktop.services import first_screen, plan_reads
from scp_desktop.services.bulk import collector_paused
from scp_desktop.services.edit_inputs import ActionFields, UpdateFields, fields_of
from scp_desktop.services.errors import UserError
from scp_desktop.services.first_screen import Screen, Wanted
from scp_desktop.services.plan_reads import ActionRow, PlanInfo, Progress
from scp_desktop.storage.database import Database, sqlite_connection
from scp_desktop.storage.models import (
    Action,
    AuditEntry,
    Evidence,
    ImportBatch,
    Indicator,
    IndicatorValue,
    KeyPriority,
    Objective,
    QuarterUpdate,
)


def load_action_rows(
    db: Database,
    plan_id: int,
    quarter: str,
    today: dt.date,
    *,
    action_ids: list[int] | None = None,
) -> list[ActionRow]:
    """The plan's actions as table rows for `quarter` (code "2022-23-Q2"); with
    `action_ids`, only those rows (to refresh a few after an edit)."""
    with collector_paused(), db.reading() as s:
        return plan_reads.action_rows(sqlite_connection(s), plan_id, quarter, today, action_ids)


def screen(db: Database, wanted: Wanted) -> Screen:
    """The partnership, the plans the picker lists and the plan and quarter to show."""
    with db.reading() as s:
        return first_screen.read_screen(sqlite_connection(s), wanted)


def quarter_to_open(db: Database, plan: PlanInfo, wanted: Wanted) -> Quarter:
    """The quarter `plan` opens on when the officer picks it (first_screen.chosen_quarter)."""
    with db.reading() as s:
        return first_screen.chosen_quarter(sqlite_connection(s), plan, wanted)


class DatabaseTexts:
    """The table's progress and search texts, read from the attached database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def latest_progress(
        self, plan_id: int, quarter: str, action_ids: Sequence[int] | None
    ) -> dict[int, Progress]:
        return load_latest_progress(self.db, plan_id, quarter, action_ids=action_ids)

    def search_texts(
        self, plan_id: int, quarter: str, action_ids: Sequence[int] | None
    ) -> dict[int, bytes]:
        return load_search_texts(self.db, plan_id, quarter, action_ids=action_ids)


def load_latest_progress(
    db: Database, plan_id: int, quarter: str, *, action_ids: Sequence[int] | None = None
) -> dict[int, Progress]:
    """Per action of the plan (or of `action_ids` in it), its latest non-blank progress
    narrative in `quarter` or an earlier quarter of its year (plan_reads.latest_progress)."""
    with db.reading() as s:
        return plan_reads.latest_progress(sqlite_connection(s), plan_id, quarter, action_ids)


def load_search_texts(
    db: Database,
    plan_id: int,
    quarter: str,
    *,
    action_ids: Sequence[int] | None = None,
) -> dict[int, bytes]:
    """Per action, the lower-case UTF-8 text the free-text filter searches
    (plan_reads.search_texts)."""
    with db.reading() as s:
        return plan_reads.search_texts(sqlite_connection(s), plan_id, quarter, action_ids)


# ---------------------------------------------------------------- action details


@dataclass(frozen=True)
class ActionDetail:
    id: int
    objective_id: int
    priority_id: int
    plan_id: int
    fields: ActionFields
    carried_from_id: int | None
    # The version read: a save says it, and is refused if the action changed since.
    version: int = 1


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
            a.version,
        )


@dataclass(frozen=True)
class UpdateView:
    quarter: str
    fields: UpdateFields | None
    source: str = ""
    locked: bool = False
    # The version read (0: no update yet); a save says it, and is refused if it changed since.
    version: int = 0


@dataclass(frozen=True)
class UpdatePair:
    """The chosen quarter's update beside the previous quarter's, as officers compare them."""

    action_id: int
    title: str
    current: UpdateView
    previous: UpdateView


def _when(at: dt.datetime) -> str:
    local = at.replace(tzinfo=dt.UTC).astimezone()
    return f"{local:%d/%m/%Y} at {local:%H:%M}"


def provenance(u: QuarterUpdate, batch: ImportBatch | None) -> str:
    """Where an update came from, in words: typed, or imported from which file, sheet and
    row, and whether it was edited by hand after that (by whom, when)."""
    if u.source != "import":
        return u.source
    where = f"imported from {batch.file_name}" if batch is not None else "imported"
    if u.source_sheet:
        where += f", sheet {u.source_sheet} row {u.source_row}"
    if batch is not None:
        by = f" by {batch.imported_by}" if batch.imported_by else ""
        where += f", on {_when(batch.imported_at)}{by}"
    if u.edited_at is not None:
        who = u.edited_by or "someone"
        return f"Edited by {who} on {_when(u.edited_at)}, after being {where}"
    return where[0].upper() + where[1:]


def _update_view(u: QuarterUpdate | None, quarter: str, s: Session | None = None) -> UpdateView:
    if u is None:
        return UpdateView(quarter, None)
    source = u.source
    if u.source == "import" and s is not None:
        batch = s.get(ImportBatch, u.import_batch_id) if u.import_batch_id else None
        source = provenance(u, batch)
    elif u.source_sheet:
        source = f"{u.source}: sheet {u.source_sheet} row {u.source_row}"
    return UpdateView(
        quarter,
        UpdateFields(RAG(u.rag), u.narrative, u.reported_by, u.reported_on),
        source,
        u.locked,
        u.version,
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
            _update_view(by_q.get(q.code), q.code, s),
            _update_view(by_q.get(prev), prev, s),
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
    # Typed, or imported from which file, sheet and row (and edited by hand after, by whom).
    source: str = ""


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
        updates = list(
            s.scalars(
                select(QuarterUpdate)
                .where(QuarterUpdate.action_id.in_(chain))
                .order_by(QuarterUpdate.quarter.desc())
            )
        )
        batch_ids = {u.import_batch_id for u in updates if u.import_batch_id is not None}
        batches = {
            b.id: b for b in s.scalars(select(ImportBatch).where(ImportBatch.id.in_(batch_ids)))
        }
        quarters = [
            PastQuarter(
                Quarter.parse(u.quarter).label,
                RAG(u.rag),
                u.narrative,
                u.reported_by,
                provenance(u, batches.get(u.import_batch_id or 0)),
            )
            for u in updates
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
    # Imported here: the indicator engine is needed for the dashboard, not to open a plan.
    from scp_desktop.services import indicators as indicator_service

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


# The structure and the pickers' choices are read on every opening of a plan, in SQL text on
# the session's connection: the ORM compiles each statement on its first use by each
# database opened, which takes longer than these small queries do.
_PRIORITIES_SQL = (
    "SELECT id, number, kind, title FROM key_priority WHERE plan_id = ? ORDER BY number, id"
)
_OBJECTIVES_SQL = (
    "SELECT o.id, o.priority_id, o.title FROM objective o "
    "JOIN key_priority kp ON o.priority_id = kp.id WHERE kp.plan_id = ? ORDER BY o.position, o.id"
)


def plan_structure(db: Database, plan_id: int) -> PlanStructure:
    with db.reading() as s:
        sqlite = sqlite_connection(s)
        plan = sqlite.execute('SELECT year FROM "plan" WHERE id = ?', (plan_id,)).fetchone()
        if plan is None:
            raise UserError("That plan no longer exists.")
        priorities = sqlite.execute(_PRIORITIES_SQL, (plan_id,)).fetchall()
        objectives: dict[int, list[Choice]] = defaultdict(list)
        for oid, pid, title in sqlite.execute(_OBJECTIVES_SQL, (plan_id,)):
            objectives[pid].append(Choice(oid, title))
    return PlanStructure(
        plan_id,
        plan[0],
        [
            (Choice(kid, f"{_priority_label(number, kind)}: {title}"), objectives.get(kid, []))
            for kid, number, kind, title in priorities
        ],
        frozenset(kid for kid, _number, kind, _title in priorities if kind != "key"),
    )


def partner_choices(db: Database) -> list[Choice]:
    with db.reading() as s:
        found = sqlite_connection(s).execute(
            "SELECT id, abbreviation, name FROM partner ORDER BY abbreviation, id"
        )
        return [Choice(pid, f"{abbr} — {name}") for pid, abbr, name in found]


def framework_choices(db: Database) -> list[FrameworkChoices]:
    with db.reading() as s:
        sqlite = sqlite_connection(s)
        frameworks = sqlite.execute("SELECT id, code, name FROM framework ORDER BY code, id")
        found = [FrameworkChoices(fid, code, name, []) for fid, code, name in frameworks]
        items = sqlite.execute(
            "SELECT framework_id, id, code, title FROM framework_item "
            "ORDER BY framework_id, position, id"
        ).fetchall()
    of = {fw.id: fw.items for fw in found}
    for fid, iid, code, title in items:
        of[fid].append(Choice(iid, f"{code}. {title}"))
    return found


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
    with db.reading() as s:
        return plan_reads.latest_reported_quarter(sqlite_connection(s), plan_id)
