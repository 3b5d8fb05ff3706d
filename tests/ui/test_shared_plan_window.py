"""A window on a shared plan on a real PostgreSQL server: the password asked for, the plan
shown, a read-only role's banner, and an address mistyped."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QAbstractItemView, QWidget
from pytestqt.qtbot import QtBot

from scp_desktop.storage.database import Database, DatabaseError, open_database
from scp_desktop.storage.server import ServerPlace, server_place
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.read_only import WRITING_ACTIONS
from scp_desktop.ui.settings import Settings
from scp_desktop.ui.shared_plan import ConnectDialog, PasswordDialog, open_shared_plan
from tests.postgres_server import PASSWORD, PostgresServer

SHOTS = Path(os.environ.get("SCP_SHOTS", "/tmp/scp-shots"))


def _shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_the_password_is_asked_until_the_server_takes_it(
    qtbot: QtBot, pg_server: PostgresServer, pg_demo_template: str, monkeypatch: object
) -> None:
    os.environ.pop("PGPASSWORD", None)
    try:
        name = pg_server.new_database(pg_demo_template)
        place = server_place(pg_server.url(name))
        shown: list[str] = []
        answers = iter(["wrong", PASSWORD])

        def ask(p: ServerPlace, problem: str, parent: QWidget | None) -> tuple[str, bool]:
            dialog = PasswordDialog(p, problem, parent)
            qtbot.addWidget(dialog)
            shown.append(dialog.problem.text() if problem else "")
            if problem:
                dialog.show()
                _shot(dialog, "shared-plan-password.png")
            qtbot.keyClicks(dialog.password, next(answers))
            return dialog.password.text(), dialog.keep.isChecked()

        opened = open_shared_plan(place, "Tom", None, ask=ask)
        assert opened is not None
        db, _ = opened
        assert shown == ["", "The server refused the password for tester."]
        window = MainWindow(db, Settings(), open_result=None)
        qtbot.addWidget(window)
        window.show()
        assert name in window.windowTitle()
        assert window.table.model().rowCount() > 0
        _shot(window, "shared-plan-window.png")
        assert open_shared_plan(place, "Tom", None, ask=lambda *_: None) is None
        window.close()
        db.close()
    finally:
        os.environ["PGPASSWORD"] = PASSWORD


def test_a_read_only_role_gets_the_banner_and_no_writing_commands(
    qtbot: QtBot, pg_server: PostgresServer, pg_demo_template: str
) -> None:
    name = pg_server.new_database(pg_demo_template)
    pg_server.grant(name)
    role = pg_server.officer("board_viewer", reader=True)
    db, result = open_database(pg_server.url(name, role), password=PASSWORD)
    window = MainWindow(db, Settings(), open_result=result)
    qtbot.addWidget(window)
    window.show()
    text = window.read_only_banner.text.text()
    assert "Your database role board_viewer may read this plan but not change it" in text
    assert window.read_only_banner.copy_button is None
    assert window.windowTitle().endswith("(read-only)")
    for action in WRITING_ACTIONS:
        assert not getattr(window.acts, action).isEnabled(), action
    assert window.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    _shot(window, "shared-plan-read-only.png")
    window.close()
    db.close()


def test_a_mistyped_address_is_explained_in_the_dialog(qtbot: QtBot) -> None:
    dialog = ConnectDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.address, "postgresql+psycopg://ann:pw@db.council.local/safer")
    dialog.check_and_accept()
    assert dialog.isVisible() and dialog.place is None
    assert "Leave the password out" in dialog.problem.text()
    _shot(dialog, "shared-plan-connect.png")
    dialog.address.setText("db.council.local/safer")
    dialog.check_and_accept()
    assert "postgresql+psycopg://ROLE@HOST/DATABASE" in dialog.problem.text()
    dialog.address.setText("postgresql://ann@db.council.local/safer")
    dialog.check_and_accept()
    assert dialog.place is not None and str(dialog.place).endswith("@db.council.local/safer")


def test_a_server_that_is_not_there_is_a_message_not_a_crash(pg_server: PostgresServer) -> None:
    place = server_place("postgresql+psycopg://tester@127.0.0.1:1/plan")
    try:
        open_shared_plan(place, "Tom", None, ask=lambda *_: (PASSWORD, False))
    except DatabaseError as exc:
        assert "cannot be reached" in str(exc)
    else:
        raise AssertionError("no message")


def test_database_fixture_is_the_shared_plan(pg_demo_db: Database) -> None:
    assert pg_demo_db.shared and pg_demo_db.user == "tester"


def test_a_shared_plan_in_open_recent_opens_in_place_of_the_file(
    qtbot: QtBot, demo_db: Database, pg_server: PostgresServer, pg_demo_template: str
) -> None:
    from PySide6.QtWidgets import QApplication

    from scp_desktop.ui.settings import recent_files

    window = MainWindow(demo_db, Settings(), open_result=None)
    qtbot.addWidget(window)
    window.show()
    address = pg_server.url(pg_server.new_database(pg_demo_template))
    assert window.file_commands.open_path(address)  # type: ignore[arg-type]
    shared = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w.isVisible() and w.db.shared
    ]
    assert len(shared) == 1 and str(shared[0].db.path) == address
    assert recent_files(shared[0].settings)[0] == address
    qtbot.addWidget(shared[0])
    shared[0].close()
    shared[0].db.close()
