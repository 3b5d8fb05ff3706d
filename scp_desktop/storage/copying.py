"""A whole partnership database copied between a file and a server, either way, and checked."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError

from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.storage.models import Base

BATCH = 1000
Progress = Callable[[int, int, str], None]  # tables done, tables in all, table name


class CopyRefused(DatabaseError):
    """The copy was not made; the message says why. The target is as it was."""


@dataclass(frozen=True)
class TableCopied:
    name: str
    rows: int
    checksum: str  # the same on both sides, or the copy is not kept


@dataclass(frozen=True)
class CopyReport:
    source: str
    target: str
    tables: list[TableCopied]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def lines(self) -> list[str]:
        out = [f"Copied {self.source} to {self.target}:"]
        out += [f"  {t.name}: {t.rows} row(s), checksum {t.checksum[:12]}" for t in self.tables]
        out.append(
            f"Every table's row count and content checksum match ({len(self.tables)} tables, "
            f"{self.rows} rows)."
        )
        return out


def _tables(conn: Connection) -> list[Table]:
    """The plan's tables in an order where each comes after those it refers to."""
    present = set(inspect(conn).get_table_names())
    return [t for t in Base.metadata.sorted_tables if t.name in present]


def _holds_rows(conn: Connection, tables: Iterable[Table]) -> list[str]:
    return [t.name for t in tables if conn.execute(select(t).limit(1)).first() is not None]


def occupied_tables(db: Database) -> list[str]:
    """The plan's tables that hold records (the schema's version aside): empty for a
    database that holds no plan yet."""
    with db.engine.connect() as conn:
        names = _holds_rows(conn, _tables(conn))
    return [n for n in names if n != "alembic_version"]


def _value(v: Any) -> Any:
    # The same content read from either engine gives the same text: SQLite returns 0/1
    # where a server returns False/True, and keeps no time zone on times.
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).hex()
    return v


def table_checksum(conn: Connection, table: Table) -> tuple[int, str]:
    """A table's row count and a digest of every value of every row, in key order."""
    digest = hashlib.sha256()
    count = 0
    keys = list(table.primary_key.columns) or list(table.columns)
    result = conn.execute(select(*table.columns).order_by(*keys)).yield_per(BATCH)
    for row in result:
        digest.update(repr(tuple(_value(v) for v in row)).encode())
        count += 1
    return count, digest.hexdigest()


def copy_database(
    source: Database,
    target: Database,
    *,
    replace: bool = False,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy every row of `source` into `target` (both opened at the newest schema), in one
    transaction on the target that is committed only when every table's row count and
    checksum match the source's. A target holding a plan is refused unless `replace`."""
    if source.path == target.path and str(source.path) == str(target.path):
        raise CopyRefused("The source and the target are the same database. Nothing was copied.")
    if target.read_only is not None:
        raise CopyRefused(f"{target.path} cannot be written: {target.read_only.why}")
    done: list[TableCopied] = []
    try:
        with source.engine.connect() as src, target.engine.connect() as dst:
            if src.dialect.name == "postgresql":
                # One consistent picture of the shared plan, even while officers edit it.
                src.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            tables = _tables(src)
            target_tables = {t.name for t in _tables(dst)}
            missing = [t.name for t in tables if t.name not in target_tables]
            if missing:
                raise CopyRefused(
                    f"{target.path} lacks the tables {', '.join(missing)}. Nothing was copied."
                )
            dst.rollback()  # the look at its tables began a transaction; the copy is one of its own
            with dst.begin():
                if not replace:
                    _refuse_a_plan(dst, tables, target)
                if dst.dialect.name == "sqlite":
                    dst.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
                for table in reversed(tables):
                    dst.execute(delete(table))
                for n, table in enumerate(tables):
                    if progress is not None:
                        progress(n, len(tables), table.name)
                    _copy_table(src, dst, table)
                if dst.dialect.name == "postgresql":
                    _reset_sequences(dst, tables)
                done = [_checked_copy(src, dst, table) for table in tables]
            if progress is not None:
                progress(len(tables), len(tables), "")
    except DBAPIError as exc:
        raise CopyRefused(
            f"The copy could not be made: {str(exc.orig).strip().splitlines()[0]}. "
            "Nothing was copied."
        ) from exc
    return CopyReport(str(source.path), str(target.path), done)


def _refuse_a_plan(dst: Connection, tables: list[Table], target: Database) -> None:
    """CopyRefused when the target holds rows (other than its schema version)."""
    occupied = [n for n in _holds_rows(dst, tables) if n != "alembic_version"]
    if occupied:
        raise CopyRefused(
            f"{target.path} already holds a plan (rows in {', '.join(occupied[:5])}"
            f"{'…' if len(occupied) > 5 else ''}). Nothing was copied; copy to an "
            "empty database, or add --replace to replace what it holds."
        )


def _checked_copy(src: Connection, dst: Connection, table: Table) -> TableCopied:
    """The table's rows and checksum, when the copy has the same as the source."""
    rows, checksum = table_checksum(src, table)
    copied_rows, copied_checksum = table_checksum(dst, table)
    if (rows, checksum) != (copied_rows, copied_checksum):
        raise CopyRefused(
            f"The copy of table {table.name} does not match the source "
            f"({copied_rows} rows copied of {rows}, or their content differs). "
            "Nothing was copied."
        )
    return TableCopied(table.name, rows, checksum)


def _copy_table(src: Connection, dst: Connection, table: Table) -> None:
    keys = list(table.primary_key.columns) or list(table.columns)
    result = src.execute(select(*table.columns).order_by(*keys)).yield_per(BATCH)
    names = [c.key for c in table.columns]
    for batch in result.partitions(BATCH):
        dst.execute(insert(table), [dict(zip(names, row, strict=True)) for row in batch])


def _reset_sequences(dst: Connection, tables: list[Table]) -> None:
    """Rows copied with their ids leave the server's id counters behind: set each past the
    highest id, so that the next record added gets a new one."""
    for table in tables:
        if "id" not in table.columns or table.name == "alembic_version":
            continue
        sequence = dst.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar()
        if sequence is None:
            continue
        highest = dst.execute(select(func.max(table.c.id))).scalar()
        dst.execute(
            text("SELECT setval(CAST(:s AS regclass), :v, :called)"),
            {"s": sequence, "v": highest or 1, "called": highest is not None},
        )
