"""From the Reports dialog: the officer writes the committee report's own sections, then saves
the report as a Word document or web page built in a worker."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from scp_desktop.services import committee, plans, reports
from scp_desktop.storage.database import Database
from scp_desktop.ui.reports import ReportDialog
from scp_desktop.ui.reports.committee_texts import CommitteeTextsDialog
from tests.publish.reading import docx_text, read_html

QUARTER = "2022-23-Q2"


def _dialog(qtbot: QtBot, db: Database) -> ReportDialog:
    dialog = ReportDialog(db, plans.list_plans(db)[0].id, QUARTER)
    qtbot.addWidget(dialog)
    return dialog


def test_texts_written_in_the_dialog_reach_the_word_document(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    meeting = reports.list_meetings(demo_db)[0].id
    dialog = _dialog(qtbot, demo_db)
    dialog.choose("committee", QUARTER, meeting)
    # A committee report is published, not printed: Word is chosen, preview and print are off.
    assert dialog.format_combo.currentData() == "docx"
    assert dialog.texts_button.isVisibleTo(dialog)
    assert not dialog.preview_button.isEnabled() and not dialog.print_button.isEnabled()

    dialog.edit_texts()
    texts = dialog.texts_dialog
    assert isinstance(texts, CommitteeTextsDialog)
    assert texts.fields["wards"].text() == "All"
    texts.fields["report_of"].setText("Assistant Director Communities")
    texts.sections["executive_summary"].setPlainText("A year of partnership work.")
    texts.sections["risk"].setPlainText("Funding risk & <staffing>.")
    texts.save()
    assert texts.result() == CommitteeTextsDialog.DialogCode.Accepted
    assert committee.load_texts(demo_db, meeting, QUARTER).saved

    out = tmp_path / "committee.docx"
    with qtbot.waitSignal(dialog.built, timeout=60000) as blocker:
        dialog.save_to(out)
    assert blocker.args == [str(out), 0]
    assert dialog.status.text() == f"Saved {out}."
    text = docx_text(out)
    assert "Report of: Assistant Director Communities" in text
    assert "A year of partnership work." in text
    assert "Funding risk & <staffing>." in text
    qtbot.waitUntil(lambda: not dialog.is_busy())

    dialog.choose("committee", QUARTER, meeting, fmt="html")
    page = tmp_path / "committee.html"
    with qtbot.waitSignal(dialog.built, timeout=60000):
        dialog.save_to(page)
    assert "A year of partnership work." in read_html(page).text
    assert dialog._suggested_name().endswith(".html")


def test_quarterly_report_as_html_and_pack_stays_pdf(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, demo_db)
    dialog.choose("quarterly", QUARTER, fmt="html")
    assert not dialog.preview_button.isEnabled()
    out = tmp_path / "q.html"
    with qtbot.waitSignal(dialog.built, timeout=60000):
        dialog.save_to(out)
    assert read_html(out).lang == "en-GB"
    qtbot.waitUntil(lambda: not dialog.is_busy())
    dialog.choose("pack")
    assert dialog.format_combo.currentData() == "pdf"
    assert dialog.preview_button.isEnabled()


def test_texts_that_cannot_be_kept_are_refused_in_the_dialog(
    qtbot: QtBot, demo_db: Database
) -> None:
    meeting = reports.list_meetings(demo_db)[0].id
    texts = CommitteeTextsDialog(demo_db, meeting, QUARTER)
    qtbot.addWidget(texts)
    texts.sections["background"].setPlainText("x" * 50_001)
    texts.save()
    assert "50,001 characters" in texts.last_error
    assert texts.result() != CommitteeTextsDialog.DialogCode.Accepted
    assert not committee.load_texts(demo_db, meeting, QUARTER).saved
