"""Versions of the records officers edit: checking the version a write was read at, and
saying what changed since, from the audit log.

Every versioned record's UPDATE and DELETE carries `WHERE version = <read>` (see
storage.models.Versioned), so two writers cannot both win whatever the database. The checks
here come first only to refuse with a message naming the other change; a write that loses a
race after them still fails in the database and is reported the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from scp_desktop.services.errors import ConflictError, FieldChange, OtherChange
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import AuditEntry, Base, Versioned

# The version given for a record the caller saw absent (not yet made, or deleted).
ABSENT = 0

# Bookkeeping an officer does not set: not worth a line in the other change's list.
_QUIET_FIELDS = {"rag_illustrative", "edited_by", "edited_at", "position"}

_ACTION_PARTS = ("action_output", "funding_line", "action_partner", "action_framework_item")

_FIELD_WORDS = {
    "rag": "RAG",
    "narrative": "Progress",
    "reported_by": "Reported by",
    "reported_on": "Date reported",
    "rag_illustrative": "RAG illustrative",
    "source": "Source",
    "source_sheet": "Sheet",
    "source_row": "Row",
    "import_batch_id": "Imported file",
    "deadline_text": "By when",
    "deadline_kind": "By when (kind)",
    "deadline_date": "By when (date)",
    "objective_id": "Objective",
    "outcome": "Outcome sought",
    "target_area": "Target area",
    "action_partner": "Agency",
    "action_output": "Output",
    "funding_line": "Funding",
    "action_framework_item": "Cross-reference",
}


@dataclass(frozen=True)
class Written[T]:
    """What a versioned write replaced, and the record's version it left (ABSENT: removed)."""

    before: T
    version: int


def field_words(field: str) -> str:
    return _FIELD_WORDS.get(field, field.replace("_", " ").capitalize())


def _quoted(text: str | None, limit: int = 60) -> str:
    if text is None or text == "":
        return "(blank)"
    one_line = " ".join(text.split())
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    return f"“{one_line}”" if " " in one_line or len(one_line) > 12 else one_line


def when_text(at: dt.datetime) -> str:
    """An audit time (UTC) as the officer's clock shows it: 06/12/2026 at 14:05."""
    local = at.replace(tzinfo=dt.UTC).astimezone()
    return f"{local:%d/%m/%Y} at {local:%H:%M}"


def changes_since(
    s: Session, entity: str, entity_id: int, read_version: int, *, action_parts: bool = False
) -> tuple[OtherChange, ...]:
    """The audited changes that made the record's versions after `read_version`, oldest first."""
    own = and_(
        AuditEntry.entity == entity,
        AuditEntry.entity_id == entity_id,
        AuditEntry.version > read_version,
    )
    where = own
    if action_parts:
        where = or_(
            own,
            and_(
                AuditEntry.action_id == entity_id,
                AuditEntry.entity.in_(_ACTION_PARTS),
                AuditEntry.version > read_version,
            ),
        )
    groups: dict[int, list[AuditEntry]] = {}
    for e in s.scalars(select(AuditEntry).where(where).order_by(AuditEntry.id)):
        # One transaction makes one version: its entries are one change.
        groups.setdefault(e.version or 0, []).append(e)
    out = []
    for _version, entries in sorted(groups.items()):
        first = entries[0]
        ops = {e.operation for e in entries if e.entity == entity}
        operation = "delete" if "delete" in ops else "insert" if "insert" in ops else "update"
        fields = tuple(
            FieldChange(
                field_words(e.field or e.entity),
                e.old_value or "",
                e.new_value or "",
            )
            for e in entries
            if (e.operation == "update" or e.entity != entity) and e.field not in _QUIET_FIELDS
        )
        out.append(OtherChange(first.user, first.at, operation, first.reason, fields))
    return tuple(out)


def who_text(user: str, officer: str = "") -> str:
    """Who made a change, as the officer now writing should read it: their own name (the
    same officer in another window, or at the command line) reads "you, in another window"."""
    if user and officer and user.strip().casefold() == officer.strip().casefold():
        return "you, in another window"
    return user or "someone"


