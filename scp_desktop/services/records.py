"""Simple records edited field by field: partners, frameworks and their items, funding streams,
acronyms, key priorities and objectives.

Each kind declares its fields once; one set of functions saves, deletes and puts back any of
them, each in one audited transaction, returning the state before and after so an undo can
restore it exactly (same id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from scp_desktop.services import versions
from scp_desktop.services.errors import UserError
from scp_desktop.services.versions import ABSENT
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Acronym,
    Action,
    ActionFrameworkItem,
    ActionPartner,
    AuditEntry,
    Base,
    Framework,
    FrameworkItem,
    FundingStream,
    KeyPriority,
    Objective,
    Partner,
    Versioned,
)


class RecordKind(StrEnum):
    PARTNER = "partner"
    FRAMEWORK = "framework"
    FRAMEWORK_ITEM = "framework_item"
    FUNDING_STREAM = "funding_stream"
    ACRONYM = "acronym"
    PRIORITY = "key_priority"
    OBJECTIVE = "objective"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text | long | bool | int | money | choice
    required: bool = False
    choices: tuple[str, ...] = ()
    # Text that goes into e-mail headers and file names, where a line break would end the
    # header or the name: refused rather than stored.
    one_line: bool = False


@dataclass(frozen=True)
class InUse:
    """Records elsewhere that refer to one of this kind, which keep it from being deleted."""

    refers: InstrumentedAttribute[int]  # their column holding this record's id
    what: str  # completes "{n} …": "action(s) cross-reference it"


@dataclass(frozen=True)
class KindSpec:
    model: type[Base]
    singular: str
    fields: tuple[FieldSpec, ...]
    parent: str = ""  # column holding the parent's id, fixed when the record is made
    unique: str = ""  # a field that must be unique (within the parent)
    order_by: str = "id"
    in_use: InUse | None = None


SPECS: dict[RecordKind, KindSpec] = {
    RecordKind.PARTNER: KindSpec(
        Partner,
        "partner agency",
        (
            FieldSpec("abbreviation", "&Abbreviation", required=True, one_line=True),
            FieldSpec("name", "&Name", required=True, one_line=True),
            FieldSpec("statutory", "&Statutory partner", "bool"),
            FieldSpec("contact_name", "&Contact name", one_line=True),
            FieldSpec("contact_email", "Contact &email", one_line=True),
        ),
        unique="abbreviation",
        order_by="abbreviation",
        in_use=InUse(ActionPartner.partner_id, "action(s) name it as lead or supporting agency"),
    ),
    RecordKind.FRAMEWORK: KindSpec(
        Framework,
        "framework",
        (
            FieldSpec("code", "&Code", required=True),
            FieldSpec("name", "&Name", required=True),
        ),
        unique="code",
        order_by="code",
        in_use=InUse(FrameworkItem.framework_id, "item(s) belong to it; delete them first"),
    ),
    RecordKind.FRAMEWORK_ITEM: KindSpec(
        FrameworkItem,
        "framework item",
        (
            FieldSpec("code", "&Code", required=True),
            FieldSpec("title", "&Title", required=True),
            FieldSpec("position", "&Position", "int"),
        ),
        parent="framework_id",
        unique="code",
        order_by="position",
        in_use=InUse(ActionFrameworkItem.item_id, "action(s) cross-reference it"),
    ),
    RecordKind.FUNDING_STREAM: KindSpec(
        FundingStream,
        "funding stream",
        (
            FieldSpec("source", "&Source", required=True),
            FieldSpec("amount_pence", "&Amount (£)", "money", required=True),
            FieldSpec("year", "&Year (e.g. 2022-23)"),
            FieldSpec("funds", "&What it funds", "long"),
        ),
        order_by="source",
    ),
    RecordKind.ACRONYM: KindSpec(
        Acronym,
        "acronym",
        (
            FieldSpec("abbreviation", "&Abbreviation", required=True),
            FieldSpec("meaning", "&Meaning", required=True),
        ),
        unique="abbreviation",
        order_by="abbreviation",
    ),
    RecordKind.PRIORITY: KindSpec(
        KeyPriority,
        "key priority",
        (
            FieldSpec("number", "&Number", "int", required=True),
            FieldSpec("kind", "&Kind", "choice", choices=("key", "other")),
            FieldSpec("title", "&Title", required=True),
            FieldSpec("commitments", "The Partnership &will (one per line)", "long"),
            FieldSpec("evidence", "&Evidence base", "long"),
        ),
        parent="plan_id",
        unique="number",
        order_by="number",
        in_use=InUse(Objective.priority_id, "objective(s) sit under it; move or delete them first"),
    ),
    RecordKind.OBJECTIVE: KindSpec(
        Objective,
        "objective",
        (
            FieldSpec("title", "&Title", required=True),
            FieldSpec("position", "&Position", "int"),
        ),
        parent="priority_id",
        order_by="position",
        in_use=InUse(Action.objective_id, "action(s) sit under it; move or delete them first"),
    ),
}


@dataclass(frozen=True)
class Record:
    id: int
    values: dict[str, Any]
    # The version read: an edit says it, and is refused if the record changed since.
    version: int = 1


@dataclass(frozen=True)
class RecordChange:
    """A record's state before and after an edit; None means it did not exist."""

    kind: RecordKind
    id: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    # The record's version after the edit (ABSENT once deleted).
    version: int = ABSENT


