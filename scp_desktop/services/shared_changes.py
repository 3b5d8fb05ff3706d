"""What other officers changed in a shared plan since a window last looked: one cheap read
of the plan's change counter, and the audit log's new entries only when it moved."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from scp_desktop.storage.database import Database
from scp_desktop.storage.models import AuditEntry
from scp_desktop.storage.server import change_counter

_STRUCTURE = frozenset({"plan", "key_priority", "objective", "partnership"})
_REFERENCE = frozenset(
    {"partner", "framework", "framework_item", "acronym", "funding_stream", "indicator"}
)


@dataclass(frozen=True)
class Seen:
    """Where a window's picture of the plan stands."""

    counter: int
    audit_id: int


@dataclass(frozen=True)
class OthersChanges:
    seen: Seen
    action_ids: tuple[int, ...] = ()
    removed_action_ids: tuple[int, ...] = ()
    structure: bool = False
    reference: bool = False
    who: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.action_ids or self.removed_action_ids or self.structure or self.reference)


def where_we_stand(db: Database) -> Seen:
    # A reading session: each look is its statements alone, no BEGIN and ROLLBACK around
    # them. A change committed between the two reads is only seen again at the next look.
    with db.reading() as session:
        conn = session.connection()
        counter = change_counter(conn)
        audit_id = conn.execute(select(func.max(AuditEntry.id))).scalar() or 0
    return Seen(counter, int(audit_id))


def changes_since(db: Database, seen: Seen) -> OthersChanges:
    """The records changed since `seen` by anyone but this window's own role."""
    with db.reading() as session:
        conn = session.connection()
        counter = change_counter(conn)
        if counter == seen.counter:
            return OthersChanges(seen)
        rows = conn.execute(
            select(
                AuditEntry.id,
                AuditEntry.user,
                AuditEntry.entity,
                AuditEntry.entity_id,
                AuditEntry.action_id,
                AuditEntry.operation,
            )
            .where(AuditEntry.id > seen.audit_id)
            .order_by(AuditEntry.id)
        ).all()
    last = max((r[0] for r in rows), default=seen.audit_id)
    changed: set[int] = set()
    removed: set[int] = set()
    structure = reference = False
    who: list[str] = []
    for _id, user, entity, entity_id, action_id, operation in rows:
        if user == db.user:
            continue  # this window's own change, shown when it was made
        if user not in who:
            who.append(user)
        if entity == "action" and operation == "delete" and entity_id is not None:
            removed.add(entity_id)
        elif action_id is not None:
            changed.add(action_id)
        if entity in _STRUCTURE:
            structure = True
        if entity in _REFERENCE:
            reference = True
    changed -= removed
    return OthersChanges(
        Seen(counter, last),
        tuple(sorted(changed)),
        tuple(sorted(removed)),
        structure,
        reference,
        tuple(who),
    )
