"""Editing the plan: actions, quarterly updates, priorities, objectives, roll-over, evidence.

Every function is one transaction (audited by the storage layer) and returns plain data:
the id it made, or the state before the change, so that an undo can put it back.
"""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from scp_desktop.domain.deadlines import parse_deadline
from scp_desktop.domain.file_names import safe_file_name
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.services import versions
from scp_desktop.services.edit_inputs import ActionFields, FundingLineData, UpdateFields, fields_of
from scp_desktop.services.errors import UserError
from scp_desktop.services.versions import ABSENT, Written
from scp_desktop.storage.backups import backup_before_change
from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.storage.models import (
    Action,
    ActionFrameworkItem,
    ActionOutput,
    ActionPartner,
    AuditEntry,
    Base,
    Evidence,
    FundingLine,
    KeyPriority,
    Objective,
    Partner,
    Plan,
    QuarterSignoff,
    QuarterUpdate,
    utcnow,
)

STATUSES = ("active", "complete", "dropped")
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def _columns(obj: Base) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs}


def _action(s: Session, action_id: int) -> Action:
    a = s.get(Action, action_id)
    if a is None:
        raise UserError("That action no longer exists (it may have been deleted).")
    return a


def _objective(s: Session, objective_id: int) -> Objective:
    o = s.get(Objective, objective_id)
    if o is None:
        raise UserError("That objective no longer exists.")
    return o


# ---------------------------------------------------------------- actions


def validate_action(fields: ActionFields) -> list[str]:
    """Problems that stop an action being saved, in the form's words (empty when fine)."""
    problems = []
    if not fields.title.strip():
        problems.append("The project / initiative needs a title.")
    if not fields.lead_ids:
        problems.append("Choose at least one lead agency.")
    if fields.status not in STATUSES:
        problems.append(f"Status must be one of {', '.join(STATUSES)}.")
    for line in fields.funding:
        if not line.source.strip():
            problems.append("Each funding line needs a source.")
            break
    return problems


def _write_fields(s: Session, a: Action, fields: ActionFields) -> None:
    problems = validate_action(fields)
    if problems:
        raise UserError(" ".join(problems))
    known = set(
        s.scalars(select(Partner.id).where(Partner.id.in_(fields.lead_ids + fields.support_ids)))
    )
    missing = set(fields.lead_ids + fields.support_ids) - known
    if missing:
        raise UserError("A chosen partner agency no longer exists; choose again.")
    deadline = parse_deadline(fields.deadline_text)
    a.title = fields.title.strip()
    a.reference = fields.reference.strip()
    a.about = fields.about.strip()
    a.outcome = fields.outcome.strip()
    a.target_area = fields.target_area.strip()
    a.deadline_kind = deadline.kind.value
    a.deadline_date = deadline.day
    a.deadline_text = deadline.text
    a.status = fields.status
    a.notes = fields.notes.strip()
    # Rewrite the child lists only when they changed, so the audit log shows real edits.
    _write_partners(s, a, fields)
    _write_lists(s, a, fields)


def _write_partners(s: Session, a: Action, fields: ActionFields) -> None:
    """Lead agencies, then supporting ones that are not also leads, each once."""
    wanted_partners = [(pid, "lead") for pid in dict.fromkeys(fields.lead_ids)] + [
        (pid, "support") for pid in dict.fromkeys(fields.support_ids) if pid not in fields.lead_ids
    ]
    if [(p.partner_id, p.role) for p in a.partners] != wanted_partners:
        a.partners.clear()
        s.flush()
        a.partners.extend(
            ActionPartner(partner_id=pid, role=role, position=i)
            for i, (pid, role) in enumerate(wanted_partners)
        )


