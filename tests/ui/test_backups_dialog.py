"""File ▸ Backups…: back up now, restore one (the window reloads the plan), purge old audit entries."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from scp_desktop.storage import backups
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, AuditEntry
from scp_desktop.ui.backups_dialog import BackupsDialog
from scp_desktop.ui.main_window import MainWindow
from tests.ui.windows import shown_window

SHOTS = os.environ.get("SCP_TEST_SHOTS", "")


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    w = shown_window(qtbot, demo_db, tmp_path, None)
    yield w
    w.close()


def _answer_next_message(qtbot: QtBot, button: QMessageBox.StandardButton) -> list[str]:
    """Press `button` on the next message box that opens, as the officer would; returns its
    text once answered."""
    seen: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(button).click()
        else:
            QTimer.singleShot(20, press)

    QTimer.singleShot(0, press)
    return seen


def _first_title(db: Database) -> str:
    with db.session(audit=False) as s:
        action = s.scalars(select(Action).order_by(Action.id)).first()
        assert action is not None
        return action.title


def test_back_up_restore_and_purge_from_the_window(
    window: MainWindow, qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _first_title(demo_db)
    seen: dict[str, object] = {}

    def drive(dialog: BackupsDialog) -> QDialog.DialogCode:
        dialog.show()
        assert dialog.model.rowCount() == 0
        assert not dialog.restore_button.isEnabled()
        qtbot.mouseClick(dialog.backup_button, qtbot_left())
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
        assert dialog.status.text().startswith("Backed up as")
        assert dialog.model.index(0, 1).data() == "Backed up by hand"
        assert dialog.model.index(0, 4).data() == "51"

        # A change after the backup, seen in the window.
        with demo_db.session() as s:
            first = s.scalars(select(Action).order_by(Action.id)).first()
            assert first is not None
            first.title = "Renamed after the backup"
        window.reload()
        assert "Renamed after the backup" in _titles_shown(window)

        dialog.table.selectRow(0)
        asked = _answer_next_message(qtbot, QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(dialog.restore_button, qtbot_left())
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Restored"), timeout=10000)
        assert "backed up first" in asked[0]
        assert dialog.model.rowCount() == 2
        assert dialog.model.index(0, 1).data() == "Before a restore"

        # Old audit entries, purged after a backup.
        with demo_db.session(audit=False) as s:
            s.add(
                AuditEntry(
                    at=dt.datetime(2001, 1, 1),
                    entity="action",
                    operation="update",
                    field="title",
                    old_value="old",
                )
            )
        dialog.years.setValue(10)
        asked = _answer_next_message(qtbot, QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(dialog.purge_button, qtbot_left())
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Purged 1 audit entry"))
        assert "Delete 1 audit entry" in asked[0]
        assert dialog.model.index(0, 1).data() == "Before purging old audit entries"
        if SHOTS:
            dialog.grab().save(f"{SHOTS}/backups-dialog.png")
        seen["listed"] = dialog.model.rowCount()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(BackupsDialog, "exec", drive)
    window.acts.backups.trigger()
    assert seen["listed"] == 3
    # The window read the restored file again; nothing of the old file is left to undo.
    assert _first_title(demo_db) == original
    assert original in _titles_shown(window)
    assert "Renamed after the backup" not in _titles_shown(window)
    assert window.undo.stack.count() == 0
    # The purge setting is remembered in the file.
    dialog = BackupsDialog(demo_db, window)
    qtbot.addWidget(dialog)
    assert dialog.years.value() == 10


def test_a_backup_gone_from_the_folder_is_refused_with_a_message(
    window: MainWindow, qtbot: QtBot, demo_db: Database
) -> None:
    info = backups.take_backup(demo_db.path, "manual")
    dialog = BackupsDialog(demo_db, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.selectRow(0)
    info.path.unlink()
    before = _first_title(demo_db)
    asked = _answer_next_message(qtbot, QMessageBox.StandardButton.Yes)
    shown = _answer_after(qtbot, asked)
    qtbot.mouseClick(dialog.restore_button, qtbot_left())
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "There is no backup file" in shown[0]
    assert _first_title(demo_db) == before
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)


def _answer_after(qtbot: QtBot, first: list[str]) -> list[str]:
    """Once the first message is answered, close the warning that follows and keep its text."""
    seen: list[str] = []

    def wait() -> None:
        if not first:
            QTimer.singleShot(20, wait)
            return
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.text() not in first:
            seen.append(box.text())
            box.button(QMessageBox.StandardButton.Ok).click()
        else:
            QTimer.singleShot(20, wait)

    QTimer.singleShot(0, wait)
    return seen


def _titles_shown(window: MainWindow) -> list[str]:
    return [row.title for row in window.model.shown_rows()]


def qtbot_left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
