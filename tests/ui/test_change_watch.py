"""A window keeps in step with changes another process saves to its file: an import from the
command line refreshes the rows concerned, a restore reads the file whole, the officer is
told, and their filter, selection and open form are kept."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.return_workbook import LEAD_SHEET
from scp_desktop.services.returns.export import export_returns
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.storage.database import open_database
from scp_desktop.storage.instance_lock import InstanceLock
from scp_desktop.storage.models import Action
from scp_desktop.ui.change_sources import PlanFileSource
from scp_desktop.ui.filtering import ActionFilter
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import Settings

TODAY = dt.date(2022, 11, 15)
Q3 = "2022-23-Q3"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOGNAME": "cli-officer", "USER": "cli-officer"}
    done = subprocess.run(
        [sys.executable, "-m", "scp_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, demo_template: Path) -> Iterator[MainWindow]:
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    db, _ = open_database(path, user="Alice")
    settings = Settings(QSettings(str(tmp_path / "alice.ini"), QSettings.Format.IniFormat))
    settings.officer_name = "Alice"
    w = MainWindow(db, settings, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    w.quarter_combo.setCurrentIndex(w.quarter_combo.findData(Q3))
    yield w
    w.close()
    db.close()


def _ep_return(w: MainWindow, folder: Path) -> tuple[Path, list[int]]:
    quarter = Quarter.parse(Q3)
    db = w.db
    result = export_returns(db, plan_for_quarter(db, quarter), quarter, folder, agencies=["EP"])
    path = result.returns[0].path
    wb = openpyxl.load_workbook(path)
    ws = wb[LEAD_SHEET]
    refs = []
    for row in range(5, ws.max_row + 1):
        if ws.cell(row, 1).value:
            ws.cell(row, 7).value = "Red"
            ws.cell(row, 8).value = "From the command line"
            refs.append(str(ws.cell(row, 1).value))
    wb.save(path)
    with db.session(audit=False) as s:
        ids = [s.scalars(select(Action.id).where(Action.reference == r)).first() for r in refs]
    return path, [i for i in ids if i is not None]


def test_an_import_from_the_command_line_refreshes_the_rows_keeping_filter_and_selection(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    path, action_ids = _ep_return(window, tmp_path / "returns")
    target = action_ids[0]
    row = window.model.row_at(window.model.row_of(target))
    window.filter_bar.show_filter(ActionFilter(text="", priority_id=row.priority_id))
    assert window.select_action(target)
    shown_before = window.model.rowCount()
    assert row.rags[2] is not RAG.RED

    _cli("import", "--db", str(window.db.path), "--quarter", Q3, str(path))

    def refreshed() -> None:
        now = window.model.row_at(window.model.row_of(target))
        assert now.rags[2] is RAG.RED

    qtbot.waitUntil(refreshed, timeout=10000)
    assert "cli-officer" in window.change_watch.last_message
    assert window.statusBar().currentMessage() == window.change_watch.last_message
    assert window.current_action_id() == target
    assert window.model.action_filter.priority_id == row.priority_id
    assert window.model.rowCount() == shown_before


def test_a_restore_from_the_command_line_is_read_whole(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    db_path = str(window.db.path)
    backup = tmp_path / "before.db"
    _cli("backup", "--db", db_path, "--out", str(backup))
    action_id = window.model.row_at(0).id
    before = window.model.row_at(0).rags[2]
    new = RAG.RED if before is not RAG.RED else RAG.GREEN
    assert window.select_action(action_id)
    assert window.edits.set_rag(action_id, Q3, new, today=TODAY)
    window.change_watch.check()  # the window's own edit is not news
    assert window.change_watch.last_message == ""
    assert window.model.row_at(window.model.row_of(action_id)).rags[2] is new

    lock = InstanceLock.acquire(window.db.path, "Alice")
    try:
        done = _cli("restore", "--db", db_path, "--from", str(backup))
    finally:
        lock.release()
    # The command line says a window has the file, and that it will read the restore in.
    assert "is open in SCP Desktop by Alice" in done.stderr
    assert "reads it in within a few seconds" in done.stderr

    qtbot.waitUntil(
        lambda: window.model.row_at(window.model.row_of(action_id)).rags[2] is before,
        timeout=10000,
    )
    assert "restored or replaced" in window.change_watch.last_message
    assert window.current_action_id() == action_id
    assert window.quarter is not None and window.quarter.code == Q3


def test_a_change_waits_while_a_form_is_open(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    path, action_ids = _ep_return(window, tmp_path / "returns")
    target = action_ids[0]
    window.change_watch.timer.stop()
    form = QDialog(window)
    form.setModal(True)
    form.show()
    qtbot.waitUntil(lambda: form.isVisible())
    _cli("import", "--db", str(window.db.path), "--quarter", Q3, str(path))
    window.change_watch.check()
    assert window.change_watch.pending is not None
    assert window.model.row_at(window.model.row_of(target)).rags[2] is not RAG.RED
    form.close()
    window.change_watch.check()
    assert window.change_watch.pending is None
    assert window.model.row_at(window.model.row_of(target)).rags[2] is RAG.RED


def test_the_officers_own_change_elsewhere_is_read_in_without_naming_them(
    window: MainWindow, qtbot: QtBot
) -> None:
    from scp_desktop.services import editing

    action_id = window.model.row_at(0).id
    other, _ = open_database(window.db.path, user="Alice")  # Alice's second window
    try:
        before = window.model.row_at(0).rags[2]
        rag = RAG.RED if before is not RAG.RED else RAG.GREEN
        editing.save_quarter_rag(other, action_id, Q3, rag, today=TODAY, reported_by="Alice")
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: window.model.row_at(window.model.row_of(action_id)).rags[2] is rag, timeout=10000
    )
    assert window.change_watch.last_message == (
        "The table was brought up to date with your latest saved changes."
    )


def test_the_watch_follows_the_window_to_another_plan_file(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, demo_template: Path
) -> None:
    first = window.change_watch.source
    assert isinstance(first, PlanFileSource)
    second = tmp_path / "second.db"
    shutil.copy(demo_template, second)
    db, result = open_database(second, user="Alice")
    window.use_database(db, result)
    source = window.change_watch.source
    assert isinstance(source, PlanFileSource) and source is not first
    assert source.path == second
    action_id = window.model.row_at(0).id
    other, _ = open_database(second, user="Bob")
    try:
        with other.session(reason="renamed") as s:
            action = s.get(Action, action_id)
            assert action is not None
            action.title = "Renamed by Bob"
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: window.model.row_at(window.model.row_of(action_id)).title == "Renamed by Bob",
        timeout=10000,
    )
    assert "Bob" in window.change_watch.last_message
    window.close()
    assert window.change_watch.source is None
    assert not window.change_watch.timer.isActive()
    db.close()


def test_a_window_whose_file_is_gone_watches_at_a_file_s_pace_not_every_event(
    window: MainWindow,
) -> None:
    from scp_desktop.ui.change_watch import watch_changes

    window.change_watch.stop()
    window.db.path.unlink()  # the file removed under the window: nothing to watch
    watch = watch_changes(window)
    try:
        assert watch.source is None
        assert watch.timer.isActive()
        assert watch.timer.interval() == PlanFileSource.interval_ms
    finally:
        watch.stop()