def _write_lists(s: Session, a: Action, fields: ActionFields) -> None:
    """The framework items, outputs and funding lines, where they changed."""
    wanted_items = sorted(set(fields.framework_item_ids))
    if sorted(f.item_id for f in a.framework_items) != wanted_items:
        a.framework_items.clear()
        s.flush()
        a.framework_items.extend(ActionFrameworkItem(item_id=i) for i in wanted_items)
    outputs = [o.strip() for o in fields.outputs if o.strip()]
    if [o.text for o in a.outputs] != outputs:
        a.outputs.clear()
        a.outputs.extend(ActionOutput(text=t, position=i) for i, t in enumerate(outputs))
    funding = [(f.source.strip(), f.amount_pence, f.note.strip()) for f in fields.funding]
    if [(f.source, f.amount_pence, f.note) for f in a.funding] != funding:
        a.funding.clear()
        a.funding.extend(
            FundingLine(source=src, amount_pence=amount, note=note, position=i)
            for i, (src, amount, note) in enumerate(funding)
        )


def create_action(db: Database, objective_id: int, fields: ActionFields) -> int:
    """Add an action at the end of an objective; returns its id."""
    return create_action_versioned(db, objective_id, fields)[0]


def create_action_versioned(
    db: Database, objective_id: int, fields: ActionFields
) -> tuple[int, int]:
    """Add an action at the end of an objective; returns its id and version."""
    with db.session(reason="action added") as s:
        objective = _objective(s, objective_id)
        last = s.scalar(
            select(func.max(Action.position)).where(Action.objective_id == objective.id)
        )
        a = Action(objective_id=objective.id, title=fields.title or "?", position=(last or 0) + 1)
        s.add(a)
        _write_fields(s, a, fields)
        s.flush()
        return a.id, a.version


def _action_what(a: Action) -> str:
    return f"The action {a.reference or a.title[:60]}".strip()


def _reason(reason: str, overwrite: bool) -> str:
    return f"{reason}, saved over a newer change knowingly" if overwrite else reason


def _checked_action(s: Session, action_id: int, expected_version: int | None) -> Action:
    a = s.get(Action, action_id)
    if a is None and expected_version is None:
        raise UserError("That action no longer exists (it may have been deleted).")
    versions.check(
        s,
        a,
        expected_version,
        what=_action_what(a) if a else "The action",
        entity="action",
        entity_id=action_id,
        action_parts=True,
    )
    assert a is not None
    return a


def save_action(
    db: Database,
    action_id: int,
    fields: ActionFields,
    *,
    expected_version: int | None,
    overwrite: bool = False,
) -> Written[ActionFields]:
    """Save the action's fields if it is still at `expected_version` (ConflictError if not).

    Returns the fields as they were (for undo) and the version this save made.
    """
    with (
        versions.stale_is_conflict(
            db, Action, action_id, expected_version, what="The action", action_parts=True
        ),
        db.session(reason=_reason("action edited", overwrite)) as s,
    ):
        a = _checked_action(s, action_id, expected_version)
        before = fields_of(a)
        if fields != before:
            # A change to outputs, agencies or funding alone is a new version of the action
            # too; one save makes one version, however many flushes it takes.
            a.version = a.version + 1
        with s.no_autoflush:
            _write_fields(s, a, fields)
        s.flush()
        return Written(before, a.version)


def update_action(db: Database, action_id: int, fields: ActionFields) -> ActionFields:
    """Save the action's fields over whatever is there; returns the fields as they were."""
    return save_action(db, action_id, fields, expected_version=None).before


def save_action_status(
    db: Database, action_id: int, status: str, *, expected_version: int | None
) -> Written[str]:
    """Mark complete / dropped / active again; returns the previous status and the version."""
    if status not in STATUSES:
        raise UserError(f"Status must be one of {', '.join(STATUSES)}.")
    with (
        versions.stale_is_conflict(
            db, Action, action_id, expected_version, what="The action", action_parts=True
        ),
        db.session(reason=f"action marked {status}") as s,
    ):
        a = _checked_action(s, action_id, expected_version)
        before = a.status
        a.status = status
        s.flush()
        return Written(before, a.version)


def set_action_status(db: Database, action_id: int, status: str) -> str:
    """Mark complete / dropped / active again; returns the previous status."""
    return save_action_status(db, action_id, status, expected_version=None).before


