"""Writes an audit-log row for every insert, change and delete of the plan's records.

Hooked on the Session's flush, so no service can forget it. The user's name comes
from `session.info["user"]`, an optional reason from `session.info["reason"]`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.util import identity_key

from scp_desktop.storage.models import (
    Acronym,
    Action,
    ActionFrameworkItem,
    ActionOutput,
    ActionPartner,
    AgendaAttachment,
    AgendaItem,
    AuditEntry,
    Base,
    Evidence,
    Framework,
    FrameworkItem,
    FundingLine,
    FundingStream,
    Indicator,
    IndicatorValue,
    KeyPriority,
    Meeting,
    Objective,
    Partner,
    Partnership,
    Plan,
    QuarterSignoff,
    QuarterUpdate,
    Versioned,
    utcnow,
)

AUDITED: tuple[type[Base], ...] = (
    Partnership,
    Partner,
    Plan,
    KeyPriority,
    Objective,
    Action,
    ActionOutput,
    FundingLine,
    ActionPartner,
    ActionFrameworkItem,
    QuarterUpdate,
    Framework,
    FrameworkItem,
    Indicator,
    IndicatorValue,
    FundingStream,
    Acronym,
    Meeting,
    AgendaItem,
    AgendaAttachment,
    Evidence,
    QuarterSignoff,
)
# The version is the audit entry's own column, not a change of its own.
_SKIP_FIELDS = {"updated_at", "content", "attachment", "version"}
# Parts of an action edited through the action's form: a change to them is a change of
# the action's version (the form saves them together).
_ACTION_PARTS: tuple[type[Base], ...] = (
    ActionOutput,
    FundingLine,
    ActionPartner,
    ActionFrameworkItem,
)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _action_id(obj: Base) -> int | None:
    if isinstance(obj, Action):
        return obj.id
    value = getattr(obj, "action_id", None)
    return value if isinstance(value, int) else None


def _version(session: Session, obj: Base) -> int | None:
    """The version of the record `obj` is, or is part of, as this flush left it."""
    if isinstance(obj, Versioned):
        return obj.version
    if isinstance(obj, _ACTION_PARTS):
        owner = session.identity_map.get(identity_key(Action, getattr(obj, "action_id", None)))
        if isinstance(owner, Action):
            return owner.version
    return None


def _describe(obj: Base) -> str:
    for name in ("title", "name", "abbreviation", "quarter", "period", "text", "file_name"):
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value[:200]
    return ""


def _rows(session: Session) -> list[dict[str, Any]]:
    user = str(session.info.get("user", ""))
    reason = str(session.info.get("reason", ""))
    now = utcnow()
    rows: list[dict[str, Any]] = []

    def row(obj: Base, op: str, field: str = "", old: Any = None, new: Any = None) -> None:
        state = inspect(obj)
        ident = state.identity[0] if state.identity else getattr(obj, "id", None)
        version = _version(session, obj)
        if version is not None and op == "delete" and isinstance(obj, Versioned):
            # A delete is the version after the last one there was.
            version += 1
        rows.append(
            {
                "at": now,
                "user": user,
                "entity": obj.__tablename__,
                "entity_id": ident if isinstance(ident, int) else None,
                "action_id": _action_id(obj),
                "operation": op,
                "field": field,
                "old_value": _text(old),
                "new_value": _text(new),
                "reason": reason,
                "version": version,
            }
        )

    for obj in session.new:
        if isinstance(obj, AUDITED):
            row(obj, "insert", new=_describe(obj))
    for obj in session.deleted:
        if isinstance(obj, AUDITED):
            row(obj, "delete", old=_describe(obj))
    for obj in session.dirty:
        if not isinstance(obj, AUDITED) or not session.is_modified(obj):
            continue
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key in _SKIP_FIELDS:
                continue
            hist = state.attrs[attr.key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if old != new:
                    row(obj, "update", attr.key, old, new)
    return rows


def _after_flush(session: Session, _ctx: UOWTransaction) -> None:
    if session.info.get("audit", True) is False:
        return
    rows = _rows(session)
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


class AuditedSession(Session):
    """A Session whose every flush writes the audit log.

    The hook is attached to this class once, at import, and so reaches every session made
    from it. Attaching it per sessionmaker instead is unsafe: SQLAlchemy's event registry
    remembers a listener by the `id()` of its target and never forgets it, so a new
    sessionmaker that happened to reuse a freed one's memory was taken as already
    listening, and a Database opened after another was freed wrote no audit log at all.
    """


event.listen(AuditedSession, "after_flush", _after_flush)