def by_whom(changes: tuple[OtherChange, ...], officer: str = "") -> str:
    """Everyone behind `changes` in one phrase: "Sam Patel", "you, in another window"."""
    names = list(dict.fromkeys(who_text(c.user, officer) for c in changes))
    if not names:
        return "someone else"
    if len(names) == 1:
        return "someone else" if names[0] == "someone" else names[0]
    names = [n.replace("you, in another window", "you (in another window)") for n in names]
    return ", ".join(names[:-1]) + " and " + names[-1]


def describe_change(change: OtherChange, officer: str = "") -> str:
    who = who_text(change.user, officer)
    verb = {"insert": "added", "delete": "deleted"}.get(change.operation, "changed")
    pause = "," if who.endswith("window") else ""
    text = f"{verb} by {who}{pause} on {when_text(change.at)}"
    if change.reason:
        text += f" ({change.reason})"
    if change.fields:
        text += ": " + "; ".join(
            f"{f.field} {_quoted(f.old)} → {_quoted(f.new)}" for f in change.fields
        )
    return text


def conflict_message(
    what: str, changes: tuple[OtherChange, ...], current_version: int, officer: str = ""
) -> str:
    if not changes:
        state = "was deleted" if current_version == ABSENT else "was changed"
        return f"{what} {state} by someone else since you opened it. Nothing of yours was saved."
    shown = changes[-3:]
    earlier = len(changes) - len(shown)
    body = "; then ".join(describe_change(c, officer) for c in shown)
    more = f" (and {earlier} earlier change(s))" if earlier else ""
    return f"{what} was {body}{more} — since you opened it. Nothing of yours was saved."


def conflict(
    s: Session,
    what: str,
    entity: str,
    entity_id: int | None,
    read_version: int,
    current_version: int,
    *,
    action_parts: bool = False,
) -> ConflictError:
    changes = (
        changes_since(s, entity, entity_id, read_version, action_parts=action_parts)
        if entity_id is not None
        else ()
    )
    # The session's user is the officer whose write is refused.
    officer = str(s.info.get("user") or "")
    return ConflictError(
        conflict_message(what, changes, current_version, officer),
        what=what,
        read_version=read_version,
        current_version=current_version,
        changes=changes,
        officer=officer,
    )


def version_of(obj: Versioned | None) -> int:
    return ABSENT if obj is None else obj.version


def check(
    s: Session,
    obj: Versioned | None,
    read_version: int | None,
    *,
    what: str,
    entity: str,
    entity_id: int | None,
    action_parts: bool = False,
) -> None:
    """Refuse (ConflictError) when the record is not at the version the caller read.

    `read_version` None means the caller read nothing to compare (a script, a test): the
    write still carries the version it loaded here into its WHERE clause.
    """
    if read_version is None:
        return
    current = version_of(obj)
    if current != read_version:
        raise conflict(s, what, entity, entity_id, read_version, current, action_parts=action_parts)


@contextmanager
def stale_is_conflict(
    db: Database,
    model: type[Base],
    entity_id: int | None,
    read_version: int | None,
    *,
    what: str,
    action_parts: bool = False,
) -> Iterator[None]:
    """Report a write that matched no row (another writer won the race) as a ConflictError."""
    try:
        yield
    except StaleDataError:
        with db.session(audit=False) as s:
            obj = s.get(model, entity_id) if entity_id is not None else None
            current = version_of(obj) if isinstance(obj, Versioned) or obj is None else ABSENT
            error = conflict(
                s,
                what,
                model.__tablename__,
                entity_id,
                read_version or ABSENT,
                current,
                action_parts=action_parts,
            )
        raise error from None


def restore_version(s: Session, obj: Versioned, version: int) -> None:
    """Give a record put back by undo a version after every one it had, not a fresh 1.

    An insert always starts at 1; left so, the audit entries of its earlier life would
    read as changes made since.
    """
    s.flush()
    if obj.version != version:
        obj.version = version
