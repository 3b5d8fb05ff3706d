"""The start page, a new partnership made from scratch in the window, switching files, Recent
files, Save a copy, Close, an empty file, whole plans, and the quarter a plan opens on."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from scp_desktop.domain.periods import FinancialYear
from scp_desktop.paths import default_database_path, demo_database_path
from scp_desktop.services import plans, reports, setup
from scp_desktop.services.partnership_file import create_partnership_file, ensure_demo_file
from scp_desktop.services.profile import read_profile
from scp_desktop.services.records import RecordKind
from scp_desktop.services.returns.export import export_returns
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import QuarterSignoff
from scp_desktop.ui.action_form import ActionFormDialog
from scp_desktop.ui.file_commands import StartResult, perform_start_choice
from scp_desktop.ui.jobs import is_running
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.profile_dialog import PartnershipDialog
from scp_desktop.ui.reference_editors import RecordFormDialog
from scp_desktop.ui.settings import (
    LAST_FILE,
    RECENT_FILES,
    Settings,
    last_file,
    recent_files,
)
from scp_desktop.ui.start_page import StartChoice, StartPage
from tests.document_scan import email_text, foreign_words, pdf_pages, workbook_text
from tests.partnership_data import ANYTOWN, png_logo

TODAY = dt.date(2025, 10, 20)  # Q2 2025-26 has ended, Q3 is in progress
TODAY_YEAR = FinancialYear.containing(TODAY)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Messages the window would show in a (modal) box, kept instead for the test to read."""
    shown: list[str] = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, message: shown.append(message))
    return shown


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    s.officer_name = "Pat Officer"
    return s


@pytest.fixture
def open_windows(qtbot: QtBot) -> Iterator[list[MainWindow]]:
    made: list[MainWindow] = []
    yield made
    for window in made:
        window.close()
        window.db.close()


def _window(
    qtbot: QtBot, path: Path, settings: Settings, made: list[MainWindow], today: dt.date = TODAY
) -> MainWindow:
    db, _ = open_database(path, user="pat")
    window = MainWindow(db, settings, today=today)
    qtbot.addWidget(window)
    window.show()
    made.append(window)
    return window


def _once(fill: Callable[[QDialog], None]) -> Callable[[QDialog], QDialog.DialogCode]:
    """A dialog's exec that fills it in the first time and is cancelled after that."""
    calls: list[int] = []

    def run(dialog: QDialog) -> QDialog.DialogCode:
        calls.append(1)
        if len(calls) > 1:
            return QDialog.DialogCode.Rejected
        fill(dialog)
        return QDialog.DialogCode.Accepted

    return run


def _fill_anytown(qtbot: QtBot, path: Path, logo: Path) -> Callable[[QDialog], None]:
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, PartnershipDialog)
        qtbot.keyClicks(dialog.name, ANYTOWN.name)
        qtbot.keyClicks(dialog.area, ANYTOWN.area)
        qtbot.keyClicks(dialog.prepared_by, ANYTOWN.prepared_by)
        qtbot.keyClicks(dialog.contact, ANYTOWN.contact)
        dialog.footer.insert(ANYTOWN.footer)  # a dash QTest cannot type
        from scp_desktop.domain.rag import RAG

        qtbot.keyClicks(dialog.rag_edits[RAG.BLUE], "Delivered and closed")
        assert dialog.choose_logo_file(logo)
        assert dialog.path_edit is not None and dialog.year_combo is not None
        # The file name follows the partnership's name until the officer changes it.
        assert dialog.new_file_path().name == "Safer Anytown Partnership.db"
        dialog.path_edit.setText(str(path))
        assert dialog.year_combo.currentText() == "2025-26"
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    return fill


# ------------------------------------------------------------------ the start page


