"""Composition root: opens the database, seeds the demo on first run, builds the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from scp_desktop import APP_NAME, __version__
from scp_desktop.paths import default_database_path


def open_or_create(path: Path, user: str):  # type: ignore[no-untyped-def]
    """Open the database, creating it with the demo plan on first run."""
    from scp_desktop.services import setup
    from scp_desktop.storage.database import open_database

    db, result = open_database(path, user=user, create=True)
    daily_backup(db.path)
    if result.created or setup.is_empty(db):
        setup.load_demo(db)
    return db, result


def daily_backup(path: Path) -> None:
    """The first opening of each day backs the file up; a failure never stops the opening."""
    from scp_desktop.storage.backups import daily_backup_if_due
    from scp_desktop.storage.database import DatabaseError

    try:
        daily_backup_if_due(path)
    except DatabaseError as exc:
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
    path = db_path or default_database_path()
    # Shown before the database layer and the main window are imported, which is most of
    # the time a start takes.
    splash = opening_splash(path)
    app.processEvents()

    from scp_desktop.services.errors import UserError
    from scp_desktop.storage.database import DatabaseError
    from scp_desktop.ui.collector import install_garbage_collector
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.settings import Settings

    # Reference cycles are freed between events, never inside a paint or a worker thread.
    install_garbage_collector(app)
    settings = Settings()
    try:
        db, result = open_or_create(path, settings.officer_name or os.environ.get("USERNAME", ""))
    except (DatabaseError, UserError) as exc:
        splash.close()
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window = MainWindow(db, settings, open_result=result)
    window.show()
    # Gone once the event loop runs, which paints the window first. (QSplashScreen.finish
    # would wait up to a second for the window to be reported on screen, which some
    # platforms never report.)
    QTimer.singleShot(0, splash.close)
    # Asked once, after the window is up; changed later in File ▸ Preferences.
    QTimer.singleShot(0, window.ask_officer_name_if_missing)
    return app.exec()
