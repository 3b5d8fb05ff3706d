"""Returns: the Prepare returns and Import returns dialogs (wired into the main window's menu)."""

from scp_desktop.ui.returns.import_dialog import ImportReturnsDialog
from scp_desktop.ui.returns.prepare_dialog import PrepareReturnsDialog

__all__ = ["ImportReturnsDialog", "PrepareReturnsDialog"]