def save_action_move(
    db: Database, action_id: int, objective_id: int, *, expected_version: int | None
) -> Written[int]:
    """Move an action under another objective of the same plan; returns the old objective."""
    with (
        versions.stale_is_conflict(
            db, Action, action_id, expected_version, what="The action", action_parts=True
        ),
        db.session(reason="action moved") as s,
    ):
        a = _checked_action(s, action_id, expected_version)
        target = _objective(s, objective_id)
        if target.priority.plan_id != a.objective.priority.plan_id:
            raise UserError("An action can only be moved within its own plan; use Roll over.")
        before = a.objective_id
        if before != target.id:
            last = s.scalar(
                select(func.max(Action.position)).where(Action.objective_id == target.id)
            )
            a.objective_id = target.id
            a.position = (last or 0) + 1
        s.flush()
        return Written(before, a.version)


def move_action(db: Database, action_id: int, objective_id: int) -> int:
    """Move an action under another objective of the same plan; returns the old objective."""
    return save_action_move(db, action_id, objective_id, expected_version=None).before


def duplicate_action(db: Database, action_id: int) -> int:
    """Copy an action's plan fields (not its updates or evidence) to the end of its objective."""
    return duplicate_action_versioned(db, action_id)[0]


def duplicate_action_versioned(db: Database, action_id: int) -> tuple[int, int]:
    """Copy an action's plan fields to the end of its objective; returns the copy's id and version."""
    from scp_desktop.services.workspace import action_detail

    detail = action_detail(db, action_id)
    fields = replace(detail.fields, title=f"{detail.fields.title} (copy)", status="active")
    return create_action_versioned(db, detail.objective_id, fields)


@dataclass(frozen=True)
class ActionSnapshot:
    """A deleted action with everything that hung off it, so undo brings it all back."""

    action: dict[str, Any]
    children: tuple[tuple[str, dict[str, Any]], ...]
    title: str
    # Later years' copies rolled over from it: the delete cuts their link, undo puts it back.
    carried_into: tuple[int, ...] = ()

    @property
    def restored_version(self) -> int:
        """The version the action comes back at: after its delete (which made version + 1)."""
        return int(self.action.get("version") or 1) + 2


_CHILD_MODELS: dict[str, type[Base]] = {
    "output": ActionOutput,
    "funding": FundingLine,
    "partner": ActionPartner,
    "framework": ActionFrameworkItem,
    "update": QuarterUpdate,
    "evidence": Evidence,
}


def delete_action(
    db: Database, action_id: int, *, expected_version: int | None = None
) -> ActionSnapshot:
    with (
        versions.stale_is_conflict(
            db, Action, action_id, expected_version, what="The action", action_parts=True
        ),
        db.session(reason="action deleted") as s,
    ):
        a = _checked_action(s, action_id, expected_version)
        locked = [u.quarter for u in a.updates if u.locked]
        if locked:
            raise UserError(
                f"{a.reference or a.title} has signed-off updates "
                f"({', '.join(Quarter.parse(q).label for q in locked)}) and cannot be deleted. "
                "Mark it dropped instead."
            )
        children: list[tuple[str, dict[str, Any]]] = []
        for name, model in _CHILD_MODELS.items():
            for child in s.scalars(select(model).where(model.action_id == a.id)):  # type: ignore[attr-defined]
                children.append((name, _columns(child)))
        carried_into = tuple(s.scalars(select(Action.id).where(Action.carried_from_id == a.id)))
        snapshot = ActionSnapshot(_columns(a), tuple(children), a.title, carried_into)
        s.delete(a)
        return snapshot


def restore_action(db: Database, snapshot: ActionSnapshot) -> int:
    """Put a deleted action back, with the same id, updates, partners and evidence."""
    with db.session(reason="action restored") as s:
        if s.get(Objective, snapshot.action["objective_id"]) is None:
            raise UserError("The action's objective has been deleted, so it cannot come back.")
        values = dict(snapshot.action)
        if values.get("carried_from_id") is not None and (
            s.get(Action, values["carried_from_id"]) is None
        ):
            values["carried_from_id"] = None
        restored = Action(**values)
        s.add(restored)
        versions.restore_version(s, restored, snapshot.restored_version)
        # Updates first: evidence may point at them.
        order = sorted(snapshot.children, key=lambda c: c[0] == "evidence")
        for name, child in order:
            restored_child = _CHILD_MODELS[name](**child)
            s.add(restored_child)
            if isinstance(restored_child, QuarterUpdate):
                versions.restore_version(s, restored_child, int(child.get("version") or 1) + 2)
        for copy_id in snapshot.carried_into:
            copy = s.get(Action, copy_id)
            if copy is not None and copy.carried_from_id is None:
                copy.carried_from_id = int(values["id"])
        return int(values["id"])


