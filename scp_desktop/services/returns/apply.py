"""Applying an import preview: the ticked rows written in one transaction, all or nothing.

Every update records the file, sheet and row it came from, and what it was before, for Undo.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from scp_desktop.domain.periods import Quarter
from scp_desktop.excel.columns import ColumnMap, remembered_mapping
from scp_desktop.services import activity, import_undo, versions
from scp_desktop.services.errors import UserError
from scp_desktop.services.returns.index import shorten
from scp_desktop.services.returns.matching import Outcome, PreviewRow
from scp_desktop.services.returns.preview import FilePreview, ImportPreview
from scp_desktop.services.returns.status import AgencyReturn, return_status
from scp_desktop.services.versions import ABSENT
from scp_desktop.storage.backups import backup_before_change
from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.storage.models import (
    Action,
    AuditEntry,
    ImportBatch,
    ImportChange,
    Partner,
    QuarterSignoff,
    QuarterUpdate,
)


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    kept: int = 0
    batches: int = 0
    status: list[AgencyReturn] = field(default_factory=list)
    # Rows not applied because their update changed after the preview: who changed what.
    conflicts: list[str] = field(default_factory=list)
    # Every row read but not applied, and why ('book.xlsx, sheet Q2 row 7 (1.2): …').
    skipped: list[str] = field(default_factory=list)
    import_id: int | None = None  # the first file's batch: what Undo names
    action_ids: list[int] = field(default_factory=list)  # the actions whose updates were written

    def lines(self) -> list[str]:
        out = [
            f"{self.created} new update(s), {self.updated} replaced, {self.kept} kept as they were, "
            f"from {self.batches} file(s)"
        ]
        if self.conflicts:
            out[0] += (
                f"; {len(self.conflicts)} not applied because the update changed after the "
                "preview (see below)"
            )
        returned = [a.abbreviation for a in self.status if a.returned]
        missing = [a.abbreviation for a in self.status if not a.returned]
        out.append(f"Returned: {', '.join(returned) or 'none'}")
        out.append(f"Not returned: {', '.join(missing) or 'none'}")
        out.extend(f"Not applied: {c}" for c in self.conflicts)
        return out


def skipped_rows(preview: ImportPreview) -> list[str]:
    """Each row that Apply leaves out, with why: the officer's list of what did not go in."""
    out = []
    for r in preview.rows:
        if r.selected:
            continue
        name = r.reference or shorten(r.title) or "no reference or title"
        why = r.message or _OUTCOME_WORDS[r.outcome]
        if r.applicable and r.outcome in (Outcome.UPDATE, Outcome.WARNING):
            why = f"not ticked ({why})"
        out.append(f"{r.file}, sheet {r.sheet} row {r.row} ({name}): {why}")
    return out


_OUTCOME_WORDS = {
    Outcome.UPDATE: "not ticked",
    Outcome.UNCHANGED: "nothing to change",
    Outcome.WARNING: "to check",
    Outcome.ERROR: "cannot be applied",
    Outcome.UNMATCHED: "not matched to an action",
}


def apply_import(db: Database, preview: ImportPreview) -> ApplyResult:
    """Write the ticked rows in one transaction; nothing is written if any row cannot apply.

    A row whose update changed after the preview (typed in another window, another import)
    is not written: it is listed in the result's conflicts with who changed it and when,
    and the other rows apply.
    """
    try:
        return _apply_import(db, preview)
    except StaleDataError:
        raise UserError(
            "Another change to these updates was saved while the returns were being applied. "
            "Nothing was written; read the returns again to see it."
        ) from None
    except DatabaseError as exc:
        if isinstance(exc.__cause__, IntegrityError) and "UNIQUE" in str(exc.__cause__):
            raise UserError(
                "Another import or edit saved an update for the same action and quarter while "
                "these returns were being applied. Nothing was written; read the returns again "
                "to see it."
            ) from None
        raise


def _expected_version(preview: ImportPreview, action_id: int) -> int:
    action = preview.index.actions.get(action_id)
    if action is None or action.existing is None:
        return ABSENT
    return action.existing.version


def _apply_import(db: Database, preview: ImportPreview) -> ApplyResult:
    started = time.perf_counter()
    quarter = preview.quarter
    chosen = [r for r in preview.rows if r.selected]
    action_ids = ticked_actions(chosen)
    result = ApplyResult(skipped=skipped_rows(preview))
    backup_before_change(db.path, "import")
    with db.session(reason=f"returns imported for {quarter.label}") as s:
        if (
            s.scalar(select(QuarterSignoff.id).where(QuarterSignoff.quarter == quarter.code))
            is not None
        ):
            raise UserError(
                f"{quarter.label} is signed off: its updates are locked. Nothing was written."
            )
        partners = {p.abbreviation.upper(): p for p in s.scalars(select(Partner))}
        existing = {
            u.action_id: u
            for u in s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.quarter == quarter.code,
                    QuarterUpdate.action_id.in_(action_ids),
                )
            )
        }
        writing = _Writing(s, db.user, preview, existing, result)
        for file_index, fp in enumerate(preview.files):
            partner = partners.get(fp.agency.upper()) if fp.agency else None
            if fp.remember_mapping and partner is not None and fp.sheets:
                partner.import_mapping = json.dumps(_mapping_to_remember(fp), sort_keys=True)
            if fp.status == "ok":
                writing.file(fp, partner, [r for r in chosen if r.file_index == file_index])
        # What each update was and became, with the version the import left: Undo needs them.
        s.flush()
        for batch, action_id, before, update in writing.written:
            s.add(
                ImportChange(
                    batch_id=batch.id,
                    action_id=action_id,
                    quarter=quarter.code,
                    before=before,
                    after=import_undo.snapshot(update),
                    version_after=update.version,
                    version_undone=0,
                )
            )
            result.action_ids.append(action_id)
    result.status = return_status(db, preview.plan_id, quarter)
    activity.import_applied(
        result.created, result.updated, result.kept, result.batches, time.perf_counter() - started
    )
    return result


