"""A real PostgreSQL server on loopback for the test run, from Debian's postgresql package."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ADMIN = "scp_admin"
PASSWORD = "test-only-password"
# The role tests connect as: its name is what the audit log records, as "tester" is for files.
TESTER = "tester"


# As the README gives them to IT.
GRANTS = (
    "GRANT CONNECT ON DATABASE {db} TO scp_editors, scp_readers",
    "GRANT USAGE ON SCHEMA public TO scp_editors, scp_readers",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO scp_editors",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO scp_editors",
    "GRANT SELECT ON ALL TABLES IN SCHEMA public TO scp_readers",
    "GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO scp_readers",
)


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder (initdb, pg_ctl), or None."""
    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(found) / "initdb").exists() and (Path(found) / "pg_ctl").exists():
            return Path(found)
    for name in ("initdb", "pg_ctl"):
        if shutil.which(name) is None:
            return None
    return Path(shutil.which("initdb") or "").parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    bin: Path
    folder: Path
    port: int
    run_as: str | None
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _run(self, *args: str) -> None:
        subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            user=self.run_as,
            cwd=self.folder,
            timeout=120,
        )

    def start(self) -> None:
        data = self.folder / "data"
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self.run_as:
            shutil.chown(pwfile, self.run_as)
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            ADMIN,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w",
                  "start")  # fmt: skip
        with self.admin() as conn:
            conn.execute(f"CREATE ROLE {TESTER} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")
            # The README's roles: officers who edit, and board members who only read.
            conn.execute("CREATE ROLE scp_editors NOLOGIN")
            conn.execute("CREATE ROLE scp_readers NOLOGIN")

    def officer(self, name: str, *, reader: bool = False) -> str:
        """A login role in the editors' (or readers') group, created once; its name."""
        group = "scp_readers" if reader else "scp_editors"
        with self.admin() as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            if exists is None:
                conn.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{PASSWORD}' IN ROLE {group}")
        return name

    def grant(self, dbname: str) -> None:
        """The README's grants on one partnership's database, run after SCP Desktop has
        created its tables there."""
        with self.admin(dbname) as conn:
            for statement in GRANTS:
                conn.execute(statement.format(db=dbname))

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")

    def admin(self, dbname: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=ADMIN,
            password=PASSWORD,
            dbname=dbname,
            autocommit=True,
        )

    def new_database(self, template: str | None = None) -> str:
        """An empty database (or a copy of `template`), its name."""
        name = f"plan_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name

    def url(self, dbname: str, role: str = TESTER) -> str:
        return f"postgresql+psycopg://{role}@127.0.0.1:{self.port}/{dbname}"


def start_server() -> PostgresServer:
    binaries = server_binaries()
    assert binaries is not None
    # The server refuses to run as root; as root, it runs as the unprivileged `nobody`.
    run_as = "nobody" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="scp-pg-"))
    if run_as:
        shutil.chown(folder, run_as)
    server = PostgresServer(binaries, folder, _free_port(), run_as)
    server.start()
    return server


def remove_server(server: PostgresServer) -> None:
    try:
        server.stop()
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


def action_count(url: str) -> int:
    """How many actions the shared plan at `url` holds, read as the application reads it."""
    from sqlalchemy import func, select

    from scp_desktop.storage.database import open_database
    from scp_desktop.storage.models import Action

    db, _ = open_database(url, password=PASSWORD, create=False)
    try:
        with db.session(audit=False) as s:
            return int(s.scalar(select(func.count()).select_from(Action)) or 0)
    finally:
        db.close()


def run_as_it(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A command run as IT would run it against the test server: the password in PGPASSWORD,
    the product importable from the checkout, and no keyboard to ask at."""
    root = Path(__file__).resolve().parents[1]
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PGPASSWORD": PASSWORD, "PYTHONPATH": str(root)},
        stdin=subprocess.DEVNULL,
        timeout=180,
    )