def test_the_start_page_offers_its_four_choices_and_the_recent_files(qtbot: QtBot) -> None:
    page = StartPage(["/work/a/Safer Anytown.db", "/work/b/demo.db"])
    qtbot.addWidget(page)
    page.show()
    buttons = {
        page.demo_button: StartChoice.DEMO,
        page.new_button: StartChoice.NEW_PARTNERSHIP,
        page.spreadsheet_button: StartChoice.SPREADSHEET,
        page.open_button: StartChoice.OPEN,
    }
    assert page.demo_button.isDefault()  # Enter opens the demo: the application at once
    for button, choice in buttons.items():
        page.choice = None
        page.setResult(0)
        button.click()
        assert page.choice is choice and page.result() == QDialog.DialogCode.Accepted
    assert [page.recent_list.item(i).text() for i in range(2)] == ["Safer Anytown.db", "demo.db"]
    page.recent_list.itemActivated.emit(page.recent_list.item(0))
    assert page.choice is StartChoice.RECENT
    assert page.recent_path == Path("/work/a/Safer Anytown.db")
    empty = StartPage([])
    qtbot.addWidget(empty)
    empty.show()
    assert not empty.recent_list.isVisible()


def test_the_demo_choice_opens_the_demo_in_its_own_file(settings: Settings) -> None:
    result = perform_start_choice(StartChoice.DEMO, None, settings, TODAY)
    assert result == StartResult(demo_database_path())
    assert not default_database_path().exists()  # the officer's own file is left alone
    db, _ = open_database(result.path)
    try:
        info = plans.partnership(db)
        assert info is not None and info.is_demo
    finally:
        db.close()


def test_a_new_partnership_from_the_start_page(
    qtbot: QtBot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_logo())
    target = tmp_path / "files" / "anytown.db"
    monkeypatch.setattr(PartnershipDialog, "exec", _once(_fill_anytown(qtbot, target, logo)))
    result = perform_start_choice(StartChoice.NEW_PARTNERSHIP, None, settings, TODAY)
    assert result == StartResult(target.resolve())
    db, _ = open_database(target)
    try:
        profile = read_profile(db)
        assert profile is not None and profile.name == ANYTOWN.name
        assert profile.logo == logo.read_bytes()
        assert [(p.year, p.status) for p in plans.list_plans(db)] == [("2025-26", "draft")]
    finally:
        db.close()


