"""The main window's menus, toolbar actions and shortcuts, built in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


@dataclass
class WindowActions:
    new_plan: QAction
    backups: QAction
    preferences: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    find: QAction
    clear_filters: QAction
    show_table: QAction
    show_dashboard: QAction
    refresh: QAction
    new_action: QAction
    edit_action: QAction
    update_action: QAction
    duplicate_action: QAction
    move_action: QAction
    complete_action: QAction
    delete_action: QAction
    attach_evidence: QAction
    new_priority: QAction
    edit_priority: QAction
    delete_priority: QAction
    new_objective: QAction
    edit_objective: QAction
    delete_objective: QAction
    rollover: QAction
    reference_data: QAction
    prepare_returns: QAction
    import_returns: QAction
    plan_from_spreadsheet: QAction
    export_plan: QAction
    reports: QAction
    meetings: QAction
    indicators: QAction
    about: QAction
    menus: dict[str, QMenu]


def _action(
    window: QMainWindow,
    text: str,
    slot: Callable[[], object],
    shortcut: QKeySequence | str | QKeySequence.StandardKey | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_actions(window: QMainWindow, w: object, undo: QAction, redo: QAction) -> WindowActions:
    """Create every QAction bound to the methods of `w` (the main window) and fill the menu bar."""

    def slot(name: str) -> Callable[[], object]:
        """Late-bound: 'new_action' or 'plan_commands.new_priority' on the window."""

        def call() -> object:
            target: Any = w
            for part in name.split("."):
                target = getattr(target, part)
            return target()

        return call

    key = QKeySequence.StandardKey
    a = WindowActions(
        new_plan=_action(window, "&New empty plan…", slot("plan_commands.new_empty_plan")),
        backups=_action(
            window,
            "&Backups…",
            slot("open_backups"),
            None,
            "Backups of the plan database: restore one, back up now",
        ),
        preferences=_action(window, "&Preferences…", slot("edit_preferences"), key.Preferences),
        quit=_action(window, "E&xit", window.close, key.Quit),
        undo=undo,
        redo=redo,
        find=_action(window, "&Find…", slot("focus_search"), key.Find),
        clear_filters=_action(window, "C&lear filters", slot("clear_filters"), "Ctrl+Shift+L"),
        show_table=_action(window, "&Action table", slot("show_table"), "Ctrl+1"),
        show_dashboard=_action(window, "&Dashboard", slot("show_dashboard"), "Ctrl+2"),
        refresh=_action(window, "&Refresh", slot("reload"), key.Refresh),
        new_action=_action(
            window,
            "&New action…",
            slot("action_commands.new_action"),
            key.New,
            "Add a project / initiative",
        ),
        edit_action=_action(window, "&Edit action…", slot("action_commands.edit_action"), "Ctrl+E"),
        update_action=_action(
            window,
            "Progress &update…",
            slot("action_commands.edit_update"),
            "Ctrl+U",
            "RAG and progress update for the chosen quarter",
        ),
        duplicate_action=_action(
            window, "D&uplicate action", slot("action_commands.duplicate_action"), "Ctrl+D"
        ),
        move_action=_action(window, "&Move action…", slot("action_commands.move_action"), "Ctrl+M"),
        complete_action=_action(
            window, "Mark &complete", slot("action_commands.complete_action"), "Ctrl+K"
        ),
        delete_action=_action(
            window, "&Delete action", slot("action_commands.delete_action"), "Ctrl+Del"
        ),
        attach_evidence=_action(
            window, "A&ttach evidence…", slot("action_commands.attach_evidence"), "Ctrl+T"
        ),
        new_priority=_action(window, "New &key priority…", slot("plan_commands.new_priority")),
        edit_priority=_action(window, "&Edit key priority…", slot("plan_commands.edit_priority")),
        delete_priority=_action(
            window, "&Delete key priority", slot("plan_commands.delete_priority")
        ),
        new_objective=_action(window, "New &objective…", slot("plan_commands.new_objective")),
        edit_objective=_action(window, "Edit o&bjective…", slot("plan_commands.edit_objective")),
        delete_objective=_action(
            window, "Delete ob&jective", slot("plan_commands.delete_objective")
        ),
        rollover=_action(window, "&Roll over into next year…", slot("plan_commands.rollover_plan")),
        reference_data=_action(
            window,
            "&Partners, frameworks, funding and acronyms…",
            slot("plan_commands.edit_reference_data"),
        ),
        prepare_returns=_action(
            window, "&Prepare returns…", slot("open_prepare_returns"), "Ctrl+Shift+P"
        ),
        import_returns=_action(
            window, "&Import returns…", slot("open_import_returns"), "Ctrl+Shift+I"
        ),
        plan_from_spreadsheet=_action(
            window,
            "New plan from &spreadsheet…",
            slot("open_plan_from_spreadsheet"),
            None,
            "Build a plan from the spreadsheet you already keep",
        ),
        export_plan=_action(
            window, "&Export plan to Excel…", slot("open_export_plan"), "Ctrl+Shift+E"
        ),
        reports=_action(window, "&Reports…", slot("open_reports"), "Ctrl+Shift+R"),
        meetings=_action(
            window,
            "&Meetings and agendas…",
            slot("open_meetings"),
            None,
            "Set up meetings and their agendas, attach papers, make the meeting pack",
        ),
        indicators=_action(
            window,
            "Performance &statistics…",
            slot("open_indicators"),
            "Ctrl+Shift+S",
            "Indicators, their values, targets and computed status",
        ),
        about=_action(window, "&About SCP Desktop", slot("about")),
        menus={},
    )
    undo.setShortcuts([QKeySequence(key.Undo)])
    # Ctrl+Y as on Windows, plus the platform's own redo keys (which may include Ctrl+Y).
    redo_keys = [QKeySequence("Ctrl+Y")]
    redo_keys += [k for k in QKeySequence.keyBindings(key.Redo) if k not in redo_keys]
    redo.setShortcuts(redo_keys)
    bar = window.menuBar()
    layout: list[tuple[str, list[QAction | None]]] = [
        (
            "&File",
            [
                a.new_plan,
                a.plan_from_spreadsheet,
                None,
                a.backups,
                None,
                a.preferences,
                None,
                a.quit,
            ],
        ),
        ("&Edit", [a.undo, a.redo, None, a.find, a.clear_filters]),
        ("&View", [a.show_table, a.show_dashboard, None, a.refresh]),
        (
            "&Action",
            [
                a.new_action,
                a.edit_action,
                a.update_action,
                None,
                a.duplicate_action,
                a.move_action,
                a.complete_action,
                a.attach_evidence,
                None,
                a.delete_action,
            ],
        ),
        (
            "&Plan",
            [
                a.new_priority,
                a.edit_priority,
                a.delete_priority,
                None,
                a.new_objective,
                a.edit_objective,
                a.delete_objective,
                None,
                a.rollover,
                None,
                a.reference_data,
            ],
        ),
        ("Re&turns", [a.prepare_returns, a.import_returns, None, a.export_plan]),
        ("Stat&istics", [a.indicators]),
        ("&Reports", [a.reports, a.meetings]),
        ("&Help", [a.about]),
    ]
    for title, actions in layout:
        menu = bar.addMenu(title)
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        a.menus[title.replace("&", "")] = menu
    return a
