"""Every service test runs on a plan in a SQLite file and on a shared plan on PostgreSQL."""

from __future__ import annotations

import pytest

from scp_desktop.storage.database import Database

# A test that is about the file itself (backups beside it, copying it) says so with
# @pytest.mark.sqlite_only and runs on the file alone.
ENGINES = ["sqlite", "postgresql"]


def _pick(request: pytest.FixtureRequest, sqlite_fixture: str, server_fixture: str) -> Database:
    if request.param == "postgresql":
        if request.node.get_closest_marker("sqlite_only") is not None:
            pytest.skip("about the plan's SQLite file: not applicable to a shared plan")
        return request.getfixturevalue(server_fixture)  # type: ignore[no-any-return]
    return request.getfixturevalue(sqlite_fixture)  # type: ignore[no-any-return]


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest) -> Database:
    return _pick(request, "sqlite_db", "pg_db")


@pytest.fixture(params=ENGINES)
def demo_db(request: pytest.FixtureRequest) -> Database:
    return _pick(request, "sqlite_demo_db", "pg_demo_db")
