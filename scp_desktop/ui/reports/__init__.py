"""Report dialog: preview, print and save the printed reports and meeting packs."""

from scp_desktop.ui.reports.dialog import ReportDialog

__all__ = ["ReportDialog"]
