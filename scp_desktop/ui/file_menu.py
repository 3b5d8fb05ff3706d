"""The file and whole-plan entries of the menus: File ▸ New partnership, Open, Open recent,
Open the demo, Save a copy, Close; Plan ▸ Partnership, Rename, Archive, Delete; View ▸ Show
archived plans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from scp_desktop.ui.main_window import MainWindow


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


def _action(
    window: MainWindow, text: str, tip: str, shortcut: QKeySequence | str | None = None
) -> QAction:
    action = QAction(text, window)
    action.setStatusTip(tip)
    action.setToolTip(tip)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    return action


def install_file_actions(window: MainWindow) -> FileActions:
    """Create the actions, bind them to `window.file_commands` and put them in the menus."""
    commands = window.file_commands
    key = QKeySequence.StandardKey
    a = FileActions(
        new_partnership=_action(
            window, "New p&artnership…", "Start a new partnership in a plan file of its own"
        ),
        open_file=_action(window, "&Open…", "Open another plan file", QKeySequence(key.Open)),
        open_demo=_action(window, "Open the &demo", "The demo plan, in its own file"),
        save_copy=_action(
            window, "Save a &copy…", "A consistent copy of this plan file", "Ctrl+Shift+C"
        ),
        close_file=_action(
            window, "C&lose", "Close this plan file and go back to the start page", "Ctrl+F4"
        ),
        partnership=_action(
            window,
            "Part&nership…",
            "Name, area, Prepared by, contact, logo, RAG wording and footer of the documents",
        ),
        rename_plan=_action(window, "Rena&me plan…", "Give the chosen plan a new title"),
        archive_plan=_action(
            window,
            "Arc&hive plan",
            "Close the chosen plan and leave it out of the plan list (or bring it back)",
        ),
        delete_plan=_action(window, "Dele&te plan…", "Delete the chosen plan and its actions"),
        show_archived=_action(window, "Show arc&hived plans", "List closed plans in the picker"),
    )
    a.new_partnership.triggered.connect(lambda: commands.new_partnership())
    a.open_file.triggered.connect(lambda: commands.open_file())
    a.open_demo.triggered.connect(lambda: commands.open_demo())
    a.save_copy.triggered.connect(lambda: commands.save_copy())
    a.close_file.triggered.connect(lambda: commands.close_file())
    a.partnership.triggered.connect(lambda: commands.edit_partnership())
    a.rename_plan.triggered.connect(lambda: commands.rename_plan())
    a.archive_plan.triggered.connect(lambda: commands.archive_plan())
    a.delete_plan.triggered.connect(lambda: commands.delete_plan())
    a.show_archived.setCheckable(True)
    a.show_archived.setChecked(commands.show_archived)
    a.show_archived.toggled.connect(commands.set_show_archived)

    file_menu = window.acts.menus["File"]
    # The File and Plan menus always hold build_actions' entries, so each has a first one.
    first = file_menu.actions()[0]
    for action in (a.new_partnership, a.open_file):
        file_menu.insertAction(first, action)
    file_menu.insertMenu(first, commands.recent_menu)
    file_menu.insertAction(first, a.open_demo)
    file_menu.insertSeparator(first)
    # Save a copy and Close go after the plan entries, before Preferences.
    preferences = window.acts.preferences
    file_menu.insertAction(preferences, a.save_copy)
    file_menu.insertAction(preferences, a.close_file)
    file_menu.insertSeparator(preferences)

    plan_menu = window.acts.menus["Plan"]
    plan_first = plan_menu.actions()[0]
    plan_menu.insertAction(plan_first, a.partnership)
    plan_menu.insertSeparator(plan_first)
    plan_menu.addSeparator()
    for action in (a.rename_plan, a.archive_plan, a.delete_plan):
        plan_menu.addAction(action)

    view_menu = window.acts.menus["View"]
    view_menu.insertAction(window.acts.refresh, a.show_archived)
    return a
