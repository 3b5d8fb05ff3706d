"""Composition root: opens the database, seeds the demo on first run, builds the main window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from scp_desktop import APP_NAME, __version__
from scp_desktop.logs import configure_logging
from scp_desktop.paths import default_database_path

log = logging.getLogger(__name__)


def open_or_create(path: Path, user: str):  # type: ignore[no-untyped-def]
    """Open the database, creating it with the demo plan on first run."""
    from scp_desktop.services import setup
    from scp_desktop.storage.database import open_database

    started = time.perf_counter()
    db, result = open_database(path, user=user, create=True)
    log_database_opened(db, result, time.perf_counter() - started)
    if result.created or setup.is_empty(db):
        setup.load_demo(db)
        log.info("demo plan loaded")
    return db, result


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
    path = db_path or default_database_path()
    # Shown before the database layer and the main window are imported, which is most of
    # the time a start takes.
    splash = opening_splash(path)
    app.processEvents()

    from scp_desktop.services import viewing_copies
    from scp_desktop.services.errors import UserError
    from scp_desktop.storage.database import DatabaseError, open_database
    from scp_desktop.ui.collector import install_garbage_collector
    from scp_desktop.ui.file_access import choose_access, keep_access
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.problem_dialog import install_exception_hook
    from scp_desktop.ui.settings import Settings

    # Reference cycles are freed between events, never inside a paint or a worker thread.
    install_garbage_collector(app)
    # Evidence copies opened for viewing last only as long as the session that opened them.
    viewing_copies.remove_stale()
    app.aboutToQuit.connect(viewing_copies.session_copies().remove)
    settings = Settings()
    user = settings.officer_name or os.environ.get("USERNAME", "")
    # Decided before anything opens the file: whether this window may change it.
    access = choose_access(path, settings.officer_name, before_question=splash.hide)
    if access is None:
        splash.close()
        return 0
    try:
        if access.read_only is not None:
            db, result = open_database(path, user=user, create=False, read_only=access.read_only)
        else:
            db, result = open_or_create(path, user)
    except (DatabaseError, UserError) as exc:
        access.release()
        splash.close()
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window = MainWindow(db, settings, open_result=result)
    keep_access(window, access)
    # Installed once the window exists: a problem from then on is shown over it.
    reporter = install_exception_hook(app)
    window.show()
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
