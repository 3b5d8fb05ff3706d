"""A main window on the demo plan for tests that drive its menus: settings of its own, with the
officer's name already given so no first-run question stands in the way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from scp_desktop.storage.database import Database
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import Settings


def officer_settings(tmp_path: Path) -> Settings:
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.officer_name = "Pat Officer"
    return settings


def shown_window(qtbot: QtBot, db: Database, tmp_path: Path, today: dt.date | None) -> MainWindow:
    window = MainWindow(db, officer_settings(tmp_path), today=today)
    qtbot.addWidget(window)
    window.show()
    return window
