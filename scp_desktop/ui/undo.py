"""Undo and redo of edits: each command calls a service, which commits at once.

An edit is done first, outside the stack, so a refused edit (a UserError) never lands on
the stack; the command's first redo() then does nothing. Later undo/redo calls the
services again; if the database refuses (someone else changed it), the command is
marked obsolete and the officer told why.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import DatabaseError


@dataclass(frozen=True)
class Changed:
    """What an edit touched, so views refresh only what they must."""

    action_ids: tuple[int, ...] = ()
    removed_action_ids: tuple[int, ...] = ()
    structure: bool = False  # priorities, objectives or plans changed
    reference: bool = False  # partners, frameworks, acronyms, funding streams
    select_action: int | None = None
    plans: bool = False
    extra: dict[str, object] = field(default_factory=dict)


class ServiceCommand(QUndoCommand):
    def __init__(
        self,
        text: str,
        undo: Callable[[], Changed],
        redo: Callable[[], Changed],
        controller: UndoController,
    ) -> None:
        super().__init__(text)
        self._undo = undo
        self._redo = redo
        # Weak: the controller owns the stack that owns this command; a strong reference back
        # would make a cycle freed only by the cyclic collector (docs/object-lifetimes.md).
        self._controller = weakref.ref(controller)
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, step: Callable[[], Changed]) -> None:
        controller = self._controller()
        if controller is not None:
            controller.run_step(self, step)


class UndoController(QObject):
    """Owns the QUndoStack; reports changes and errors by signal."""

    changed = Signal(object)  # Changed
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(200)

    def run(
        self,
        text: str,
        do: Callable[[], Changed],
        undo: Callable[[], Changed],
        redo: Callable[[], Changed] | None = None,
    ) -> bool:
        """Do an edit now; if it succeeded, push it so it can be undone. False if refused."""
        try:
            result = do()
        except (UserError, DatabaseError) as exc:
            self.failed.emit(str(exc))
            return False
        self.stack.push(ServiceCommand(text, undo, redo or do, self))
        self.changed.emit(result)
        return True

    def run_step(self, command: ServiceCommand, step: Callable[[], Changed]) -> None:
        try:
            result = step()
        except (UserError, DatabaseError) as exc:
            command.setObsolete(True)
            self.failed.emit(f"Could not {command.text().lower()}: {exc}")
            return
        self.changed.emit(result)
