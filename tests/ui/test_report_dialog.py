"""The report dialog builds documents in a worker, previews, prints and saves them."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from scp_desktop.services import plans
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import CancelToken
from scp_desktop.ui.reports import ReportDialog
from scp_desktop.ui.reports import dialog as dialog_module


def _dialog(qtbot: QtBot, db: Database) -> ReportDialog:
    plan = plans.list_plans(db)[0]
    dialog = ReportDialog(db, plan.id, "2022-23-Q2")
    qtbot.addWidget(dialog)
    return dialog


def test_save_quarterly_report(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, demo_db)
    assert dialog.quarter_combo.currentText() == "Q2 2022-23"
    out = tmp_path / "q.pdf"
    with qtbot.waitSignal(dialog.built, timeout=30000) as blocker:
        dialog.save_to(out)
    assert blocker.args == [str(out), len(PdfReader(str(out)).pages)]
    assert "Saved" in dialog.status.text()
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert dialog.save_button.isEnabled()


def test_preview_loads_the_pdf_in_the_dialog(qtbot: QtBot, demo_db: Database) -> None:
    dialog = _dialog(qtbot, demo_db)
    dialog.show()
    dialog.choose("plan")
    assert not dialog.quarter_combo.isEnabled()
    with qtbot.waitSignal(dialog.built, timeout=30000) as blocker:
        dialog.preview()
    assert dialog.document is not None
    qtbot.waitUntil(lambda: dialog.document.pageCount() == blocker.args[1])
    dialog.grab().save(str(Path(blocker.args[0]).with_suffix(".png")))


def test_meeting_pack_choice_shows_the_meeting(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_db)
    dialog.show()
    assert not dialog.meeting_combo.isVisible()
    dialog.choose("pack")
    assert dialog.meeting_combo.isVisible()
    assert "Crime and Disorder Committee" in dialog.meeting_combo.currentText()
    with qtbot.waitSignal(dialog.built, timeout=30000):
        dialog.save_to(tmp_path / "pack.pdf")
    outline = PdfReader(str(tmp_path / "pack.pdf")).outline
    titles = [entry.title for entry in outline if not isinstance(entry, list)]
    assert "Item 7: Safer Colchester Partnership Report" in titles


def test_print_renders_every_page(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, demo_db)
    dialog.choose("year-end")
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    with qtbot.waitSignal(dialog.built, timeout=30000) as blocker:
        dialog.print_to(printer)
    assert len(PdfReader(str(printed)).pages) == blocker.args[1]


def test_cancel_stops_the_build(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, demo_db)
    out = tmp_path / "q.pdf"
    dialog.save_to(out)
    dialog.cancel()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=30000)
    assert dialog.status.text() == "Cancelled." or out.exists()
    assert list(tmp_path.glob(".building-*")) == []


def test_failure_is_reported(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, demo_db)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    with qtbot.waitSignal(dialog.failed, timeout=30000) as blocker:
        dialog.save_to(blocked / "q.pdf")
    assert "q.pdf" in blocker.args[0] or "not-a-folder" in blocker.args[0]


def test_what_a_print_held_is_freed_on_the_gui_thread_once_its_jobs_end(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    """What a job's work held (the printer made on the GUI thread, among others) is let go
    on the GUI thread: freeing it on the worker raced the GUI thread (an intermittent crash
    after printing). Both jobs of a print, the build and the printing, are watched."""
    dialog = _dialog(qtbot, demo_db)
    freed_on: list[str] = []
    run = dialog_module.run_with_progress

    class Watched:
        """The job's work, saying on which thread it is freed."""

        def __init__(self, work: Callable[[CancelToken], Any]) -> None:
            self.work = work

        def __call__(self, token: CancelToken) -> Any:
            return self.work(token)

        def __del__(self) -> None:
            freed_on.append(threading.current_thread().name)

    def watched(parent: Any, work: Callable[[CancelToken], Any], **options: Any) -> Any:
        return run(parent, Watched(work), **options)

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dialog_module, "run_with_progress", watched)
        with qtbot.waitSignal(dialog.built, timeout=30000):
            dialog.print_to(printer)
        qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)

        def both_freed() -> bool:
            # What the application's collector does between events, on this thread.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            gc.collect()
            return len(freed_on) == 2

        qtbot.waitUntil(both_freed, timeout=10000)
    assert freed_on == [threading.main_thread().name] * 2
