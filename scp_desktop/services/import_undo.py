"""Undoing an applied import as one step: every update it wrote put back as it was, or nothing.

Apply records, per update written, the update before and after and the version it left
(`ImportChange`). Undo puts each `before` back only if the update is still at that version;
if an officer (or another import) changed any of them since, nothing is undone and the
message says who changed what. Redo writes `after` back under the same rule.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy import update as sa_update
from sqlalchemy.orm import Session

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import versions
from scp_desktop.services.errors import ConflictError, UserError
from scp_desktop.services.versions import ABSENT
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Action,
    Evidence,
    ImportBatch,
    ImportChange,
    QuarterSignoff,
    QuarterUpdate,
)

# Every field of an update an import writes or an officer's edit after it may touch.
_FIELDS = (
    "rag",
    "narrative",
    "reported_by",
    "reported_on",
    "rag_illustrative",
    "source",
    "import_batch_id",
    "source_sheet",
    "source_row",
    "edited_by",
    "edited_at",
    "updated_at",  # set explicitly, so the undone update keeps its own time, not the undo's
)


def snapshot(update: QuarterUpdate) -> str:
    """An update's fields as JSON text (dates as ISO text)."""
    values: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(update, name)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        values[name] = value
    return json.dumps(values, sort_keys=True)


def _restore(update: QuarterUpdate, text: str) -> None:
    values = json.loads(text)
    for name in _FIELDS:
        value = values.get(name)
        if name == "reported_on" and value is not None:
            value = dt.date.fromisoformat(value)
        elif name in ("edited_at", "updated_at") and value is not None:
            value = dt.datetime.fromisoformat(value)
        setattr(update, name, value)


@dataclass(frozen=True)
class AppliedImport:
    """An import as the officer knows it: its files, when, by whom, what it touched."""

    id: int  # the first batch of the Apply
    files: tuple[str, ...]
    quarter: str
    imported_at: dt.datetime
    imported_by: str
    action_ids: tuple[int, ...]
    undone: bool

    @property
    def files_text(self) -> str:
        names = ", ".join(self.files[:2]) + (
            f" and {len(self.files) - 2} more" if len(self.files) > 2 else ""
        )
        return names or "returns"

    @property
    def label(self) -> str:
        return f"the import of {self.files_text}"


def _batches(s: Session, import_id: int) -> list[ImportBatch]:
    found = list(
        s.scalars(
            select(ImportBatch)
            .where((ImportBatch.applied_with == import_id) | (ImportBatch.id == import_id))
            .order_by(ImportBatch.id)
        )
    )
    if not found:
        raise UserError("That import is no longer in this file (it may have been removed).")
    return found


def _changes(s: Session, batches: list[ImportBatch]) -> list[ImportChange]:
    return list(
        s.scalars(
            select(ImportChange)
            .where(ImportChange.batch_id.in_([b.id for b in batches]))
            .order_by(ImportChange.id)
        )
    )


def _describe(s: Session, batches: list[ImportBatch], changes: list[ImportChange]) -> AppliedImport:
    first = batches[0]
    return AppliedImport(
        first.id,
        tuple(b.file_name for b in batches),
        first.quarter,
        first.imported_at,
        first.imported_by,
        tuple(dict.fromkeys(c.action_id for c in changes)),
        first.undone_at is not None,
    )


def applied_import(db: Database, import_id: int) -> AppliedImport:
    with db.session(audit=False) as s:
        batches = _batches(s, import_id)
        return _describe(s, batches, _changes(s, batches))


def imports_touching(db: Database, action_id: int) -> list[AppliedImport]:
    """The imports that wrote this action's updates, newest first."""
    with db.session(audit=False) as s:
        batch_ids = set(
            s.scalars(select(ImportChange.batch_id).where(ImportChange.action_id == action_id))
        )
        groups: dict[int, None] = {}
        for b in s.scalars(
            select(ImportBatch).where(ImportBatch.id.in_(batch_ids)).order_by(ImportBatch.id.desc())
        ):
            groups.setdefault(b.applied_with or b.id, None)
        out = []
        for import_id in groups:
            batches = _batches(s, import_id)
            out.append(_describe(s, batches, _changes(s, batches)))
        return out


def _label(s: Session, change: ImportChange) -> str:
    action = s.get(Action, change.action_id)
    name = (
        f"{action.reference} {action.title[:60]}".strip()
        if action is not None
        else "a removed action"
    )
    try:
        quarter = Quarter.parse(change.quarter).label
    except ValueError:
        quarter = change.quarter
    return f"the {quarter} update of {name}".strip()


