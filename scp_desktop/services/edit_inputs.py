"""What an officer's edit carries into the editing services: an action's fields, a quarter's update."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scp_desktop.domain.deadlines import deadline_from_storage
from scp_desktop.domain.rag import RAG
from scp_desktop.storage.models import Action


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
    # The plan's own notes on the action, and what a loaded spreadsheet's other columns held.
    notes: str = ""


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
        notes=a.notes,
    )


@dataclass(frozen=True)
class UpdateFields:
    rag: RAG
    narrative: str = ""
    reported_by: str = ""
    reported_on: dt.date | None = None
