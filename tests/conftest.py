"""Shared fixtures: an offscreen Qt platform, real SQLite files in temp folders."""

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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plan loaded once per test run; tests get their own copy of the file."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    db, _ = open_database(path, user="template")
    setup.load_demo(db)
    db.engine.dispose()
    return path


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database, _ = open_database(tmp_path / "plan.db", user="tester")
    yield database
    database.close()


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Iterator[Database]:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    database, _ = open_database(path, user="tester")
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
