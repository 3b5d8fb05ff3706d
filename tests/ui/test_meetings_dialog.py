"""The Meetings window driven through its own widgets on the offscreen platform."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QDate, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from scp_desktop.services import meetings as svc
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import is_running
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.meetings import MeetingsDialog
from scp_desktop.ui.meetings.models import AgendaModel, PapersModel
from scp_desktop.ui.settings import Settings
from tests.meeting_files import word_file, write_paper


def _dialog(qtbot: QtBot, db: Database, quarter: str = "") -> MeetingsDialog:
    dialog = MeetingsDialog(db, None, quarter)
    qtbot.addWidget(dialog)
    return dialog


def _wait_idle(qtbot: QtBot, dialog: MeetingsDialog) -> None:
    qtbot.waitUntil(lambda: not is_running(dialog.job), timeout=30000)


def test_a_meeting_is_set_up_and_its_pack_made_in_the_window(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, db)
    # An empty file opens on a new meeting's form.
    assert dialog.meeting is None and dialog.save_button.text() == "&Create meeting"
    assert not dialog.add_item_button.isEnabled()
    dialog.body_edit.setText("Community Safety Delivery Board")
    dialog.date_edit.setDate(QDate(2025, 3, 14))
    dialog.time_edit.setText("25:00")
    assert not dialog.save_meeting()
    assert "'25:00' is not a time of day" in dialog.last_error
    assert svc.list_meetings(db) == []
    dialog.time_edit.setText("10am")
    dialog.venue_edit.setText("Rowan House")
    assert dialog.save_meeting()
    assert dialog.time_edit.text() == "10:00"
    assert dialog.meeting_list.count() == 1
    assert dialog.meeting_list.item(0).text() == "14/03/2025 10:00\nCommunity Safety Delivery Board"
    meeting_id = svc.list_meetings(db)[0].id

    # Items through the item dialog: a refused item keeps the dialog open with the reason.
    for title in ("Minutes", "Town centre hotspots"):
        item_dialog = dialog.item_dialog()
        assert item_dialog is not None
        item_dialog.title_edit.setText(title)
        item_dialog.accept()
        assert item_dialog.result() == item_dialog.DialogCode.Accepted
    closed = dialog.item_dialog()
    assert closed is not None
    closed.title_edit.setText("Case review")
    closed.part_combo.setCurrentIndex(closed.part_combo.findData("B"))
    assert closed.exemption_combo.isEnabled() and not closed.quarter_combo.isEnabled()
    closed.accept()
    assert "is in Part B: give the exempt-information paragraph" in closed.message.text()
    assert closed.result() != closed.DialogCode.Accepted
    closed.exemption_combo.setCurrentIndex(7)  # paragraph 7: the prevention of crime
    closed.accept()
    assert closed.result() == closed.DialogCode.Accepted
    rows = dialog.agenda_model.rows
    assert [(r.number, r.title, r.part) for r in rows] == [
        ("1", "Minutes", "A"),
        ("2", "Town centre hotspots", "A"),
        ("3", "Case review", "B"),
    ]
    assert dialog.agenda_model.data(dialog.agenda_model.index(2, 2)) == "B – exempt"

    # Reorder with the buttons; Part B stays last.
    dialog.agenda_view.selectRow(1)
    dialog.up_button.click()
    assert [r.title for r in dialog.agenda_model.rows][:2] == ["Town centre hotspots", "Minutes"]
    assert (
        dialog.current_item() is not None and dialog.current_item().title == "Town centre hotspots"
    )  # type: ignore[union-attr]
    dialog.agenda_view.selectRow(1)
    dialog.down_button.click()
    assert "Part B items always follow the public part" in dialog.last_error
    assert [r.title for r in dialog.agenda_model.rows][1] == "Minutes"

    # Papers: checked in the background, listed in order, moved and removed.
    dialog.agenda_view.selectRow(1)
    assert dialog.current_item().title == "Minutes"  # type: ignore[union-attr]
    dialog.attach_papers(
        [
            write_paper(tmp_path, "jan.pdf", "JANUARY", 2),
            write_paper(tmp_path, "dec.pdf", "DECEMBER", 1),
            write_paper(tmp_path, "spare.pdf", "SPARE", 1),
        ]
    )
    _wait_idle(qtbot, dialog)
    assert [p.file_name for p in dialog.papers_model.rows] == ["jan.pdf", "dec.pdf", "spare.pdf"]
    assert dialog.status.text() == "Attached 3 paper(s) to item 2."
    dialog.papers_view.selectRow(2)
    dialog.remove_paper_button.click()
    dialog.papers_view.selectRow(1)
    dialog.paper_up_button.click()
    dialog.papers_view.selectRow(0)
    dialog.rename_paper("Minutes 5 December 2024")
    assert [p.title for p in dialog.papers_model.rows] == ["Minutes 5 December 2024", "jan"]
    assert dialog.agenda_model.data(dialog.agenda_model.index(1, 4)) == "2 PDFs, 3 pages"

    dialog.grab().save(str(tmp_path / "meetings.png"))

    out = tmp_path / "pack.pdf"
    with qtbot.waitSignal(dialog.packMade, timeout=60000) as made:
        dialog.make_pack(out)
    assert made.args == [str(out), len(PdfReader(str(out)).pages)]
    assert dialog.open_pack_button.isEnabled()
    texts = [page.extract_text() or "" for page in PdfReader(str(out)).pages]
    december = next(n for n, t in enumerate(texts, 1) if "DECEMBER PAGE 1" in t)
    january = [n for n, t in enumerate(texts, 1) if "JANUARY PAGE" in t]
    assert january == [december + 1, december + 2]
    assert f"Minutes 5 December 2024 {december}" in " ".join(texts[1].split())
    assert "Case review" in texts[1] and "Exempt information" in texts[1]
    assert svc.get_meeting(db, meeting_id).items[1].title == "Minutes"


def test_a_file_that_is_not_a_pdf_is_refused_by_name(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    meeting = svc.create_meeting(db, svc.MeetingFields("Board", "01/04/2025"))
    svc.add_item(db, meeting, svc.ItemFields("Minutes"))
    dialog = _dialog(qtbot, db)
    report = tmp_path / "report.docx"
    report.write_bytes(word_file())
    with qtbot.waitSignal(dialog.failed, timeout=30000) as failed:
        dialog.attach_papers([write_paper(tmp_path, "fine.pdf", "FINE", 1), report])
    assert "report.docx is not a PDF" in failed.args[0]
    assert dialog.papers_model.rows == []
    assert svc.get_meeting(db, meeting).items[0].papers == ()
    assert dialog.attach_button.isEnabled()


def test_cancelling_the_pack_writes_no_file(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_db, "2022-23-Q2")
    out = tmp_path / "pack.pdf"
    dialog.make_pack(out)
    assert dialog.job is not None and not dialog.pack_button.isEnabled()
    dialog.job.cancel()
    _wait_idle(qtbot, dialog)
    assert dialog.status.text() == "Cancelled: no pack was written."
    assert not out.exists()
    assert dialog.pack_button.isEnabled()


def test_deleting_a_meeting_and_the_demo_meeting_shown(qtbot: QtBot, demo_db: Database) -> None:
    dialog = _dialog(qtbot, demo_db)
    assert dialog.meeting is not None and dialog.meeting.body == "Crime and Disorder Committee"
    assert len(dialog.agenda_model.rows) == 8
    assert dialog.agenda_model.data(dialog.agenda_model.index(6, 4)) == (
        "Quarterly performance report with the plan as appendix"
    )
    dialog.delete_meeting()
    assert svc.list_meetings(demo_db) == []
    assert dialog.meeting is None and dialog.agenda_model.rows == []


def test_the_tables_are_sound_models(qtmodeltester: object, demo_db: Database) -> None:
    details = svc.get_meeting(demo_db, svc.list_meetings(demo_db)[0].id)
    agenda = AgendaModel()
    agenda.set_rows(list(details.items))
    qtmodeltester.check(agenda)  # type: ignore[attr-defined]
    papers = PapersModel()
    papers.set_rows([svc.PaperInfo(1, "Minutes", "m.pdf", 3, 2048)])
    qtmodeltester.check(papers)  # type: ignore[attr-defined]


def test_reports_menu_opens_the_meetings_window(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(demo_db, settings)
    qtbot.addWidget(window)
    assert window.acts.meetings in window.acts.menus["Reports"].actions()
    seen: list[QWidget] = []

    def close_modal() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(20, close_modal)
            return
        seen.append(modal)
        modal.reject()

    QTimer.singleShot(0, close_modal)
    window.acts.meetings.trigger()
    assert len(seen) == 1 and isinstance(seen[0], MeetingsDialog)
    assert seen[0].quarter_code == window.quarter.code  # type: ignore[union-attr]
