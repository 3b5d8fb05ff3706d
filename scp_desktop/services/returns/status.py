"""Which lead agencies have sent their return for a quarter: the chase list."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Action,
    ActionPartner,
    ImportBatch,
    KeyPriority,
    Objective,
    Partner,
    QuarterUpdate,
)


@dataclass
class AgencyReturn:
    abbreviation: str
    name: str
    email: str
    lead_actions: int
    updated_actions: int
    returned: bool
    files: list[str] = field(default_factory=list)


def return_status(db: Database, plan_id: int, quarter: Quarter) -> list[AgencyReturn]:
    """Per lead agency: has its return for the quarter come back? (The chase list is the 'no's.)"""
    with db.session(audit=False) as s:
        leads = s.execute(
            select(Partner, ActionPartner.action_id)
            .join(ActionPartner, ActionPartner.partner_id == Partner.id)
            .join(Action, Action.id == ActionPartner.action_id)
            .join(Objective, Action.objective_id == Objective.id)
            .join(KeyPriority, Objective.priority_id == KeyPriority.id)
            .where(
                KeyPriority.plan_id == plan_id,
                ActionPartner.role == "lead",
                Action.status == "active",
            )
        ).all()
        imported = {
            u.action_id
            for u in s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.quarter == quarter.code, QuarterUpdate.source == "import"
                )
            )
        }
        batches: dict[int, list[str]] = {}
        for b in s.scalars(select(ImportBatch).where(ImportBatch.quarter == quarter.code)):
            if b.partner_id is not None:
                batches.setdefault(b.partner_id, []).append(b.file_name)
        per: dict[int, AgencyReturn] = {}
        for partner, action_id in leads:
            entry = per.setdefault(
                partner.id,
                AgencyReturn(
                    partner.abbreviation,
                    partner.name,
                    partner.contact_email,
                    0,
                    0,
                    False,
                    batches.get(partner.id, []),
                ),
            )
            entry.lead_actions += 1
            if action_id in imported:
                entry.updated_actions += 1
        for entry in per.values():
            # A file from the agency counts; so does a combined return that covered all its actions.
            entry.returned = bool(entry.files) or entry.updated_actions == entry.lead_actions
    return sorted(per.values(), key=lambda a: (a.returned, a.abbreviation.lower()))
