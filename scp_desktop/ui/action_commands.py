"""Commands on actions: add, edit, progress update, RAG from the table, duplicate, move,
complete, delete and evidence. Each runs through the context's undoable edits."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from scp_desktop.ui.command_context import CommandContext

if TYPE_CHECKING:
    from scp_desktop.services.errors import ConflictError
    from scp_desktop.ui.action_form import ActionFormDialog
    from scp_desktop.ui.conflict_dialog import Resolution

# The forms, the services and the database layers are imported when a command first runs:
# the window can show before any of them is loaded.


class ActionCommands:
    """The Action menu and the table's and History panel's requests."""

    def __init__(self, context: CommandContext) -> None:
        self.c = context

    def handlers(self) -> dict[str, Callable[[], object]]:
        """The Action menu's commands by their registry id."""
        return {
            "new_action": self.new_action,
            "edit_action": self.edit_action,
            "update_action": self.edit_update,
            "duplicate_action": self.duplicate_action,
            "move_action": self.move_action,
            "complete_action": self.complete_action,
            "delete_action": self.delete_action,
            "attach_evidence": self.attach_evidence,
        }

    def form(self, **kwargs: Any) -> ActionFormDialog:
        from scp_desktop.services import workspace
        from scp_desktop.ui.action_form import ActionFormDialog

        return ActionFormDialog(
            partners=workspace.partner_choices(self.c.db),
            frameworks=workspace.framework_choices(self.c.db),
            structure=self.c.structure,
            parent=self.c.dialog_parent(),
            **kwargs,
        )

    def new_action(self) -> int | None:
        if self.c.plan_id is None:
            return None
        objective = None
        current = self.c.current_action_id()
        if current is not None:
            objective = self.c.action_row(current).objective_id
        dialog = self.form(objective_id=objective)
        if self.c.ask(dialog):
            return self.save_new_action(dialog)
        return None

    def save_new_action(self, dialog: ActionFormDialog) -> int | None:
        objective_id = dialog.objective_id()
        if objective_id is None:
            return None
        return self.c.edits.create_action(objective_id, dialog.fields())

    def _resolve(self, conflict: ConflictError) -> Resolution:
        from scp_desktop.ui.conflict_dialog import ask_resolution

        return ask_resolution(conflict, self.c.dialog_parent())

    def edit_action(self) -> None:
        from scp_desktop.services import edit_inputs, workspace
        from scp_desktop.services.errors import ConflictError, UserError
        from scp_desktop.ui.conflict_dialog import Resolution

        action_id = self.c.require_action()
        if action_id is None:
            return
        try:
            detail = workspace.action_detail(self.c.db, action_id)
        except UserError as exc:
            self.c.show_error(str(exc))
            return
        mine: edit_inputs.ActionFields | None = None
        while True:
            dialog = self.form(fields=detail.fields, objective_id=detail.objective_id, mine=mine)
            if not self.c.ask(dialog) or dialog.fields() == detail.fields:
                return
            fields = dialog.fields()
            try:
                self.c.edits.update_action(action_id, fields, expected_version=detail.version)
                return
            except ConflictError as conflict:
                choice = self._resolve(conflict)
                if choice is Resolution.OVERWRITE:
                    self._overwrite(
                        partial(self.c.edits.update_action, action_id, fields, overwrite=True),
                        conflict.current_version,
                    )
                    return
                if choice is not Resolution.RELOAD:
                    return
                try:
                    detail = workspace.action_detail(self.c.db, action_id)
                except UserError as exc:
                    self.c.show_error(str(exc))
                    return
                mine = fields

    def _overwrite(self, save: Callable[..., object], version: int) -> None:
        """Save over the other change (at the version it made); yet another change in
        between is shown, not overwritten."""
        from scp_desktop.services.errors import ConflictError

        try:
            save(expected_version=version)
        except ConflictError as again:
            self.c.show_error(str(again))

    def edit_update(self) -> None:
        from scp_desktop.services import edit_inputs, workspace
        from scp_desktop.services.errors import ConflictError
        from scp_desktop.ui.conflict_dialog import Resolution
        from scp_desktop.ui.update_editor import UpdateEditorDialog

        action_id = self.c.require_action()
        if action_id is None or self.c.quarter is None:
            return
        quarter = self.c.quarter.code
        pair = workspace.update_pair(self.c.db, action_id, quarter)
        mine: edit_inputs.UpdateFields | None = None
        while True:
            dialog = UpdateEditorDialog(
                pair,
                officer=self.c.settings.officer_name,
                today=self.c.today,
                parent=self.c.dialog_parent(),
                mine=mine,
            )
            if not self.c.ask(dialog):
                return
            fields = dialog.result_fields()
            if fields == pair.current.fields:
                return
            try:
                self.c.edits.set_update(
                    action_id, quarter, fields, expected_version=pair.current.version
                )
                return
            except ConflictError as conflict:
                choice = self._resolve(conflict)
                if choice is Resolution.OVERWRITE:
                    self._overwrite(
                        partial(
                            self.c.edits.set_update, action_id, quarter, fields, overwrite=True
                        ),
                        conflict.current_version,
                    )
                    return
                if choice is not Resolution.RELOAD:
                    return
                pair = workspace.update_pair(self.c.db, action_id, quarter)
                mine = fields

    def set_rag(
        self, action_id: int, quarter_number: int, rag: Any, shown_version: int | None = None
    ) -> None:
        """A RAG typed into the table, saved only over the update the table showed."""
        from scp_desktop.services.errors import ConflictError
        from scp_desktop.ui.conflict_dialog import Resolution
        from scp_desktop.ui.undo import Changed

        if self.c.quarter is None:
            return
        q = self.c.quarter.year.quarter(quarter_number)
        today = self.c.today
        try:
            self.c.edits.set_rag(
                action_id, q.code, rag, today=today, expected_version=shown_version
            )
        except ConflictError as conflict:
            choice = self._resolve(conflict)
            if choice is Resolution.OVERWRITE:
                self._overwrite(
                    partial(self.c.edits.set_rag, action_id, q.code, rag, today=today),
                    conflict.current_version,
                )
            elif choice is Resolution.RELOAD:
                self.c.refresh(Changed(action_ids=(action_id,), select_action=action_id))

    def duplicate_action(self) -> None:
        action_id = self.c.require_action()
        if action_id is not None:
            self.c.edits.duplicate_action(action_id)

    def move_action(self) -> None:
        from scp_desktop.ui.dialogs import MoveActionDialog

        action_id = self.c.require_action()
        if action_id is None:
            return
        row = self.c.action_row(action_id)
        dialog = MoveActionDialog(self.c.structure, row.objective_id, self.c.dialog_parent())
        if self.c.ask(dialog) and dialog.objective_id() != row.objective_id:
            self.c.edits.move_action(action_id, dialog.objective_id())

    def complete_action(self) -> None:
        action_id = self.c.require_action()
        if action_id is None:
            return
        row = self.c.action_row(action_id)
        self.c.edits.set_status(action_id, "active" if row.status == "complete" else "complete")

    def delete_action(self) -> None:
        action_id = self.c.require_action()
        if action_id is None:
            return
        row = self.c.action_row(action_id)
        if self.c.confirm(
            "Delete action",
            f"Delete '{row.reference} {row.title}' with its progress updates and evidence?\n"
            "You can undo this with Ctrl+Z.",
        ):
            self.c.edits.delete_action(action_id)

    def attach_evidence(self, *, to_update: bool = False) -> None:
        action_id = self.c.require_action()
        if action_id is None:
            return
        chosen = self.c.quarter
        quarter = chosen.code if to_update and chosen else None
        title = (
            f"Attach evidence to the {chosen.label} update"
            if quarter and chosen
            else "Attach evidence"
        )
        path, _ = QFileDialog.getOpenFileName(self.c.dialog_parent(), title)
        if path:
            self.c.edits.attach_evidence(action_id, Path(path), quarter)

    def attach_update_evidence(self) -> None:
        self.attach_evidence(to_update=True)

    def open_evidence(self, evidence_id: int) -> None:
        from scp_desktop.services import workspace
        from scp_desktop.services.errors import UserError
        from scp_desktop.ui.history import open_with_system_viewer

        try:
            name, content = workspace.evidence_content(self.c.db, evidence_id)
            target = open_with_system_viewer(evidence_id, name, content)
        except UserError as exc:
            self.c.show_error(str(exc))
            return
        self.c.show_info(f"Opened a copy of {target.name} ({target})", 6000)

    def remove_evidence(self, evidence_id: int) -> None:
        action_id = self.c.current_action_id()
        if action_id is not None:
            self.c.edits.remove_evidence(action_id, evidence_id)
