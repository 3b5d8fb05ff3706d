"""File ▸ New partnership, Open, Recent files, Save a copy and Close; the start page's
choices; Plan ▸ Partnership, and renaming, archiving and deleting whole plans."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from scp_desktop import APP_NAME
from scp_desktop.paths import data_folder, demo_database_path
from scp_desktop.ui.command_context import FileCommandContext
from scp_desktop.ui.jobs import Job, is_running, run_with_progress
from scp_desktop.ui.settings import (
    SHOW_ARCHIVED,
    Settings,
    forget_file,
    recent_files,
    remember_file,
)
from scp_desktop.ui.start_page import StartChoice, StartPage

if TYPE_CHECKING:
    from scp_desktop.services.plan_reads import PlanInfo
    from scp_desktop.storage.database import Database, OpenResult

# The services, the database layers and the dialogs that use them are imported when a
# command first runs: the window can show before any of them is loaded.

log = logging.getLogger(__name__)

PLAN_FILES = "Plan files (*.db);;All files (*)"


@dataclass(frozen=True)
class StartResult:
    path: Path
    # Set for "start from our plan spreadsheet": the new file is empty until the
    # spreadsheet's plan is loaded into it.
    then_spreadsheet: bool = False


def open_plan_file(path: Path, user: str) -> tuple[Database, OpenResult]:
    """Open a plan file the officer chose. A missing file is refused (Open never creates);
    an empty one is set up as a plan database with nothing in it, never with the demo."""
    from scp_desktop.storage.database import DatabaseError, open_database

    if not path.exists():
        raise DatabaseError(f"There is no file at {path}.")
    # The first opening of each day backs the file up, in the background once the window
    # shows it (start_daily_backup): a large file would hold the window up for seconds.
    return open_database(path, user=user, create=True)


def new_partnership_file(parent: QWidget | None, settings: Settings, today: dt.date) -> Path | None:
    """Ask the new partnership's profile and file; create the file; None when cancelled."""
    from scp_desktop.services.errors import UserError
    from scp_desktop.services.partnership_file import create_partnership_file
    from scp_desktop.storage.database import DatabaseError
    from scp_desktop.ui.profile_dialog import PartnershipDialog

    dialog = PartnershipDialog(None, parent, new_file_folder=data_folder(), today=today)
    try:
        while dialog.exec() == PartnershipDialog.DialogCode.Accepted:
            try:
                made = create_partnership_file(
                    dialog.new_file_path(),
                    dialog.profile(),
                    year=dialog.first_year(),
                    user=settings.officer_name,
                )
            except (UserError, DatabaseError) as exc:
                # The dialog stays open with what was typed; nothing was created.
                dialog.problem.setText(str(exc))
                continue
            return made.path
        return None
    finally:
        dialog.deleteLater()


def new_spreadsheet_file(parent: QWidget | None) -> Path | None:
    """Where the plan built from a spreadsheet will live: a new file, chosen by the officer."""
    name, _ = QFileDialog.getSaveFileName(
        parent,
        "Save the new plan file as",
        str(data_folder() / "Our plan.db"),
        PLAN_FILES,
    )
    if not name:
        return None
    path = Path(name if name.lower().endswith(".db") else f"{name}.db")
    if path.exists() and path.stat().st_size > 0:
        QMessageBox.warning(
            parent,
            APP_NAME,
            f"{path} already exists. Choose another name for the new plan file, or open that "
            "file instead.",
        )
        return None
    return path


def choose_from_start_page(
    parent: QWidget | None, settings: Settings, today: dt.date
) -> StartResult | None:
    """Show the start page until a file is chosen or made; None when the officer quits."""
    while True:
        page = StartPage(recent_files(settings), parent)
        accepted = page.exec() == StartPage.DialogCode.Accepted
        choice, recent = page.choice, page.recent_path
        page.deleteLater()
        if not accepted or choice is None:
            return None
        result = perform_start_choice(choice, parent, settings, today, recent)
        if result is not None:
            return result


def perform_start_choice(
    choice: StartChoice,
    parent: QWidget | None,
    settings: Settings,
    today: dt.date,
    recent: Path | None = None,
) -> StartResult | None:
    """Do what a start page choice names; None when its own dialog was cancelled."""
    from scp_desktop.services.errors import UserError
    from scp_desktop.services.partnership_file import ensure_demo_file
    from scp_desktop.storage.database import DatabaseError

    try:
        if choice is StartChoice.DEMO:
            return StartResult(ensure_demo_file(demo_database_path(), user=settings.officer_name))
        if choice is StartChoice.NEW_PARTNERSHIP:
            path = new_partnership_file(parent, settings, today)
            return StartResult(path) if path else None
        if choice is StartChoice.SPREADSHEET:
            path = new_spreadsheet_file(parent)
            return StartResult(path, then_spreadsheet=True) if path else None
        if choice is StartChoice.RECENT and recent is not None:
            if not recent.exists():
                forget_file(settings, str(recent))
                raise UserError(f"{recent} is no longer there; it has left Recent files.")
            return StartResult(recent)
        name, _ = QFileDialog.getOpenFileName(
            parent, "Open a plan file", str(data_folder()), PLAN_FILES
        )
        return StartResult(Path(name)) if name else None
    except (UserError, DatabaseError) as exc:
        QMessageBox.warning(parent, APP_NAME, str(exc))
        return None