def ticked_actions(chosen: Sequence[PreviewRow]) -> list[int]:
    """The actions the ticked rows update; refused when a row cannot apply or two share an action."""
    for r in chosen:
        if not r.applicable:
            raise UserError(
                f"{r.file}, sheet {r.sheet}, row {r.row} cannot be applied ({r.message}). "
                "Untick it or fix it; nothing was written."
            )
    seen: dict[int, PreviewRow] = {}
    for r in chosen:
        assert r.action_id is not None
        if r.action_id in seen:
            other = seen[r.action_id]
            raise UserError(
                f"Two ticked rows update the same action ({r.file} row {r.row} and {other.file} "
                f"row {other.row}): untick one; nothing was written."
            )
        seen[r.action_id] = r
    return list(seen)


class _Writing:
    """One import's writes inside its session: a batch per file read, an update per ticked row."""

    def __init__(
        self,
        s: Session,
        user: str,
        preview: ImportPreview,
        existing: dict[int, QuarterUpdate],
        result: ApplyResult,
    ) -> None:
        self.s = s
        self.user = user
        self.preview = preview
        self.existing = existing
        self.result = result
        self.quarter = preview.quarter
        self.written: list[tuple[ImportBatch, int, str | None, QuarterUpdate]] = []

    def file(self, fp: FilePreview, partner: Partner | None, rows: list[PreviewRow]) -> None:
        # Every file read is recorded, even with nothing to apply: the agency has returned.
        batch = ImportBatch(
            file_name=fp.name[:500],
            content_hash=fp.content_hash,
            quarter=self.quarter.code,
            partner_id=partner.id if partner else None,
            kind="return",
            imported_by=self.user,
        )
        self.s.add(batch)
        self.s.flush()
        if self.result.import_id is None:
            self.result.import_id = batch.id
        batch.applied_with = self.result.import_id
        batch.rows_applied = sum(self.row(fp, batch, r) for r in rows)
        self.result.batches += 1

    def row(self, fp: FilePreview, batch: ImportBatch, r: PreviewRow) -> bool:
        """Write one ticked row; False when it is left as it was (kept, or changed since the preview)."""
        assert r.action_id is not None
        s, quarter, result = self.s, self.quarter, self.result
        if s.get(Action, r.action_id) is None:
            raise UserError(
                f"The action for {fp.name} row {r.row} was deleted since the preview; nothing was written."
            )
        update = self.existing.get(r.action_id)
        expected = _expected_version(self.preview, r.action_id)
        if versions.version_of(update) != expected:
            result.conflicts.append(_conflict_line(s, quarter, fp.name, r, update, expected))
            return False
        if update is not None and update.locked:
            raise UserError(
                f"The {quarter.label} update of {r.reference or r.title} is locked; nothing was written."
            )
        if update is not None and not r.overwrite:
            result.kept += 1
            return False
        if update is None and r.rag is None:
            raise UserError(
                f"{fp.name} row {r.row} has no RAG that could be read and the action has "
                f"no update for {quarter.label} to keep one from; nothing was written."
            )
        before = None if update is None else import_undo.snapshot(update)
        if update is None:
            update = QuarterUpdate(action_id=r.action_id, quarter=quarter.code)
            s.add(update)
            self.existing[r.action_id] = update
            result.created += 1
        else:
            result.updated += 1
        _write_update(update, r, batch.id)
        self.written.append((batch, r.action_id, before, update))
        return True


def _write_update(update: QuarterUpdate, r: PreviewRow, batch_id: int) -> None:
    if r.rag is not None:  # else the RAG held stays: the return's was not readable
        update.rag = r.rag.value
    update.narrative = r.narrative
    update.reported_by = r.reported_by[:200]
    update.reported_on = r.reported_on
    update.rag_illustrative = False
    update.source = "import"
    update.import_batch_id = batch_id
    update.source_sheet = r.sheet[:200]
    update.source_row = r.row
    update.edited_by = ""
    update.edited_at = None


def _conflict_line(
    s: Session,
    quarter: Quarter,
    file_name: str,
    r: PreviewRow,
    update: QuarterUpdate | None,
    expected: int,
) -> str:
    """One skipped row, in words: which row, and the change that came after the preview."""
    entity_id = update.id if update is not None else None
    if entity_id is None:
        entity_id = s.scalar(
            select(AuditEntry.entity_id)
            .where(
                AuditEntry.entity == "quarter_update",
                AuditEntry.action_id == r.action_id,
                AuditEntry.operation == "delete",
                AuditEntry.old_value == quarter.code,
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
    changes = (
        versions.changes_since(s, "quarter_update", entity_id, expected)
        if entity_id is not None
        else ()
    )
    name = r.reference or shorten(r.title)
    where = f"{file_name}, sheet {r.sheet} row {r.row} ({name})"
    if not changes:
        return f"{where}: the update was changed after the preview"
    return f"{where}: the update was " + versions.describe_change(changes[-1])


def _mapping_to_remember(fp: FilePreview) -> dict[str, str]:
    merged: dict[str, str] = {}
    for sheet in fp.sheets:
        if sheet.header_row is None:
            continue
        merged.update(
            remembered_mapping(ColumnMap(sheet.header_row, sheet.headers, sheet.meanings))
        )
    return merged
