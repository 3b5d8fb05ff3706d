"""Judging a plan file through a read-only connection before anything may write to it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
# Bytes 18 and 19 of a SQLite header are 2 when the file is in WAL mode.
WAL_HEADER_OFFSET = 18


class FileRefused(Exception):
    """The file cannot be opened as a plan; the message says why, in the officer's terms."""


@dataclass(frozen=True)
class Judgement:
    """What the file is: a new or empty file (revision None, `empty`), or a plan of ours
    at a schema revision this version knows."""

    revision: str | None
    empty: bool


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """The SQLite URI opening `path` so that no write can happen through it."""
    return f"{path.as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"


def read_only_connection(
    path: Path, header: bytes, *, timeout: float, check_same_thread: bool = True
) -> sqlite3.Connection:
    """A connection to the SQLite file `path` (whose first bytes are `header`) through which
    nothing can be written, and which leaves nothing beside a file that had nothing."""
    # A read-only connection to a WAL file makes a -wal and -shm file beside it and leaves
    # them there. With no -wal file there is nothing outside the main file to read, so it is
    # read as immutable and nothing is created; with one, another connection is using it (or
    # one crashed) and its journal must be read.
    in_wal_mode = len(header) > WAL_HEADER_OFFSET and header[WAL_HEADER_OFFSET] == 2
    wal = path.with_name(path.name + "-wal")
    immutable = in_wal_mode and not wal.exists()
    return sqlite3.connect(
        read_only_uri(path, immutable=immutable),
        uri=True,
        timeout=timeout,
        check_same_thread=check_same_thread,
    )


def file_header(path: Path) -> bytes:
    """The first 100 bytes of `path`: SQLite's header, when it is a SQLite file."""
    with path.open("rb") as fh:
        return fh.read(100)


def judge_file(
    path: Path,
    known_revisions: frozenset[str],
    *,
    busy_timeout_ms: int,
) -> Judgement:
    """Read `path` without writing a byte (nor leaving a journal beside it) and say whether
    it is ours and at a schema this version can open. Raises FileRefused or sqlite3.Error."""
    if path.is_dir():
        raise FileRefused(f"{path} is a folder, not a plan database file.")
    if not path.exists() or path.stat().st_size == 0:
        return Judgement(revision=None, empty=True)
    try:
        header = file_header(path)
    except OSError as exc:
        raise FileRefused(f"The plan database {path} cannot be read: {exc.strerror}.") from exc
    if not header.startswith(SQLITE_HEADER):
        raise FileRefused(
            f"{path} is not an SCP Desktop plan database (it is not a SQLite file). "
            "Nothing was changed."
        )
    conn = read_only_connection(path, header, timeout=busy_timeout_ms / 1000)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError(f"database disk image is malformed: {problems[:3]}")
        has_versions = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        versions = (
            [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
            if has_versions
            else []
        )
        if not has_versions or not versions:
            tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' "
                "AND name NOT IN ('alembic_version') AND name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
            if tables:
                raise FileRefused(
                    f"{path} is a SQLite file but not an SCP Desktop plan database. "
                    "Nothing was changed."
                )
            return Judgement(revision=None, empty=True)
    finally:
        conn.close()
    unknown = [v for v in versions if v not in known_revisions]
    if unknown:
        raise FileRefused(
            f"{path} was written by a newer version of SCP Desktop (schema "
            f"{', '.join(unknown)}). Install the newer version to open it. Nothing was changed."
        )
    if len(versions) > 1:
        raise FileRefused(
            f"{path} records several schema versions at once ({', '.join(versions)}), which "
            "SCP Desktop never writes. Restore it from a backup. Nothing was changed."
        )
    return Judgement(revision=versions[0], empty=False)
