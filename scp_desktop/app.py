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
    from scp_desktop.storage.server import (
        ServerAddressError,
        default_plan_location,
        is_server_address,
        server_place,
    )

    if os.environ.get(DB_ENV, "").strip():
        return default_plan_location()

    if last and is_server_address(last):
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


def run_gui(db_path: Path | None = None) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from scp_desktop.ui.splash import application_icon, opening_splash

    QCoreApplication.setOrganizationName("SCP Desktop")
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setWindowIcon(application_icon())
    configure_logging()
    from scp_desktop.ui.settings import Settings, last_file, remember_file

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

        chosen = choose_from_start_page(None, settings, dt.date.today())
        if chosen is None:
            return 0
        path, then_spreadsheet = chosen.path, chosen.then_spreadsheet
    # Shown before the database layer and the main window are imported, which is most of
    # the time a start takes.
    splash = opening_splash(path)
    app.processEvents()

    from scp_desktop.services import viewing_copies
    from scp_desktop.services.errors import UserError
    from scp_desktop.storage.database import DatabaseError, open_database
    from scp_desktop.storage.server import ServerPlace
    from scp_desktop.ui.collector import install_garbage_collector
    from scp_desktop.ui.file_access import choose_access, keep_access
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.problem_dialog import install_exception_hook
    from scp_desktop.ui.screen_fit import install_screen_fit

    # Reference cycles are freed between events, never inside a paint or a worker thread.
    install_garbage_collector(app)
    # A window sized for a large screen opens within a small one (1366×768 with a taskbar).
    install_screen_fit(app)
    # Evidence copies opened for viewing last only as long as the session that opened them.
    viewing_copies.remove_stale()
    app.aboutToQuit.connect(viewing_copies.session_copies().remove)
    user = settings.officer_name or os.environ.get("USERNAME", "")
    # Decided before anything opens the file: whether this window may change it.
    access = choose_access(path, settings.officer_name, before_question=splash.hide)
    if access is None:
        splash.close()
        return 0
    if isinstance(path, ServerPlace):
        splash.hide()  # the password is asked for over nothing
    try:
        if access.read_only is not None:
            db, result = open_database(path, user=user, create=False, read_only=access.read_only)
        else:
            db, result = open_or_create(path, user, daily=False)
            if db is None:  # the password was not given
                splash.close()
                return 0
    except (DatabaseError, UserError) as exc:
        access.release()
        splash.close()
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    remember_file(settings, str(db.path))
    window = MainWindow(db, settings, open_result=result)
    keep_access(window, access)
    # Installed once the window exists: a problem from then on is shown over it.
    reporter = install_exception_hook(app)
    window.show()
    from scp_desktop.ui.daily_backup import start_daily_backup

    start_daily_backup(window, db.path, read_only=db.read_only is not None)
    if then_spreadsheet:
        QTimer.singleShot(0, window.open_plan_from_spreadsheet)
    # Gone once the event loop runs, which paints the window first. (QSplashScreen.finish
    # would wait up to a second for the window to be reported on screen, which some
    # platforms never report.)
    QTimer.singleShot(0, splash.close)
    # Asked once, after the window is up; changed later in File ▸ Preferences.
    QTimer.singleShot(0, window.ask_officer_name_if_missing)
    try:
        return app.exec()
    finally:
        reporter.uninstall()
