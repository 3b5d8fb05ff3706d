"""The screenshots subcommand, and the menus opening every feature's dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from scp_desktop.cli import main
from scp_desktop.storage.database import Database
from scp_desktop.ui.indicators import IndicatorsWindow
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.reports import ReportDialog
from scp_desktop.ui.returns import (
    ExportPlanDialog,
    ImportReturnsDialog,
    NewPlanFromSpreadsheetDialog,
    PrepareReturnsDialog,
)
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
        "13-prepare-returns.png",
        "14-import-returns.png",
        "16-reports.png",
        "17-indicators.png",
        "18-import-review.png",
        "19-start-page.png",
        "20-new-partnership.png",
        "21-partnership.png",
    ):
        assert expected in names
    table = QImage(str(out / "01-action-table.png"))
    assert (table.width(), table.height()) == (1366, 768)


@pytest.mark.parametrize(
    ("action_name", "dialog_class"),
    [
        ("prepare_returns", PrepareReturnsDialog),
        ("import_returns", ImportReturnsDialog),
        ("export_plan", ExportPlanDialog),
        ("reports", ReportDialog),
        ("indicators", IndicatorsWindow),
        ("plan_from_spreadsheet", NewPlanFromSpreadsheetDialog),
    ],
)
def test_menus_open_each_feature_dialog_for_the_chosen_plan_and_quarter(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, action_name: str, dialog_class: type
) -> None:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(demo_db, settings)
    qtbot.addWidget(window)
    seen: list[QWidget] = []

    def close_modal() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(20, close_modal)
            return
        seen.append(modal)
        modal.reject()

    QTimer.singleShot(0, close_modal)
    getattr(window.acts, action_name).trigger()
    assert len(seen) == 1
    assert isinstance(seen[0], dialog_class)
