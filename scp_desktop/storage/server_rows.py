"""The bulk reads' SQLite SQL text run on a PostgreSQL connection, with the same rows back."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from scp_desktop.storage.reading import refuse_unless_read

# Quoted text and identifiers are passed over whole (but for % which psycopg reads even
# there); outside them, parameters are renamed for psycopg.
_TOKENS = re.compile(r"""'(?:[^']|'')*'|"[^"]*"|\?|:(\w+)|%""")
# group_concat(EXPR, 'SEP'): SQLite joins in the order it reads the rows, which for these
# reads is their index order, that is the order of EXPR; PostgreSQL is told so.
_GROUP_CONCAT = re.compile(r"group_concat\((.+?), ('[^']*')\)")
_TRIM = re.compile(r"\btrim\(")


@functools.lru_cache(maxsize=256)
def postgres_sql(sql: str) -> str:
    """SQLite SQL text of the bulk reads as PostgreSQL reads it."""
    sql = _GROUP_CONCAT.sub(
        lambda m: f"string_agg(CAST({m[1]} AS TEXT), {m[2]} ORDER BY {m[1]})", sql
    )
    # trim(X, chars) is btrim in PostgreSQL; both take the characters to remove.
    sql = _TRIM.sub("btrim(", sql)
    # Bytes of UTF-8 text: the caller encodes the text itself (see load_search_texts).
    sql = sql.replace(" AS BLOB)", " AS TEXT)")

    def swap(m: re.Match[str]) -> str:
        token = m[0]
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if m[1] is not None:
            return f"%({m[1]})s"
        return token.replace("%", "%%")

    return _TOKENS.sub(swap, sql)


class ServerCursor:
    """A psycopg cursor that takes SQLite SQL text and returns dates as ISO text, as SQLite
    stores them."""

    def __init__(self, connection: Any) -> None:
        from psycopg.types.string import TextLoader

        self._cursor = connection.cursor()
        self._autocommit = bool(connection.autocommit)
        # Dates come back as text, as SQLite's do; the readers parse them themselves.
        self._cursor.adapters.register_loader("date", TextLoader)

    def execute(self, sql: str, parameters: Any = None) -> ServerCursor:
        if self._autocommit:
            # A reading session's connection (storage/reading.py): a write would be applied
            # on its own, outside any transaction.
            refuse_unless_read(sql)
        # Always some parameters, even none: psycopg then reads every % as the text says.
        self._cursor.execute(postgres_sql(sql), () if parameters is None else parameters)
        return self

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def fetchmany(self, size: int = 1) -> list[Any]:
        return list(self._cursor.fetchmany(size))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)

    def close(self) -> None:
        self._cursor.close()


class ServerRows:
    """sqlite3.Connection's execute / cursor, on a psycopg connection inside the session's
    transaction."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Any = None) -> ServerCursor:
        return ServerCursor(self._connection).execute(sql, parameters)

    def cursor(self) -> ServerCursor:
        return ServerCursor(self._connection)
