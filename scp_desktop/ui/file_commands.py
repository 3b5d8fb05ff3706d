"""File ▸ New partnership, Open, Recent files, Save a copy and Close; the start page's
choices; Plan ▸ Partnership, and renaming, archiving and deleting whole plans."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from scp_desktop import APP_NAME
from scp_desktop.paths import data_folder, demo_database_path
from scp_desktop.services.errors import UserError
from scp_desktop.storage.errors import DatabaseError
from scp_desktop.ui.file_access import choose_access, hand_over_access
from scp_desktop.ui.lazy import lazy_module, lazy_name
from scp_desktop.ui.settings import Settings, forget_file, recent_files, remember_file
from scp_desktop.ui.tasks import BackgroundRunner

if TYPE_CHECKING:
    from scp_desktop.services import editing, plan_admin, plans
    from scp_desktop.services.partnership_file import (
        create_partnership_file,
        ensure_demo_file,
        save_copy,
    )
    from scp_desktop.services.profile import read_profile, save_profile
    from scp_desktop.storage.database import Database, OpenResult, open_database
    from scp_desktop.storage.server import is_server_address
    from scp_desktop.ui.daily_backup import start_daily_backup
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.profile_dialog import PartnershipDialog
    from scp_desktop.ui.start_page import StartChoice, StartPage
else:  # imported on first use: the window is shown before the services and dialogs load
    editing = lazy_module("scp_desktop.services.editing")
    plan_admin = lazy_module("scp_desktop.services.plan_admin")
    plans = lazy_module("scp_desktop.services.plans")
    create_partnership_file = lazy_name(
        "scp_desktop.services.partnership_file", "create_partnership_file"
    )
    ensure_demo_file = lazy_name("scp_desktop.services.partnership_file", "ensure_demo_file")
    save_copy = lazy_name("scp_desktop.services.partnership_file", "save_copy")
    read_profile = lazy_name("scp_desktop.services.profile", "read_profile")
    save_profile = lazy_name("scp_desktop.services.profile", "save_profile")
    open_database = lazy_name("scp_desktop.storage.database", "open_database")
    is_server_address = lazy_name("scp_desktop.storage.server", "is_server_address")
    start_daily_backup = lazy_name("scp_desktop.ui.daily_backup", "start_daily_backup")
    PartnershipDialog = lazy_name("scp_desktop.ui.profile_dialog", "PartnershipDialog")
    StartChoice = lazy_name("scp_desktop.ui.start_page", "StartChoice")
    StartPage = lazy_name("scp_desktop.ui.start_page", "StartPage")

log = logging.getLogger(__name__)

PLAN_FILES = "Plan files (*.db);;All files (*)"
SHOW_ARCHIVED_KEY = "workspace/show_archived"


@dataclass(frozen=True)
class StartResult:
    path: Path
    # Set for "start from our plan spreadsheet": the new file is empty until the
    # spreadsheet's plan is loaded into it.
    then_spreadsheet: bool = False


def open_plan_file(path: Path, user: str) -> tuple[Database, OpenResult]:
    """Open a plan file the officer chose. A missing file is refused (Open never creates);
    an empty one is set up as a plan database with nothing in it, never with the demo."""
    if not path.exists():
        raise DatabaseError(f"There is no file at {path}.")
    # The first opening of each day backs the file up, in the background once the window
    # shows it (start_daily_backup): a large file would hold the window up for seconds.
    return open_database(path, user=user, create=True)


def new_partnership_file(parent: QWidget | None, settings: Settings, today: dt.date) -> Path | None:
    """Ask the new partnership's profile and file; create the file; None when cancelled."""
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
    """The file and whole-plan commands of the main window."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.runner = BackgroundRunner(window, "Save a copy")
        self.runner.failed.connect(window.show_error)
        self.recent_menu = QMenu("Open &recent", window)
        self.recent_menu.setAccessibleName("Recent plan files")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)

    # ------------------------------------------------------------ files

    def open_path(self, path: Path, *, then_spreadsheet: bool = False) -> bool:
        """Open `path` in the window in place of the file open now; False (and a message)
        when it cannot be opened, the open file staying as it was."""
        if self.runner.busy:
            self.w.show_error("A copy is still being written; wait for it to finish.")
            return False
        if is_server_address(str(path)):  # a shared plan, from Open recent
            from scp_desktop.ui.shared_plan import open_shared_address

            return open_shared_address(self.w, str(path))
        if Path(path).expanduser().resolve() == self.w.db.path:
            return True
        if not Path(path).exists():
            forget_file(self.w.settings, str(path))
            self.w.show_error(f"There is no file at {path}.")
            return False
        # Another window may hold the file, or it may be on a network drive: asked before
        # anything opens it, as at start-up.
        access = choose_access(Path(path), self.w.settings.officer_name, parent=self.w)
        if access is None:
            return False
        try:
            if access.read_only is not None:
                db, result = open_database(
                    Path(path),
                    user=self.w.settings.officer_name,
                    create=False,
                    read_only=access.read_only,
                )
            else:
                db, result = open_plan_file(Path(path), self.w.settings.officer_name)
        except (UserError, DatabaseError) as exc:
            access.release()
            self.w.show_error(str(exc))
            return False
        if access.read_only is not None:
            # The read-only banner and switched-off editing belong to a window built for
            # them: the file opens in a new window in place of this one.
            remember_file(self.w.settings, str(db.path))
            replacement = type(self.w)(db, self.w.settings, open_result=result)
            replacement.show()
            self.w.close()
            self.w.db.close()
            return True
        hand_over_access(self.w, access)
        self.w.use_database(db, result)
        start_daily_backup(self.w, db.path, read_only=False)
        remember_file(self.w.settings, str(db.path))
        if then_spreadsheet:
            self.w.open_plan_from_spreadsheet()
        return True

    def new_partnership(self) -> None:
        path = new_partnership_file(self.w, self.w.settings, self.w.today)
        if path is not None and self.open_path(path):
            self.w.statusBar().showMessage(
                "New partnership started. Add key priorities and objectives from the Plan menu.",
                8000,
            )

    def open_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.w, "Open a plan file", str(self.w.db.path.parent), PLAN_FILES
        )
        if name:
            self.open_path(Path(name))

    def open_demo(self) -> None:
        try:
            path = ensure_demo_file(demo_database_path(), user=self.w.settings.officer_name)
        except (UserError, DatabaseError) as exc:
            self.w.show_error(str(exc))
            return
        self.open_path(path)

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        current = str(self.w.db.path)
        for name in recent_files(self.w.settings):
            if name == current:
                continue
            action = self.recent_menu.addAction(Path(name).name)
            action.setStatusTip(name)
            action.setToolTip(name)
            action.triggered.connect(lambda _checked=False, n=name: self.open_path(Path(n)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(no other recent files)").setEnabled(False)

    def save_copy(self) -> None:
        suggested = self.w.db.path.with_name(f"{self.w.db.path.stem} copy.db")
        name, _ = QFileDialog.getSaveFileName(self.w, "Save a copy as", str(suggested), PLAN_FILES)
        if name:
            self.save_copy_to(Path(name if name.lower().endswith(".db") else f"{name}.db"))

    def save_copy_to(self, target: Path) -> bool:
        """Write the copy on a worker thread (a large file takes a while); False if another
        job is running."""
        db = self.w.db
        return self.runner.run(
            lambda progress, cancelled: save_copy(
                db, target, progress=progress, cancelled=cancelled
            ),
            f"Writing a copy to {target.name}…",
            lambda path: self.w.statusBar().showMessage(f"Copy saved as {path}", 8000),
        )

    def close_file(self) -> None:
        """Close the file and go back to the start page; quitting it closes the window."""
        if self.runner.busy:
            self.w.show_error("A copy is still being written; wait for it to finish.")
            return
        chosen = choose_from_start_page(self.w, self.w.settings, self.w.today)
        if chosen is None:
            self.w.close()
            return
        if chosen.path.resolve() == self.w.db.path.resolve():
            return
        self.open_path(chosen.path, then_spreadsheet=chosen.then_spreadsheet)

    # ------------------------------------------------------------ the partnership

    def edit_partnership(self) -> bool:
        try:
            profile = read_profile(self.w.db)
        except (UserError, DatabaseError) as exc:
            self.w.show_error(str(exc))
            return False
        dialog = PartnershipDialog(profile, self.w)
        try:
            while dialog.exec() == PartnershipDialog.DialogCode.Accepted:
                try:
                    save_profile(self.w.db, dialog.profile())
                except (UserError, DatabaseError) as exc:
                    dialog.problem.setText(str(exc))
                    continue
                self.w.reload()
                self.w.statusBar().showMessage("Partnership saved.", 5000)
                return True
            return False
        finally:
            dialog.deleteLater()

    # ------------------------------------------------------------ whole plans

    def _plan(self) -> plans.PlanInfo | None:
        found = next((p for p in plans.list_plans(self.w.db) if p.id == self.w.plan_id), None)
        if found is None:
            self.w.statusBar().showMessage("Choose a plan first.", 5000)
        return found

    def rename_plan(self) -> None:
        plan = self._plan()
        if plan is None:
            return
        title, ok = QInputDialog.getText(self.w, "Rename plan", "Plan &title:", text=plan.title)
        if ok:
            self.rename_plan_to(plan.id, title)

    def rename_plan_to(self, plan_id: int, title: str) -> bool:
        try:
            plan_admin.rename_plan(self.w.db, plan_id, title)
        except (UserError, DatabaseError) as exc:
            self.w.show_error(str(exc))
            return False
        self.w.reload()
        return True

    def archive_plan(self) -> None:
        """Archive the chosen plan (closed: out of the picker), or bring an archived one back."""
        plan = self._plan()
        if plan is None:
            return
        status = "live" if plan.status == "closed" else "closed"
        try:
            plan_admin.set_plan_status(self.w.db, plan.id, status)
        except (UserError, DatabaseError) as exc:
            self.w.show_error(str(exc))
            return
        if status == "closed" and not self.show_archived:
            self.w.plan_id = None
        self.w.reload()
        self.w.statusBar().showMessage(
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
            self.w,
            "Delete plan",
            f"Delete the {plan.year} plan “{plan.title}” with its key priorities, objectives "
            "and actions? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_plan_confirmed(plan.id)

    def delete_plan_confirmed(self, plan_id: int) -> bool:
        try:
            editing.delete_plan(self.w.db, plan_id)
        except (UserError, DatabaseError) as exc:
            self.w.show_error(str(exc))
            return False
        # Edits on the undo stack may name the plan's actions, which are gone.
        self.w.undo.stack.clear()
        self.w.plan_id = None
        self.w.reload()
        self.w.statusBar().showMessage("Plan deleted.", 5000)
        return True

    @property
    def show_archived(self) -> bool:
        return str(self.w.settings.value(SHOW_ARCHIVED_KEY, "false")).lower() == "true"

    def set_show_archived(self, shown: bool) -> None:
        self.w.settings.set_value(SHOW_ARCHIVED_KEY, "true" if shown else "false")
        self.w.reload()
