"""The plan as plain data for matching returns: actions, agencies and earlier imports, read once."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.return_reader import normalise_reference
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database, sqlite_connection
from scp_desktop.storage.models import ImportBatch, Plan, QuarterSignoff


# Named tuples, not dataclasses: a plan of thousands of actions builds one of each per action.
class ExistingUpdate(NamedTuple):
    rag: RAG
    narrative: str
    reported_by: str
    locked: bool
    # The version previewed: Apply writes over it only if it is still this version.
    version: int = 1


class PlanAction(NamedTuple):
    id: int
    reference: str
    title: str
    leads: tuple[str, ...]  # lead agencies' abbreviations (supporting agencies are not needed)
    existing: ExistingUpdate | None


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    abbreviation: str
    name: str
    mapping: dict[str, str]


@dataclass
class PlanIndex:
    """Everything matching needs, read once: actions, agencies, earlier imports."""

    plan_id: int
    quarter: Quarter
    actions: dict[int, PlanAction]
    agencies: dict[str, AgencyInfo]  # upper-case abbreviation → agency
    imported_hashes: dict[str, str]  # content hash → 'NAME on dd/mm/yyyy'
    signed_off: bool
    fuzzy_results: dict[str, list[tuple[float, int]]] = field(default_factory=dict)

    # Our own returns match by the ids they carry: references and titles are only normalised
    # when a row needs them.
    @functools.cached_property
    def by_reference(self) -> dict[str, int]:
        """Normalised reference → the first action that has it."""
        found: dict[str, int] = {}
        for a in self.actions.values():
            if a.reference:
                found.setdefault(normalise_reference(a.reference), a.id)
        return found

    @functools.cached_property
    def titles(self) -> dict[int, str]:
        """Each action's normalised title, in plan order."""
        return {a.id: normalise_title(a.title) for a in self.actions.values()}

    @functools.cached_property
    def by_title(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for action_id, title in self.titles.items():
            found.setdefault(title, []).append(action_id)
        return found

    def agency_named(self, text: str) -> AgencyInfo | None:
        key = text.strip().upper()
        if not key:
            return None
        if key in self.agencies:
            return self.agencies[key]
        return next((a for a in self.agencies.values() if a.name.upper() == key), None)

    @functools.cached_property
    def word_counts(self) -> Counter[str]:
        """In how many of the plan's titles each word appears."""
        counts: Counter[str] = Counter()
        for title in self.titles.values():
            counts.update(set(title.split()))
        return counts

    @functools.cached_property
    def title_list(self) -> tuple[list[int], list[str], list[str]]:
        """Action ids, titles and titles with their words sorted, in plan order, for fuzzy scans."""
        keys = list(self.titles)
        titles = [self.titles[k] for k in keys]
        return keys, titles, [" ".join(sorted(t.split())) for t in titles]


@functools.lru_cache(maxsize=16384)  # a plan of thousands of actions, and the rows' titles
def normalise_title(text: str) -> str:
    """Titles compared without case, spacing, punctuation, '&'/'and', 'Op.'/'Op'/'Operation'."""
    raw = text.lower().replace("&", " and ")
    if "operation" in raw:
        raw = _OPERATION.sub("op", raw)
    # Quotes, curly or straight, and all other punctuation are word breaks.
    return " ".join(_NOT_WORD.sub(" ", raw).split())


_OPERATION = re.compile(r"\boperation\b")


_NOT_WORD = re.compile(r"[^a-z0-9]+")


_RAGS = {r.value: r for r in RAG}


_PLAN_ACTIONS_SQL = """
SELECT action.id, action.reference, action.title
FROM action
JOIN objective ON action.objective_id = objective.id
JOIN key_priority ON objective.priority_id = key_priority.id
WHERE key_priority.plan_id = ?
ORDER BY key_priority.number, objective.position, action.position, action.id
"""


# Every plan's lead links: filtering them by the plan's actions in Python beats joining four tables.
_LEADS_SQL = """
SELECT action_id, partner_id FROM action_partner WHERE role = 'lead'
ORDER BY action_id, position, id
"""


_PARTNERS_SQL = "SELECT id, abbreviation, name, import_mapping FROM partner"


_QUARTER_UPDATES_SQL = """
SELECT action_id, rag, narrative, reported_by, locked, version
FROM quarter_update WHERE quarter = ?
"""


def load_index(db: Database, plan_id: int, quarter: Quarter) -> PlanIndex:
    """The plan's actions, agencies and earlier imports, read once for a whole preview."""
    # Plain rows from the driver: loading thousands of ORM objects, or even ORM column rows,
    # took longer than reading the files themselves.
    with db.session(audit=False) as s:
        cursor = sqlite_connection(s).cursor()
        try:
            rows = cursor.execute(_PLAN_ACTIONS_SQL, (plan_id,)).fetchall()
            links = cursor.execute(_LEADS_SQL).fetchall()
            update_rows = cursor.execute(_QUARTER_UPDATES_SQL, (quarter.code,)).fetchall()
            partners = cursor.execute(_PARTNERS_SQL).fetchall()
        finally:
            cursor.close()
        agencies = {}
        abbreviations: dict[int, str] = {}  # every partner, even two spelled alike but for case
        for partner_id, abbreviation, name, import_mapping in partners:
            abbreviations[partner_id] = abbreviation
            try:
                mapping = json.loads(import_mapping) if import_mapping else {}
            except ValueError:
                mapping = {}
            agencies[abbreviation.upper()] = AgencyInfo(
                partner_id, abbreviation, name, mapping if isinstance(mapping, dict) else {}
            )
        in_plan = {row[0] for row in rows}
        lead_lists: dict[int, list[str]] = {}
        for action_id, partner_id in links:
            if action_id in in_plan:
                lead_lists.setdefault(action_id, []).append(abbreviations[partner_id])
        # Thousands of actions share a few hundred lead agencies: one tuple for each set of leads.
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        leads: dict[int, tuple[str, ...]] = {}
        for action_id, names in lead_lists.items():
            key = tuple(names)
            leads[action_id] = shared.setdefault(key, key)
        rags = _RAGS
        updates = {
            action_id: ExistingUpdate(rags[rag], narrative, reported_by, bool(locked), version)
            for action_id, rag, narrative, reported_by, locked, version in update_rows
            if action_id in in_plan
        }
        no_leads: tuple[str, ...] = ()
        plan_actions: dict[int, PlanAction] = {
            action_id: PlanAction(
                action_id,
                reference,
                title,
                leads.get(action_id, no_leads),
                updates.get(action_id),
            )
            for action_id, reference, title in rows
        }
        hashes = {
            b.content_hash: f"{b.file_name} on {b.imported_at:%d/%m/%Y}"
            for b in s.scalars(select(ImportBatch).order_by(ImportBatch.imported_at))
        }
        signed_off = (
            s.scalar(select(QuarterSignoff.id).where(QuarterSignoff.quarter == quarter.code))
            is not None
        )
    return PlanIndex(plan_id, quarter, plan_actions, agencies, hashes, signed_off)


def action_label(action: PlanAction) -> str:
    return f"{action.reference} {action.title}".strip()


def shorten(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def plan_for_quarter(db: Database, quarter: Quarter) -> int:
    """The plan of the quarter's financial year."""
    with db.session(audit=False) as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.year == quarter.year.label))
    if plan_id is None:
        raise UserError(
            f"There is no plan for {quarter.year.label}, so there are no returns for {quarter.label}."
        )
    return plan_id
