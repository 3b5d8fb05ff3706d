"""The menu bar's menus in order. Their titles go up with the window's frame, before the
commands in them are built; `menus.build_actions` then fills the same menus in place."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu

# (title with its Alt letter, name the registry's commands are placed by)
MENUS: tuple[tuple[str, str], ...] = (
    ("&File", "File"),
    ("&Edit", "Edit"),
    ("&View", "View"),
    ("&Action", "Action"),
    ("&Plan", "Plan"),
    ("Re&turns", "Returns"),
    ("Stat&istics", "Statistics"),
    ("&Reports", "Reports"),
    ("&Help", "Help"),
)


def window_menus(window: QMainWindow) -> dict[str, QMenu]:
    """The window's menus by name: those already on its bar, and any missing added."""
    bar = window.menuBar()
    present = {action.text(): action.menu() for action in bar.actions()}
    menus: dict[str, QMenu] = {}
    for title, name in MENUS:
        menu = present.get(title)
        menus[name] = menu if isinstance(menu, QMenu) else bar.addMenu(title)
    return menus
