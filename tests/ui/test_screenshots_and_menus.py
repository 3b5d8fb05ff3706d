"""The screenshots subcommand, and the Returns / Reports menus opening other features' dialogs."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from scp_desktop.cli import main
from scp_desktop.storage.database import Database
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import Settings


def test_screenshots_command_writes_every_view(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    assert main(["screenshots", "--db", str(demo_db.path), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.glob("*.png"))
    for expected in (
        "01-action-table.png",
        "02-filtered.png",
        "03-dashboard.png",
        "04-action-form.png",
        "06-progress-update.png",
        "07-roll-over.png",
        "09-reference-data.png",
    ):
        assert expected in names
    table = QImage(str(out / "01-action-table.png"))
    assert (table.width(), table.height()) == (1366, 768)


class _FakeDialog(QDialog):
    opened: ClassVar[list[tuple[int, str]]] = []

    def __init__(self, db: Database, plan_id: int, quarter: str, parent: QWidget) -> None:
        super().__init__(parent)
        _FakeDialog.opened.append((plan_id, quarter))

    def exec(self) -> int:
        return 0


def test_returns_and_reports_menus_open_the_dialogs_lazily(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    returns = types.ModuleType("scp_desktop.ui.returns")
    returns.PrepareReturnsDialog = _FakeDialog  # type: ignore[attr-defined]
    returns.ImportReturnsDialog = _FakeDialog  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "scp_desktop.ui.returns", returns)
    monkeypatch.setitem(sys.modules, "scp_desktop.ui.reports", None)  # not built: ImportError
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(demo_db, settings)
    qtbot.addWidget(window)
    _FakeDialog.opened.clear()
    window.acts.prepare_returns.trigger()
    window.acts.import_returns.trigger()
    assert window.quarter is not None
    assert _FakeDialog.opened == [(window.plan_id, window.quarter.code)] * 2
    window.open_reports()
    assert not window.acts.reports.isEnabled()
