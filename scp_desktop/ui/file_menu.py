"""Where the file and whole-plan commands sit beside the registry's: File ▸ Open recent
after Open…, and the typed handle on File ▸ New partnership, Open, Open the demo, Save a copy,
Close; Plan ▸ Partnership, Rename, Archive, Delete; View ▸ Show archived plans."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSignalBlocker
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from scp_desktop.ui.menus import WindowActions


@dataclass
class FileActions:
    new_partnership: QAction
    open_file: QAction
    open_demo: QAction
    save_copy: QAction
    close_file: QAction
    partnership: QAction
    rename_plan: QAction
    archive_plan: QAction
    delete_plan: QAction
    show_archived: QAction


def install_file_actions(
    acts: WindowActions, recent_menu: QMenu, show_archived: bool
) -> FileActions:
    """Put Open recent in the File menu and show whether archived plans are listed."""
    acts.menus["File"].insertMenu(acts.open_demo, recent_menu)
    # Set before the officer sees it: no reload for the state it starts in.
    blocker = QSignalBlocker(acts.show_archived)
    acts.show_archived.setChecked(show_archived)
    blocker.unblock()
    return FileActions(
        new_partnership=acts.new_partnership,
        open_file=acts.open_file,
        open_demo=acts.open_demo,
        save_copy=acts.save_copy,
        close_file=acts.close_file,
        partnership=acts.partnership,
        rename_plan=acts.rename_plan,
        archive_plan=acts.archive_plan,
        delete_plan=acts.delete_plan,
        show_archived=acts.show_archived,
    )
