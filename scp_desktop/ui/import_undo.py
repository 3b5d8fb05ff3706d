"""An applied import on the window's undo stack, and undone from the History of an action it touched."""

from __future__ import annotations

from collections.abc import Callable

from scp_desktop.services import import_undo
from scp_desktop.services.import_undo import AppliedImport
from scp_desktop.services.returns.apply import ApplyResult
from scp_desktop.storage.database import Database
from scp_desktop.ui.undo import Changed, ServiceCommand, UndoController


def _changed(done: AppliedImport) -> Changed:
    return Changed(action_ids=done.action_ids)


def _steps(db: Database, import_id: int) -> tuple[Callable[[], Changed], Callable[[], Changed]]:
    def undo() -> Changed:
        return _changed(import_undo.undo_import(db, import_id))

    def redo() -> Changed:
        return _changed(import_undo.redo_import(db, import_id))

    return undo, redo


def push_applied(controller: UndoController, db: Database, result: ApplyResult) -> None:
    """Put an import just applied on the undo stack: Edit ▸ Undo puts back what it replaced."""
    if result.import_id is None or not result.action_ids:
        return
    applied = import_undo.applied_import(db, result.import_id)
    undo, redo = _steps(db, result.import_id)
    text = f"Import of {applied.files_text}"
    # Pushed after the import was written: the command's first redo does nothing.
    controller.stack.push(ServiceCommand(text, undo, redo, controller))


def undo_from_history(controller: UndoController, db: Database, import_id: int) -> bool:
    """Undo an import chosen in an action's History; itself an edit Edit ▸ Undo can take back."""
    applied = import_undo.applied_import(db, import_id)
    undo, redo = _steps(db, import_id)
    return controller.run(f"Undo {applied.label}", undo, redo)
