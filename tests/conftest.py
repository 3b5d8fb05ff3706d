"""Shared fixtures: an offscreen Qt platform, real SQLite files in temp folders, and a real
PostgreSQL server on loopback for shared plans."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QApplication

from scp_desktop.services import setup
from scp_desktop.storage.database import Database, open_database
from scp_desktop.ui.collector import GarbageCollector, install_garbage_collector
from tests.postgres_server import (
    PASSWORD,
    PostgresServer,
    remove_server,
    server_binaries,
    start_server,
)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plan loaded once per test run; tests get their own copy of the file."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    db, _ = open_database(path, user="template")
    setup.load_demo(db)
    db.engine.dispose()
    return path


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database, _ = open_database(tmp_path / "plan.db", user="tester")
    yield database
    database.close()


@pytest.fixture
def sqlite_demo_db(tmp_path: Path, demo_template: Path) -> Iterator[Database]:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    database, _ = open_database(path, user="tester")
    yield database
    database.close()


# Test folders that run on both engines (tests/services) choose between the two per test.
@pytest.fixture
def db(sqlite_db: Database) -> Database:
    return sqlite_db


@pytest.fixture
def demo_db(sqlite_demo_db: Database) -> Database:
    return sqlite_demo_db


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the run, started on a free loopback port."""
    if server_binaries() is None:
        pytest.skip(
            "PostgreSQL's server programs (initdb, pg_ctl) are not installed: "
            "apt-get install postgresql"
        )
    server = start_server()
    # Commands run by tests find the password where a scheduled job would: PGPASSWORD.
    os.environ["PGPASSWORD"] = PASSWORD
    yield server
    os.environ.pop("PGPASSWORD", None)
    remove_server(server)


def _pg_template(server: PostgresServer, demo: bool) -> str:
    name = server.new_database()
    database, _ = open_database(server.url(name), user="template", password=PASSWORD)
    if demo:
        setup.load_demo(database)
    database.close()
    return name


@pytest.fixture(scope="session")
def pg_empty_template(pg_server: PostgresServer) -> str:
    """A database at the newest schema, copied for each test (faster than migrating)."""
    return _pg_template(pg_server, demo=False)


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: PostgresServer) -> str:
    return _pg_template(pg_server, demo=True)


@pytest.fixture
def pg_db(pg_server: PostgresServer, pg_empty_template: str) -> Iterator[Database]:
    name = pg_server.new_database(pg_empty_template)
    database, _ = open_database(pg_server.url(name), user="tester", password=PASSWORD)
    yield database
    database.close()


@pytest.fixture
def pg_demo_db(pg_server: PostgresServer, pg_demo_template: str) -> Iterator[Database]:
    name = pg_server.new_database(pg_demo_template)
    database, _ = open_database(pg_server.url(name), user="tester", password=PASSWORD)
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep QSettings and the default database out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))  # the log folder
    monkeypatch.delenv("SCP_DESKTOP_DB", raising=False)


@pytest.fixture(scope="session", autouse=True)
def _collection_as_in_the_application(qapp: QApplication) -> Iterator[GarbageCollector]:
    """Python's cyclic collector runs as the application runs it: between events, on the
    GUI thread. Left automatic, it may free a Qt object in a worker thread (a task running
    a service) or inside a paint, which crashes the process (docs/object-lifetimes.md)."""
    collector = install_garbage_collector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _collect_between_tests(
    _collection_as_in_the_application: GarbageCollector,
) -> Iterator[None]:
    yield
    # Tests that never run the event loop leave their garbage for here, on the GUI thread.
    _collection_as_in_the_application.check()
