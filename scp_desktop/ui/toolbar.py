"""Toolbar helpers: buttons that keep their size while the menu's wording changes."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from shiboken6 import isValid


class FixedTextAction(QAction):
    """Shows a fixed text, triggers `source` and follows its enabled state; the full wording
    of `source` (e.g. "Undo Set RAG") is its tooltip."""

    def __init__(self, source: QAction, text: str, parent: QObject) -> None:
        super().__init__(text, parent)
        self._source = source
        self.triggered.connect(self._trigger)
        # A bound method of this action: the connection ends when either is deleted.
        source.changed.connect(self._follow)
        self._follow()

    def _trigger(self) -> None:
        self._source.trigger()

    def _follow(self) -> None:
        if not isValid(self._source):
            return  # the window is closing: its undo stack lets go of its actions first
        self.setEnabled(self._source.isEnabled())
        self.setToolTip(self._source.text().replace("&", ""))


def fixed_text_twin(action: QAction, text: str, parent: QObject) -> QAction:
    return FixedTextAction(action, text, parent)