def _step(db: Database, import_id: int, *, undo: bool) -> AppliedImport:
    word = "undo" if undo else "redo"
    with db.session(reason=f"import {word}ne") as s:
        batches = _batches(s, import_id)
        if (batches[0].undone_at is not None) == undo:
            state = "already undone" if undo else "not undone"
            raise UserError(f"The import of {batches[0].file_name} is {state}.")
        changes = _changes(s, batches)
        _refuse_signed_off(s, changes, word)
        updates = {
            (u.action_id, u.quarter): u
            for u in s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.action_id.in_([c.action_id for c in changes])
                )
            )
        }
        # Every update first checked: a refusal writes nothing at all.
        refusals = [
            why
            for c in changes
            if (why := _refusal(s, c, updates.get((c.action_id, c.quarter)), undo=undo))
        ]
        if refusals:
            raise ConflictError(
                f"The import of {batches[0].file_name} cannot be {word}ne: "
                f"{first_few(refusals)}. Nothing was changed.",
                what=f"The import of {batches[0].file_name}",
                read_version=0,
                current_version=0,
                changes=(),
            )
        written = [
            (c, _put(s, c, updates.get((c.action_id, c.quarter)), undo=undo)) for c in changes
        ]
        s.flush()
        for c, update in written:
            version = update.version if update is not None else ABSENT
            if undo:
                c.version_undone = version
            else:
                c.version_after = version
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for b in batches:
            b.undone_at = now if undo else None
            b.undone_by = db.user if undo else ""
        return _describe(s, batches, changes)


def _refuse_signed_off(s: Session, changes: list[ImportChange], word: str) -> None:
    quarters = {c.quarter for c in changes}
    signed = s.scalars(
        select(QuarterSignoff.quarter).where(QuarterSignoff.quarter.in_(quarters))
    ).first()
    if signed is not None:
        raise UserError(
            f"{Quarter.parse(signed).label} is signed off: its updates are locked, so the "
            f"import cannot be {word}ne."
        )


def _refusal(
    s: Session, c: ImportChange, update: QuarterUpdate | None, *, undo: bool
) -> str | None:
    """Why this change cannot be undone (or redone), or None when it can."""
    expected = c.version_after if undo else c.version_undone
    if versions.version_of(update) != expected:
        changed = (
            versions.changes_since(s, "quarter_update", update.id, expected)
            if update is not None
            else ()
        )
        how = (
            "was " + versions.describe_change(changed[-1])
            if changed
            else ("was deleted" if update is None else "was changed")
        )
        return f"{_label(s, c)} {how} since"
    if undo and c.before is None and update is not None:
        attached = s.scalar(select(Evidence.id).where(Evidence.update_id == update.id))
        if attached is not None:
            return f"{_label(s, c)} has evidence attached since; undoing would remove it"
    return None


def first_few(reasons: list[str], shown: int = 5) -> str:
    """The first reasons joined, and how many more there are."""
    more = len(reasons) - shown
    return "; ".join(reasons[:shown]) + (f"; and {more} more" if more > 0 else "")


def _put(
    s: Session, c: ImportChange, update: QuarterUpdate | None, *, undo: bool
) -> QuarterUpdate | None:
    """The update as it was before the import (undo) or as the import left it (redo)."""
    target = c.before if undo else c.after
    if target is None:
        assert update is not None
        s.delete(update)
        return None
    if update is not None:
        _restore(update, target)
        return update
    update = QuarterUpdate(action_id=c.action_id, quarter=c.quarter)
    _restore(update, target)
    s.add(update)
    s.flush()
    # Put back with a version after those it had before the undo deleted it, and
    # its own time: written directly, as a versioned write would stamp the time anew.
    s.execute(
        sa_update(QuarterUpdate)
        .where(QuarterUpdate.id == update.id)
        .values(version=c.version_after + 1, updated_at=update.updated_at)
    )
    s.expire(update, ["version"])
    return update


def undo_import(db: Database, import_id: int) -> AppliedImport:
    """Put back every update the import wrote; ConflictError (nothing written) if any changed."""
    return _step(db, import_id, undo=True)


def redo_import(db: Database, import_id: int) -> AppliedImport:
    """Write the import's updates again after an undo, under the same check."""
    return _step(db, import_id, undo=False)