def test_a_recent_file_that_has_gone_leaves_the_list(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scp_desktop.ui.settings import remember_file

    gone = tmp_path / "gone.db"
    remember_file(settings, str(gone))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    assert perform_start_choice(StartChoice.RECENT, None, settings, TODAY, gone) is None
    assert warned and "no longer there" in warned[0]
    assert recent_files(settings) == [] and last_file(settings) == ""


# ------------------------------------------------------------------ from scratch in the window


def test_a_new_partnership_made_from_scratch_in_the_window_prints_and_exports_as_its_own(
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
    open_windows: list[MainWindow],
) -> None:
    demo_path = ensure_demo_file(tmp_path / "demo.db")
    window = _window(qtbot, demo_path, settings, open_windows)
    assert window.windowTitle() == "SCP Desktop — Demo — demo.db"
    assert window.demo_notice.isVisible() and "demo file" in window.demo_text.text()
    demo_db = window.db

    logo = tmp_path / "logo.png"
    logo.write_bytes(png_logo())
    target = tmp_path / "Safer Anytown.db"
    monkeypatch.setattr(PartnershipDialog, "exec", _once(_fill_anytown(qtbot, target, logo)))
    window.start_empty.click()  # the demo notice: "Start your own partnership…"
    assert errors == []

    # The window is on the new file; the demo's file is let go of completely.
    assert window.db.path == target.resolve() and window.db is not demo_db
    assert window.windowTitle() == "SCP Desktop — Safer Anytown.db"
    assert not window.demo_notice.isVisible()
    assert demo_db.engine.pool.checkedout() == 0
    assert not Path(f"{demo_path}-wal").exists()
    assert window.undo.stack.count() == 0
    assert [window.plan_combo.itemText(i) for i in range(window.plan_combo.count())] == [
        "2025-26 — Annual Partnership Plan 2025-26 (draft)"
    ]
    assert window.quarter is not None and window.quarter.code == "2025-26-Q2"
    assert recent_files(settings)[0] == str(target.resolve())

    # Its own agencies, priority, objective and action, through the window's own forms.
    window.edits.save_record(
        RecordKind.PARTNER,
        None,
        {"abbreviation": "ABC", "name": "Anytown Borough Council", "contact_email": "a@b.example"},
    )

    def fill_title(text: str) -> Callable[[QDialog], None]:
        def fill(form: QDialog) -> None:
            assert isinstance(form, RecordFormDialog)
            title = form.editors["title"]
            assert isinstance(title, QLineEdit)
            title.setText(text)

        return fill

    monkeypatch.setattr(RecordFormDialog, "exec", _once(fill_title("Safer town centre")))
    window.plan_commands.new_priority()
    priority = window.structure.priorities[0][0]
    window.navigator.setFocus()
    window.navigator.tree.setCurrentItem(window.navigator._find(("priority", priority.id)))
    monkeypatch.setattr(RecordFormDialog, "exec", _once(fill_title("Reduce night-time violence")))
    window.plan_commands.new_objective()

    def fill_action(form: QDialog) -> None:
        assert isinstance(form, ActionFormDialog)
        qtbot.keyClicks(form.title_edit, "Street pastors on Friday nights")
        qtbot.keyClicks(form.leads.entry, "ABC")
        qtbot.keyClick(form.leads.entry, Qt.Key.Key_Return)

    monkeypatch.setattr(ActionFormDialog, "exec", _once(fill_action))
    window.action_commands.new_action()
    assert errors == []
    [row] = window.model.shown_rows()
    assert row.title == "Street pastors on Friday nights" and row.lead == "ABC"
    assert not row.not_reported and not row.overdue  # a draft plan flags nothing

    # Printed and exported: the partnership's name on every page, nothing of the demo.
    assert window.plan_id is not None and window.quarter is not None
    for kind in ("quarterly", "plan", "year-end"):
        out = tmp_path / f"{kind}.pdf"
        reports.build_report(
            window.db, kind, out, plan_id=window.plan_id, quarter=window.quarter.code, today=TODAY
        )
        for text in pdf_pages(out):
            assert ANYTOWN.name in text and ANYTOWN.footer in text
            assert foreign_words(text) == []
    exported = export_returns(
        window.db, window.plan_id, window.quarter, tmp_path / "returns", emails=True, today=TODAY
    )
    [sent] = exported.returns
    assert sent.email_path is not None
    book, draft = workbook_text(sent.path), email_text(sent.email_path)
    assert ANYTOWN.name in book and "Delivered and closed" in book
    assert ANYTOWN.name in draft and ANYTOWN.prepared_by in draft
    assert foreign_words(book) == [] and foreign_words(draft) == []


# ------------------------------------------------------------------ files in the window


def test_an_empty_file_opened_in_the_window_never_gets_the_demo(
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
    open_windows: list[MainWindow],
    demo_db: Database,
) -> None:
    window = _window(qtbot, demo_db.path, settings, open_windows)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert window.file_commands.open_path(empty)
    assert errors == []
    assert plans.partnership(window.db) is None and plans.list_plans(window.db) == []
    assert window.demo_notice.isVisible() and "empty" in window.demo_text.text()
    assert window.start_empty.text() == "&Set up the partnership…"
    assert window.notice_spreadsheet.isVisible()
    assert window.windowTitle() == "SCP Desktop — empty.db"

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, PartnershipDialog) and dialog.path_edit is None
        qtbot.keyClicks(dialog.name, "Safer Northtown")
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    monkeypatch.setattr(PartnershipDialog, "exec", _once(fill))
    window.start_empty.click()
    assert errors == []
    info = plans.partnership(window.db)
    assert info is not None and info.name == "Safer Northtown" and not info.is_demo
    assert [p.year for p in plans.list_plans(window.db)] == ["2025-26"]
    assert not window.demo_notice.isVisible()


