"""Every edit the workspace offers, as an undoable command over the editing services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import editing, records
from scp_desktop.services.edit_inputs import ActionFields, UpdateFields
from scp_desktop.services.records import RecordKind
from scp_desktop.ui.undo import Changed, UndoController

if TYPE_CHECKING:
    from scp_desktop.domain.rag import RAG
    from scp_desktop.services.versions import Written
    from scp_desktop.storage.database import Database


class Edits:
    """Turns each user edit into a service call with its inverse, on one undo stack."""

    def __init__(self, db: Database, undo: UndoController, officer: str = "") -> None:
        self.db = db
        self.undo = undo
        self.officer = officer

    def _versioned[T](
        self,
        label: str,
        changed: Changed,
        first: Callable[[], Written[T]],
        write: Callable[[T, int], Written[T]],
        *,
        conflicts: bool = False,
    ) -> bool:
        """An edit of a versioned record. Undo and redo each put back the value the last
        write replaced, but only over the version that write produced: a record changed
        since by anyone else is refused (the command becomes obsolete), never overwritten."""
        state: dict[str, Any] = {}

        def do() -> Changed:
            written = first()
            state["other"], state["version"] = written.before, written.version
            return changed

        def swap() -> Changed:
            written = write(state["other"], state["version"])
            state["other"], state["version"] = written.before, written.version
            return changed

        return self.undo.run(label, do, swap, swap, conflicts=conflicts)

    # -- quarterly updates

    def set_update(
        self,
        action_id: int,
        quarter: str,
        fields: UpdateFields | None,
        *,
        label: str = "",
        expected_version: int | None = None,
        overwrite: bool = False,
    ) -> bool:
        """Save an update. With `expected_version` (the version the editor read, 0 for
        none) a change made since raises ConflictError to the caller instead of saving."""
        q = Quarter.parse(quarter)
        what = f"{fields.rag.label} " if fields else ""

        def write(value: UpdateFields | None, version: int) -> Written[UpdateFields | None]:
            return editing.save_quarter_update(
                self.db, action_id, q.code, value, expected_version=version
            )

        return self._versioned(
            f"Set {q.label} update {what}{label}".strip(),
            Changed(action_ids=(action_id,), select_action=action_id),
            lambda: editing.save_quarter_update(
                self.db,
                action_id,
                q.code,
                fields,
                expected_version=expected_version,
                overwrite=overwrite,
            ),
            write,
            conflicts=expected_version is not None,
        )

    def set_rag(
        self,
        action_id: int,
        quarter: str,
        rag: RAG,
        *,
        today: dt.date,
        expected_version: int | None = None,
    ) -> bool:
        """Set a quarter's RAG. With `expected_version` (the version the table showed, 0 for
        none) a change made since raises ConflictError to the caller instead of saving."""
        q = Quarter.parse(quarter)

        def write(value: UpdateFields | None, version: int) -> Written[UpdateFields | None]:
            return editing.save_quarter_update(
                self.db, action_id, q.code, value, expected_version=version
            )

        return self._versioned(
            f"Set {q.label} RAG to {rag.label}",
            Changed(action_ids=(action_id,), select_action=action_id),
            lambda: editing.save_quarter_rag(
                self.db,
                action_id,
                q.code,
                rag,
                today=today,
                reported_by=self.officer,
                expected_version=expected_version,
            ),
            write,
            conflicts=expected_version is not None,
        )

    # -- actions

    def _added(self, label: str, make: Callable[[], tuple[int, int]]) -> int | None:
        """A new action: undo deletes it only while it is as this window left it."""
        state: dict[str, Any] = {}

        def do() -> Changed:
            state["id"], state["version"] = make()
            return Changed(action_ids=(state["id"],), structure=True, select_action=state["id"])

        def undo() -> Changed:
            state["snapshot"] = editing.delete_action(
                self.db, state["id"], expected_version=state["version"]
            )
            return Changed(removed_action_ids=(state["id"],), structure=True)

        def redo() -> Changed:
            editing.restore_action(self.db, state["snapshot"])
            state["version"] = state["snapshot"].restored_version
            return Changed(action_ids=(state["id"],), structure=True, select_action=state["id"])

        if self.undo.run(label, do, undo, redo):
            return int(state["id"])
        return None

    def create_action(self, objective_id: int, fields: ActionFields) -> int | None:
        return self._added(
            f"Add action '{fields.title[:40]}'",
            lambda: editing.create_action_versioned(self.db, objective_id, fields),
        )

    def update_action(
        self,
        action_id: int,
        fields: ActionFields,
        *,
        expected_version: int | None = None,
        overwrite: bool = False,
    ) -> bool:
        """Save the action's fields. With `expected_version` (the version the form read) a
        change made since raises ConflictError to the caller instead of saving."""

        def write(value: ActionFields, version: int) -> Written[ActionFields]:
            return editing.save_action(self.db, action_id, value, expected_version=version)

        return self._versioned(
            f"Edit action '{fields.title[:40]}'",
            Changed(action_ids=(action_id,), structure=True, select_action=action_id),
            lambda: editing.save_action(
                self.db,
                action_id,
                fields,
                expected_version=expected_version,
                overwrite=overwrite,
            ),
            write,
            conflicts=expected_version is not None,
        )

    def duplicate_action(self, action_id: int) -> int | None:
        return self._added(
            "Duplicate action", lambda: editing.duplicate_action_versioned(self.db, action_id)
        )

    def delete_action(self, action_id: int) -> bool:
        state: dict[str, Any] = {}

        def do() -> Changed:
            state["snapshot"] = editing.delete_action(
                self.db, action_id, expected_version=state.get("version")
            )
            return Changed(removed_action_ids=(action_id,), structure=True)

        def undo() -> Changed:
            editing.restore_action(self.db, state["snapshot"])
            state["version"] = state["snapshot"].restored_version
            return Changed(action_ids=(action_id,), structure=True, select_action=action_id)

        return self.undo.run("Delete action", do, undo)

    def move_action(self, action_id: int, objective_id: int) -> bool:
        def write(value: int, version: int) -> Written[int]:
            return editing.save_action_move(self.db, action_id, value, expected_version=version)

        return self._versioned(
            "Move action",
            Changed(action_ids=(action_id,), structure=True, select_action=action_id),
            lambda: editing.save_action_move(
                self.db, action_id, objective_id, expected_version=None
            ),
            write,
        )

    def set_status(self, action_id: int, status: str) -> bool:
        def write(value: str, version: int) -> Written[str]:
            return editing.save_action_status(self.db, action_id, value, expected_version=version)

        return self._versioned(
            f"Mark action {status}",
            Changed(action_ids=(action_id,), select_action=action_id),
            lambda: editing.save_action_status(self.db, action_id, status, expected_version=None),
            write,
        )

    # -- records (priorities, objectives, reference data)

    def save_record(
        self,
        kind: RecordKind,
        record_id: int | None,
        values: dict[str, Any],
        *,
        parent_id: int | None = None,
        expected_version: int | None = None,
        overwrite: bool = False,
    ) -> int | None:
        """Add or edit a record. With `expected_version` (the version the editor read) a
        change made since raises ConflictError to the caller instead of saving."""
        state: dict[str, Any] = {}
        structural = kind in (RecordKind.PRIORITY, RecordKind.OBJECTIVE)

        def changed() -> Changed:
            return Changed(structure=structural, reference=not structural)

        def do() -> Changed:
            change = records.save_record(
                self.db,
                kind,
                record_id,
                values,
                parent_id=parent_id,
                expected_version=expected_version,
                overwrite=overwrite,
            )
            state["change"], state["version"] = change, change.version
            return changed()

        def put(values: dict[str, Any] | None) -> Changed:
            c = state["change"]
            state["version"] = records.set_record_state(
                self.db, kind, c.id, values, expected_version=state["version"]
            )
            return changed()

        verb = "Add" if record_id is None else "Edit"
        if self.undo.run(
            f"{verb} {records.SPECS[kind].singular}",
            do,
            lambda: put(state["change"].before),
            lambda: put(state["change"].after),
            conflicts=expected_version is not None,
        ):
            return int(state["change"].id)
        return None

    def delete_record(
        self, kind: RecordKind, record_id: int, *, expected_version: int | None = None
    ) -> bool:
        state: dict[str, Any] = {}
        structural = kind in (RecordKind.PRIORITY, RecordKind.OBJECTIVE)

        def do() -> Changed:
            change = records.delete_record(
                self.db, kind, record_id, expected_version=state.get("version", expected_version)
            )
            state["change"], state["version"] = change, change.version
            return Changed(structure=structural, reference=not structural)

        def undo() -> Changed:
            state["version"] = records.set_record_state(
                self.db,
                kind,
                record_id,
                state["change"].before,
                expected_version=state["version"],
            )
            return Changed(structure=structural, reference=not structural)

        return self.undo.run(f"Delete {records.SPECS[kind].singular}", do, undo)

    # -- plans

    def rollover(self, plan_id: int, action_ids: list[int], year: str) -> int | None:
        state: dict[str, Any] = {}

        def do() -> Changed:
            result = editing.rollover_plan(self.db, plan_id, action_ids, year=year)
            state["plan_id"] = result.plan_id
            return Changed(plans=True, structure=True, extra={"plan_id": result.plan_id})

        def undo() -> Changed:
            editing.delete_plan(self.db, state["plan_id"])
            return Changed(plans=True, structure=True, extra={"plan_id": plan_id})

        if self.undo.run(f"Roll over into {year}", do, undo):
            return int(state["plan_id"])
        return None

    # -- evidence

    def attach_evidence(self, action_id: int, path: Path, quarter: str | None = None) -> bool:
        state: dict[str, Any] = {}

        def do() -> Changed:
            state["id"] = editing.attach_evidence(
                self.db, action_id, path, quarter=quarter, added_by=self.officer
            )
            return Changed(action_ids=(action_id,), extra={"evidence": True})

        def undo() -> Changed:
            state["snapshot"] = editing.delete_evidence(self.db, state["id"])
            return Changed(action_ids=(action_id,), extra={"evidence": True})

        def redo() -> Changed:
            editing.restore_evidence(self.db, state["snapshot"])
            return Changed(action_ids=(action_id,), extra={"evidence": True})

        return self.undo.run(f"Attach {path.name}", do, undo, redo)

    def remove_evidence(self, action_id: int, evidence_id: int) -> bool:
        state: dict[str, Any] = {}

        def do() -> Changed:
            state["snapshot"] = editing.delete_evidence(self.db, evidence_id)
            return Changed(action_ids=(action_id,), extra={"evidence": True})

        def undo() -> Changed:
            editing.restore_evidence(self.db, state["snapshot"])
            return Changed(action_ids=(action_id,), extra={"evidence": True})

        return self.undo.run("Remove evidence", do, undo)
