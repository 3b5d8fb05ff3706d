"""A plan open read-only: the banner says why, writing commands are off, a write tried
anyway gets a plain message; a second window is told who has the file; bad files are
refused with a message and the program carries on."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from scp_desktop.domain.rag import RAG
from scp_desktop.storage import database
from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
from scp_desktop.storage.database import open_database
from scp_desktop.storage.instance_lock import InstanceLock, holder_of, lock_path
from scp_desktop.ui.file_access import choose_access, in_use_reason, network_reason
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.read_only import WRITING_ACTIONS, save_copy_to_this_computer
from scp_desktop.ui.settings import Settings

SHOTS = Path(os.environ.get("SCP_SHOTS", "/tmp/scp-shots"))


def answer_next_message(button_text: str, seen: list[str], shot: str = "") -> None:
    """Answer the next modal message box by the button whose text contains `button_text`,
    noting what it said (a real box, driven as the officer would)."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, poll)
            return
        seen.append(f"{box.text()}\n{box.informativeText()}")
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            box.grab().save(str(SHOTS / shot))
        for button in box.buttons():
            if button_text in button.text().replace("&", ""):
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, poll)


def _demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    return path


def _window(qtbot: QtBot, path: Path, read_only: ReadOnly) -> MainWindow:
    db, result = open_database(path, user="Tom Brown", read_only=read_only)
    window = MainWindow(db, Settings(), open_result=result)
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_open_read_only_says_why_and_switches_off_writing(
    qtbot: QtBot, demo_template: Path, tmp_path: Path
) -> None:
    path = _demo_copy(demo_template, tmp_path)
    lock = InstanceLock.acquire(path, "Jane Smith")
    try:
        window = _window(qtbot, path, in_use_reason(lock.holder))
        before = path.read_bytes()
        banner = window.read_only_banner
        assert banner.isVisible()
        text = banner.text.text()
        assert text.startswith(
            "<b>Read-only.</b> It is open for changes in SCP Desktop by Jane Smith"
        )
        assert "once it is closed there, this window offers to open it for changes" in text
        assert banner.copy_button is None  # two copies of a plan being changed would part ways
        assert window.windowTitle().endswith("(read-only)")
        for name in WRITING_ACTIONS:
            assert not getattr(window.acts, name).isEnabled(), name
        for name in ("reports", "export_plan", "find", "refresh", "show_dashboard"):
            assert getattr(window.acts, name).isEnabled(), name
        assert window.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
        assert not window.start_empty.isEnabled()
        assert not window.history.attach_button.isVisible()
        assert not window.history.remove_button.isVisible()
        assert window.model.rowCount() > 0  # the plan is there to read
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / "read-only-in-use.png"))

        # A write tried anyway (here the RAG a table edit would set) is refused plainly.
        action_id = window.model.all_rows()[0].id
        seen: list[str] = []
        answer_next_message("OK", seen)
        window.action_commands.set_rag(action_id, 1, RAG.RED)
        assert len(seen) == 1
        assert "plan.db is open read-only, so nothing can be changed." in seen[0]
        assert "Jane Smith" in seen[0] and "Traceback" not in seen[0]
        assert path.read_bytes() == before
        window.close()
    finally:
        lock.release()


def test_network_drive_banner_offers_a_copy_that_opens_for_changes(
    qtbot: QtBot, demo_template: Path, tmp_path: Path
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    path = _demo_copy(demo_template, share)
    window = _window(qtbot, path, network_reason("cifs"))
    banner = window.read_only_banner
    text = banner.text.text()
    assert "It is on a network drive (cifs)." in text
    assert "cannot lock a file reliably over a network" in text
    assert "save a copy to this computer" in text
    assert "ask your IT team for a shared plan on a PostgreSQL server" in text
    assert "File ▸ Connect to a shared plan…" in text
    assert banner.copy_button is not None and banner.copy_button.isVisible()
    window.grab().save(str(SHOTS / "read-only-network.png"))

    target = tmp_path / "laptop" / "plan copy.db"
    target.parent.mkdir()
    asked: list[Path] = []

    def choose(_parent: Any, suggested: Path) -> Path:
        asked.append(suggested)
        return target

    assert save_copy_to_this_computer(window, choose)
    assert asked[0].name == "plan.db"

    def copy_window() -> MainWindow:
        found = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible() and w.db.path == target.resolve()
        ]
        assert found
        return found[0]

    qtbot.waitUntil(lambda: bool(copy_window()), timeout=20000)
    copy = copy_window()
    qtbot.addWidget(copy)
    assert copy.db.read_only is None
    assert not hasattr(copy, "read_only_banner")
    assert copy.acts.new_action.isEnabled()
    assert not window.isVisible()
    holder = holder_of(target.resolve())
    assert holder is not None and holder.pid == os.getpid()
    copy.close()
    assert holder_of(target.resolve()) is None
    assert not lock_path(target.resolve()).exists()


def test_copy_refused_onto_the_open_file(qtbot: QtBot, demo_template: Path, tmp_path: Path) -> None:
    path = _demo_copy(demo_template, tmp_path)
    window = _window(qtbot, path, ReadOnly(ReadOnlyKind.NOT_WRITABLE, "The file is read-only."))
    seen: list[str] = []
    answer_next_message("OK", seen)
    assert not save_copy_to_this_computer(window, lambda _w, _p: path)
    assert seen and "That is the file open now" in seen[0]