def test_open_refuses_a_missing_file_and_keeps_the_one_open(
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
    errors: list[str],
    open_windows: list[MainWindow],
    demo_db: Database,
) -> None:
    window = _window(qtbot, demo_db.path, settings, open_windows)
    before = window.db
    assert not window.file_commands.open_path(tmp_path / "nothing-here.db")
    assert errors and "There is no file" in errors[0]
    assert window.db is before and window.model.total_count == 51
    assert not (tmp_path / "nothing-here.db").exists()
    not_a_plan = tmp_path / "notes.db"
    not_a_plan.write_text("shopping list")
    assert not window.file_commands.open_path(not_a_plan)
    assert "not an SCP Desktop plan database" in errors[-1]
    assert window.db is before


def test_recent_files_are_kept_in_the_settings_and_offered_in_the_menu(
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
    errors: list[str],
    open_windows: list[MainWindow],
    demo_db: Database,
) -> None:
    first = create_partnership_file(tmp_path / "one.db", ANYTOWN, year=TODAY_YEAR).path
    second = create_partnership_file(tmp_path / "two.db", ANYTOWN, year=TODAY_YEAR).path
    window = _window(qtbot, demo_db.path, settings, open_windows)
    assert window.file_commands.open_path(first)
    assert window.file_commands.open_path(second)
    assert recent_files(settings)[:2] == [str(second), str(first)]
    assert last_file(settings) == str(second)
    window.file_commands.fill_recent_menu()
    entries = window.file_commands.recent_menu.actions()
    assert [a.text() for a in entries] == ["one.db"]  # the open file is not offered again
    entries[0].trigger()
    assert window.db.path == first
    assert errors == []
    # The settings hold them for the next start.
    again = Settings(QSettings(settings._q.fileName(), QSettings.Format.IniFormat))
    assert recent_files(again)[:2] == [str(first), str(second)]


def test_save_a_copy_writes_a_consistent_file_in_the_background(
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
    errors: list[str],
    open_windows: list[MainWindow],
    demo_db: Database,
) -> None:
    window = _window(qtbot, demo_db.path, settings, open_windows)
    target = tmp_path / "copies" / "copy.db"
    target.parent.mkdir()
    assert window.file_commands.save_copy_to(target)
    qtbot.waitUntil(lambda: not is_running(window.file_commands.job), timeout=10000)
    assert errors == []
    assert "Copy saved" in window.statusBar().currentMessage()
    con = sqlite3.connect(target)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT count(*) FROM action").fetchone() == (51,)
    finally:
        con.close()
    assert window.db.path == demo_db.path  # the window stays on its own file
    assert window.file_commands.save_copy_to(demo_db.path)
    qtbot.waitUntil(lambda: not is_running(window.file_commands.job), timeout=10000)
    assert errors and "cannot replace the file" in errors[-1]


def test_close_goes_back_to_the_start_page_and_quitting_it_closes_the_window(
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
    open_windows: list[MainWindow],
) -> None:
    own = create_partnership_file(tmp_path / "own.db", ANYTOWN, year=TODAY_YEAR).path
    window = _window(qtbot, own, settings, open_windows)
    own_db = window.db

    def pick_demo(page: QDialog) -> int:
        assert isinstance(page, StartPage)
        page.demo_button.click()
        return page.result()

    monkeypatch.setattr(StartPage, "exec", pick_demo)
    window.file_acts.close_file.trigger()
    assert window.db.path == demo_database_path() and "Demo" in window.windowTitle()
    assert own_db.engine.pool.checkedout() == 0
    monkeypatch.setattr(StartPage, "exec", lambda page: QDialog.DialogCode.Rejected)
    window.file_acts.close_file.trigger()
    assert not window.isVisible()
    assert errors == []