# ---------------------------------------------------------------- quarterly updates


def save_quarter_update(
    db: Database,
    action_id: int,
    quarter: str,
    fields: UpdateFields | None,
    *,
    expected_version: int | None,
    overwrite: bool = False,
) -> Written[UpdateFields | None]:
    """Set (or with None, remove) an action's update for a quarter, if it is still at
    `expected_version` (ABSENT: there was none). Returns the previous update and the
    version written (ABSENT when removed); ConflictError when someone changed it since."""
    q = Quarter.parse(quarter)
    with (
        _update_conflicts(db, action_id, q, expected_version),
        db.session(reason=_reason(f"update {q.label}", overwrite)) as s,
    ):
        return _set_update(s, action_id, q, lambda _before: fields, expected_version)


def set_quarter_update(
    db: Database, action_id: int, quarter: str, fields: UpdateFields | None
) -> UpdateFields | None:
    """Set (or with None, remove) an action's update for a quarter over whatever is there;
    returns the previous one."""
    return save_quarter_update(db, action_id, quarter, fields, expected_version=None).before


def save_quarter_rag(
    db: Database,
    action_id: int,
    quarter: str,
    rag: RAG,
    *,
    today: dt.date,
    reported_by: str = "",
    expected_version: int | None = None,
) -> Written[UpdateFields | None]:
    """Set just the RAG (as from the table cell), keeping the narrative; returns the previous
    update and the version written.

    A quarter with no update yet gets one reported by `reported_by` on `today`. The table
    cell changes the update as it is now, so it need not say which version it saw.
    """
    q = Quarter.parse(quarter)

    def with_rag(before: UpdateFields | None) -> UpdateFields:
        if before is None:
            return UpdateFields(rag, "", reported_by, today)
        return replace(before, rag=rag)

    with (
        _update_conflicts(db, action_id, q, expected_version),
        db.session(reason=f"RAG {q.label}") as s,
    ):
        return _set_update(s, action_id, q, with_rag, expected_version)


def set_quarter_rag(
    db: Database, action_id: int, quarter: str, rag: RAG, *, today: dt.date, reported_by: str = ""
) -> UpdateFields | None:
    """Set just the RAG, keeping the narrative; returns the previous update."""
    return save_quarter_rag(
        db, action_id, quarter, rag, today=today, reported_by=reported_by
    ).before


def _update_what(s: Session, action_id: int, q: Quarter) -> str:
    a = s.get(Action, action_id)
    name = f"{a.reference} {a.title[:50]}".strip() if a is not None else "the action"
    return f"The {q.label} update of {name}"


def _update_id(s: Session, action_id: int, q: Quarter) -> int | None:
    """The update's id now, or that of the last one deleted (to say who deleted it)."""
    found = s.scalar(
        select(QuarterUpdate.id).where(
            QuarterUpdate.action_id == action_id, QuarterUpdate.quarter == q.code
        )
    )
    if found is not None:
        return found
    return s.scalar(
        select(AuditEntry.entity_id)
        .where(
            AuditEntry.entity == "quarter_update",
            AuditEntry.action_id == action_id,
            AuditEntry.operation == "delete",
            AuditEntry.old_value == q.code,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


@contextmanager
def _update_conflicts(
    db: Database, action_id: int, q: Quarter, expected_version: int | None
) -> Iterator[None]:
    """A write that lost its race (no row at the version read, or another's new row in the
    way) reported as a ConflictError naming the other change."""
    try:
        yield
    except (StaleDataError, DatabaseError) as exc:
        if isinstance(exc, DatabaseError) and not (
            isinstance(exc.__cause__, IntegrityError) and "UNIQUE" in str(exc.__cause__)
        ):
            raise
        with db.session(audit=False) as s:
            u = s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.action_id == action_id, QuarterUpdate.quarter == q.code
                )
            ).first()
            error = versions.conflict(
                s,
                _update_what(s, action_id, q),
                "quarter_update",
                _update_id(s, action_id, q),
                expected_version or ABSENT,
                versions.version_of(u),
            )
        raise error from None