def test_second_window_is_told_who_has_the_file_and_may_open_it_read_only(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "plan.db"
    first = InstanceLock.acquire(path, "Jane Smith")
    try:
        seen: list[str] = []
        answer_next_message("Cancel", seen)
        assert choose_access(path, "Tom Brown") is None
        answer_next_message("Open read-only", seen, shot="already-open.png")
        access = choose_access(path, "Tom Brown")
        assert access is not None and access.lock is None
        assert access.read_only is not None and access.read_only.kind is ReadOnlyKind.IN_USE
        assert "by Jane Smith on" in access.read_only.why
        assert all("plan.db is already open in SCP Desktop" in s for s in seen)
        assert all("It was opened by Jane Smith on " in s and ", since " in s for s in seen)
    finally:
        first.release()
    access = choose_access(path, "Tom Brown", ask=_never_asked)
    assert access is not None and access.lock is not None and access.read_only is None
    access.release()


def _never_asked(*_args: object) -> bool:
    raise AssertionError("the officer was asked although nobody has the file")


def test_read_only_file_opens_read_only(qtbot: QtBot, demo_template: Path, tmp_path: Path) -> None:
    import subprocess

    path = _demo_copy(demo_template, tmp_path)
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here, and root ignores file modes")
    try:
        access = choose_access(path, "Tom Brown", ask=_never_asked)
        assert access is not None and access.read_only is not None
        assert access.read_only.kind is ReadOnlyKind.NOT_WRITABLE
        window = _window(qtbot, path, access.read_only)
        assert "marked read-only" in window.read_only_banner.text.text()
        assert window.read_only_banner.copy_button is not None
        window.close()
        window.db.close()
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "plans").mkdir()
    return tmp_path / "plans"


def _text(tmp_path: Path) -> Path:
    path = tmp_path / "plan.db"
    path.write_text("not a plan\n", encoding="utf-8")
    return path


def _damaged(tmp_path: Path) -> Path:
    path = tmp_path / "plan.db"
    db, _ = open_database(path)
    db.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    return path


def _run_gui_answering(path: Path, seen: list[str]) -> int:
    from scp_desktop.app import run_gui

    Settings(QSettings()).officer_name = "Tom Brown"
    answer_next_message("OK", seen)
    return run_gui(path)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_folder, "is a folder, not a plan database file"),
        (_text, "not a SQLite file"),
        (_damaged, "is damaged"),
    ],
    ids=["folder", "text file", "damaged"],
)
def test_bad_file_is_refused_with_a_message_and_the_program_carries_on(
    qtbot: QtBot, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    seen: list[str] = []
    assert _run_gui_answering(path, seen) == 1
    assert len(seen) == 1 and message in seen[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no note left beside it


def test_file_locked_by_another_program_is_refused_with_a_message(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.db"
    db, _ = open_database(path)
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=delete")
    conn.close()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    seen: list[str] = []
    try:
        assert _run_gui_answering(path, seen) == 1
    finally:
        blocker.rollback()
        blocker.close()
    assert len(seen) == 1 and "in use by another program" in seen[0]
    assert not lock_path(path).exists()


def test_start_on_a_file_held_by_another_window_opens_read_only(
    qtbot: QtBot, demo_template: Path, tmp_path: Path
) -> None:
    from scp_desktop.app import run_gui

    path = _demo_copy(demo_template, tmp_path)
    first = InstanceLock.acquire(path, "Jane Smith")
    Settings(QSettings()).officer_name = "Tom Brown"
    seen: list[str] = []
    found: dict[str, Any] = {}

    def look() -> None:
        windows = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible() and w.has_database
        ]
        if not windows:
            QTimer.singleShot(50, look)
            return
        found["window"] = windows[0]
        found["banner"] = windows[0].read_only_banner.text.text()
        found["read_only"] = windows[0].db.read_only
        QApplication.exit(0)

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    try:
        answer_next_message("Open read-only", seen)
        QTimer.singleShot(0, look)
        assert run_gui(path) == 0
    finally:
        if "window" in found:
            found["window"].close()
            found["window"].db.close()
            found["window"].deleteLater()
        app.setQuitOnLastWindowClosed(True)
        first.release()
    assert len(seen) == 1 and "Jane Smith" in seen[0]
    assert found["read_only"].kind is ReadOnlyKind.IN_USE
    assert "It is open for changes in SCP Desktop by Jane Smith" in found["banner"]


def test_statistics_edits_on_a_read_only_plan_get_a_plain_message(
    qtbot: QtBot, demo_template: Path, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from scp_desktop.services import indicators as svc
    from scp_desktop.services import plans
    from scp_desktop.ui.indicators.definition_form import DefinitionForm
    from scp_desktop.ui.indicators.values_grid import ValuesGridWidget
    from tests.ui.test_indicators import rated_indicator

    path = _demo_copy(demo_template, tmp_path)
    writable, _ = open_database(path)
    indicator_id = rated_indicator(writable)
    writable.close()
    before = path.read_bytes()
    db, _ = open_database(path, read_only=ReadOnly(ReadOnlyKind.ASKED, "Opened to look."))
    try:
        # Closed and deleted by the test itself, before the database closes.
        grid = ValuesGridWidget(db)
        grid.resize(1200, 500)
        grid.show()
        grid.set_indicator(indicator_id, "2022-23")
        index = grid.model.index(5, grid.model.column_index("value"))
        grid.model.setData(index, "90", Qt.ItemDataRole.EditRole)
        assert "plan.db is open read-only" in grid.message.text()

        plan_id = plans.list_plans(db)[0].id
        form = DefinitionForm(db, plan_id)
        form.load(indicator_id)
        form.name.setText("Renamed")
        form.save_button.click()
        assert "plan.db is open read-only" in form.message.text()
        assert svc.list_indicators(db, plan_id, "2022-23-Q2")[0].name != "Renamed"
        # Gone before the database closes (the grid's model must not outlive its widget).
        for widget in (form, grid):
            widget.close()
            widget.deleteLater()
        qtbot.wait(10)
    finally:
        db.close()
    assert path.read_bytes() == before
