"""Preparing returns shows progress by return and can be cancelled; agencies that only support
actions come in with one tick."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from scp_desktop.domain.periods import Quarter
from scp_desktop.services.returns.export import export_returns
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.storage.database import Database
from scp_desktop.ui.returns import PrepareReturnsDialog

Q3 = "2022-23-Q3"


def _dialog(qtbot: QtBot, db: Database) -> PrepareReturnsDialog:
    dialog = PrepareReturnsDialog(db, plan_for_quarter(db, Quarter.parse(Q3)), Q3)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_one_tick_includes_the_agencies_that_only_support(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_db)
    support_only = dialog._support_only
    assert support_only, "the demo has agencies that only support actions"
    assert not set(dialog.chosen_agencies()) & support_only
    dialog.include_supporting.click()
    assert support_only <= set(dialog.chosen_agencies())
    dialog.folder.setText(str(tmp_path / "out"))
    seen: list[tuple[int, int, str]] = []
    with qtbot.waitSignal(dialog.prepared, timeout=60000) as blocker:
        dialog.prepare_button.click()
        assert dialog._job is not None
        dialog._job.relay.progress.connect(lambda d, t, m: seen.append((d, t, m)))
    result = blocker.args[0]
    written = {r.agency for r in result.returns}
    assert support_only <= written
    assert seen and seen[-1][1] == len(result.returns)
    assert any("Writing the return for" in m for _, _, m in seen)
    dialog.include_supporting.click()
    assert not set(dialog.chosen_agencies()) & support_only


def test_cancel_stops_between_returns_and_leaves_whole_files(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_db)
    dialog.folder.setText(str(tmp_path / "out"))
    with qtbot.waitSignal(dialog.prepared, timeout=60000) as blocker:
        dialog.prepare_button.click()
        progress = dialog._job.dialog if dialog._job is not None else None
        assert progress is not None
        assert progress.labelText() == "Writing the returns…"
        cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "Cancel")
        cancel.click()  # the officer's Cancel
    result = blocker.args[0]
    assert result.cancelled
    assert "Cancelled:" in dialog.report.toPlainText()
    files = sorted((tmp_path / "out").glob("*.xlsx"))
    assert len(files) == len(result.returns) < 10
    for path in files:
        openpyxl.load_workbook(path).close()
    assert not list((tmp_path / "out").glob("*.part")) and dialog.prepare_button.isEnabled()


def test_the_service_reports_each_return_and_stops_when_asked(
    demo_db: Database, tmp_path: Path
) -> None:
    plan_id = plan_for_quarter(demo_db, Quarter.parse(Q3))
    calls: list[int] = []

    def cancelled() -> bool:
        return len(calls) >= 3

    result = export_returns(
        demo_db,
        plan_id,
        Quarter.parse(Q3),
        tmp_path / "out",
        progress=lambda done, total, message: calls.append(done),
        cancelled=cancelled,
    )
    assert calls == [0, 1, 2] and len(result.returns) == 3 and result.cancelled
    assert len(list((tmp_path / "out").glob("*.xlsx"))) == 3
