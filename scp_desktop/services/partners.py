"""Partner agencies: listing and the checks that keep them consistent with the plan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, ActionPartner, Partner


@dataclass(frozen=True)
class PartnerInfo:
    id: int
    abbreviation: str
    name: str
    statutory: bool
    contact_name: str
    contact_email: str


def list_partners(db: Database) -> list[PartnerInfo]:
    with db.session(audit=False) as s:
        return [
            PartnerInfo(p.id, p.abbreviation, p.name, p.statutory, p.contact_name, p.contact_email)
            for p in s.scalars(select(Partner).order_by(Partner.abbreviation))
        ]


def delete_partner(db: Database, partner_id: int) -> None:
    """Delete a partner; refused, with the actions named, while it leads or supports any."""
    with db.session(reason="partner deleted") as s:
        partner = s.get(Partner, partner_id)
        if partner is None:
            raise UserError("That partner agency no longer exists.")
        rows = s.execute(
            select(Action.reference, Action.title, ActionPartner.role)
            .join(ActionPartner, ActionPartner.action_id == Action.id)
            .where(ActionPartner.partner_id == partner_id)
            .order_by(Action.reference)
        ).all()
        if rows:
            leads = [r for r in rows if r.role == "lead"]
            named = ", ".join(f"{r.reference} {r.title}".strip() for r in rows[:5])
            more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
            raise UserError(
                f"{partner.name} ({partner.abbreviation}) cannot be deleted: it leads "
                f"{len(leads)} and supports {len(rows) - len(leads)} action(s) ({named}{more}). "
                "Give those actions another lead agency first."
            )
        s.delete(partner)