def test_plans_are_renamed_archived_and_deleted_from_the_window(
    qtbot: QtBot,
    settings: Settings,
    errors: list[str],
    open_windows: list[MainWindow],
    demo_db: Database,
) -> None:
    window = _window(qtbot, demo_db.path, settings, open_windows)
    assert window.file_commands.rename_plan_to(1, "Our plan 2022-23")
    assert window.plan_combo.currentText() == "2022-23 — Our plan 2022-23 (live)"
    # Archived: out of the picker once another plan is chosen; shown again on request.
    extra = setup.create_empty_plan(window.db, TODAY_YEAR)
    window.reload()
    window.plan_combo.setCurrentIndex(window.plan_combo.findData(1))
    window.file_commands.archive_plan()
    assert plans.list_plans(window.db)[1].status == "closed"
    assert window.plan_combo.findData(1) == -1 and window.plan_id == extra
    window.file_acts.show_archived.setChecked(True)
    assert window.plan_combo.findData(1) >= 0
    window.file_acts.show_archived.setChecked(False)
    # Deleting asks first; a plan holding progress updates is refused by the service.
    window.plan_combo.setCurrentIndex(window.plan_combo.findData(extra))

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            assert "2025-26" in box.text()
            box.button(QMessageBox.StandardButton.Yes).click()
        else:
            QTimer.singleShot(20, answer_yes)

    QTimer.singleShot(0, answer_yes)
    window.file_acts.delete_plan.trigger()
    assert [p.id for p in plans.list_plans(window.db)] == [1]
    assert not window.file_commands.delete_plan_confirmed(1)
    assert errors and "progress update" in errors[-1]
    assert errors == [errors[-1]]


def test_the_window_opens_on_the_quarter_being_reported(
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
    open_windows: list[MainWindow],
) -> None:
    path = create_partnership_file(tmp_path / "own.db", ANYTOWN, year=TODAY_YEAR).path
    august = dt.date(2025, 8, 15)
    first = _window(qtbot, path, settings, open_windows, today=august)
    assert first.quarter is not None and first.quarter.code == "2025-26-Q1"
    with first.db.session(reason="sign-off") as s:
        s.add(QuarterSignoff(quarter="2025-26-Q1", signed_off_by="pat"))
    first.close()
    second = _window(qtbot, path, settings, open_windows, today=august)
    assert second.quarter is not None and second.quarter.code == "2025-26-Q2"
    # An officer's own choice of quarter stays through a refresh.
    second.quarter_combo.setCurrentIndex(0)
    second.reload()
    assert second.quarter.code == "2025-26-Q1"


def test_plan_partnership_edits_the_profile_every_document_prints(
    qtbot: QtBot,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
    open_windows: list[MainWindow],
) -> None:
    path = create_partnership_file(tmp_path / "own.db", ANYTOWN, year=TODAY_YEAR).path
    window = _window(qtbot, path, settings, open_windows)

    def rename(dialog: QDialog) -> None:
        assert isinstance(dialog, PartnershipDialog) and dialog.name.text() == ANYTOWN.name
        dialog.name.setText("Safer Anytown and District")
        dialog.area.clear()
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    monkeypatch.setattr(PartnershipDialog, "exec", _once(rename))
    window.file_acts.partnership.trigger()
    assert errors == []
    profile = read_profile(window.db)
    assert profile is not None and profile.name == "Safer Anytown and District"
    assert profile.area == "" and profile.prepared_by == ANYTOWN.prepared_by
    out = tmp_path / "plan.pdf"
    reports.build_report(window.db, "plan", out, plan_id=window.plan_id, today=TODAY)
    assert all("Safer Anytown and District" in page for page in pdf_pages(out))

    def blank(dialog: QDialog) -> None:
        assert isinstance(dialog, PartnershipDialog)
        dialog.name.clear()
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        assert "needs a name" in dialog.problem.text()

    monkeypatch.setattr(PartnershipDialog, "exec", lambda d: (blank(d), 0)[1])
    window.file_acts.partnership.trigger()
    profile = read_profile(window.db)
    assert profile is not None and profile.name == "Safer Anytown and District"


