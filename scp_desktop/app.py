"""Composition root: chooses the plan file (the start page on first run), opens it, builds the
main window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from scp_desktop import APP_NAME, __version__
from scp_desktop.logs import configure_logging
from scp_desktop.paths import DB_ENV, default_database_path

log = logging.getLogger(__name__)


def open_or_create(path: Path, user: str, *, daily: bool = True):  # type: ignore[no-untyped-def]
    """Open the database, creating an empty one if there is none. The demo lives in a file of
    its own: an officer's file, new or empty, is never filled with it. With `daily`, the
    first opening of the day backs it up here; the window takes that backup in the
    background instead."""
    from scp_desktop.storage.database import open_database
    from scp_desktop.storage.server import ServerPlace

    started = time.perf_counter()
    if isinstance(path, ServerPlace):
        # A shared plan: its password is asked for; IT backs the server up (pg_dump).
        from scp_desktop.ui.shared_plan import open_shared_plan

        opened = open_shared_plan(path, user, None)
        if opened is None:
            return None, None
        log_database_opened(opened[0], opened[1], time.perf_counter() - started)
        return opened
    db, result = open_database(path, user=user, create=True)
    log_database_opened(db, result, time.perf_counter() - started)
    if daily:
        daily_backup(db.path)
    return db, result


def file_to_open(db_path: Path | None, last: str) -> Path | None:
    """The plan file the window opens without asking: the one named on the command line or in
    $SCP_DESKTOP_DB (a file or a shared plan's address), else the last file opened, else the
    default file if it holds anything. None on a first run: the start page asks. An address
    in $SCP_DESKTOP_DB that cannot be used raises ServerAddressError (a ValueError)."""
    if db_path is not None:
        return db_path
    from scp_desktop.ui.file_access import names_server

    named = os.environ.get(DB_ENV, "").strip()
    if named:
        if not names_server(named):
            return default_database_path()
        from scp_desktop.storage.server import default_plan_location

        return default_plan_location()
    if last and names_server(last):
        from scp_desktop.storage.server import ServerAddressError, server_place

        try:
            return server_place(last)  # the shared plan opened last
        except ServerAddressError:
            return None
    if last and Path(last).exists():
        return Path(last)
    default = default_database_path()
    if default.exists() and default.stat().st_size > 0:
        return default
    return None


def log_database_opened(db: Any, result: Any, seconds: float) -> None:
    # The file's name only: its folder holds the officer's user name.
    log.info(
        "database %s opened in %.2f s: schema %s%s%s",
        db.path.name,
        seconds,
        db.schema_revision(),
        ", created" if result.created else "",
        f", upgraded from {result.upgraded_from}" if result.upgraded_from else "",
    )


def daily_backup(path: Path) -> None:
    """The first opening of each day backs the file up; a failure never stops the opening."""
    from scp_desktop.storage.backups import daily_backup_if_due
    from scp_desktop.storage.database import DatabaseError

    try:
        daily_backup_if_due(path)
    except DatabaseError as exc:
        log.warning("no daily backup was made: %s", type(exc).__name__)
        print(f"No daily backup was made: {exc}", file=sys.stderr)


def open_plan_file(path: Path, user: str, read_only: Any) -> tuple[Any, Any]:
    """Open (creating when new) the plan file for the window, on its worker thread; with
    `read_only`, so that nothing can be written. The window takes the day's backup after."""
    from scp_desktop.storage.database import open_database

    started = time.perf_counter()
    if read_only is not None:
        opened = open_database(path, user=user, create=False, read_only=read_only)
    else:
        opened = open_database(path, user=user, create=True)
    log_database_opened(opened[0], opened[1], time.perf_counter() - started)
    return opened


def open_shared_plan(place: Path, user: str) -> tuple[Any, Any] | None:
    """A shared plan, its password asked for over the window; None when it is not given."""
    db, result = open_or_create(place, user, daily=False)
    return None if db is None else (db, result)


def run_gui(db_path: Path | None = None) -> int:
    """The window: its frame shown first (built from Qt and light modules only), then the plan
    file opened on a worker thread while it shows "Opening …", then attached and filled."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from scp_desktop.ui.exception_hook import install_exception_hook
    from scp_desktop.ui.splash import application_icon

    QCoreApplication.setOrganizationName("SCP Desktop")
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setWindowIcon(application_icon())
    # From here on, a problem (on the start page too) is logged and shown, never lost.
    reporter = install_exception_hook(app)
    try:
        return _start_window(app, db_path)
    finally:
        reporter.uninstall()


def _start_window(app: Any, db_path: Path | None) -> int:
    from PySide6.QtWidgets import QMessageBox

    from scp_desktop.ui.settings import Settings, last_file

    settings = Settings()
    then_spreadsheet = False
    try:
        path = file_to_open(db_path, last_file(settings))
    except ValueError as exc:  # $SCP_DESKTOP_DB holds a server address that cannot be used
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    if path is None:
        import datetime as dt

        from scp_desktop.ui.file_commands import choose_from_start_page

        configure_logging()

        chosen = choose_from_start_page(None, settings, dt.date.today())
        if chosen is None:
            return 0
        path, then_spreadsheet = chosen.path, chosen.then_spreadsheet

    from PySide6.QtCore import QTimer

    from scp_desktop.ui.collector import install_garbage_collector
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.screen_fit import fit_to_screen, install_screen_fit

    # Reference cycles are freed between events, never inside a paint or a worker thread.
    install_garbage_collector(app)
    # The frame first (title, menu titles, status bar saying what opens), sized for a large
    # screen but kept within a small one (1366×768 with a taskbar); the rest of the window
    # is built after its first paint.
    window = MainWindow(None, settings, opening=path, frame_only=True)
    fit_to_screen(window)
    window.show()
    started: list[Any] = []

    def begin() -> None:
        # After the frame's first paint, which the event loop does before its timers: the
        # rest of the window, the log, then the opening.
        if not window.isVisible():
            return  # closed already: nothing to open
        window.complete()
        # Every later window kept within its screen as it shows. The filter sees every
        # event of the application, so it is installed after the window's many are built.
        install_screen_fit(app)
        configure_logging()
        # Once the event loop has shown and laid out the new parts: the opening reads as
        # many rows as the table then shows.
        QTimer.singleShot(0, open_file)

    def open_file() -> None:
        from scp_desktop.ui.start_up import StartUp

        start = StartUp(
            window, path, open_plan_file, open_shared_plan, then_spreadsheet=then_spreadsheet
        )
        started.append(start)
        start.begin()

    QTimer.singleShot(1, begin)
    try:
        code = app.exec()
    finally:
        # Every job still running (a file still opening, the day's backup) is asked to stop
        # and waited for: none is cut off by the interpreter's end.
        from scp_desktop.ui.jobs import end_all

        end_all()
    exit_code: int | None = started[0].exit_code if started else None
    return exit_code if exit_code is not None else code
