"""The steps of a start after the window's frame shows "Opening …": the plan's first screen
read straight from the file, then the file opened on a worker thread (judged, checked and
upgraded there), then attached to the window."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from scp_desktop import APP_NAME
from scp_desktop.services.errors import UserError
from scp_desktop.services.first_screen import FileReads, FirstScreen
from scp_desktop.storage.errors import DatabaseError
from scp_desktop.ui.file_access import Access, choose_access, keep_access, names_server
from scp_desktop.ui.jobs import CancelToken, run_in_background

if TYPE_CHECKING:
    from scp_desktop.storage.access import ReadOnly
    from scp_desktop.storage.database import Database, OpenResult
    from scp_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

Opened = tuple["Database", "OpenResult"]
# Opens a plan file on the worker thread: (path, officer, read-only reason or None).
OpenFile = Callable[[Path, str, "ReadOnly | None"], Opened]
# Opens a shared plan on the GUI thread (its password may be asked); None when not given.
OpenShared = Callable[[Path, str], "Opened | None"]

# Read on the worker thread after the file is open, so the window's first fill does not
# wait for them on the GUI thread.
_FIRST_FILL_MODULES = (
    "scp_desktop.services.workspace",
    "scp_desktop.services.plans",
    "scp_desktop.services.plan_admin",
    "scp_desktop.services.import_undo",
    "scp_desktop.services.editing",
    "scp_desktop.services.records",
    "scp_desktop.services.viewing_copies",
)


def _warm_modules() -> None:
    import importlib

    for name in _FIRST_FILL_MODULES:
        importlib.import_module(name)


class StartUp(QObject):
    """Opens `path` for `window` once it is shown; `exit_code` is set when the start ends
    without a plan (1: the file could not be opened, 0: the officer cancelled)."""

    def __init__(
        self,
        window: MainWindow,
        path: Path,
        open_file: OpenFile,
        open_shared: OpenShared,
        *,
        then_spreadsheet: bool = False,
    ) -> None:
        super().__init__()
        self.window = window
        self.path = path
        self.open_file = open_file
        self.open_shared = open_shared
        self.then_spreadsheet = then_spreadsheet
        self.exit_code: int | None = None
        self.access: Access | None = None
        self.user = ""

    def begin(self) -> None:
        window = self.window
        officer = window.settings.officer_name
        # Decided before anything opens the file: whether this window may change it (a
        # question, if any, is asked over the window).
        access = choose_access(self.path, officer, parent=window)
        if access is None:
            self._stop(0)
            return
        self.access = access
        keep_access(window, access)
        self.user = officer or os.environ.get("USERNAME", "")
        if names_server(self.path):
            self._open_shared(self.user)
            return
        self._read_first_screen()

    def _read_first_screen(self) -> None:
        """The plan's first screen read straight from the file with sqlite3 (a few tens of
        milliseconds), shown while the database layer loads and the file is checked."""
        reads = FileReads(self.path)
        wanted = self.window.wanted_elsewhere()
        # Only what one screen shows (a plan may have thousands); the rest with the file.
        rows = self.window.rows_on_screen()

        def work(_token: CancelToken) -> FirstScreen | None:
            try:
                return reads.first_screen(wanted, rows)
            except Exception:
                # Only a first look: whatever stops it, the opening that follows reads the
                # file properly and says what is wrong with it.
                log.warning("the first screen was not read from the file", exc_info=True)
                return None

        def shown(first: FirstScreen | None) -> None:
            if not self.window.isVisible():
                return  # closed meanwhile
            if first is not None:
                self.window.show_first_screen(first, reads)
            # After the rows are painted: the event loop paints before it runs timers.
            QTimer.singleShot(0, self._open_file)

        run_in_background(
            work,
            name="read the plan's first screen",
            owner=self,
            done=shown,
            failed=lambda _message: QTimer.singleShot(0, self._open_file),
        )

    def _open_file(self) -> None:
        access = self.access
        assert access is not None
        path, read_only, open_file, user = self.path, access.read_only, self.open_file, self.user

        def work(token: CancelToken) -> Opened | None:
            from scp_desktop.services import viewing_copies

            # Evidence copies opened for viewing last only as long as the session that
            # opened them.
            viewing_copies.remove_stale()
            db, result = open_file(path, user, read_only)
            if token.cancelled():  # the window was closed meanwhile
                db.close()
                return None
            _warm_modules()
            return db, result

        run_in_background(
            work, name="open the plan file", owner=self, done=self._opened, failed=self._failed
        )

    def _open_shared(self, user: str) -> None:
        try:
            opened = self.open_shared(self.path, user)
        except (DatabaseError, UserError) as exc:
            self._failed(str(exc))
            return
        if opened is None:  # the password was not given
            self._stop(0)
            return
        self._opened(opened)

    def _opened(self, opened: Any) -> None:
        if opened is None:
            return
        db, result = opened
        if not self.window.isVisible():
            db.close()  # closed while the file was opening
            return
        from scp_desktop.services import viewing_copies
        from scp_desktop.ui.daily_backup import start_daily_backup
        from scp_desktop.ui.settings import remember_file

        window = self.window
        remember_file(window.settings, str(db.path))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(viewing_copies.session_copies().remove)
        window.attach_database(db, result)
        start_daily_backup(window, db.path, read_only=db.read_only is not None)
        if self.then_spreadsheet:
            QTimer.singleShot(0, window.open_plan_from_spreadsheet)
        # Asked once, with the plan on screen; changed later in File ▸ Preferences.
        QTimer.singleShot(0, window.ask_officer_name_if_missing)

    def _failed(self, message: str) -> None:
        if self.access is not None:
            self.access.release()
        QMessageBox.critical(self.window, APP_NAME, message)
        self._stop(1)

    def _stop(self, code: int) -> None:
        self.exit_code = code
        # Said before the window closes: closing the last window would end the loop with 0.
        QCoreApplication.exit(code)
        self.window.close()