def _set_update(
    s: Session,
    action_id: int,
    q: Quarter,
    make: Callable[[UpdateFields | None], UpdateFields | None],
    expected_version: int | None = None,
) -> Written[UpdateFields | None]:
    """Write the update `make(previous)` (None removes it); returns the previous."""
    _action(s, action_id)
    if s.scalars(select(QuarterSignoff).where(QuarterSignoff.quarter == q.code)).first():
        raise UserError(f"{q.label} has been signed off, so its updates are locked.")
    u = s.scalars(
        select(QuarterUpdate).where(
            QuarterUpdate.action_id == action_id, QuarterUpdate.quarter == q.code
        )
    ).first()
    versions.check(
        s,
        u,
        expected_version,
        what=_update_what(s, action_id, q),
        entity="quarter_update",
        entity_id=_update_id(s, action_id, q),
    )
    if u is not None and u.locked:
        raise UserError(f"This action's {q.label} update is locked.")
    before = (
        None
        if u is None
        else UpdateFields(
            rag=RAG(u.rag),
            narrative=u.narrative,
            reported_by=u.reported_by,
            reported_on=u.reported_on,
        )
    )
    fields = make(before)
    if fields is None:
        if u is not None:
            s.delete(u)
            s.flush()
        return Written(before, ABSENT)
    if u is None:
        u = QuarterUpdate(action_id=action_id, quarter=q.code, source="typed")
        s.add(u)
    u.rag = fields.rag.value
    u.narrative = fields.narrative.strip()
    u.reported_by = fields.reported_by.strip()
    u.reported_on = fields.reported_on
    if before is None or before.rag != fields.rag:
        u.rag_illustrative = False
    if u.source == "import" and s.is_modified(u):
        # The import's file, sheet and row stay: the provenance reads "imported, then edited".
        u.edited_by = str(s.info.get("user", ""))[:200]
        u.edited_at = utcnow()
    s.flush()
    return Written(before, u.version)


# ---------------------------------------------------------------- plans


@dataclass(frozen=True)
class RolloverResult:
    plan_id: int
    year: str
    actions: int
    priorities: int


def rollover_plan(
    db: Database, from_plan_id: int, action_ids: list[int], *, year: str | None = None
) -> RolloverResult:
    """Start next year's plan from this one: all priorities and objectives, the chosen actions.

    The new actions point back at the old ones (carried_from); the old plan keeps its
    updates and evidence untouched.
    """
    backup_before_change(db.path, "rollover")
    with db.session(reason="plan rolled over") as s:
        old = s.get(Plan, from_plan_id)
        if old is None:
            raise UserError("That plan no longer exists.")
        target = FinancialYear.parse(year) if year else FinancialYear.parse(old.year).next()
        if s.scalars(select(Plan).where(Plan.year == target.label)).first() is not None:
            raise UserError(
                f"There is already a plan for {target.label}; roll over into an empty year."
            )
        chosen = set(action_ids)
        new = Plan(
            year=target.label,
            title=old.title.replace(old.year, target.label)
            if old.year in old.title
            else f"Annual Partnership Plan {target.label}",
            status="draft",
        )
        s.add(new)
        carried = 0
        for kp in old.priorities:
            nkp = KeyPriority(
                number=kp.number,
                kind=kp.kind,
                title=kp.title,
                commitments=kp.commitments,
                evidence=kp.evidence,
            )
            new.priorities.append(nkp)
            for o in kp.objectives:
                no = Objective(title=o.title, position=o.position)
                nkp.objectives.append(no)
                for a in o.actions:
                    if a.id not in chosen:
                        continue
                    carried += 1
                    na = Action(
                        reference=a.reference,
                        title=a.title,
                        about=a.about,
                        outcome=a.outcome,
                        target_area=a.target_area,
                        deadline_kind=a.deadline_kind,
                        deadline_date=a.deadline_date,
                        deadline_text=a.deadline_text,
                        status="active",
                        position=a.position,
                        notes=a.notes,
                        carried_from_id=a.id,
                    )
                    na.outputs = [ActionOutput(text=x.text, position=x.position) for x in a.outputs]
                    na.funding = [
                        FundingLine(
                            source=f.source,
                            amount_pence=f.amount_pence,
                            note=f.note,
                            position=f.position,
                        )
                        for f in a.funding
                    ]
                    na.partners = [
                        ActionPartner(partner_id=p.partner_id, role=p.role, position=p.position)
                        for p in a.partners
                    ]
                    na.framework_items = [
                        ActionFrameworkItem(item_id=f.item_id) for f in a.framework_items
                    ]
                    no.actions.append(na)
        if carried != len(chosen):
            raise UserError("Some chosen actions are not in this plan any more; choose again.")
        s.flush()
        return RolloverResult(new.id, target.label, carried, len(old.priorities))


