"""The application's icon: of every window and of the taskbar button."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from scp_desktop.paths import resources_dir

ICON_FILE = "icons/scp-desktop.svg"


def application_icon() -> QIcon:
    """The icon of every window and of the taskbar button (a plan sheet with RAG chips)."""
    return QIcon(str(resources_dir() / ICON_FILE))
