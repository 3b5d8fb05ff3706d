"""A window read-only because another held the plan offers "Open for changes" once that
window has closed, and opens it for changes in place, on the same plan, quarter and action."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from scp_desktop.domain.rag import RAG
from scp_desktop.storage.database import open_database
from scp_desktop.storage.instance_lock import InstanceLock, holder_of
from scp_desktop.ui.file_access import in_use_reason
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.read_only import open_for_changes
from scp_desktop.ui.settings import Settings

TODAY = dt.date(2022, 11, 15)
Q3 = "2022-23-Q3"

# Another SCP Desktop process holding the plan until its input closes.
HOLDER = (
    "import sys; from pathlib import Path; "
    "from scp_desktop.storage.instance_lock import InstanceLock; "
    "lock = InstanceLock.acquire(Path(sys.argv[1]), 'Jane Smith'); "
    "print('held', flush=True); sys.stdin.read(); lock.release()"
)


def _hold(path: Path) -> subprocess.Popen[str]:
    other = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other.stdout is not None and other.stdout.readline().strip() == "held"
    return other


def _read_only_window(qtbot: QtBot, path: Path, tmp_path: Path) -> MainWindow:
    holder = holder_of(path)
    assert holder is not None and holder.officer == "Jane Smith"
    db, result = open_database(path, user="Tom Brown", read_only=in_use_reason(holder))
    settings = Settings(QSettings(str(tmp_path / "tom.ini"), QSettings.Format.IniFormat))
    settings.officer_name = "Tom Brown"
    window = MainWindow(db, settings, open_result=result, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    return window


def test_open_for_changes_once_the_other_window_has_closed(
    qtbot: QtBot, tmp_path: Path, demo_template: Path
) -> None:
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    other = _hold(path)
    try:
        window = _read_only_window(qtbot, path, tmp_path)
        banner = window.read_only_banner
        window.quarter_combo.setCurrentIndex(window.quarter_combo.findData(Q3))
        action_id = window.model.row_at(3).id
        assert window.select_action(action_id)
        assert not banner.check_free()
        assert banner.open_button.isHidden()
        assert not window.acts.edit_action.isEnabled()
    finally:
        assert other.stdin is not None
        other.stdin.close()
        other.wait(timeout=30)
    qtbot.waitUntil(lambda: not banner.open_button.isHidden(), timeout=6000)
    assert "The other window has closed the plan" in banner.text.text()
    banner.grab().save(str(tmp_path / "banner.png"))

    replacement = open_for_changes(window)
    assert replacement is not None and isinstance(replacement, MainWindow)
    qtbot.addWidget(replacement)
    try:
        assert replacement.db.read_only is None
        assert replacement.acts.edit_action.isEnabled()
        assert replacement.quarter is not None and replacement.quarter.code == Q3
        assert replacement.current_action_id() == action_id
        assert not window.isVisible()
        held = holder_of(path)
        assert held is not None and held.officer == "Tom Brown"
        # It can change the plan now.
        assert replacement.edits.set_rag(action_id, Q3, RAG.RED, today=TODAY)
    finally:
        replacement.close()
        replacement.db.close()
    assert holder_of(path) is None


def test_another_window_taking_the_plan_first_is_said_plainly(
    qtbot: QtBot, tmp_path: Path, demo_template: Path, monkeypatch: object
) -> None:
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    other = _hold(path)
    try:
        window = _read_only_window(qtbot, path, tmp_path)
    finally:
        assert other.stdin is not None
        other.stdin.close()
        other.wait(timeout=30)
    assert window.read_only_banner.check_free()
    shown: list[str] = []
    window.show_error = shown.append  # type: ignore[method-assign]
    third = InstanceLock.acquire(path, "Sam Lee")
    try:
        assert open_for_changes(window) is None
    finally:
        third.release()
    assert shown and "cannot be opened for changes" in shown[0] and "Sam Lee" in shown[0]
    assert window.isVisible() and window.db.read_only is not None
    assert window.read_only_banner.open_button.isHidden()
    assert not [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w is not window and w.isVisible()
    ]
    window.close()
    window.db.close()