class FileCommands:
    """The file and whole-plan commands of a window."""

    def __init__(
        self, context: FileCommandContext, open_shared: Callable[[str], bool] | None = None
    ) -> None:
        self.c = context
        # A shared plan's address chosen from Open recent; the window knows how to connect.
        self.open_shared = open_shared
        self.job: Job | None = None
        self.recent_menu = QMenu("Open &recent", context.dialog_parent())
        self.recent_menu.setAccessibleName("Recent plan files")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)

    def handlers(self) -> dict[str, Callable[..., object]]:
        """The file and whole-plan commands by their registry id."""
        return {
            "new_partnership": self.new_partnership,
            "open_file": self.open_file,
            "open_demo": self.open_demo,
            "save_copy": self.save_copy,
            "close_file": self.close_file,
            "partnership": self.edit_partnership,
            "rename_plan": self.rename_plan,
            "archive_plan": self.archive_plan,
            "delete_plan": self.delete_plan,
            "show_archived": self.set_show_archived,
        }

    # ------------------------------------------------------------ files

    def open_path(self, path: Path, *, then_spreadsheet: bool = False) -> bool:
        """Open `path` in the window in place of the file open now; False (and a message)
        when it cannot be opened, the open file staying as it was."""
        from scp_desktop.storage.server import is_server_address

        if is_running(self.job):
            self.c.show_error("A copy is still being written; wait for it to finish.")
            return False
        if is_server_address(str(path)) and self.open_shared is not None:
            return self.open_shared(str(path))  # a shared plan, from Open recent
        if Path(path).expanduser().resolve() == self.c.db.path:
            return True
        if not Path(path).exists():
            forget_file(self.c.settings, str(path))
            self.c.show_error(f"There is no file at {path}.")
            return False
        return self._open_file(Path(path), then_spreadsheet)

    def _open_file(self, path: Path, then_spreadsheet: bool) -> bool:
        from scp_desktop.services.errors import UserError
        from scp_desktop.storage.database import DatabaseError, open_database
        from scp_desktop.ui.file_access import choose_access

        officer = self.c.settings.officer_name
        # Another window may hold the file, or it may be on a network drive: asked before
        # anything opens it, as at start-up.
        access = choose_access(path, officer, parent=self.c.dialog_parent())
        if access is None:
            return False
        try:
            if access.read_only is not None:
                db, result = open_database(
                    path, user=officer, create=False, read_only=access.read_only
                )
            else:
                db, result = open_plan_file(path, officer)
        except (UserError, DatabaseError) as exc:
            access.release()
            self.c.show_error(str(exc))
            return False
        remember_file(self.c.settings, str(db.path))
        if access.read_only is not None:
            # The read-only banner and switched-off editing belong to a window built for
            # them: the file opens in a new window in place of this one.
            self.c.open_in_new_window(db, result)
            return True
        self.c.hold_file(access)
        self.c.use_database(db, result)
        self.c.start_daily_backup(db.path)
        if then_spreadsheet:
            self.c.open_plan_from_spreadsheet()
        return True

    def new_partnership(self) -> None:
        path = new_partnership_file(self.c.dialog_parent(), self.c.settings, self.c.today)
        if path is not None and self.open_path(path):
            self.c.show_info(
                "New partnership started. Add key priorities and objectives from the Plan menu.",
                8000,
            )

    def open_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.c.dialog_parent(), "Open a plan file", str(self.c.db.path.parent), PLAN_FILES
        )
        if name:
            self.open_path(Path(name))

    def open_demo(self) -> None:
        from scp_desktop.services.errors import UserError
        from scp_desktop.services.partnership_file import ensure_demo_file
        from scp_desktop.storage.database import DatabaseError

        try:
            path = ensure_demo_file(demo_database_path(), user=self.c.settings.officer_name)
        except (UserError, DatabaseError) as exc:
            self.c.show_error(str(exc))
            return
        self.open_path(path)

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        current = str(self.c.db.path)
        for name in recent_files(self.c.settings):
            if name == current:
                continue
            action = self.recent_menu.addAction(Path(name).name)
            action.setStatusTip(name)
            action.setToolTip(name)
            action.triggered.connect(lambda _checked=False, n=name: self.open_path(Path(n)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(no other recent files)").setEnabled(False)

    def save_copy(self) -> None:
        path = self.c.db.path
        suggested = path.with_name(f"{path.stem} copy.db")
        name, _ = QFileDialog.getSaveFileName(
            self.c.dialog_parent(), "Save a copy as", str(suggested), PLAN_FILES
        )
        if name:
            self.save_copy_to(Path(name if name.lower().endswith(".db") else f"{name}.db"))

    def save_copy_to(self, target: Path) -> bool:
        """Write the copy on a worker thread (a large file takes a while); False if another
        job is running."""
        from scp_desktop.services.partnership_file import save_copy

        db = self.c.db
        self.job = run_with_progress(
            self.c.dialog_parent(),
            lambda token: save_copy(db, target, progress=token.report, cancelled=token.cancelled),
            title="Save a copy",
            label=f"Writing a copy to {target.name}…",
            done=lambda path: self.c.show_info(f"Copy saved as {path}", 8000),
            failed=self.c.show_error,
        )
        return self.job is not None

    def close_file(self) -> None:
        """Close the file and go back to the start page; quitting it closes the window."""
        if is_running(self.job):
            self.c.show_error("A copy is still being written; wait for it to finish.")
            return
        chosen = choose_from_start_page(self.c.dialog_parent(), self.c.settings, self.c.today)
        if chosen is None:
            self.c.close_window()
            return
        if chosen.path.resolve() == self.c.db.path.resolve():
            return
        self.open_path(chosen.path, then_spreadsheet=chosen.then_spreadsheet)

    # ------------------------------------------------------------ the partnership

    def edit_partnership(self) -> bool:
        from scp_desktop.services.errors import UserError
        from scp_desktop.services.profile import read_profile, save_profile
        from scp_desktop.storage.database import DatabaseError
        from scp_desktop.ui.profile_dialog import PartnershipDialog

        try:
            profile = read_profile(self.c.db)
        except (UserError, DatabaseError) as exc:
            self.c.show_error(str(exc))
            return False
        dialog = PartnershipDialog(profile, self.c.dialog_parent())
        try:
            while dialog.exec() == PartnershipDialog.DialogCode.Accepted:
                try:
                    save_profile(self.c.db, dialog.profile())
                except (UserError, DatabaseError) as exc:
                    dialog.problem.setText(str(exc))
                    continue
                self.c.reload()
                self.c.show_info("Partnership saved.", 5000)
                return True
            return False
        finally:
            dialog.deleteLater()

    # ------------------------------------------------------------ whole plans

    def _plan(self) -> PlanInfo | None:
        from scp_desktop.services import plans

        found = next((p for p in plans.list_plans(self.c.db) if p.id == self.c.plan_id), None)
        if found is None:
            self.c.show_info("Choose a plan first.", 5000)
        return found

    def rename_plan(self) -> None:
        plan = self._plan()
        if plan is None:
            return
        title, ok = QInputDialog.getText(
            self.c.dialog_parent(), "Rename plan", "Plan &title:", text=plan.title
        )
        if ok:
            self.rename_plan_to(plan.id, title)

    def rename_plan_to(self, plan_id: int, title: str) -> bool:
        from scp_desktop.services import plan_admin
        from scp_desktop.services.errors import UserError
        from scp_desktop.storage.database import DatabaseError

        try:
            plan_admin.rename_plan(self.c.db, plan_id, title)
        except (UserError, DatabaseError) as exc:
            self.c.show_error(str(exc))
            return False
        self.c.reload()
        return True

    def archive_plan(self) -> None:
        """Archive the chosen plan (closed: out of the picker), or bring an archived one back."""
        from scp_desktop.services import plan_admin
        from scp_desktop.services.errors import UserError
        from scp_desktop.storage.database import DatabaseError

        plan = self._plan()
        if plan is None:
            return
        status = "live" if plan.status == "closed" else "closed"
        try:
            plan_admin.set_plan_status(self.c.db, plan.id, status)
        except (UserError, DatabaseError) as exc:
            self.c.show_error(str(exc))
            return
        if status == "closed" and not self.show_archived:
            self.c.open_plan(None)
        else:
            self.c.reload()
        self.c.show_info(
            f"The {plan.year} plan is archived: View ▸ Show archived plans lists it."
            if status == "closed"
            else f"The {plan.year} plan is back in the plan list.",
            8000,
        )

    def delete_plan(self) -> None:
        plan = self._plan()
        if plan is None:
            return
        answer = QMessageBox.question(
            self.c.dialog_parent(),
            "Delete plan",
            f"Delete the {plan.year} plan “{plan.title}” with its key priorities, objectives "
            "and actions? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_plan_confirmed(plan.id)

    def delete_plan_confirmed(self, plan_id: int) -> bool:
        from scp_desktop.services import editing
        from scp_desktop.services.errors import UserError
        from scp_desktop.storage.database import DatabaseError

        try:
            editing.delete_plan(self.c.db, plan_id)
        except (UserError, DatabaseError) as exc:
            self.c.show_error(str(exc))
            return False
        # Edits on the undo stack may name the plan's actions, which are gone.
        self.c.clear_undo()
        self.c.open_plan(None)
        self.c.show_info("Plan deleted.", 5000)
        return True

    @property
    def show_archived(self) -> bool:
        return self.c.settings.get(SHOW_ARCHIVED)

    def set_show_archived(self, shown: bool) -> None:
        self.c.settings.set(SHOW_ARCHIVED, shown)
        self.c.reload()
