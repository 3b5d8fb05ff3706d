"""Commands on the plan's structure: key priorities, objectives, roll-over, new plans and the
reference data, acting through a CommandContext."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from scp_desktop.ui.command_context import CommandContext

if TYPE_CHECKING:
    from scp_desktop.services.records import Record, RecordKind

# The services and dialogs are imported when a command first runs: the window can show
# before the database layers are loaded.


class PlanCommands:
    """The Plan menu (and File ▸ New empty plan)."""

    def __init__(self, context: CommandContext) -> None:
        self.c = context

    def handlers(self) -> dict[str, Callable[[], object]]:
        """The Plan menu's commands (and File ▸ New empty plan) by their registry id."""
        return {
            "new_plan": self.new_empty_plan,
            "new_priority": self.new_priority,
            "edit_priority": self.edit_priority,
            "delete_priority": self.delete_priority,
            "new_objective": self.new_objective,
            "edit_objective": self.edit_objective,
            "delete_objective": self.delete_objective,
            "rollover": self.rollover_plan,
            "reference_data": self.edit_reference_data,
        }

    def _record(self, kind: RecordKind, parent: int | None, record_id: int) -> Record:
        from scp_desktop.services import records
        from scp_desktop.services.errors import UserError

        for r in records.list_records(self.c.db, kind, parent):
            if r.id == record_id:
                return r
        raise UserError("That record no longer exists.")

    def new_priority(self) -> None:
        from scp_desktop.services import records
        from scp_desktop.services.records import RecordKind
        from scp_desktop.ui.reference_editors import RecordFormDialog

        plan_id = self.c.plan_id
        if plan_id is None:
            return
        existing = records.list_records(self.c.db, RecordKind.PRIORITY, plan_id)
        # Numbers are unique within the plan, the 'other' section included.
        number = max((int(r.values["number"]) for r in existing), default=0)
        dialog = RecordFormDialog(
            RecordKind.PRIORITY, {"number": number + 1, "kind": "key"}, self.c.dialog_parent()
        )
        dialog.setWindowTitle("New key priority")
        if self.c.ask(dialog):
            values, _ = dialog.values()
            self.c.edits.save_record(RecordKind.PRIORITY, None, values, parent_id=plan_id)

    def edit_priority(self) -> None:
        from scp_desktop.services.records import RecordKind
        from scp_desktop.ui.reference_editors import edit_record

        priority_id, _ = self.c.structure_context()
        plan_id = self.c.plan_id
        if priority_id is None or plan_id is None:
            self.c.show_info("Choose a key priority in the navigator first.", 4000)
            return
        record = self._record(RecordKind.PRIORITY, plan_id, priority_id)
        edit_record(
            self.c.dialog_parent(),
            self.c.edits,
            RecordKind.PRIORITY,
            plan_id,
            record,
            self.c.show_error,
        )

    def delete_priority(self) -> None:
        from scp_desktop.services.records import RecordKind

        priority_id, _ = self.c.structure_context()
        if priority_id is not None:
            self.c.edits.delete_record(RecordKind.PRIORITY, priority_id)

    def new_objective(self) -> None:
        from scp_desktop.services import records
        from scp_desktop.services.records import RecordKind
        from scp_desktop.ui.reference_editors import RecordFormDialog

        priority_id, _ = self.c.structure_context()
        if priority_id is None:
            self.c.show_info("Choose a key priority in the navigator first.", 4000)
            return
        count = len(records.list_records(self.c.db, RecordKind.OBJECTIVE, priority_id))
        dialog = RecordFormDialog(
            RecordKind.OBJECTIVE, {"position": count + 1}, self.c.dialog_parent()
        )
        dialog.setWindowTitle("New objective")
        if self.c.ask(dialog):
            self.c.edits.save_record(
                RecordKind.OBJECTIVE, None, dialog.values()[0], parent_id=priority_id
            )

    def edit_objective(self) -> None:
        from scp_desktop.services.records import RecordKind
        from scp_desktop.ui.reference_editors import edit_record

        priority_id, objective_id = self.c.structure_context()
        if objective_id is None:
            self.c.show_info("Choose an objective in the navigator first.", 4000)
            return
        record = self._record(RecordKind.OBJECTIVE, priority_id, objective_id)
        edit_record(
            self.c.dialog_parent(),
            self.c.edits,
            RecordKind.OBJECTIVE,
            priority_id,
            record,
            self.c.show_error,
        )

    def delete_objective(self) -> None:
        from scp_desktop.services.records import RecordKind

        _, objective_id = self.c.structure_context()
        if objective_id is not None:
            self.c.edits.delete_record(RecordKind.OBJECTIVE, objective_id)

    def rollover_plan(self) -> None:
        from scp_desktop.services import workspace
        from scp_desktop.ui.dialogs import RolloverDialog

        plan_id, quarter = self.c.plan_id, self.c.quarter
        if plan_id is None or quarter is None:
            return
        rows = workspace.load_action_rows(self.c.db, plan_id, quarter.code, self.c.today)
        dialog = RolloverDialog(quarter.year.label, rows, self.c.dialog_parent())
        if self.c.ask(dialog):
            self.c.edits.rollover(plan_id, dialog.chosen_ids(), dialog.target_year())

    def new_empty_plan(self) -> None:
        from scp_desktop.domain.periods import FinancialYear
        from scp_desktop.services import plans, setup
        from scp_desktop.services.errors import UserError
        from scp_desktop.storage.database import DatabaseError
        from scp_desktop.ui.dialogs import NewPlanDialog

        years = [FinancialYear.parse(p.year) for p in plans.list_plans(self.c.db)]
        suggested = (max(years).next() if years else FinancialYear.containing(self.c.today)).label
        dialog = NewPlanDialog(suggested, self.c.dialog_parent())
        existing = plans.partnership(self.c.db)
        if existing is not None:
            # The file's partnership is named in its profile, not here.
            dialog.partnership.setText(existing.name)
            dialog.partnership.setEnabled(False)
            dialog.partnership.setToolTip("Change it in Plan ▸ Partnership…")
        if not self.c.ask(dialog):
            return
        try:
            plan_id = setup.create_empty_plan(
                self.c.db,
                dialog.financial_year(),
                partnership_name=dialog.partnership.text().strip(),
            )
        except (UserError, DatabaseError) as exc:
            self.c.show_error(str(exc))
            return
        self.c.open_plan(plan_id)
        self.c.show_info(
            "New plan started. Add key priorities and objectives from the Plan menu.", 8000
        )

    def edit_reference_data(self) -> None:
        from scp_desktop.ui.reference_editors import ReferenceDataDialog

        self.c.ask(ReferenceDataDialog(self.c.db, self.c.edits, self.c.dialog_parent()))
