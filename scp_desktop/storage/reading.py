"""Sessions that only read: on a shared plan, without a transaction's BEGIN and COMMIT.

Each exchange with a database server costs the network's latency, and a transaction adds two
(its BEGIN and its COMMIT) to the statements it holds. Under PostgreSQL's default isolation,
READ COMMITTED, every statement of a transaction sees the plan as committed when that
statement starts, which is what a statement run on its own sees too: reads lose nothing by
running without one. So on a server at READ COMMITTED a reading session's connection runs
in autocommit. On a server set to a stricter default, where a transaction's reads share one
snapshot, and on a SQLite file (no network; a transaction is its reads' one snapshot there),
it is an ordinary transaction.

Without a transaction a write would be applied statement by statement, so a reading session
refuses every write before it is sent: the ORM's flushes, and any statement that is not a
plain read (the bulk reads' own SQL text is checked in storage/server_rows.py).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from scp_desktop.storage import audit

_FIRST_WORD = re.compile(r"\s*\(*\s*(\w+)")
_READ_WORDS = frozenset({"select", "show", "values", "table", "with"})
# A WITH may hold a writing statement, and a SELECT may lock rows for a transaction to come.
_WRITING = re.compile(r"\b(insert|update|delete|merge)\b", re.IGNORECASE)
_LOCKING = re.compile(r"\bfor\s+(no\s+key\s+update|update|key\s+share|share)\b", re.IGNORECASE)


class WriteWhileReading(RuntimeError):
    """A write tried through a session that only reads: a mistake in the program, refused
    before anything reached the database."""


def is_plain_read(sql: str) -> bool:
    """Whether the SQL text only reads: it neither writes nor locks rows."""
    first = _FIRST_WORD.match(sql)
    if first is None or first[1].lower() not in _READ_WORDS:
        return False
    if first[1].lower() == "with" and _WRITING.search(sql):
        return False
    return _LOCKING.search(sql) is None


def refuse_unless_read(sql: str) -> None:
    if not is_plain_read(sql):
        first = sql.strip().splitlines()[0][:80] if sql.strip() else "(empty)"
        raise WriteWhileReading(f"A reading session may only read, not run: {first}")


def without_transaction(engine: Engine) -> bool:
    """Whether reads on `engine` run without a transaction: a server whose default isolation
    is READ COMMITTED (learnt from its first connection)."""
    if engine.dialect.name == "sqlite":
        return False
    if getattr(engine.dialect, "default_isolation_level", None) is None:
        with engine.connect():
            pass  # the first connection reads the server's settings
    return engine.dialect.default_isolation_level == "READ COMMITTED"


def reading_sessions(engine: Engine) -> sessionmaker[audit.AuditedSession]:
    """Sessions for reads only on `engine`'s database, sharing its pool of connections."""
    if without_transaction(engine):
        bind = engine.execution_options(isolation_level="AUTOCOMMIT")
    else:
        bind = engine.execution_options()  # a copy: the listener below is its own

    def check(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        refuse_unless_read(statement)

    # Only this engine's connections: the plan's other sessions share the pool, not this.
    event.listen(bind, "before_cursor_execute", check)
    made = sessionmaker(bind, class_=audit.AuditedSession, expire_on_commit=False)

    @event.listens_for(made, "before_flush")
    def refuse_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
        raise WriteWhileReading(
            "A reading session may only read: "
            f"{len(session.new)} new, {len(session.dirty)} changed and "
            f"{len(session.deleted)} deleted records were not written."
        )

    return made
