"""A shared plan's password kept in, recalled from and forgotten by a real password store
(a keyring back end living in this process), never written to the settings or a file; and
a computer with no password store, where the dialog says so and asks each time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from scp_desktop.commands.server_login import _offer_to_keep
from scp_desktop.storage.server import (
    KEYRING_SERVICE,
    ServerPlace,
    forget_password,
    keyring_key,
    password_store_available,
    remember_password,
    remembered_password,
    server_place,
)
from scp_desktop.ui.settings import Settings, remember_file
from scp_desktop.ui.shared_plan import NO_PASSWORD_STORE, PasswordDialog, open_shared_plan
from tests.postgres_server import PASSWORD, PostgresServer

SHOTS = Path(os.environ.get("SCP_SHOTS", "/tmp/scp-shots"))


class MemoryStore(KeyringBackend):
    """A password store kept in this process's memory: keyring's own back-end interface,
    as the operating system's stores implement it."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.kept.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def store() -> Iterator[MemoryStore]:
    before = keyring.get_keyring()
    kept = MemoryStore()
    keyring.set_keyring(kept)
    try:
        yield kept
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def no_store() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)


def _files_holding(secret: str, *folders: Path) -> list[Path]:
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and secret.encode() in path.read_bytes():
                found.append(path)
    return found


def _our_folders(tmp_path: Path) -> list[Path]:
    """Where SCP Desktop writes: its settings, data and log folders (this test's own)."""
    return [tmp_path] + [
        Path(os.environ[name]) for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")
    ]


def test_a_kept_password_is_recalled_forgotten_when_changed_and_never_written(
    qtbot: QtBot,
    pg_server: PostgresServer,
    pg_demo_template: str,
    store: MemoryStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    name = pg_server.new_database(pg_demo_template)
    pg_server.grant(name)
    role = pg_server.officer("kim")
    place = server_place(pg_server.url(name, role))
    asked: list[str] = []
    answers = iter([PASSWORD, "a-new-password"])

    def ask(p: ServerPlace, problem: str, parent: QWidget | None) -> tuple[str, bool]:
        dialog = PasswordDialog(p, problem, parent)
        qtbot.addWidget(dialog)
        assert not dialog.keep.isHidden() and dialog.no_store.isHidden()
        asked.append(problem)
        qtbot.keyClicks(dialog.password, next(answers))
        dialog.keep.setChecked(True)
        return dialog.password.text(), dialog.keep.isChecked()

    assert password_store_available()
    opened = open_shared_plan(place, "Kim", None, ask=ask)
    assert opened is not None
    opened[0].close()
    assert asked == [""]
    assert store.kept == {(KEYRING_SERVICE, keyring_key(place)): PASSWORD}
    # Opened again: the store gives the password and nothing is asked.
    opened = open_shared_plan(place, "Kim", None, ask=ask)
    assert opened is not None and asked == [""]
    db = opened[0]
    settings = Settings()
    remember_file(settings, str(db.path))
    settings.sync()
    db.close()
    # IT changes the password: the kept one is refused, forgotten, and the new one kept.
    with pg_server.admin() as conn:
        conn.execute(f"ALTER ROLE {role} PASSWORD 'a-new-password'")
    opened = open_shared_plan(place, "Kim", None, ask=ask)
    assert opened is not None
    opened[0].close()
    assert asked == ["", f"The server refused the password for {role}."]
    assert remembered_password(place) == "a-new-password"
    forget_password(place)
    assert store.kept == {} and remembered_password(place) is None
    assert _files_holding(PASSWORD, *_our_folders(tmp_path)) == []
    assert _files_holding("a-new-password", *_our_folders(tmp_path)) == []


def test_without_a_password_store_the_dialog_says_so_and_keeps_nothing(
    qtbot: QtBot,
    pg_server: PostgresServer,
    pg_demo_template: str,
    no_store: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    place = server_place(pg_server.url(pg_server.new_database(pg_demo_template)))
    assert not password_store_available()
    problem = remember_password(place, "s3cret")
    assert problem is not None and "could not be kept" in problem
    assert remembered_password(place) is None
    shown: list[PasswordDialog] = []

    def ask(p: ServerPlace, problem: str, parent: QWidget | None) -> tuple[str, bool]:
        dialog = PasswordDialog(p, problem, parent)
        qtbot.addWidget(dialog)
        dialog.show()
        shown.append(dialog)
        qtbot.keyClicks(dialog.password, PASSWORD)
        return dialog.password.text(), dialog.keep.isChecked()

    for _ in range(2):  # asked each time
        opened = open_shared_plan(place, "Tom", None, ask=ask)
        assert opened is not None
        opened[0].close()
    assert len(shown) == 2
    dialog = shown[0]
    assert dialog.keep.isHidden() and not dialog.no_store.isHidden()
    assert dialog.no_store.text() == NO_PASSWORD_STORE
    assert "asked for it each time" in NO_PASSWORD_STORE
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "shared-plan-password-no-store.png"))
    # At the keyboard, the command says the same instead of offering to keep it.
    _offer_to_keep(place, PASSWORD)
    assert "no password store" in capsys.readouterr().err
    assert _files_holding(PASSWORD, *_our_folders(tmp_path)) == []
