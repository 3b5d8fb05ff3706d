"""Today's backup is taken on a worker thread after the window is shown, with a status-bar
note; a failure is said plainly and the window carries on."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from scp_desktop.storage import backups
from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
from scp_desktop.storage.database import open_database
from scp_desktop.ui.daily_backup import start_daily_backup
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import Settings


def _window(
    qtbot: QtBot, path: Path, tmp_path: Path, read_only: ReadOnly | None = None
) -> MainWindow:
    db, result = open_database(path, user="Pat", read_only=read_only)
    settings = Settings(QSettings(str(tmp_path / "pat.ini"), QSettings.Format.IniFormat))
    w = MainWindow(db, settings, open_result=result)
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_daily_backup_runs_in_the_background_and_says_so(
    qtbot: QtBot, tmp_path: Path, demo_template: Path
) -> None:
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    window = _window(qtbot, path, tmp_path)
    backup = start_daily_backup(window, path, read_only=False)
    assert backup is not None
    # Back at once: the copy is still being made on a worker thread.
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("Taking today's backup of the plan in the background")
    )
    with qtbot.waitSignal(backup.done, timeout=30000) as said:
        pass
    taken = backups.list_backups(path)
    assert [b.reason for b in taken] == ["daily"]
    assert said.args == [f"Today's backup was taken: {taken[0].path.name}"]
    assert window.statusBar().currentMessage() == said.args[0]
    # The second opening of the day takes none, and says nothing.
    again = start_daily_backup(window, path, read_only=False)
    assert again is not None
    with qtbot.waitSignal(again.done, timeout=30000) as said_again:
        pass
    assert said_again.args == [""]
    assert len(backups.list_backups(path)) == 1
    window.close()
    window.db.close()


def test_a_failed_daily_backup_is_said_plainly(
    qtbot: QtBot, tmp_path: Path, demo_template: Path
) -> None:
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    window = _window(qtbot, path, tmp_path)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    backup = start_daily_backup(window, broken, read_only=False)
    assert backup is not None
    with qtbot.waitSignal(backup.done, timeout=30000) as said:
        pass
    message = said.args[0]
    assert message.startswith("No backup was made today: ")
    assert "The plan itself is unaffected; File ▸ Backups… can take one." in message
    assert "Traceback" not in message
    assert window.isVisible()
    window.close()
    window.db.close()


def test_a_read_only_window_takes_no_backup(
    qtbot: QtBot, tmp_path: Path, demo_template: Path
) -> None:
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    window = _window(
        qtbot, path, tmp_path, ReadOnly(ReadOnlyKind.ASKED, "Opened read-only as asked.")
    )
    assert start_daily_backup(window, path, read_only=True) is None
    assert backups.list_backups(path) == []
    window.close()
    window.db.close()
