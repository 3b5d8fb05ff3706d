"""Opening the plan database safely: PRAGMAs, clear errors, backup before migrating."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from scp_desktop.storage import audit
from scp_desktop.storage.access import ReadOnly
from scp_desktop.storage.errors import DatabaseError as DatabaseError  # re-exported
from scp_desktop.storage.judging import FileRefused, judge_file, read_only_uri
from scp_desktop.storage.revisions import MIGRATIONS
from scp_desktop.storage.revisions import head_revision as head_revision  # re-exported
from scp_desktop.storage.revisions import known_revisions as known_revisions  # re-exported

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_HEADER = b"SQLite format 3\x00"


def describe_sqlite_error(exc: BaseException, path: Path | str) -> str:
    """Turn a SQLite error into a sentence an officer can act on."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "locked" in text or "busy" in text:
        return (
            f"The plan database {path} is in use by another program (it is locked). "
            "Close SCP Desktop on any other window or computer using this file, then try again. "
            "Nothing was changed."
        )
    if "readonly" in text or "read-only" in text or "read only" in text:
        return (
            f"The plan database {path} is read-only, so changes cannot be saved. "
            "Copy it to a folder you can write to, or ask IT to restore write access. "
            "Nothing was changed."
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return (
            f"The plan database {path} is damaged. Restore it from a backup in the "
            f'"{Path(path).stem} backups" folder beside it, with '
            f"scp-desktop restore --db {path} --from BACKUP. Nothing was changed."
        )
    if "disk" in text and "full" in text:
        return (
            f"The disk holding {path} is full. Free some space and try again. Nothing was changed."
        )
    return f"The plan database {path} could not be used: {getattr(exc, 'orig', exc)}"


def _alembic_config(url: str) -> Config:
    # Alembic (with Mako and Pygments) costs a third of a second and 16 MB to import, and is
    # needed only to upgrade a file; opening a file already at head never imports it.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def current_revision(conn: Connection) -> str | None:
    """The schema revision recorded in the file (None for a file without one), read with
    plain SQL as Alembic would."""
    if conn.dialect.name != "sqlite":
        from sqlalchemy import inspect

        has_table: object = inspect(conn).has_table("alembic_version") or None
    else:
        has_table = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).first()
    return None if has_table is None else recorded_revision(conn)