def _what(spec: KindSpec, obj: Any) -> str:
    label = ""
    if obj is not None:
        for name in ("abbreviation", "code", "title", "name", "source"):
            value = getattr(obj, name, None)
            if isinstance(value, str) and value:
                label = value[:60]
                break
    return f"The {spec.singular} {label}".strip()


def _check(s: Session, spec: KindSpec, obj: Any, record_id: int, expected: int | None) -> None:
    if isinstance(obj, Versioned) or obj is None:
        versions.check(
            s,
            obj,
            expected,
            what=_what(spec, obj),
            entity=spec.model.__tablename__,
            entity_id=record_id,
        )


def _version(obj: Any) -> int:
    return obj.version if isinstance(obj, Versioned) else 1


def _state(spec: KindSpec, obj: Base) -> dict[str, Any]:
    names = [f.name for f in spec.fields] + ([spec.parent] if spec.parent else [])
    return {name: getattr(obj, name) for name in names}


def list_records(db: Database, kind: RecordKind, parent_id: int | None = None) -> list[Record]:
    spec = SPECS[kind]
    with db.session(audit=False) as s:
        stmt = select(spec.model).order_by(getattr(spec.model, spec.order_by), spec.model.id)  # type: ignore[attr-defined]
        if spec.parent:
            stmt = stmt.where(getattr(spec.model, spec.parent) == parent_id)
        return [
            Record(obj.id, _state(spec, obj), _version(obj))  # type: ignore[attr-defined]
            for obj in s.scalars(stmt)
        ]


