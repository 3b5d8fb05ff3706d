"""The file commands change the window's file through their narrow context: holding the new
file and letting go of the old, taking the new file's daily backup, closing the window. Driven
from File ▸ Open… and File ▸ Close on a real window over real plan files."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from scp_desktop.storage import backups
from scp_desktop.storage.database import open_database
from scp_desktop.storage.instance_lock import holder_of
from scp_desktop.ui.command_context import FileCommandContext
from scp_desktop.ui.file_access import choose_access
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import Settings
from scp_desktop.ui.start_page import StartPage

TODAY = dt.date(2022, 8, 15)
OFFICER = "Pat Officer"


@pytest.fixture
def files(tmp_path: Path, demo_template: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first" / "north.db", tmp_path / "second" / "south.db"
    for path in (first, second):
        path.parent.mkdir()
        shutil.copy(demo_template, path)
    return first.resolve(), second.resolve()


@pytest.fixture
def window(qtbot: QtBot, files: tuple[Path, Path], tmp_path: Path) -> Iterator[MainWindow]:
    """A window holding the first file, as the start-up leaves it."""
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.officer_name = OFFICER
    access = choose_access(files[0], OFFICER)
    assert access is not None and access.lock is not None
    db, result = open_database(files[0], user=OFFICER)
    w = MainWindow(db, settings, open_result=result, today=TODAY)
    qtbot.addWidget(w)
    w.hold_file(access)
    w.show()
    yield w
    w.close()
    w.db.close()


def _choose(entry: QAction, handle: Callable[[QWidget], bool]) -> list[str]:
    """Trigger a menu entry; each modal window it opens is given to `handle`, which answers
    True once it has dealt with it. The titles of those handled."""
    handled: list[str] = []

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and widget.isModal() and handle(widget):
                handled.append(widget.windowTitle())

    timer = QTimer()
    timer.setInterval(30)
    timer.timeout.connect(poll)
    timer.start()
    try:
        entry.trigger()
    finally:
        timer.stop()
    return handled


def _type_file_name(dialog: QFileDialog, path: Path) -> bool:
    """The whole path typed into the dialog's name box, then Open, as an officer may."""
    name_box = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name_box is not None
    name_box.setText(str(path))
    dialog.accept()
    return True


def _open_from_the_menu(window: MainWindow, path: Path) -> list[str]:
    def pick(widget: QWidget) -> bool:
        if not isinstance(widget, QFileDialog):
            return False
        return _type_file_name(widget, path)

    return _choose(window.acts.open_file, pick)


def test_opening_another_file_holds_it_lets_go_of_the_old_and_backs_it_up(
    window: MainWindow, files: tuple[Path, Path], qtbot: QtBot
) -> None:
    first, second = files
    held = holder_of(first)
    assert held is not None and held.officer == OFFICER
    assert holder_of(second) is None
    assert _open_from_the_menu(window, second) == ["Open a plan file"]
    assert window.db.path == second
    # The old file is free for another window to change; the new one is this window's.
    assert holder_of(first) is None
    now_held = holder_of(second)
    assert now_held is not None and now_held.officer == OFFICER
    assert choose_access(first, "Jane Smith") is not None
    # Today's backup of the new file is taken in the background, and said.
    qtbot.waitUntil(lambda: bool(backups.list_backups(second)), timeout=30000)
    assert [b.reason for b in backups.list_backups(second)] == ["daily"]
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith("Today's backup was taken"),
        timeout=30000,
    )
    # Closing the window lets go of the file it shows.
    window.close()
    assert holder_of(second) is None


def test_quitting_the_start_page_after_close_closes_the_window_and_frees_the_file(
    window: MainWindow, files: tuple[Path, Path]
) -> None:
    def quit_start_page(widget: QWidget) -> bool:
        if not isinstance(widget, StartPage):
            return False
        widget.reject()
        return True

    assert window.isVisible()
    handled = _choose(window.acts.close_file, quit_start_page)
    assert len(handled) == 1
    assert not window.isVisible()
    assert holder_of(files[0]) is None


def test_a_file_another_window_holds_is_refused_for_changes_and_this_one_kept(
    window: MainWindow, files: tuple[Path, Path]
) -> None:
    first, second = files
    other = choose_access(second, "Jane Smith")
    assert other is not None and other.lock is not None
    try:

        def cancel_question(widget: QWidget) -> bool:
            if isinstance(widget, QFileDialog):
                return _type_file_name(widget, second)
            if widget.objectName() == "alreadyOpenMessage" and isinstance(widget, QDialog):
                widget.reject()  # Cancel: not opened read-only either
                return True
            return False

        assert len(_choose(window.acts.open_file, cancel_question)) == 2
        assert window.db.path == first
        kept = holder_of(first)
        assert kept is not None and kept.officer == OFFICER
        other_held = holder_of(second)
        assert other_held is not None and other_held.officer == "Jane Smith"
    finally:
        other.release()


def test_the_file_commands_context_no_longer_hands_over_the_window() -> None:
    assert not hasattr(FileCommandContext, "main_window")
    assert not hasattr(MainWindow, "main_window")
    for member in ("hold_file", "start_daily_backup", "close_window", "use_database"):
        assert callable(getattr(FileCommandContext, member))
        assert callable(getattr(MainWindow, member))
