"""The commands of the menus and toolbar: each declared once, bound to a live handler, and
enabled only when it can apply (a plan, an action chosen, a plan that may be changed)."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMetaMethod
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar
from pytestqt.qtbot import QtBot

from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
from scp_desktop.storage.database import Database, open_database
from scp_desktop.ui import action_registry
from scp_desktop.ui.action_registry import (
    ACTIONS,
    READ_ONLY_TIP,
    TOOLBAR,
    WRITING_ACTIONS,
    CommandState,
    When,
)
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.menus import ACTION_FIELDS, apply_state, build_actions
from tests.ui.keyboard_walk import close_what_opens
from tests.ui.windows import officer_settings, shown_window

TODAY = dt.date(2022, 8, 15)
UI = Path(__file__).resolve().parents[2] / "scp_desktop" / "ui"
# The commands that need an action chosen in the table.
ON_AN_ACTION = (
    "edit_action",
    "update_action",
    "duplicate_action",
    "move_action",
    "complete_action",
    "attach_evidence",
    "delete_action",
)

# What applies before a plan file is attached: leaving, the docks, the table page and help.
NEED_NO_FILE = {"quit", "show_table", "show_navigator", "show_history", "guide", "about"}


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    yield shown_window(qtbot, demo_db, tmp_path, TODAY)


def _enabled(window: MainWindow, *ids: str) -> dict[str, bool]:
    return {i: window.acts.by_id(i).isEnabled() for i in ids}


def _connected(action: QAction) -> bool:
    signals = (action.triggered, action.toggled)
    return any(action.isSignalConnected(QMetaMethod.fromSignal(s)) for s in signals)


def _menu_actions(menu: QMenu, path: str) -> Iterator[tuple[str, QAction]]:
    for action in menu.actions():
        if action.isSeparator():
            continue
        label = f"{path} ▸ {action.text().replace('&', '')}"
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            submenu.aboutToShow.emit()  # Open recent fills itself as it opens
            yield from _menu_actions(submenu, label)
        else:
            yield label, action


def _close_what_opens(trigger: Callable[[], object]) -> list[str]:
    """Trigger, closing every modal window and popup it opens; their titles."""
    opened: list[str] = []
    close_what_opens(
        trigger, lambda modal: opened.append(modal.windowTitle() or type(modal).__name__)
    )
    return opened


# ------------------------------------------------------------ the registry itself


def test_the_registry_declares_each_command_once_with_unique_alt_letters() -> None:
    ids = [spec.id for spec in ACTIONS]
    assert len(ids) == len(set(ids))
    assert tuple(ids) == ACTION_FIELDS  # the typed handle lists exactly the registry
    assert {i for i in TOOLBAR if i is not None} <= set(ids)
    for menu in {spec.menu for spec in ACTIONS}:
        letters = [spec.text.split("&")[1][0].lower() for spec in ACTIONS if spec.menu == menu]
        assert all(spec.text.count("&") == 1 for spec in ACTIONS if spec.menu == menu)
        assert len(letters) == len(set(letters)), menu
    assert set(WRITING_ACTIONS) >= {"new_action", "edit_action", "partnership", "delete_plan"}
    assert "reports" not in WRITING_ACTIONS and "export_plan" not in WRITING_ACTIONS


def test_before_a_plan_file_is_attached_only_what_needs_none_applies() -> None:
    nothing = CommandState()
    enabled = {spec.id for spec in ACTIONS if spec.enabled_when(nothing)}
    assert enabled == NEED_NO_FILE
    everything = CommandState(**dict.fromkeys(CommandState.__dataclass_fields__, True))
    assert all(spec.enabled_when(everything) for spec in ACTIONS)


def test_a_condition_needs_every_part_it_names() -> None:
    edit = When(writable=True, plan=True, action=True)
    assert edit(CommandState(database=True, plan=True, writable=True, action=True))
    assert not edit(CommandState(database=True, plan=True, writable=False, action=True))
    assert not edit(CommandState(database=True, plan=True, writable=True, action=False))
    assert not edit(CommandState(database=False, plan=True, writable=True, action=True))


def test_a_command_without_a_handler_stops_the_window_being_built(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMainWindow

    shell = QMainWindow()
    qtbot.addWidget(shell)
    handlers: dict[str, Callable[..., object]] = {
        s.id: shell.close for s in ACTIONS if not s.provided and s.id != "edit_action"
    }
    provided = {"undo": QAction("&Undo", shell), "redo": QAction("&Redo", shell)}
    with pytest.raises(ValueError, match="edit_action"):
        build_actions(shell, handlers, provided)
    handlers["edit_action"] = shell.close
    handlers["edit_acton"] = shell.close  # a misspelt one is refused too
    with pytest.raises(ValueError, match="edit_acton"):
        build_actions(shell, handlers, provided)


# ------------------------------------------------------------ a real window


def test_every_menu_entry_and_toolbar_button_has_a_live_handler(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.select_action(window.model.row_at(0).id)
    # View ▸ Show archived plans, walked before Plan ▸ Archive plan, turns on: the archived
    # plan stays in the picker and the menus after it still have a plan to act on.
    window.file_acts.show_archived.setChecked(False)
    entries = [
        (label, action)
        for top in window.menuBar().actions()
        if isinstance(top.menu(), QMenu)
        for label, action in _menu_actions(top.menu(), top.text().replace("&", ""))
    ]
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert toolbar is not None
    # The pickers' widgets have no text; the buttons do.
    entries += [
        (f"Toolbar ▸ {a.text().replace('&', '')}", a) for a in toolbar.actions() if a.text()
    ]
    assert len(entries) >= len(ACTIONS)
    unbound = [label for label, action in entries if not _connected(action)]
    assert not unbound, unbound
    opened: dict[str, list[str]] = {}
    with qtbot.captureExceptions() as raised:
        for label, action in entries:
            if action is window.acts.quit or not action.isEnabled():
                continue
            opened[label] = _close_what_opens(action.trigger)
            if window.current_action_id() is None and window.model.rowCount():
                window.select_action(window.model.row_at(0).id)
    assert not raised, [f"{e[0].__name__}: {e[1]}" for e in raised]
    # The dialogs came from the entries that name them.
    assert opened["Action ▸ Edit action…"] == ["Edit action"]
    assert any("Prepare" in t for t in opened["Returns ▸ Prepare returns…"])
    assert opened["Toolbar ▸ New action…"]
    assert len([label for label, titles in opened.items() if titles]) >= 25
    assert len(opened) >= len(entries) - 5  # all but Exit, Undo, Redo and the empty Recent


def test_action_commands_are_off_without_an_action_and_on_again_with_one(
    window: MainWindow,
) -> None:
    first = window.model.row_at(0).id
    assert window.select_action(first)
    assert all(_enabled(window, *ON_AN_ACTION).values())
    window.table.selectionModel().clearCurrentIndex()
    window.navigator.tree.setCurrentItem(None)  # type: ignore[arg-type]
    assert window.current_action_id() is None
    assert not any(_enabled(window, *ON_AN_ACTION).values())
    assert not any(_enabled(window, "edit_priority", "edit_objective", "new_objective").values())
    # A new action needs only the plan; the plan's reading commands stay on.
    assert all(_enabled(window, "new_action", "new_priority", "reports", "export_plan").values())
    window.acts.edit_action.trigger()  # a shortcut on a greyed command does nothing
    assert window.select_action(first)
    assert all(_enabled(window, *ON_AN_ACTION).values())
    assert all(_enabled(window, "edit_priority", "edit_objective").values())


def test_undo_and_redo_follow_the_stack(window: MainWindow, qtbot: QtBot) -> None:
    assert not any(_enabled(window, "undo", "redo").values())
    window.select_action(window.model.row_at(0).id)
    window.acts.complete_action.trigger()
    qtbot.waitUntil(window.acts.undo.isEnabled)
    assert window.toolbar_undo.isEnabled()
    window.acts.undo.trigger()
    qtbot.waitUntil(lambda: not window.acts.undo.isEnabled())
    assert window.acts.redo.isEnabled()


def test_a_file_without_a_plan_greys_what_needs_one(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    window = MainWindow(sqlite_db, officer_settings(tmp_path), today=TODAY)
    qtbot.addWidget(window)
    assert window.plan_id is None
    needs_plan = [s.id for s in ACTIONS if s.enabled_when.plan]
    assert "new_action" in needs_plan and "reports" in needs_plan
    assert not any(_enabled(window, *needs_plan).values())
    assert all(_enabled(window, "new_plan", "plan_from_spreadsheet", "find", "about").values())
    # And a window not yet given its file: nothing that needs one.
    apply_state(window.acts, CommandState())
    on = {s.id for s in ACTIONS if window.acts.by_id(s.id).isEnabled()}
    assert on == NEED_NO_FILE


@pytest.mark.parametrize("kind", [ReadOnlyKind.ASKED, ReadOnlyKind.ROLE])
def test_read_only_greys_every_write_with_the_reason_and_keeps_the_banner(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, kind: ReadOnlyKind
) -> None:
    path = demo_db.path
    demo_db.close()
    db, result = open_database(
        path, user="Tom Brown", read_only=ReadOnly(kind, "Opened to look, not to change.")
    )
    window = MainWindow(db, officer_settings(tmp_path), open_result=result, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    assert window.read_only_banner.isVisible()
    assert window.select_action(window.model.row_at(0).id)
    for action_id in WRITING_ACTIONS:
        action = window.acts.by_id(action_id)
        assert not action.isEnabled(), action_id
        if action_id not in ("undo", "redo"):
            assert action.toolTip() == READ_ONLY_TIP, action_id
    assert all(_enabled(window, "reports", "export_plan", "prepare_returns", "find").values())
    assert window.acts.new_action.toolTip() == READ_ONLY_TIP
    window.close()
    db.close()


# ------------------------------------------------------------ the commands' modules

COMMAND_MODULES = sorted(UI.glob("*commands*.py"))
NARROW = [*COMMAND_MODULES, UI / "action_registry.py", UI / "command_context.py", UI / "menus.py"]


@pytest.mark.parametrize(
    "path", [*NARROW, UI / "table_tools.py", UI / "file_menu.py"], ids=lambda p: p.name
)
def test_command_modules_never_name_the_main_window(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "scp_desktop.ui.main_window" not in imported
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert "MainWindow" not in names
    # Nor the window's private methods: a command asks through its context.
    private = {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute)
        and isinstance(n.value, ast.Attribute)
        and n.value.attr == "c"
        and n.attr.startswith("_")
    }
    assert not private


def test_command_modules_load_without_the_database_layers() -> None:
    modules = [f"scp_desktop.ui.{p.stem}" for p in NARROW]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'"
        " or m.startswith(('scp_desktop.storage', 'scp_desktop.services'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
    assert "scp_desktop.ui.action_commands" in modules and len(COMMAND_MODULES) >= 3
    assert action_registry.__name__ in modules
