"""The main window's menus and commands, built from the action registry and bound to the
callables the window hands over."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, cast

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from scp_desktop.ui.action_registry import (
    ACTIONS,
    READ_ONLY_TIP,
    ActionSpec,
    CommandState,
)
from scp_desktop.ui.menu_bar import window_menus


@dataclass
class WindowActions:
    """The window's QActions by registry id, typed for the code that places them elsewhere
    (context menus, the toolbar)."""

    new_partnership: QAction
    open_file: QAction
    open_demo: QAction
    connect_shared: QAction
    new_plan: QAction
    plan_from_spreadsheet: QAction
    backups: QAction
    save_copy: QAction
    close_file: QAction
    preferences: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    find: QAction
    clear_filters: QAction
    show_table: QAction
    show_dashboard: QAction
    show_archived: QAction
    refresh: QAction
    show_navigator: QAction
    show_history: QAction
    export_view: QAction
    print_view: QAction
    choose_columns: QAction
    new_action: QAction
    edit_action: QAction
    update_action: QAction
    duplicate_action: QAction
    move_action: QAction
    complete_action: QAction
    attach_evidence: QAction
    delete_action: QAction
    partnership: QAction
    new_priority: QAction
    edit_priority: QAction
    delete_priority: QAction
    new_objective: QAction
    edit_objective: QAction
    delete_objective: QAction
    rollover: QAction
    reference_data: QAction
    rename_plan: QAction
    archive_plan: QAction
    delete_plan: QAction
    prepare_returns: QAction
    import_returns: QAction
    export_plan: QAction
    indicators: QAction
    reports: QAction
    meetings: QAction
    guide: QAction
    about: QAction
    menus: dict[str, QMenu] = field(default_factory=dict)

    def by_id(self, action_id: str) -> QAction:
        action: QAction = getattr(self, action_id)
        return action


ACTION_FIELDS = tuple(f.name for f in fields(WindowActions) if f.name != "menus")

Handler = Callable[..., object]


def _create(window: QMainWindow, spec: ActionSpec, handler: Handler) -> QAction:
    action = QAction(spec.text, window)
    action.setObjectName(spec.id)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    if spec.tip:
        action.setStatusTip(spec.tip)
        action.setToolTip(spec.tip)
    if spec.icon:
        action.setIcon(QIcon.fromTheme(spec.icon))
    action.setCheckable(spec.checkable)
    if spec.toggles:
        action.toggled.connect(handler)
    else:
        action.triggered.connect(lambda _checked=False: handler())
    return action


def _undo_redo_keys(undo: QAction, redo: QAction) -> None:
    key = QKeySequence.StandardKey
    undo.setShortcuts([QKeySequence(key.Undo)])
    # Ctrl+Y as on Windows, plus the platform's own redo keys (which may include Ctrl+Y).
    redo_keys = [QKeySequence("Ctrl+Y")]
    redo_keys += [k for k in QKeySequence.keyBindings(key.Redo) if k not in redo_keys]
    redo.setShortcuts(redo_keys)


def build_actions(
    window: QMainWindow, handlers: Mapping[str, Handler], provided: Mapping[str, QAction]
) -> WindowActions:
    """Create a QAction for every registry entry, bound to its handler, and fill the menu
    bar. A command without a handler (or a handler without a command) stops the window
    being built, so a renamed method is found at once, never by an officer's click."""
    made = {s.id for s in ACTIONS if not s.provided}
    if made != set(handlers) or {s.id for s in ACTIONS if s.provided} != set(provided):
        missing = sorted(made - set(handlers))
        unknown = sorted(set(handlers) - made)
        raise ValueError(f"Commands without a handler: {missing}; handlers of nothing: {unknown}")
    actions = {
        s.id: provided[s.id] if s.provided else _create(window, s, handlers[s.id]) for s in ACTIONS
    }
    _undo_redo_keys(actions["undo"], actions["redo"])
    a = WindowActions(**cast(dict[str, Any], actions))
    for name, menu in window_menus(window).items():
        for spec in (s for s in ACTIONS if s.menu == name):
            if spec.separator_before and not menu.isEmpty():
                menu.addSeparator()
            menu.addAction(actions[spec.id])
        a.menus[name] = menu
    return a


def apply_state(a: WindowActions, state: CommandState) -> None:
    """Enable the commands that can apply now; those off because the plan is read-only
    say so in their tooltip."""
    for spec in ACTIONS:
        action = a.by_id(spec.id)
        enabled = spec.enabled_when(state)
        action.setEnabled(enabled)
        if spec.provided:
            continue  # the undo stack words their tips
        read_only = spec.enabled_when.writable and state.database and not state.writable
        tip = READ_ONLY_TIP if read_only else spec.tip
        action.setToolTip(tip)  # empty: Qt's own, the command's text
        action.setStatusTip(tip)