def delete_plan(db: Database, plan_id: int) -> None:
    """Delete a plan that holds no progress updates (e.g. a roll-over made by mistake)."""
    backup_before_change(db.path, "plan-deletion")
    with db.session(reason="plan deleted") as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            return
        updates = s.scalar(
            select(func.count(QuarterUpdate.id))
            .join(Action)
            .join(Objective)
            .join(KeyPriority)
            .where(KeyPriority.plan_id == plan_id)
        )
        if updates:
            raise UserError(
                f"The {plan.year} plan holds {updates} progress update(s) and cannot be deleted."
            )
        s.delete(plan)


# ---------------------------------------------------------------- evidence


def attach_evidence(
    db: Database,
    action_id: int,
    path: Path,
    *,
    quarter: str | None = None,
    added_by: str = "",
) -> int:
    """Store a file inside the database, on the action or on its update for `quarter`."""
    try:
        status = path.stat()
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from exc
    if not stat.S_ISREG(status.st_mode):
        # A pipe or device never ends: reading it would hang the window or fill the memory.
        kind = "a folder" if stat.S_ISDIR(status.st_mode) else "not an ordinary file"
        raise UserError(f"{path.name} is {kind}; choose a document to attach as evidence.")
    size = status.st_size
    if size > MAX_EVIDENCE_BYTES:
        raise UserError(
            f"{path.name} is {size / 1024 / 1024:.0f} MB; evidence files are limited to "
            f"{MAX_EVIDENCE_BYTES // 1024 // 1024} MB so the plan file stays easy to copy."
        )
    try:
        with path.open("rb") as f:
            # No more than the limit, even if the file grows while it is read.
            content = f.read(MAX_EVIDENCE_BYTES + 1)
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from exc
    if len(content) > MAX_EVIDENCE_BYTES:
        raise UserError(
            f"{path.name} grew beyond {MAX_EVIDENCE_BYTES // 1024 // 1024} MB while it was read; "
            "nothing was attached."
        )
    with db.session(reason="evidence attached") as s:
        _action(s, action_id)
        update_id = None
        if quarter:
            q = Quarter.parse(quarter)
            update_id = s.scalar(
                select(QuarterUpdate.id).where(
                    QuarterUpdate.action_id == action_id, QuarterUpdate.quarter == q.code
                )
            )
            if update_id is None:
                raise UserError(
                    f"There is no {q.label} update to attach to; save the update first."
                )
        e = Evidence(
            action_id=action_id,
            update_id=update_id,
            file_name=safe_file_name(path.name),
            content=content,
            added_by=added_by,
        )
        s.add(e)
        s.flush()
        return e.id


def delete_evidence(db: Database, evidence_id: int) -> dict[str, Any]:
    with db.session(reason="evidence removed") as s:
        e = s.get(Evidence, evidence_id)
        if e is None:
            raise UserError("That evidence file is no longer in the database.")
        snapshot = _columns(e)
        s.delete(e)
        return snapshot


def restore_evidence(db: Database, snapshot: dict[str, Any]) -> None:
    with db.session(reason="evidence restored") as s:
        values = dict(snapshot)
        if (
            values.get("update_id") is not None
            and s.get(QuarterUpdate, values["update_id"]) is None
        ):
            values["update_id"] = None
        s.add(Evidence(**values))


__all__ = [
    "ActionFields",
    "ActionSnapshot",
    "FundingLineData",
    "RolloverResult",
    "UpdateFields",
]
