"""Toolbar helpers: buttons that keep their size while the menu's wording changes."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction


def fixed_text_twin(action: QAction, text: str, parent: QObject) -> QAction:
    """An action showing `text` that triggers `action` and follows its enabled state; the
    full wording of `action` (e.g. "Undo Set RAG") is its tooltip."""
    twin = QAction(text, parent)
    twin.setEnabled(action.isEnabled())
    twin.setToolTip(action.text().replace("&", ""))
    twin.triggered.connect(lambda _checked=False: action.trigger())

    def follow() -> None:
        twin.setEnabled(action.isEnabled())
        twin.setToolTip(action.text().replace("&", ""))

    action.changed.connect(follow)
    return twin
