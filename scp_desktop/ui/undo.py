"""Undo and redo of edits: each command calls a service, which commits at once.

An edit is done first, outside the stack, so a refused edit (a UserError) never lands on
the stack; the command's first redo() then does nothing. Later undo/redo calls the
services again with the version the command's last write produced; if the record has
changed since (another window, another instance, an import), the service refuses, the
command is marked obsolete and the officer told who changed what and when.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from scp_desktop.services.errors import ConflictError, UserError
from scp_desktop.storage.errors import DatabaseError


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
        self._run(self._redo, "redo")

    def undo(self) -> None:
        self._run(self._undo, "undo")

    def _run(self, step: Callable[[], Changed], direction: str) -> None:
        controller = self._controller()
        if controller is not None:
            controller.run_step(self, step, direction)


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
        *,
        conflicts: bool = False,
    ) -> bool:
        """Do an edit now; if it succeeded, push it so it can be undone. False if refused.

        With `conflicts`, a ConflictError (the record changed since the caller read it) is
        raised to the caller, whose dialog offers to reload or overwrite.
        """
        try:
            result = do()
        except ConflictError as exc:
            if conflicts:
                raise
            self.failed.emit(str(exc))
            return False
        except (UserError, DatabaseError) as exc:
            self.failed.emit(str(exc))
            return False
        self.stack.push(ServiceCommand(text, undo, redo or do, self))
        self.changed.emit(result)
        return True

    def run_step(
        self, command: ServiceCommand, step: Callable[[], Changed], direction: str = "undo"
    ) -> None:
        try:
            result = step()
        except ConflictError as exc:
            # Never applied: putting the old state back would overwrite the newer change.
            command.setObsolete(True)
            self.failed.emit(
                f"Could not {direction} “{command.text()}”: it would overwrite a later change. "
                f"{exc}"
            )
            return
        except (UserError, DatabaseError) as exc:
            command.setObsolete(True)
            self.failed.emit(f"Could not {command.text().lower()}: {exc}")
            return
        self.changed.emit(result)