def _run_gui_and_look(act_on_start_page: bool) -> dict[str, object]:
    """Start the application as `scp-desktop` with no arguments does; on the start page (when
    it shows) click Open the demo; note the window that opens, then end the event loop."""
    from typing import Any

    from scp_desktop.app import run_gui

    seen: dict[str, Any] = {"start_pages": 0}
    app = QApplication.instance()
    assert isinstance(app, QApplication)

    def look() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, StartPage):
            seen["start_pages"] += 1
            assert act_on_start_page
            modal.demo_button.click()
        windows = [
            w
            for w in app.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible() and w.has_database
        ]
        if not windows:
            QTimer.singleShot(20, look)
            return
        seen["title"] = windows[0].windowTitle()
        seen["windows"] = windows
        app.exit(0)

    app.setQuitOnLastWindowClosed(False)
    try:
        QTimer.singleShot(0, look)
        seen["exit"] = run_gui(None)
    finally:
        for w in seen.get("windows", []):
            w.close()
            w.db.close()
            w.deleteLater()
        app.setQuitOnLastWindowClosed(True)
    return seen


def test_the_first_start_shows_the_start_page_and_the_next_opens_the_last_file(
    qtbot: QtBot,
) -> None:
    machine = Settings(QSettings())
    machine.officer_name = "Pat Officer"  # not asked for on these starts
    # Qt reads the settings file's place once per process: earlier starts in this test run
    # share it, so this one forgets the files they opened, as on a machine never used.
    machine.set(LAST_FILE, "")
    machine.set(RECENT_FILES, [])
    first = _run_gui_and_look(act_on_start_page=True)
    assert first["exit"] == 0 and first["start_pages"] == 1
    assert first["title"] == "SCP Desktop — Demo — demo.db"
    assert demo_database_path().exists() and not default_database_path().exists()
    again = _run_gui_and_look(act_on_start_page=False)
    assert again["start_pages"] == 0 and again["title"] == "SCP Desktop — Demo — demo.db"


def test_a_chosen_logo_is_checked_and_a_large_picture_is_scaled_down(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtGui import QColor, QImage

    from scp_desktop.domain.profile import MAX_LOGO_BYTES, logo_kind
    from scp_desktop.ui.profile_dialog import LOGO_MAX_PIXELS

    dialog = PartnershipDialog(ANYTOWN)
    qtbot.addWidget(dialog)
    notes = tmp_path / "notes.png"
    notes.write_text("not a picture at all")
    assert not dialog.choose_logo_file(notes)
    assert "notes.png is not a picture" in dialog.problem.text()
    assert dialog.profile().logo is None
    assert not dialog.choose_logo_file(tmp_path / "missing.png")
    assert "cannot be read" in dialog.problem.text()
    big = QImage(3000, 1000, QImage.Format.Format_RGB32)
    big.fill(QColor("#14508C"))
    poster = tmp_path / "poster.bmp"
    assert big.save(str(poster))
    assert poster.stat().st_size > MAX_LOGO_BYTES
    assert dialog.choose_logo_file(poster)
    logo = dialog.profile().logo
    assert logo is not None and logo_kind(logo) == "png" and len(logo) <= MAX_LOGO_BYTES
    assert QImage.fromData(logo).width() == LOGO_MAX_PIXELS
    assert dialog.remove_logo.isEnabled()
    dialog.remove_logo.click()
    assert dialog.profile().logo is None
