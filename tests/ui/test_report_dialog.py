"""The report dialog builds documents in a worker, previews, prints and saves them."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QThread
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from scp_desktop.services import plans
from scp_desktop.storage.database import Database
from scp_desktop.ui.reports import ReportDialog
from scp_desktop.ui.reports import dialog as dialog_module
from scp_desktop.ui.reports import worker as worker_module


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


def test_workers_are_freed_on_the_gui_thread_once_their_threads_end(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    """A worker deleted by its own thread as it ended raced the GUI thread letting go of it
    (an intermittent crash after printing): both workers of a print are freed here, after."""
    dialog = _dialog(qtbot, demo_db)
    freed_on: list[str] = []
    started = worker_module.start

    def watched(worker: worker_module.ReportWorker | worker_module.PrintWorker) -> QThread:
        worker.destroyed.connect(
            lambda *_: freed_on.append(threading.current_thread().name),
            Qt.ConnectionType.DirectConnection,
        )
        return started(worker)

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dialog_module, "start", watched)
        with qtbot.waitSignal(dialog.built, timeout=30000):
            dialog.print_to(printer)
        qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)

        def both_freed() -> bool:
            # What the application's collector does between events: deferred deletes (the
            # progress dialogs holding the workers' Cancel slots) and cycles, on this thread.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            gc.collect()
            return len(freed_on) == 2

        qtbot.waitUntil(both_freed, timeout=10000)
    assert freed_on == [threading.main_thread().name] * 2
