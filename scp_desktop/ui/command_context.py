"""What a command may use of the window it runs in: the narrow, typed CommandContext."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    # Types only: importing this module must not bring in the database layers.
    from pathlib import Path

    from PySide6.QtWidgets import QDialog, QWidget

    from scp_desktop.domain.periods import Quarter
    from scp_desktop.services.plan_reads import ActionRow
    from scp_desktop.services.workspace import PlanStructure
    from scp_desktop.storage.database import Database, OpenResult
    from scp_desktop.ui.edits import Edits
    from scp_desktop.ui.file_access import Access
    from scp_desktop.ui.settings import Settings
    from scp_desktop.ui.undo import Changed


class CommandContext(Protocol):
    """The main window as the commands see it. A command asks through these and nothing
    else, so the window's widgets and private methods can change without breaking one."""

    @property
    def db(self) -> Database:
        """The plan database open now."""
        ...

    @property
    def edits(self) -> Edits:
        """Undoable writes to the plan."""
        ...

    @property
    def settings(self) -> Settings: ...

    @property
    def today(self) -> dt.date: ...

    @property
    def plan_id(self) -> int | None:
        """The plan chosen in the picker; None before one is chosen."""
        ...

    @property
    def quarter(self) -> Quarter | None:
        """The quarter chosen in the picker; None without a plan."""
        ...

    @property
    def structure(self) -> PlanStructure:
        """The chosen plan's key priorities and objectives."""
        ...

    def current_action_id(self) -> int | None:
        """The action chosen in the table, if any."""
        ...

    def require_action(self) -> int | None:
        """The chosen action, or None after telling the officer to choose one."""
        ...

    def action_row(self, action_id: int) -> ActionRow:
        """The table's row for an action of the plan shown."""
        ...

    def structure_context(self) -> tuple[int | None, int | None]:
        """(key priority id, objective id) the officer is working in: the navigator's
        node, else the chosen action's."""
        ...

    def dialog_parent(self) -> QWidget:
        """The widget a command's dialog belongs to."""
        ...

    def ask(self, dialog: QDialog) -> bool:
        """Run a dialog modally (with its Help); True when accepted."""
        ...

    def confirm(self, title: str, question: str) -> bool:
        """A Yes/No question; True for Yes."""
        ...

    def show_error(self, message: str) -> None: ...

    def show_info(self, message: str, timeout_ms: int = 5000) -> None:
        """A passing note in the status bar."""
        ...

    def refresh(self, change: Changed) -> None:
        """Show what a change touched, read again from the database."""
        ...

    def reload(self) -> None:
        """Read everything again from the database."""
        ...

    def open_plan(self, plan_id: int | None) -> None:
        """Show another plan of the file (None: the one remembered, or the first)."""
        ...


class FileCommandContext(CommandContext, Protocol):
    """What the file commands need beyond the others: the file itself changes under them."""

    def hold_file(self, access: Access) -> None:
        """Hold the file now opened (its lock, if any) for as long as this window shows it,
        letting go of the file held before, so another window may open that one for changes."""
        ...

    def start_daily_backup(self, path: Path) -> None:
        """Take today's backup of the file at `path`, now shown, in the background; the
        status bar says how it went and closing the window stops it."""
        ...

    def close_window(self) -> None:
        """Close the window, letting go of its file (the officer quit the start page)."""
        ...

    def use_database(self, db: Database, open_result: OpenResult | None = None) -> None:
        """Show `db` in this window in place of the file open now."""
        ...

    def open_in_new_window(self, db: Database, open_result: OpenResult | None) -> None:
        """Show `db` in a new window, built for it, in place of this one."""
        ...

    def open_plan_from_spreadsheet(self) -> None: ...

    def clear_undo(self) -> None:
        """Forget every edit there is to undo (they name what is gone)."""
        ...