def recorded_revision(conn: Connection) -> str | None:
    """The revision in the database's alembic_version table, which it has."""
    versions = [row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    if len(versions) > 1:
        # Several heads recorded: let Alembic report it as it always has.
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()
    return versions[0] if versions else None


BUSY_TIMEOUT_MS = 5000


def _pragmas(busy_timeout_ms: int) -> Any:
    def set_pragmas(dbapi_conn: Any, _record: Any) -> None:
        _set_pragmas(dbapi_conn, busy_timeout_ms)

    return set_pragmas


def _set_pragmas(dbapi_conn: Any, busy_timeout_ms: int) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # Deleted narratives are overwritten with zeros, not left readable in free pages.
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    # A read-only medium cannot switch journal mode; the open check reports that.
    with contextlib.suppress(sqlite3.OperationalError):
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": busy_timeout_ms / 1000})
    event.listen(engine, "connect", _pragmas(busy_timeout_ms))
    return engine


def make_read_only_engine(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine whose connections SQLite itself opens read-only (no PRAGMA that writes)."""
    uri = read_only_uri(path)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False
        )

    def set_pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()

    # The file URL only chooses SQLAlchemy's pool for a file; `connect` makes the connections.
    engine = create_engine(f"sqlite:///{path}", creator=connect)
    event.listen(engine, "connect", set_pragmas)
    return engine


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a plan database file.")
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(16)
    if header != SQLITE_HEADER:
        raise DatabaseError(
            f"{path} is not an SCP Desktop plan database (it is not a SQLite file). "
            "Nothing was changed."
        )
    if not os.access(path, os.W_OK):
        raise DatabaseError(
            f"The plan database {path} is read-only, so changes cannot be saved. "
            "Copy it to a folder you can write to, or ask IT to restore write access."
        )


def backup_copy(path: Path, label: str) -> Path:
    """A checked backup of the file in its backups folder, taken before an upgrade: written to a
    temporary name and renamed only once complete, so a killed upgrade leaves no half backup."""
    from scp_desktop.storage.backups import take_backup

    return take_backup(path, "upgrade", note=label).path


@dataclass
class OpenResult:
    created: bool
    upgraded_from: str | None
    backup: Path | None


class Database:
    """The one open plan database. Sessions are short-lived: one per operation."""

    def __init__(
        self, path: Path, engine: Engine, user: str = "", read_only: ReadOnly | None = None
    ) -> None:
        self.path = path
        self.engine = engine
        self.user = user
        self.read_only = read_only
        self._sessions = sessionmaker(engine, class_=audit.AuditedSession, expire_on_commit=False)
        # A plan on a database server rather than in a file (see storage/server.py).
        self.shared = engine.dialect.name != "sqlite"
        self._readers: sessionmaker[audit.AuditedSession] | None = None

    @contextlib.contextmanager
    def session(self, *, reason: str = "", audit: bool = True) -> Iterator[Session]:
        """A transaction: committed on success, rolled back whole on any error."""
        session = self._sessions()
        session.info.update(user=self.user, reason=reason, audit=audit)
        with self._finished(session):
            yield session

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads (see storage/reading.py): on a shared plan its statements
        cost no BEGIN and COMMIT exchanged with the server; anything that would write through
        it is refused before it reaches the database."""
        from scp_desktop.storage.reading import reading_sessions

        if self._readers is None:
            self._readers = reading_sessions(self.engine)
        session = self._readers()
        session.info.update(user=self.user, reason="", audit=False)
        with self._finished(session, writes=False):
            yield session

    @contextlib.contextmanager
    def _finished(self, session: Session, *, writes: bool = True) -> Iterator[None]:
        try:
            yield
            session.commit()
        except (DBAPIError, sqlite3.Error) as exc:
            # sqlite3's own errors come from reads on the driver's connection
            # (sqlite_connection); the officer is told the same either way.
            session.rollback()
            # A session that only reads never writes (storage/reading.py refuses it first):
            # its failure is the database's own, not the file's being open read-only.
            if writes and self.read_only is not None:
                raise DatabaseError(self.read_only_message()) from exc
            if self.shared:
                from scp_desktop.storage.server import describe_server_error

                raise DatabaseError(describe_server_error(exc, self.path)) from exc
            raise DatabaseError(describe_sqlite_error(exc, self.path)) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def read_only_message(self) -> str:
        """What an officer is told when a change is tried on a file open read-only."""
        why = f" {self.read_only.why}" if self.read_only else ""
        return f"{self.path.name} is open read-only, so nothing can be changed.{why}"

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return current_revision(conn)

    def close(self) -> None:
        self.engine.dispose()


class BulkCursor(Protocol):
    """What bulk reads use of a driver's cursor (sqlite3's, or the server's through ServerRows)."""

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int = ..., /) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...
    def close(self) -> None: ...


class BulkReader(Protocol):
    """What bulk reads use of a driver's connection: SQLite's SQL text, `?` and `:name`."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...
    def cursor(self) -> Any: ...


def sqlite_connection(session: Session) -> BulkReader:
    """The driver's own connection inside `session`'s transaction, for bulk reads of plain rows.

    Thousands of rows come back as tuples at C speed instead of through SQLAlchemy's row
    processing; the reads still belong to the session's transaction. On a shared plan the
    same SQL text is run through the server's driver (storage/server_rows.py).
    """
    if session.get_bind().dialect.name != "sqlite":
        from scp_desktop.storage.server_rows import ServerRows

        return ServerRows(session.connection().connection.driver_connection)
    driver = session.connection().connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):  # only after the connection was closed
        raise DatabaseError("The database connection is closed.")
    return driver


def open_database(
    path: Path | str,
    *,
    user: str = "",
    create: bool = True,
    read_only: ReadOnly | None = None,
    password: str | None = None,
) -> tuple[Database, OpenResult]:
    """Open (creating or upgrading as needed) the plan database at `path`.

    The file is first judged through a read-only connection: nothing writes to it (not even
    the journal mode in its header) unless it is ours, or new, at a schema this version can
    open. An older schema is upgraded only after a backup copy is written beside the file.
    With `read_only` the file is opened so that SQLite itself refuses every write.
    Raises DatabaseError with a message for the user when the file cannot be used.
    A PostgreSQL address opens the shared plan there (storage/server.py), with `password`.
    """
    from scp_desktop.storage.server import (
        ServerAddressError,
        ServerPlace,
        is_server_address,
        open_server_database,
        server_place,
    )

    if is_server_address(path):
        try:
            place = path if isinstance(path, ServerPlace) else server_place(str(path))
        except ServerAddressError as exc:
            raise DatabaseError(str(exc)) from exc
        return open_server_database(place, password=password, create=create, user=user)
    path = Path(path).expanduser().resolve()
    try:
        judgement = judge_file(path, known_revisions(), busy_timeout_ms=BUSY_TIMEOUT_MS)
    except FileRefused as exc:
        raise DatabaseError(str(exc)) from exc
    except sqlite3.Error as exc:
        raise DatabaseError(describe_sqlite_error(exc, path)) from exc
    if read_only is not None:
        return _open_read_only(path, judgement.revision, user, read_only)
    _check_file(path)
    existed = path.exists() and path.stat().st_size > 0
    if not existed and not create:
        raise DatabaseError(f"There is no plan database at {path}.")
    if not existed:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"Cannot create the folder for {path}: {exc.strerror}.") from exc
    engine = make_engine(path)
    head = head_revision()
    current = judgement.revision
    backup: Path | None = None
    try:
        if current != head:
            if existed and current is not None:
                engine.dispose()
                backup = backup_copy(path, f"schema-{current}")
            from alembic import command

            cfg = _alembic_config(f"sqlite:///{path}")
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(describe_sqlite_error(exc, path)) from exc
    except sqlite3.Error as exc:
        engine.dispose()
        raise DatabaseError(describe_sqlite_error(exc, path)) from exc
    except DatabaseError:
        engine.dispose()
        raise
    result = OpenResult(
        created=not existed,
        upgraded_from=current if existed and current != head else None,
        backup=backup,
    )
    return Database(path, engine, user), result


def _open_read_only(
    path: Path, revision: str | None, user: str, read_only: ReadOnly
) -> tuple[Database, OpenResult]:
    if revision is None:
        raise DatabaseError(f"There is no plan in {path} to show. {read_only.why}")
    if revision != head_revision():
        raise DatabaseError(
            f"{path} was written by an older version of SCP Desktop and has to be upgraded "
            f"before it can be shown, which cannot be done while it is read-only. {read_only.why}"
        )
    engine = make_read_only_engine(path)
    return Database(path, engine, user, read_only), OpenResult(
        created=False, upgraded_from=None, backup=None
    )
