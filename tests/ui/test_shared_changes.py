"""A window on a shared plan shows another officer's change by itself, keeping the officer's
selection, filter and open dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from scp_desktop.services import editing
from scp_desktop.services.shared_changes import changes_since, where_we_stand
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import Action
from scp_desktop.ui.change_sources import SharedPlanSource
from scp_desktop.ui.change_watch import ChangeWatch
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import Settings
from tests.postgres_server import PASSWORD, PostgresServer


def _title(window: MainWindow, action_id: int) -> str:
    return next(r.title for r in window.model.all_rows() if r.id == action_id)


def _dee_watching_and_eve(
    qtbot: QtBot, pg_server: PostgresServer, template: str
) -> tuple[MainWindow, ChangeWatch, Database, Database]:
    """A shared plan made from the demo: Dee's window, watching for others' changes (every
    0.1 s), and Eve's connection as another officer."""
    name = pg_server.new_database(template)
    pg_server.grant(name)
    mine, result = open_database(pg_server.url(name, pg_server.officer("Dee")), password=PASSWORD)
    theirs, _ = open_database(pg_server.url(name, pg_server.officer("Eve")), password=PASSWORD)
    window = MainWindow(mine, Settings(), open_result=result)
    qtbot.addWidget(window)
    window.show()
    watcher = window.change_watch
    source = watcher.source
    assert isinstance(source, SharedPlanSource)
    watcher.timer.setInterval(100)
    qtbot.waitUntil(lambda: source.seen is not None, timeout=10000)
    return window, watcher, mine, theirs


def test_another_officers_change_appears_and_the_officer_keeps_their_place(
    qtbot: QtBot, pg_server: PostgresServer, pg_demo_template: str
) -> None:
    window, watcher, mine, theirs = _dee_watching_and_eve(qtbot, pg_server, pg_demo_template)
    rows = window.model.all_rows()
    chosen, changed = rows[3].id, rows[10].id
    assert window.select_action(chosen, show=False)
    qtbot.keyClicks(window.filter_bar.search, "a")
    shown_before = window.model.rowCount()
    # Eve renames an action while Dee has a dialog open: nothing moves under the dialog.
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.show()
    with theirs.session(reason="renamed") as s:
        action = s.get(Action, changed)
        assert action is not None
        action.title = "Renamed by Eve"
    qtbot.waitUntil(lambda: watcher.pending is not None, timeout=10000)
    assert _title(window, changed) != "Renamed by Eve"
    dialog.close()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: _title(window, changed) == "Renamed by Eve", timeout=10000)
    assert window.current_action_id() == chosen
    assert window.filter_bar.search.text() == "a"
    assert window.model.rowCount() == shown_before
    assert "Changes by Eve are now shown" in window.statusBar().currentMessage()
    # Dee's own change is not announced as another's.
    assert isinstance(watcher.source, SharedPlanSource)
    seen = watcher.source.seen
    assert seen is not None
    editing.set_action_status(mine, chosen, "complete")
    own = changes_since(mine, seen)
    assert not own.any and own.seen.counter > seen.counter
    window.close()
    # Closed, the window looks at the server no more.
    assert watcher.source is None and not watcher.timer.isActive()
    mine.close()
    theirs.close()


def test_a_deleted_action_and_a_new_one_are_told_apart(pg_demo_db: object) -> None:
    from scp_desktop.storage.database import Database

    assert isinstance(pg_demo_db, Database)
    seen = where_we_stand(pg_demo_db)
    with pg_demo_db.session(audit=False) as s:
        first = s.scalars(select(Action.id).order_by(Action.id).limit(1)).one()
    pg_demo_db.user = "someone else"  # the next writes are another officer's
    editing.delete_action(pg_demo_db, first)
    pg_demo_db.user = "tester"
    found = changes_since(pg_demo_db, seen)
    assert found.removed_action_ids == (first,) and first not in found.action_ids
    assert found.who == ("someone else",)
    assert changes_since(pg_demo_db, found.seen).any is False


def test_an_officers_unsaved_form_survives_anothers_change_and_is_saved(
    qtbot: QtBot, pg_server: PostgresServer, pg_demo_template: str
) -> None:
    """Dee is typing into an action's form when Eve renames another action: the form keeps
    what Dee typed, Eve's change is shown once the form is closed, and Dee's save lands too,
    with her selection and filter as they were."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from scp_desktop.ui.action_form import ActionFormDialog

    window, watcher, mine, theirs = _dee_watching_and_eve(qtbot, pg_server, pg_demo_template)
    qtbot.keyClicks(window.filter_bar.search, "a")
    rows = window.model.all_rows()
    chosen, changed = rows[2].id, rows[5].id
    assert window.select_action(chosen, show=False)
    seen_in_form: list[str] = []

    def type_while_eve_changes() -> None:
        form = QApplication.activeModalWidget()
        assert isinstance(form, ActionFormDialog)
        form.title_edit.selectAll()
        qtbot.keyClicks(form.title_edit, "Typed by Dee")
        form.about.setFocus()
        qtbot.keyClicks(form.about, " More to say.")
        about = form.about.toPlainText()
        with theirs.session(reason="renamed") as s:
            action = s.get(Action, changed)
            assert action is not None
            action.title = "Renamed by Eve"
        qtbot.waitUntil(lambda: watcher.pending is not None, timeout=10000)
        qtbot.wait(300)  # several more looks at the server while the form is open
        seen_in_form.append(form.title_edit.text())
        assert form.about.toPlainText() == about and form.isVisible()
        assert _title(window, changed) != "Renamed by Eve"
        form.grab().save("/tmp/scp-shots/shared-plan-form-kept.png")
        form.accept()

    QTimer.singleShot(0, type_while_eve_changes)
    window.action_commands.edit_action()
    assert seen_in_form == ["Typed by Dee"]
    qtbot.waitUntil(lambda: _title(window, changed) == "Renamed by Eve", timeout=10000)
    assert _title(window, chosen) == "Typed by Dee"
    assert window.current_action_id() == chosen
    assert window.filter_bar.search.text() == "a"
    with theirs.session(audit=False) as s:
        assert s.scalars(select(Action.title).where(Action.id == chosen)).one() == "Typed by Dee"
    window.close()
    mine.close()
    theirs.close()