def _clean(spec: KindSpec, values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for f in spec.fields:
        value = values.get(f.name)
        if f.kind == "bool":
            cleaned[f.name] = bool(value)
            continue
        if f.kind in ("int", "money"):
            if value is None or value == "":
                if f.required:
                    raise UserError(f"The {spec.singular} needs {_plain(f.label).lower()}.")
                cleaned[f.name] = 0
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                raise UserError(f"{_plain(f.label)} must be a whole number.")
            cleaned[f.name] = value
            continue
        text = "" if value is None else str(value).strip()
        if f.one_line and line_break_in(text):
            raise UserError(line_break_message(_plain(f.label)))
        if _CONTROL.search(text):
            # An Escape or a bell printed by a command line is obeyed by the terminal, and
            # spreadsheets refuse most of these: none has a use in a name or an address.
            raise UserError(
                f"{_plain(f.label)} holds an invisible control character (such as Escape), "
                "which cannot be kept; retype it."
            )
        if f.required and not text:
            raise UserError(f"The {spec.singular} needs {_plain(f.label).lower()}.")
        if f.choices and text not in f.choices:
            raise UserError(f"{_plain(f.label)} must be one of {', '.join(f.choices)}.")
        cleaned[f.name] = text
    return cleaned


# Control characters other than tab and the line breaks (refused or kept by field).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def line_break_in(text: str) -> bool:
    return _LINE_BREAKS.search(text) is not None


def line_break_message(label: str) -> str:
    return f"{label} must be on one line: it holds a line break (shown as a space); retype it."


def _plain(label: str) -> str:
    return label.replace("&", "")


def _check_unique(
    s: Session, spec: KindSpec, values: dict[str, Any], record_id: int | None
) -> None:
    if not spec.unique:
        return
    model: Any = spec.model
    stmt = select(model.id).where(getattr(model, spec.unique) == values[spec.unique])
    if spec.parent:
        stmt = stmt.where(getattr(model, spec.parent) == values[spec.parent])
    if record_id is not None:
        stmt = stmt.where(model.id != record_id)
    if s.scalar(stmt) is not None:
        label = _plain(next(f.label for f in spec.fields if f.name == spec.unique))
        raise UserError(
            f"There is already a {spec.singular} with {label.lower()} '{values[spec.unique]}'."
        )


def save_record(
    db: Database,
    kind: RecordKind,
    record_id: int | None,
    values: dict[str, Any],
    *,
    parent_id: int | None = None,
    expected_version: int | None = None,
    overwrite: bool = False,
) -> RecordChange:
    """Create (record_id None, under parent_id) or edit a record, if it is still at
    `expected_version` (ConflictError if someone changed it since)."""
    spec = SPECS[kind]
    cleaned = _clean(spec, values)
    reason = f"{spec.singular} saved" + (", over a newer change knowingly" if overwrite else "")
    with (
        versions.stale_is_conflict(
            db, spec.model, record_id, expected_version, what=f"The {spec.singular}"
        ),
        db.session(reason=reason) as s,
    ):
        if record_id is None:
            if spec.parent:
                if parent_id is None:
                    raise UserError(f"Choose where the new {spec.singular} belongs.")
                cleaned[spec.parent] = parent_id
            _check_unique(s, spec, cleaned, None)
            new: Any = spec.model(**cleaned)
            s.add(new)
            s.flush()
            return RecordChange(kind, new.id, None, _state(spec, new), _version(new))
        obj = s.get(spec.model, record_id)
        _check(s, spec, obj, record_id, expected_version)
        if obj is None:
            raise UserError(f"That {spec.singular} no longer exists.")
        before = _state(spec, obj)
        if spec.parent:
            cleaned[spec.parent] = before[spec.parent]
        _check_unique(s, spec, cleaned, record_id)
        for name, value in cleaned.items():
            setattr(obj, name, value)
        s.flush()
        return RecordChange(kind, record_id, before, _state(spec, obj), _version(obj))


def _refuse_delete_in_use(s: Session, spec: KindSpec, record_id: int, label: str) -> None:
    if spec.in_use is None:
        return
    used = s.scalar(select(func.count()).where(spec.in_use.refers == record_id)) or 0
    if used:
        raise UserError(f"{label} cannot be deleted: {used} {spec.in_use.what}.")


def delete_record(
    db: Database, kind: RecordKind, record_id: int, *, expected_version: int | None = None
) -> RecordChange:
    spec = SPECS[kind]
    with (
        versions.stale_is_conflict(
            db, spec.model, record_id, expected_version, what=f"The {spec.singular}"
        ),
        db.session(reason=f"{spec.singular} deleted") as s,
    ):
        obj = s.get(spec.model, record_id)
        _check(s, spec, obj, record_id, expected_version)
        if obj is None:
            raise UserError(f"That {spec.singular} no longer exists.")
        before = _state(spec, obj)
        label = str(before.get("abbreviation") or before.get("code") or before.get("title") or "")
        _refuse_delete_in_use(s, spec, record_id, f"The {spec.singular} '{label[:60]}'")
        s.delete(obj)
        return RecordChange(kind, record_id, before, None)


def set_record_state(
    db: Database,
    kind: RecordKind,
    record_id: int,
    state: dict[str, Any] | None,
    *,
    expected_version: int | None = None,
) -> int:
    """Make a record be exactly `state` (None: absent), for undo and redo, if it is still
    at `expected_version` (ABSENT: not there). Returns the version it leaves (ABSENT if none)."""
    spec = SPECS[kind]
    with (
        versions.stale_is_conflict(
            db, spec.model, record_id, expected_version, what=f"The {spec.singular}"
        ),
        db.session(reason=f"{spec.singular} undo/redo") as s,
    ):
        obj = s.get(spec.model, record_id)
        _check(s, spec, obj, record_id, expected_version)
        if state is None:
            if obj is not None:
                _refuse_delete_in_use(s, spec, record_id, f"The {spec.singular}")
                s.delete(obj)
            return ABSENT
        if obj is None:
            obj = spec.model(id=record_id, **state)
            s.add(obj)
            if isinstance(obj, Versioned) and expected_version is not None:
                # Back after its delete: a version after every one it had.
                versions.restore_version(s, obj, _last_version(s, spec, record_id) + 1)
            s.flush()
            return _version(obj)
        for name, value in state.items():
            setattr(obj, name, value)
        s.flush()
        return _version(obj)


def _last_version(s: Session, spec: KindSpec, record_id: int) -> int:
    found = s.scalar(
        select(func.max(AuditEntry.version)).where(
            AuditEntry.entity == spec.model.__tablename__, AuditEntry.entity_id == record_id
        )
    )
    return int(found or 1)
