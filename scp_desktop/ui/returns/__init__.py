"""Returns: Prepare returns, Import returns and New plan from spreadsheet dialogs (for the main menu)."""

from scp_desktop.ui.returns.export_plan_dialog import ExportPlanDialog
from scp_desktop.ui.returns.import_dialog import ImportReturnsDialog
from scp_desktop.ui.returns.plan_dialog import NewPlanFromSpreadsheetDialog
from scp_desktop.ui.returns.prepare_dialog import PrepareReturnsDialog

__all__ = [
    "ExportPlanDialog",
    "ImportReturnsDialog",
    "NewPlanFromSpreadsheetDialog",
    "PrepareReturnsDialog",
]
