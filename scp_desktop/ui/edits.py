"""Every edit the workspace offers, as an undoable command over the editing services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.services import editing, records
from scp_desktop.services.records import RecordKind
from scp_desktop.services.workspace import ActionFields, UpdateFields
from scp_desktop.storage.database import Database
from scp_desktop.ui.undo import Changed, UndoController


class Edits:
    """Turns each user edit into a service call with its inverse, on one undo stack."""

    def __init__(self, db: Database, undo: UndoController, officer: str = "") -> None:
        self.db = db
        self.undo = undo
        self.officer = officer

    def _reversible[T](
        self,
        label: str,
        changed: Changed,
        apply: Callable[[], T],
        restore: Callable[[T], object],
    ) -> bool:
        """An edit whose service call returns what it replaced; undo puts that back."""
        state: dict[str, T] = {}

        def do() -> Changed:
            state["before"] = apply()
            return changed

        def undo() -> Changed:
            restore(state["before"])
            return changed

        return self.undo.run(label, do, undo)

    # -- quarterly updates

    def set_update(
        self, action_id: int, quarter: str, fields: UpdateFields | None, *, label: str = ""
    ) -> bool:
        q = Quarter.parse(quarter)
        what = f"{fields.rag.label} " if fields else ""
        return self._reversible(
            f"Set {q.label} update {what}{label}".strip(),
            Changed(action_ids=(action_id,), select_action=action_id),
            lambda: editing.set_quarter_update(self.db, action_id, q.code, fields),
            lambda before: editing.set_quarter_update(self.db, action_id, q.code, before),
        )

    def set_rag(self, action_id: int, quarter: str, rag: RAG, *, today: dt.date) -> bool:
        q = Quarter.parse(quarter)
        return self._reversible(
            f"Set {q.label} RAG to {rag.label}",
            Changed(action_ids=(action_id,), select_action=action_id),
            lambda: editing.set_quarter_rag(
                self.db, action_id, q.code, rag, today=today, reported_by=self.officer
            ),
            lambda before: editing.set_quarter_update(self.db, action_id, q.code, before),
        )

    # -- actions

    def create_action(self, objective_id: int, fields: ActionFields) -> int | None:
        state: dict[str, Any] = {}

        def do() -> Changed:
            state["id"] = editing.create_action(self.db, objective_id, fields)
            return Changed(action_ids=(state["id"],), structure=True, select_action=state["id"])

        def undo() -> Changed:
            state["snapshot"] = editing.delete_action(self.db, state["id"])
            return Changed(removed_action_ids=(state["id"],), structure=True)

        def redo() -> Changed:
            editing.restore_action(self.db, state["snapshot"])
            return Changed(action_ids=(state["id"],), structure=True, select_action=state["id"])

        if self.undo.run(f"Add action '{fields.title[:40]}'", do, undo, redo):
            return int(state["id"])
        return None

    def update_action(self, action_id: int, fields: ActionFields) -> bool:
        return self._reversible(
            f"Edit action '{fields.title[:40]}'",
            Changed(action_ids=(action_id,), structure=True, select_action=action_id),
            lambda: editing.update_action(self.db, action_id, fields),
            lambda before: editing.update_action(self.db, action_id, before),
        )

    def duplicate_action(self, action_id: int) -> int | None:
        state: dict[str, Any] = {}

        def do() -> Changed:
            state["id"] = editing.duplicate_action(self.db, action_id)
            return Changed(action_ids=(state["id"],), structure=True, select_action=state["id"])

        def undo() -> Changed:
            state["snapshot"] = editing.delete_action(self.db, state["id"])
            return Changed(removed_action_ids=(state["id"],), structure=True)

        def redo() -> Changed:
            editing.restore_action(self.db, state["snapshot"])
            return Changed(action_ids=(state["id"],), structure=True, select_action=state["id"])

        if self.undo.run("Duplicate action", do, undo, redo):
            return int(state["id"])
        return None

    def delete_action(self, action_id: int) -> bool:
        state: dict[str, Any] = {}

        def do() -> Changed:
            state["snapshot"] = editing.delete_action(self.db, action_id)
            return Changed(removed_action_ids=(action_id,), structure=True)

        def undo() -> Changed:
            editing.restore_action(self.db, state["snapshot"])
            return Changed(action_ids=(action_id,), structure=True, select_action=action_id)

        return self.undo.run("Delete action", do, undo)

    def move_action(self, action_id: int, objective_id: int) -> bool:
        return self._reversible(
            "Move action",
            Changed(action_ids=(action_id,), structure=True, select_action=action_id),
            lambda: editing.move_action(self.db, action_id, objective_id),
            lambda before: editing.move_action(self.db, action_id, before),
        )

    def set_status(self, action_id: int, status: str) -> bool:
        return self._reversible(
            f"Mark action {status}",
            Changed(action_ids=(action_id,), select_action=action_id),
            lambda: editing.set_action_status(self.db, action_id, status),
            lambda before: editing.set_action_status(self.db, action_id, before),
        )

    # -- records (priorities, objectives, reference data)

    def save_record(
        self,
        kind: RecordKind,
        record_id: int | None,
        values: dict[str, Any],
        *,
        parent_id: int | None = None,
    ) -> int | None:
        state: dict[str, records.RecordChange] = {}
        structural = kind in (RecordKind.PRIORITY, RecordKind.OBJECTIVE)

        def changed() -> Changed:
            return Changed(structure=structural, reference=not structural)

        def do() -> Changed:
            state["change"] = records.save_record(
                self.db, kind, record_id, values, parent_id=parent_id
            )
            return changed()

        def undo() -> Changed:
            c = state["change"]
            records.set_record_state(self.db, kind, c.id, c.before)
            return changed()

        def redo() -> Changed:
            c = state["change"]
            records.set_record_state(self.db, kind, c.id, c.after)
            return changed()

        verb = "Add" if record_id is None else "Edit"
        if self.undo.run(f"{verb} {records.SPECS[kind].singular}", do, undo, redo):
            return state["change"].id
        return None

    def delete_record(self, kind: RecordKind, record_id: int) -> bool:
        state: dict[str, records.RecordChange] = {}
        structural = kind in (RecordKind.PRIORITY, RecordKind.OBJECTIVE)

        def do() -> Changed:
            state["change"] = records.delete_record(self.db, kind, record_id)
            return Changed(structure=structural, reference=not structural)

        def undo() -> Changed:
            records.set_record_state(self.db, kind, record_id, state["change"].before)
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
