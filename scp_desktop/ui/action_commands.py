"""Commands on actions: add, edit, progress update, RAG from the table, duplicate, move,
complete, delete and evidence. Each runs through the window's undoable edits."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from scp_desktop.services.errors import ConflictError, UserError
from scp_desktop.ui.history import open_with_system_viewer
from scp_desktop.ui.lazy import lazy_module, lazy_name
from scp_desktop.ui.undo import Changed

if TYPE_CHECKING:
    from scp_desktop.services import workspace
    from scp_desktop.services.workspace import ActionFields, UpdateFields
    from scp_desktop.ui.action_form import ActionFormDialog
    from scp_desktop.ui.conflict_dialog import Resolution, ask_resolution
    from scp_desktop.ui.dialogs import MoveActionDialog
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.update_editor import UpdateEditorDialog
else:  # imported on first use: the window is shown before the services and dialogs load
    workspace = lazy_module("scp_desktop.services.workspace")
    ActionFormDialog = lazy_name("scp_desktop.ui.action_form", "ActionFormDialog")
    Resolution = lazy_name("scp_desktop.ui.conflict_dialog", "Resolution")
    ask_resolution = lazy_name("scp_desktop.ui.conflict_dialog", "ask_resolution")
    MoveActionDialog = lazy_name("scp_desktop.ui.dialogs", "MoveActionDialog")
    UpdateEditorDialog = lazy_name("scp_desktop.ui.update_editor", "UpdateEditorDialog")


class ActionCommands:
    """The Action menu and the table's and History panel's requests, for one main window."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window

    def form(self, **kwargs: Any) -> ActionFormDialog:
        return ActionFormDialog(
            partners=workspace.partner_choices(self.w.db),
            frameworks=workspace.framework_choices(self.w.db),
            structure=self.w.structure,
            parent=self.w,
            **kwargs,
        )

    def new_action(self) -> int | None:
        if self.w.plan_id is None:
            return None
        objective = None
        current = self.w.current_action_id()
        if current is not None:
            objective = self.w.model.row_at(self.w.model.row_of(current)).objective_id
        dialog = self.form(objective_id=objective)
        if self.w._ask(dialog):
            return self.save_new_action(dialog)
        return None

    def save_new_action(self, dialog: ActionFormDialog) -> int | None:
        objective_id = dialog.objective_id()
        if objective_id is None:
            return None
        return self.w.edits.create_action(objective_id, dialog.fields())

    def edit_action(self) -> None:
        action_id = self.w._require_action()
        if action_id is None:
            return
        try:
            detail = workspace.action_detail(self.w.db, action_id)
        except UserError as exc:
            self.w.show_error(str(exc))
            return
        mine: ActionFields | None = None
        while True:
            dialog = self.form(fields=detail.fields, objective_id=detail.objective_id, mine=mine)
            if not self.w._ask(dialog) or dialog.fields() == detail.fields:
                return
            fields = dialog.fields()
            try:
                self.w.edits.update_action(action_id, fields, expected_version=detail.version)
                return
            except ConflictError as conflict:
                choice = ask_resolution(conflict, self.w)
                if choice is Resolution.OVERWRITE:
                    self._overwrite(
                        partial(self.w.edits.update_action, action_id, fields, overwrite=True),
                        conflict.current_version,
                    )
                    return
                if choice is not Resolution.RELOAD:
                    return
                try:
                    detail = workspace.action_detail(self.w.db, action_id)
                except UserError as exc:
                    self.w.show_error(str(exc))
                    return
                mine = fields

    def _overwrite(self, save: Callable[..., object], version: int) -> None:
        """Save over the other change (at the version it made); yet another change in
        between is shown, not overwritten."""
        try:
            save(expected_version=version)
        except ConflictError as again:
            self.w.show_error(str(again))

    def edit_update(self) -> None:
        action_id = self.w._require_action()
        if action_id is None or self.w.quarter is None:
            return
        quarter = self.w.quarter.code
        pair = workspace.update_pair(self.w.db, action_id, quarter)
        mine: UpdateFields | None = None
        while True:
            dialog = UpdateEditorDialog(
                pair,
                officer=self.w.settings.officer_name,
                today=self.w.today,
                parent=self.w,
                mine=mine,
            )
            if not self.w._ask(dialog):
                return
            fields = dialog.result_fields()
            if fields == pair.current.fields:
                return
            try:
                self.w.edits.set_update(
                    action_id, quarter, fields, expected_version=pair.current.version
                )
                return
            except ConflictError as conflict:
                choice = ask_resolution(conflict, self.w)
                if choice is Resolution.OVERWRITE:
                    self._overwrite(
                        partial(
                            self.w.edits.set_update, action_id, quarter, fields, overwrite=True
                        ),
                        conflict.current_version,
                    )
                    return
                if choice is not Resolution.RELOAD:
                    return
                pair = workspace.update_pair(self.w.db, action_id, quarter)
                mine = fields

    def set_rag(
        self, action_id: int, quarter_number: int, rag: Any, shown_version: int | None = None
    ) -> None:
        """A RAG typed into the table, saved only over the update the table showed."""
        if self.w.quarter is None:
            return
        q = self.w.quarter.year.quarter(quarter_number)
        try:
            self.w.edits.set_rag(
                action_id, q.code, rag, today=self.w.today, expected_version=shown_version
            )
        except ConflictError as conflict:
            choice = ask_resolution(conflict, self.w)
            if choice is Resolution.OVERWRITE:
                self._overwrite(
                    partial(self.w.edits.set_rag, action_id, q.code, rag, today=self.w.today),
                    conflict.current_version,
                )
            elif choice is Resolution.RELOAD:
                self.w._apply_change(Changed(action_ids=(action_id,), select_action=action_id))

    def duplicate_action(self) -> None:
        action_id = self.w._require_action()
        if action_id is not None:
            self.w.edits.duplicate_action(action_id)

    def move_action(self) -> None:
        action_id = self.w._require_action()
        if action_id is None:
            return
        row = self.w.model.row_at(self.w.model.row_of(action_id))
        dialog = MoveActionDialog(self.w.structure, row.objective_id, self.w)
        if self.w._ask(dialog) and dialog.objective_id() != row.objective_id:
            self.w.edits.move_action(action_id, dialog.objective_id())

    def complete_action(self) -> None:
        action_id = self.w._require_action()
        if action_id is None:
            return
        row = self.w.model.row_at(self.w.model.row_of(action_id))
        self.w.edits.set_status(action_id, "active" if row.status == "complete" else "complete")

    def delete_action(self) -> None:
        action_id = self.w._require_action()
        if action_id is None:
            return
        row = self.w.model.row_at(self.w.model.row_of(action_id))
        answer = QMessageBox.question(
            self.w,
            "Delete action",
            f"Delete '{row.reference} {row.title}' with its progress updates and evidence?\n"
            "You can undo this with Ctrl+Z.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.w.edits.delete_action(action_id)

    def attach_evidence(self, *, to_update: bool = False) -> None:
        action_id = self.w._require_action()
        if action_id is None:
            return
        quarter = self.w.quarter.code if to_update and self.w.quarter else None
        title = (
            f"Attach evidence to the {self.w.quarter.label} update"
            if quarter and self.w.quarter
            else "Attach evidence"
        )
        path, _ = QFileDialog.getOpenFileName(self.w, title)
        if path:
            self.w.edits.attach_evidence(action_id, Path(path), quarter)

    def attach_update_evidence(self) -> None:
        self.attach_evidence(to_update=True)

    def open_evidence(self, evidence_id: int) -> None:
        try:
            name, content = workspace.evidence_content(self.w.db, evidence_id)
            target = open_with_system_viewer(evidence_id, name, content)
        except UserError as exc:
            self.w.show_error(str(exc))
            return
        self.w.statusBar().showMessage(f"Opened a copy of {target.name} ({target})", 6000)

    def remove_evidence(self, evidence_id: int) -> None:
        action_id = self.w.current_action_id()
        if action_id is not None:
            self.w.edits.remove_evidence(action_id, evidence_id)
