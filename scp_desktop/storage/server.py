"""A plan shared on a PostgreSQL server: its address, password, opening and upgrading."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, String, Text, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.compiler import compiles

from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
from scp_desktop.storage.server_liveness import watch_connections

if TYPE_CHECKING:
    from scp_desktop.storage.database import Database, OpenResult

DRIVER = "postgresql+psycopg"
_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")
KEYRING_SERVICE = "SCP Desktop shared plan"
CONNECT_TIMEOUT_S = 10
# Every statement that changes a shared plan advances this sequence (a trigger on each table),
# so that a window can tell with one cheap read whether anyone has changed anything.
CHANGE_SEQUENCE = "plan_change_seq"


@compiles(String, "postgresql")
def _text_of_any_length(type_: String, compiler: Any, **kw: Any) -> str:
    """Text columns without a length limit on the server. SQLite never kept to the declared
    lengths, so plans written in files hold longer values, and copying one to the server
    must not fail on them."""
    return "TEXT" if isinstance(type_, Text) else "VARCHAR"


def is_server_address(text: str | Path) -> bool:
    """Whether `--db` names a database server rather than a file."""
    if isinstance(text, ServerPlace):
        return True
    return str(text).strip().lower().startswith(_SCHEMES)


class ServerPlace(type(Path())):  # type: ignore[misc]
    """Where a shared plan lives, where a file path would otherwise go: its name is the
    database's, and it is never a file here, so file-only steps (backups beside the file,
    the lock file, the network-drive check) pass it by. Shown as its address, without any
    password."""

    address: str = ""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.address = ""

    def __str__(self) -> str:
        return self.address or super().__str__()

    def __fspath__(self) -> str:
        return self.address or super().__fspath__()

    def __repr__(self) -> str:
        return f"ServerPlace({self.address!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ServerPlace):
            return self.address == other.address
        return False

    def __hash__(self) -> int:
        return hash(self.address)

    def exists(self, *args: Any, **kwargs: Any) -> bool:
        return False

    def is_file(self, *args: Any, **kwargs: Any) -> bool:
        return False

    def is_dir(self, *args: Any, **kwargs: Any) -> bool:
        return False

    def resolve(self, strict: bool = False) -> ServerPlace:
        return self

    def expanduser(self) -> ServerPlace:
        return self

    @property
    def url(self) -> URL:
        return make_url(self.address)


class ServerAddressError(ValueError):
    """An address that is not a usable PostgreSQL address; the message says what is wrong."""


def server_place(text: str) -> ServerPlace:
    """The shared plan at `text` (postgresql+psycopg://ROLE@HOST[:PORT]/DATABASE).

    A password written into the address is refused: it would end up in shell histories,
    shortcuts and the list of recent files."""
    raw = text.strip()
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ServerAddressError(
            f"{raw} is not a database server address. Write it as "
            "postgresql+psycopg://ROLE@HOST/DATABASE."
        ) from exc
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise ServerAddressError(f"{raw}: only PostgreSQL servers are supported.")
    if url.password:
        raise ServerAddressError(
            "Leave the password out of the address: SCP Desktop asks for it, and can keep it "
            "in this computer's password store."
        )
    if not url.host:
        raise ServerAddressError(f"{raw} names no server: add its host name after the @.")
    if not url.database:
        raise ServerAddressError(
            f"{raw} names no database: add /DATABASE (one database per partnership)."
        )
    if not url.username:
        raise ServerAddressError(f"{raw} names no database role: add ROLE@ before the host.")
    url = url.set(drivername=DRIVER)
    place = ServerPlace(url.database)
    place.address = url.render_as_string(hide_password=False)
    return place


def default_plan_location() -> Path:
    """Where a plan is opened when none is named: `$SCP_DESKTOP_DB` (a plan file's path, or a
    shared plan's address as `--db` takes it), else the default plan file. An address that
    cannot be used raises ServerAddressError naming the setting."""
    from scp_desktop.paths import DB_ENV, default_database_path

    env = os.environ.get(DB_ENV, "").strip()
    if env and is_server_address(env):
        try:
            return server_place(env)
        except ServerAddressError as exc:
            raise ServerAddressError(f"${DB_ENV}: {exc}") from exc
    return default_database_path()


def keyring_key(place: ServerPlace) -> str:
    url = place.url
    return f"{url.username}@{url.host}:{url.port or 5432}/{url.database}"


def password_store_available() -> bool:
    """Whether this computer has a password store keyring can use (Windows Credential
    Manager, macOS Keychain, the desktop's Secret Service…). Without one the password is
    asked for at each opening and kept nowhere."""
    try:
        import keyring
        from keyring.backends import fail

        store = keyring.get_keyring()
        chained = getattr(store, "backends", None)
        if chained is not None:  # several stores found: usable if any is
            return bool(chained)
        return not isinstance(store, fail.Keyring)
    except Exception:
        return False


def remembered_password(place: ServerPlace) -> str | None:
    """The password this computer's password store keeps for the address, if any."""
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, keyring_key(place))
        except KeyringError:
            return None
    except Exception:  # a broken keyring back end must not stop the plan from opening
        return None


def remember_password(place: ServerPlace, password: str) -> str | None:
    """Keeps the password in the password store; returns why it could not, or None."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_key(place), password)
    except Exception as exc:
        return (
            "The password could not be kept in this computer's password store "
            f"({exc.__class__.__name__}); you will be asked for it next time."
        )
    return None


def forget_password(place: ServerPlace) -> None:
    with contextlib.suppress(Exception):
        import keyring

        keyring.delete_password(KEYRING_SERVICE, keyring_key(place))


class PasswordNeeded(Exception):
    """The server asks for a password (none given, or the one given was refused)."""

    def __init__(self, message: str, *, refused: bool) -> None:
        super().__init__(message)
        self.refused = refused


def make_server_engine(place: ServerPlace, password: str | None) -> Engine:
    url = place.url
    if password is not None:
        url = url.set(password=password)
    engine = create_engine(
        url,
        # The plan has no hstore column; looking the type up costs each new engine three
        # exchanges with the server.
        use_native_hstore=False,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "SCP Desktop"},
    )
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    watch_connections(engine)
    return engine


def _no_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def _without_nul(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
) -> tuple[str, Any]:
    """PostgreSQL's text cannot hold the NUL character, which SQLite keeps. Pasted from a
    damaged document it means nothing to a reader, so it is dropped rather than the whole
    change refused."""
    if isinstance(parameters, dict):
        parameters = {k: _no_nul(v) for k, v in parameters.items()}
    elif isinstance(parameters, (list, tuple)):
        parameters = type(parameters)(
            {k: _no_nul(v) for k, v in p.items()}
            if isinstance(p, dict)
            else tuple(_no_nul(v) for v in p)
            if isinstance(p, (list, tuple))
            else _no_nul(p)
            for p in parameters
        )
    return statement, parameters


def describe_server_error(exc: BaseException, place: Path | str) -> str:
    """A server error as a sentence an officer (or their IT) can act on."""
    orig = getattr(exc, "orig", exc)
    text_ = str(orig)
    low = text_.lower()
    where = str(place)
    if "permission denied" in low or "read-only" in low or "read only" in low:
        return (
            f"Your database role may not change the shared plan {where}: the server refused "
            "the change. Nothing was changed."
        )
    if "deadlock" in low or "could not serialize" in low:
        return (
            "Another officer was changing the same records at the same moment. Nothing was "
            "changed: try again."
        )
    if (
        "connection refused" in low
        or "could not translate host name" in low
        or "timeout expired" in low
        or "server closed the connection" in low
        or "connection is closed" in low
        or "terminating connection" in low
    ):
        return (
            f"The database server for {where} cannot be reached (the network or the server "
            "is down). Nothing was changed: try again when it is back."
        )
    first = text_.strip().splitlines()[0] if text_.strip() else orig.__class__.__name__
    return f"The shared plan {where} could not be used: {first}"


def _connect_error(exc: DBAPIError, place: ServerPlace, password: str | None) -> Exception:
    from scp_desktop.storage.database import DatabaseError

    low = str(exc.orig).lower()
    url = place.url
    if "no password supplied" in low:
        return PasswordNeeded(f"The server asks for {url.username}'s password.", refused=False)
    if "password authentication failed" in low:
        return PasswordNeeded(
            f"The server refused the password for {url.username}.", refused=password is not None
        )
    if "does not exist" in low and "database" in low:
        return DatabaseError(
            f"There is no database {url.database} on {url.host}. Ask IT to create it "
            "(one database per partnership; see the README). Nothing was changed."
        )
    if "permission denied for database" in low:
        return DatabaseError(
            f"Your database role {url.username} may not open the database {url.database} on "
            f"{url.host}: each partnership's database admits its own officers only. Ask IT to "
            "add you to its officers or board members. Nothing was changed."
        )
    if "role" in low and "does not exist" in low:
        return DatabaseError(
            f"The server {url.host} has no database role {url.username}. Ask IT to create "
            "yours. Nothing was changed."
        )
    return DatabaseError(describe_server_error(exc, place))


_OUR_TABLES = ("alembic_version", "partnership", "plan", "action")


def open_server_database(
    place: ServerPlace, *, password: str | None, create: bool = True, user: str = ""
) -> tuple[Database, OpenResult]:
    """Open (creating or upgrading as needed) the shared plan at `place`.

    Raises PasswordNeeded when the server wants a (different) password, DatabaseError with
    a message for the officer for anything else. The audit log records the database role:
    on a shared plan that is who did what, whatever the computer's login is."""
    from scp_desktop.storage.database import (
        Database,
        DatabaseError,
        OpenResult,
        _alembic_config,
        current_revision,
        head_revision,
        known_revisions,
    )
    from scp_desktop.storage.server_opening import first_look, upgrade_refused

    engine = make_server_engine(place, password)
    try:
        # The checks only read: no transaction, so no BEGIN and COMMIT to wait for.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            look = first_look(conn)
    except DBAPIError as exc:
        engine.dispose()
        raise _connect_error(exc, place, password) from exc
    role, revision, tables = look.role, look.revision, look.tables
    where = str(place)
    if revision is None and tables:
        engine.dispose()
        raise DatabaseError(
            f"The database {place.url.database} on {place.url.host} holds tables that are not "
            "an SCP Desktop plan. Nothing was changed: ask IT for a database of its own."
        )
    if revision is not None and revision not in known_revisions():
        engine.dispose()
        raise DatabaseError(
            f"The shared plan {where} was written by a newer version of SCP Desktop "
            f"(schema {revision}). Install the newer version to open it. Nothing was changed."
        )
    if revision is None and not create:
        engine.dispose()
        raise DatabaseError(f"There is no plan in the database {where} yet.")
    head = head_revision()
    read_only: ReadOnly | None = None
    if revision is not None and not look.may_write:
        read_only = ReadOnly(
            ReadOnlyKind.ROLE,
            f"Your database role {role} may read this plan but not change it. "
            "Ask IT for a role that may edit if you need to.",
        )
    refused = upgrade_refused(place, look) if revision is not None and revision != head else None
    if refused is not None:
        engine.dispose()
        raise DatabaseError(refused)
    try:
        if revision != head:
            from alembic import command

            with engine.begin() as conn:
                # Two officers opening an old plan at once: the second waits, then finds
                # it upgraded.
                conn.execute(text("SELECT pg_advisory_xact_lock(1749)"))
                if current_revision(conn) != head:
                    cfg = _alembic_config(DRIVER + "://")
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    install_change_counter(conn)
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(describe_server_error(exc, place)) from exc
    db = Database(place, engine, role or user, read_only)
    return db, OpenResult(
        created=revision is None,
        upgraded_from=revision if revision is not None and revision != head else None,
        backup=None,
    )


_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def install_change_counter(conn: Connection) -> None:
    """A sequence counting changes, advanced by a statement trigger on every table of the
    plan; idempotent, so each upgrade re-installs it over any new tables. A sequence takes no
    lock (a counter row would make every writer wait for every other), and one advanced by a
    change later rolled back only costs a window a needless refresh."""
    conn.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {CHANGE_SEQUENCE}"))
    conn.execute(
        text(
            "CREATE OR REPLACE FUNCTION scp_count_change() RETURNS trigger AS $$ BEGIN "
            f"PERFORM nextval('{CHANGE_SEQUENCE}'); RETURN NULL; END $$ LANGUAGE plpgsql SECURITY DEFINER"
        )
    )
    for name in inspect(conn).get_table_names():
        if name in ("alembic_version", "audit_log") or not _IDENT.match(name):
            continue
        conn.execute(text(f'DROP TRIGGER IF EXISTS scp_count_change ON "{name}"'))
        conn.execute(
            text(
                f'CREATE TRIGGER scp_count_change AFTER INSERT OR UPDATE OR DELETE ON "{name}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION scp_count_change()"
            )
        )


def change_counter(conn: Connection) -> int:
    """The plan's change count: it moves whenever anyone changes anything."""
    return int(conn.execute(text(f"SELECT last_value FROM {CHANGE_SEQUENCE}")).scalar_one())
