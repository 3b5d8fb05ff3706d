"""A shared plan named by $SCP_DESKTOP_DB as by --db, and `init` refusing a shared plan that
already holds one, run as the commands a council's scheduled job or IT would run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scp_desktop.app import file_to_open
from scp_desktop.storage.server import ServerAddressError, ServerPlace
from tests.postgres_server import PASSWORD, PostgresServer, action_count

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scp_desktop", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PGPASSWORD": PASSWORD, **env},
        stdin=subprocess.DEVNULL,
        timeout=180,
        cwd=ROOT,
    )


def test_the_setting_names_a_shared_plan_as_db_does(
    pg_server: PostgresServer, pg_demo_template: str, tmp_path: Path
) -> None:
    url = pg_server.url(pg_server.new_database(pg_demo_template))
    done = _run("check", SCP_DESKTOP_DB=url)
    assert done.returncode == 0, done.stderr
    assert "Actions: 51" in done.stdout and "Result: OK" in done.stdout
    assert not list(tmp_path.iterdir())  # no file was made for the address
    # A command's own --db still wins over the setting.
    plan_file = tmp_path / "plan.db"
    assert _run("init", "--db", str(plan_file), SCP_DESKTOP_DB=url).returncode == 0
    assert plan_file.is_file() and action_count(url) == 51
    bad = _run("check", SCP_DESKTOP_DB="postgresql+psycopg://ann:pw@host/safer")
    assert bad.returncode == 1
    assert "error: $SCP_DESKTOP_DB: Leave the password out" in bad.stderr
    assert "Traceback" not in bad.stderr
    helped = _run("check", "--help", SCP_DESKTOP_DB="postgresql+psycopg://ann:pw@host/safer")
    assert helped.returncode == 0 and "$SCP_DESKTOP_DB" in helped.stdout


def test_the_window_opens_the_shared_plan_the_setting_names(
    pg_server: PostgresServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = pg_server.url("safer_tendring")
    monkeypatch.setenv("SCP_DESKTOP_DB", url)
    place = file_to_open(None, str(tmp_path / "last.db"))
    assert isinstance(place, ServerPlace)
    assert place.address == url and place.url.database == "safer_tendring"
    monkeypatch.setenv("SCP_DESKTOP_DB", "postgresql+psycopg://ann@db.council.local/")
    with pytest.raises(ServerAddressError, match=r"^\$SCP_DESKTOP_DB: .*names no database"):
        file_to_open(None, "")
    # A file whose name merely begins like an address is still a file.
    monkeypatch.setenv("SCP_DESKTOP_DB", str(tmp_path / "postgresql-plan.db"))
    assert file_to_open(None, "") == tmp_path / "postgresql-plan.db"


def test_init_refuses_a_shared_plan_that_holds_one_unless_forced(
    pg_server: PostgresServer,
) -> None:
    url = pg_server.url(pg_server.new_database())
    made = _run("init", "--db", url, "--demo")
    assert made.returncode == 0, made.stderr
    assert "Loaded the demo plan" in made.stdout and action_count(url) == 51
    again = _run("init", "--db", url, "--demo")
    assert again.returncode == 1
    assert "already holds a plan" in again.stderr and "Use --force to add to it." in again.stderr
    assert "Loaded" not in again.stdout
    assert action_count(url) == 51  # nothing added
    by_setting = _run("init", SCP_DESKTOP_DB=url)
    assert by_setting.returncode == 1 and "already holds a plan" in by_setting.stderr
    forced = _run("init", "--db", url, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Opened plan database" in forced.stdout and action_count(url) == 51


def test_a_command_writing_a_plan_file_on_a_network_drive_is_refused_with_the_way_forward(
    tmp_path: Path,
) -> None:
    from scp_desktop.commands.database import network_refusal

    share = Path("/mnt/council-share/safety/plan.db")
    said = network_refusal(share, "cifs")
    assert said is not None
    assert said.startswith("plan.db is on a network drive (cifs).")
    assert "nothing was changed" in said
    assert f"scp-desktop backup --db {share} --out FILE" in said
    assert f"scp-desktop copy --from {share} --to postgresql+psycopg://" in said
    # On this computer's own disks a command writes as before.
    assert network_refusal(tmp_path / "plan.db", None) is None
    made = _run("init", "--db", str(tmp_path / "plan.db"))
    assert made.returncode == 0, made.stderr
    assert "network drive" not in made.stderr
