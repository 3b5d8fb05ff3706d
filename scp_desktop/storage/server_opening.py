"""What opening a shared plan needs to know of its database, asked of the server at once:
who we are there, its tables and schema revision, and what our role may do with them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from scp_desktop.storage.server import ServerPlace

# One statement for all the checks (each exchange with the server costs the network's
# latency). The privileges are asked by the tables' ids, which are NULL for a table that is
# not there: the answer is then NULL too, where asking by name would fail.
_FIRST_LOOK = text(
    "SELECT current_user, "
    "ARRAY(SELECT CAST(c.relname AS TEXT) FROM pg_catalog.pg_class c "
    "WHERE c.relkind IN ('r', 'p') AND c.relnamespace = "
    "(SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = current_schema())), "
    "coalesce(has_table_privilege(to_regclass('action'), 'INSERT') "
    "AND has_table_privilege(to_regclass('action'), 'UPDATE') "
    "AND has_table_privilege(to_regclass('audit_log'), 'INSERT'), false), "
    "(SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_catalog.pg_class c "
    "WHERE c.oid = to_regclass('alembic_version')), "
    "(SELECT pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c "
    "WHERE c.oid = to_regclass('alembic_version'))"
)


@dataclass(frozen=True)
class FirstLook:
    role: str
    tables: frozenset[str]
    revision: str | None
    # Whether the role may change the plan's records (a board member's may only read them).
    may_write: bool
    # Whether the role may change the plan's tables, as an upgrade does: the role that owns
    # them (IT's), or one with its rights.
    may_change_schema: bool
    owner: str


def first_look(conn: Connection) -> FirstLook:
    """The checks opening a shared plan makes, in one statement (and a second for the schema
    revision when the database has one)."""
    from scp_desktop.storage.database import recorded_revision

    role, tables, may_write, may_change, owner = conn.execute(_FIRST_LOOK).one()
    named = frozenset(str(t) for t in tables or ())
    revision = recorded_revision(conn) if "alembic_version" in named else None
    return FirstLook(
        str(role or ""), named, revision, bool(may_write), bool(may_change), str(owner or "")
    )


def upgrade_refused(place: ServerPlace, look: FirstLook) -> str | None:
    """Why the role opening a plan at an older schema cannot upgrade it, or None when it can:
    only the owner of the plan's tables may change them, and IT is asked to, as that role."""
    if look.may_write and look.may_change_schema:
        return None
    owner = look.owner or "OWNER"
    address = place.url.set(username=owner).render_as_string(hide_password=False)
    if not look.may_write:
        who = f"your read-only role {look.role} cannot do that"
    else:
        who = (
            f"your role {look.role} may change the plan's records but not its tables, "
            f"which only the database's owner role {owner} may change"
        )
    return (
        f"The shared plan {place} was written by an older version of SCP Desktop, and its "
        f"database must be upgraded before this version can open it; {who}. Ask IT to "
        f"upgrade it once as {owner}, with scp-desktop check --db {address}. "
        "Nothing was changed."
    )
