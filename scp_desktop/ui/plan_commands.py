"""Commands on the plan's structure: key priorities, objectives, roll-over, new plans and the
reference data. Kept beside the main window, which they act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from scp_desktop.domain.periods import FinancialYear
from scp_desktop.services.errors import UserError
from scp_desktop.storage.errors import DatabaseError
from scp_desktop.ui.lazy import lazy_module, lazy_name

if TYPE_CHECKING:
    from scp_desktop.services import plans, records, setup, workspace
    from scp_desktop.services.records import Record, RecordKind
    from scp_desktop.ui.dialogs import NewPlanDialog, RolloverDialog
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.reference_editors import RecordFormDialog, ReferenceDataDialog, edit_record
else:  # imported on first use: the window is shown before the services and dialogs load
    plans = lazy_module("scp_desktop.services.plans")
    records = lazy_module("scp_desktop.services.records")
    setup = lazy_module("scp_desktop.services.setup")
    workspace = lazy_module("scp_desktop.services.workspace")
    RecordKind = lazy_name("scp_desktop.services.records", "RecordKind")
    NewPlanDialog = lazy_name("scp_desktop.ui.dialogs", "NewPlanDialog")
    RolloverDialog = lazy_name("scp_desktop.ui.dialogs", "RolloverDialog")
    RecordFormDialog = lazy_name("scp_desktop.ui.reference_editors", "RecordFormDialog")
    ReferenceDataDialog = lazy_name("scp_desktop.ui.reference_editors", "ReferenceDataDialog")
    edit_record = lazy_name("scp_desktop.ui.reference_editors", "edit_record")


class PlanCommands:
    """The Plan menu (and File ▸ New empty plan), acting on one main window."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window

    def _context(self) -> tuple[int | None, int | None]:
        """(priority id, objective id) the officer is working in: navigator node or action."""
        item = self.w.navigator.tree.currentItem()
        if item is not None:
            kind, node_id = item.data(0, Qt.ItemDataRole.UserRole)
            if kind == "priority":
                return node_id, None
            if kind == "objective":
                for priority, objectives in self.w.structure.priorities:
                    if any(o.id == node_id for o in objectives):
                        return priority.id, node_id
        action_id = self.w.current_action_id()
        if action_id is not None:
            row = self.w.model.row_at(self.w.model.row_of(action_id))
            return row.priority_id, row.objective_id
        return None, None

    def _record(self, kind: RecordKind, parent: int | None, record_id: int) -> Record:
        for r in records.list_records(self.w.db, kind, parent):
            if r.id == record_id:
                return r
        raise UserError("That record no longer exists.")

    def new_priority(self) -> None:
        if self.w.plan_id is None:
            return
        existing = records.list_records(self.w.db, RecordKind.PRIORITY, self.w.plan_id)
        # Numbers are unique within the plan, the 'other' section included.
        number = max((int(r.values["number"]) for r in existing), default=0)
        dialog = RecordFormDialog(
            RecordKind.PRIORITY, {"number": number + 1, "kind": "key"}, self.w
        )
        dialog.setWindowTitle("New key priority")
        if self.w._ask(dialog):
            values, _ = dialog.values()
            self.w.edits.save_record(RecordKind.PRIORITY, None, values, parent_id=self.w.plan_id)

    def edit_priority(self) -> None:
        priority_id, _ = self._context()
        if priority_id is None or self.w.plan_id is None:
            self.w.statusBar().showMessage("Choose a key priority in the navigator first.", 4000)
            return
        record = self._record(RecordKind.PRIORITY, self.w.plan_id, priority_id)
        edit_record(
            self.w, self.w.edits, RecordKind.PRIORITY, self.w.plan_id, record, self.w.show_error
        )

    def delete_priority(self) -> None:
        priority_id, _ = self._context()
        if priority_id is not None:
            self.w.edits.delete_record(RecordKind.PRIORITY, priority_id)

    def new_objective(self) -> None:
        priority_id, _ = self._context()
        if priority_id is None:
            self.w.statusBar().showMessage("Choose a key priority in the navigator first.", 4000)
            return
        count = len(records.list_records(self.w.db, RecordKind.OBJECTIVE, priority_id))
        dialog = RecordFormDialog(RecordKind.OBJECTIVE, {"position": count + 1}, self.w)
        dialog.setWindowTitle("New objective")
        if self.w._ask(dialog):
            self.w.edits.save_record(
                RecordKind.OBJECTIVE, None, dialog.values()[0], parent_id=priority_id
            )

    def edit_objective(self) -> None:
        priority_id, objective_id = self._context()
        if objective_id is None:
            self.w.statusBar().showMessage("Choose an objective in the navigator first.", 4000)
            return
        record = self._record(RecordKind.OBJECTIVE, priority_id, objective_id)
        edit_record(
            self.w, self.w.edits, RecordKind.OBJECTIVE, priority_id, record, self.w.show_error
        )

    def delete_objective(self) -> None:
        _, objective_id = self._context()
        if objective_id is not None:
            self.w.edits.delete_record(RecordKind.OBJECTIVE, objective_id)

    def rollover_plan(self) -> None:
        if self.w.plan_id is None or self.w.quarter is None:
            return None
        rows = workspace.load_action_rows(
            self.w.db, self.w.plan_id, self.w.quarter.code, self.w.today
        )
        dialog = RolloverDialog(self.w.quarter.year.label, rows, self.w)
        if self.w._ask(dialog):
            self.w.edits.rollover(self.w.plan_id, dialog.chosen_ids(), dialog.target_year())

    def new_empty_plan(self) -> None:
        years = [FinancialYear.parse(p.year) for p in plans.list_plans(self.w.db)]
        suggested = (max(years).next() if years else FinancialYear.containing(self.w.today)).label
        dialog = NewPlanDialog(suggested, self.w)
        existing = plans.partnership(self.w.db)
        if existing is not None:
            # The file's partnership is named in its profile, not here.
            dialog.partnership.setText(existing.name)
            dialog.partnership.setEnabled(False)
            dialog.partnership.setToolTip("Change it in Plan ▸ Partnership…")
        if not self.w._ask(dialog):
            return
        try:
            plan_id = setup.create_empty_plan(
                self.w.db,
                dialog.financial_year(),
                partnership_name=dialog.partnership.text().strip(),
            )
        except (UserError, DatabaseError) as exc:
            self.w.show_error(str(exc))
            return
        self.w.plan_id = plan_id
        self.w.reload()
        self.w.statusBar().showMessage(
            "New plan started. Add key priorities and objectives from the Plan menu.", 8000
        )

    def edit_reference_data(self) -> None:
        dialog = ReferenceDataDialog(self.w.db, self.w.edits, self.w)
        self.w._ask(dialog)
