"""Backups of the plan database: taken consistently, checked before they count, kept within bounds,
restored all-or-nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

from scp_desktop.storage.database import (
    SQLITE_HEADER,
    DatabaseError,
    describe_sqlite_error,
    head_revision,
    known_revisions,
)

Progress = Callable[[int, int, str], None]  # done, total, what is being done

# Why a backup was taken: the code written in its name and record, and the words shown.
REASONS: dict[str, str] = {
    "import": "Before a returns import",
    "rollover": "Before a roll-over",
    "plan-from-spreadsheet": "Before a plan from a spreadsheet",
    "plan-deletion": "Before a plan deletion",
    "restore": "Before a restore",
    "daily": "First opening of the day",
    "upgrade": "Before an upgrade",
    "manual": "Backed up by hand",
    "purge": "Before purging old audit entries",
}
KEEP_LAST = 20
RECORD_FORMAT = 1
BACKUP_SUFFIX = ".db"
RECORD_SUFFIX = ".json"
PARTIAL_SUFFIX = ".partial"
BUSY_TIMEOUT_S = 5.0
# Pages copied per step: small enough for a progress bar to move, large enough not to slow it.
STEP_PAGES = 1024


class BackupError(DatabaseError):
    """A backup that cannot be made, read or restored; the message says why and what to do.

    `kind` says what was wrong with a file judged: "damaged", "foreign" (not ours) or "newer".
    """

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class BackupInfo:
    """One backup: where it is, when and why it was taken, and what it holds."""

    path: Path
    taken_at: dt.datetime  # UTC, aware
    reason: str
    size: int
    plans: int
    actions: int
    schema: str | None
    note: str = ""
    database: str = ""

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason)

    @property
    def local_time(self) -> dt.datetime:
        return self.taken_at.astimezone()

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["path"] = str(self.path)
        data["taken_at"] = self.taken_at.isoformat()
        data["reason_text"] = self.reason_text
        return data


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo
    before_restore: BackupInfo | None  # the backup of the file as it was
    damaged_copy: Path | None  # a damaged live file cannot be backed up: its bytes are kept here
    upgraded_from: str | None


# ---------------------------------------------------------------- where backups live


def folder_beside(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem} backups")


def fallback_folder(db_path: Path) -> Path:
    """In the user's data folder, named after the file and a hash of its full path, so two
    files called scp.db in different folders never share backups."""
    from platformdirs import user_data_path

    resolved = str(Path(db_path).expanduser().resolve())
    digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:10]
    app = "SCP Desktop" if sys.platform == "win32" else "scp-desktop"
    return user_data_path(app, appauthor=False) / "backups" / f"{Path(db_path).stem}-{digest}"


def _usable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def backups_folder(db_path: Path) -> Path:
    """Beside the file when that folder can be written, else in the user's data folder."""
    beside = folder_beside(db_path)
    if _usable(beside):
        return beside
    fallback = fallback_folder(db_path)
    if _usable(fallback):
        return fallback
    raise BackupError(
        f"No folder for backups can be written: neither {beside} nor {fallback}. "
        "Free some space or ask IT to restore write access."
    )


# ---------------------------------------------------------------- reading a file's contents


def _ro_uri(path: Path) -> str:
    return f"file:{quote(str(path))}?mode=ro"


@dataclass(frozen=True)
class _Contents:
    schema: str | None
    plans: int
    actions: int


def _describe_contents(conn: sqlite3.Connection, path: Path, *, check: bool) -> _Contents:
    """What the file holds; raises BackupError if it is damaged, not ours or too new."""
    try:
        if check:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
            if rows != ["ok"]:
                raise BackupError(
                    f"{path} is damaged ({'; '.join(str(r) for r in rows[:3])}). "
                    "Choose another backup. Nothing was changed.",
                    "damaged",
                )
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or "plan" not in tables or "action" not in tables:
            raise BackupError(
                f"{path} is a SQLite file but not an SCP Desktop plan database. "
                "Nothing was changed.",
                "foreign",
            )
        versions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
        schema = versions[0] if len(versions) == 1 else None
        if schema is None:
            raise BackupError(
                f"{path} has no readable schema version, so it cannot be trusted. "
                "Nothing was changed.",
                "foreign",
            )
        if schema not in known_revisions():
            raise BackupError(
                f"{path} was written by a newer version of SCP Desktop (schema {schema}). "
                "Install the newer version to restore it. Nothing was changed.",
                "newer",
            )
        plans = int(conn.execute("SELECT count(*) FROM plan").fetchone()[0])
        actions = int(conn.execute('SELECT count(*) FROM "action"').fetchone()[0])
    except sqlite3.DatabaseError as exc:
        if _is_damage(exc):
            raise BackupError(
                f"{path} is damaged ({exc}). Choose another backup. Nothing was changed.",
                "damaged",
            ) from exc
        raise BackupError(describe_sqlite_error(exc, path)) from exc
    return _Contents(schema, plans, actions)


def _is_damage(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def inspect_backup(path: Path, *, check: bool = True) -> BackupInfo:
    """Judge a file offered as a backup: there, a SQLite file, ours, undamaged, a schema we can
    open. Its own record (if any) supplies when and why."""
    path = Path(path).expanduser()
    if not path.exists():
        raise BackupError(f"There is no backup file at {path}.")
    if path.is_dir():
        raise BackupError(f"{path} is a folder, not a backup file.")
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise BackupError(f"{path} cannot be read: {exc.strerror}.") from exc
    if header != SQLITE_HEADER:
        raise BackupError(
            f"{path} is not an SCP Desktop backup (it is not a SQLite file"
            + (", it is empty" if not header else "")
            + "). Nothing was changed."
        )
    try:
        conn = sqlite3.connect(_ro_uri(path.resolve()), uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise BackupError(describe_sqlite_error(exc, path)) from exc
    try:
        contents = _describe_contents(conn, path, check=check)
    finally:
        conn.close()
    record = _read_record(path)
    return BackupInfo(
        path=path,
        taken_at=record.taken_at
        if record
        else dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC),
        reason=record.reason if record else "",
        size=path.stat().st_size,
        plans=contents.plans,
        actions=contents.actions,
        schema=contents.schema,
        note=record.note if record else "",
        database=record.database if record else "",
    )


# ---------------------------------------------------------------- records beside each backup


def _record_path(backup: Path) -> Path:
    return backup.with_name(backup.name + RECORD_SUFFIX)


def _read_record(backup: Path) -> BackupInfo | None:
    try:
        data = json.loads(_record_path(backup).read_text(encoding="utf-8"))
        taken = dt.datetime.fromisoformat(data["taken_at"])
        if taken.tzinfo is None:
            taken = taken.replace(tzinfo=dt.UTC)
        return BackupInfo(
            path=backup,
            taken_at=taken,
            reason=str(data["reason"]),
            size=int(data["size"]),
            plans=int(data["plans"]),
            actions=int(data["actions"]),
            schema=data.get("schema"),
            note=str(data.get("note", "")),
            database=str(data.get("database", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder to flush it; NTFS logs renames
        return
    with contextlib.suppress(OSError):
        _fsync_file(folder)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}{PARTIAL_SUFFIX}")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)


def _write_record(info: BackupInfo) -> None:
    data = info.to_json()
    data["format"] = RECORD_FORMAT
    data.pop("path")
    data.pop("reason_text")
    _write_atomically(_record_path(info.path), json.dumps(data, indent=1, sort_keys=True))


# ---------------------------------------------------------------- taking a backup


def _unique_name(folder: Path, stem: str, when: dt.datetime, reason: str) -> Path:
    base = f"{stem}-{when.astimezone():%Y%m%d-%H%M%S}-{reason}"
    target = folder / f"{base}{BACKUP_SUFFIX}"
    n = 2
    while target.exists():
        target = folder / f"{base}-{n}{BACKUP_SUFFIX}"
        n += 1
    return target


class _StillLocked(Exception):
    pass


class _Cancelled(Exception):
    pass


Cancelled = Callable[[], bool]


def _copy_pages(
    src: sqlite3.Connection,
    dst: sqlite3.Connection,
    progress: Progress | None,
    label: str,
    busy_timeout_s: float = BUSY_TIMEOUT_S,
    cancelled: Cancelled | None = None,
) -> None:
    """Copy every page of `src` into `dst`, one write transaction on `dst`.

    Python's backup retries for ever while a file is locked; giving up after `busy_timeout_s`
    lets the officer be told the file is in use instead of waiting without end. A cancel stops
    the copy before its transaction commits, so `dst` is left as it was.
    """
    waiting_since: list[float] = []

    def step(status: int, remaining: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise _Cancelled
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            if not waiting_since:
                waiting_since.append(time.monotonic())
            elif time.monotonic() - waiting_since[0] > busy_timeout_s:
                raise _StillLocked
            return
        waiting_since.clear()
        if progress is not None:
            progress(total - remaining, total, label)

    try:
        src.backup(dst, pages=STEP_PAGES, progress=step, sleep=0.05)
    except _StillLocked:
        raise sqlite3.OperationalError("database is locked") from None
    except _Cancelled:
        raise BackupError("Cancelled; nothing was changed.") from None


def take_backup(
    db_path: Path,
    reason: str,
    *,
    out: Path | None = None,
    note: str = "",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    now: dt.datetime | None = None,
) -> BackupInfo:
    """Copy the live file with SQLite's backup API to a temporary name, check the copy, flush it
    to disk and only then give it its name; then drop backups beyond the retention rule.

    `out` writes the backup to that file instead of the backups folder (kept outside retention).
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    db_path = Path(db_path).expanduser().resolve()
    if not db_path.is_file() or db_path.stat().st_size == 0:
        raise BackupError(f"There is no plan database at {db_path} to back up.")
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    if out is not None:
        target = Path(out).expanduser().resolve()
        if target == db_path:
            raise BackupError("A backup cannot be written over the plan database itself.")
        if target.is_dir():
            raise BackupError(f"{target} is a folder; give the backup file's name.")
        if target.exists():
            raise BackupError(
                f"{target} already exists; give a new file name (nothing was overwritten)."
            )
        if not target.parent.is_dir():
            raise BackupError(f"The folder {target.parent} does not exist.")
        folder = target.parent
    else:
        folder = backups_folder(db_path)
        target = _unique_name(folder, db_path.stem, when, reason)
    if out is None:
        _remove_stale_partials(folder)
    tmp = folder / f".{target.name}.{os.getpid()}{PARTIAL_SUFFIX}"
    try:
        contents = _copy_and_check(db_path, tmp, progress, cancelled)
        _fsync_file(tmp)
        os.replace(tmp, target)
        _fsync_dir(folder)
    except OSError as exc:
        raise BackupError(
            f"The backup could not be written to {folder}: {exc.strerror or exc}. "
            "Nothing was changed."
        ) from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    info = BackupInfo(
        path=target,
        taken_at=when,
        reason=reason,
        size=target.stat().st_size,
        plans=contents.plans,
        actions=contents.actions,
        schema=contents.schema,
        note=note,
        database=str(db_path),
    )
    with contextlib.suppress(OSError):  # the record only speeds up listing; the file is whole
        _write_record(info)
    if out is None:
        prune(folder)
    return info


def _copy_and_check(
    db_path: Path, tmp: Path, progress: Progress | None, cancelled: Cancelled | None
) -> _Contents:
    try:
        # Opened read-only: a backup never writes to the file it copies.
        src = sqlite3.connect(_ro_uri(db_path), uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise BackupError(describe_sqlite_error(exc, db_path)) from exc
    try:
        dst = sqlite3.connect(tmp)
        try:
            _copy_pages(src, dst, progress, "Backing up the plan database…", cancelled=cancelled)
            # The copy stands alone: one file, no write-ahead log beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
            contents = _describe_contents(dst, db_path, check=True)
        except BackupError as exc:
            raise BackupError(f"No backup was made: {exc}", exc.kind) from exc
        except sqlite3.Error as exc:
            raise BackupError(
                "No backup was made: " + describe_sqlite_error(exc, db_path),
                "damaged" if _is_damage(exc) else "",
            ) from exc
        finally:
            dst.close()
    finally:
        src.close()
    return contents


def _remove_stale_partials(folder: Path) -> None:
    """Half-written backups of a process that was killed: never listed, removed on the next
    backup once no live process could still be writing them."""
    cutoff = dt.datetime.now().timestamp() - 3600
    for partial in folder.glob(f".*{BACKUP_SUFFIX}.*{PARTIAL_SUFFIX}*"):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < cutoff:
                partial.unlink()


def backup_before_change(db_path: Path, reason: str, progress: Progress | None = None) -> None:
    """The backup a service takes before a large change. A file with nothing in it yet has
    nothing to lose; any other failure stops the change, with a message."""
    db_path = Path(db_path)
    if not db_path.is_file() or not _holds_anything(db_path):
        return
    try:
        take_backup(db_path, reason, progress=progress)
    except BackupError as exc:
        raise BackupError(
            f"{exc} The change was not started, so that it can be undone from a backup.", exc.kind
        ) from exc


def _holds_anything(db_path: Path) -> bool:
    try:
        conn = sqlite3.connect(_ro_uri(db_path.resolve()), uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return True  # let the backup itself report what is wrong
    try:
        for table in ("plan", "partner", "partnership"):
            if conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None:
                return True
        return False
    except sqlite3.Error:
        return True
    finally:
        conn.close()


def daily_backup_if_due(
    db_path: Path,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> BackupInfo | None:
    """The first opening of each (local) day backs the file up."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    today = now.astimezone().date()
    for info in list_backups(db_path):
        if info.reason == "daily" and info.local_time.date() == today:
            return None
    if not _holds_anything(Path(db_path)):
        return None
    return take_backup(db_path, "daily", now=now, progress=progress, cancelled=cancelled)


# ---------------------------------------------------------------- listing and retention


def _backups_in(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.suffix == BACKUP_SUFFIX and not p.name.startswith(".")]


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Every complete backup of the file, newest first. Read from the records written beside
    them; a backup whose record is missing is read from the file itself."""
    db_path = Path(db_path).expanduser().resolve()
    found: dict[Path, BackupInfo] = {}
    for folder in (folder_beside(db_path), fallback_folder(db_path)):
        for path in _backups_in(folder):
            info = _read_record(path)
            if info is None:
                try:
                    info = inspect_backup(path, check=False)
                except BackupError:
                    continue
            if info.size != _size(path):
                continue  # not the file its record describes
            found[path.resolve()] = info
    return sorted(found.values(), key=lambda b: b.taken_at, reverse=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def to_keep(backups: list[BackupInfo], keep_last: int = KEEP_LAST) -> set[Path]:
    """The last `keep_last`, plus the newest of each calendar month (upgrade backups alike)."""
    ordered = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    keep = {b.path for b in ordered[:keep_last]}
    months: set[tuple[int, int]] = set()
    for b in ordered:
        local = b.local_time
        month = (local.year, local.month)
        if month not in months:
            months.add(month)
            keep.add(b.path)
    return keep


def prune(folder: Path, keep_last: int = KEEP_LAST) -> list[Path]:
    """Delete the backups in `folder` that the retention rule does not keep."""
    infos = [i for i in (_read_record(p) for p in _backups_in(folder)) if i is not None]
    keep = to_keep(infos, keep_last)
    removed = []
    for info in infos:
        if info.path in keep:
            continue
        with contextlib.suppress(OSError):
            info.path.unlink()
            removed.append(info.path)
        with contextlib.suppress(OSError):
            _record_path(info.path).unlink()
    return removed


# ---------------------------------------------------------------- restoring


def restore_backup(
    db_path: Path,
    source: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    busy_timeout_s: float = BUSY_TIMEOUT_S,
) -> RestoreResult:
    """Put a backup's contents into the live file, after backing the live file up.

    The pages are copied with SQLite's backup API into the live file, in one write transaction:
    the file is either wholly as it was or wholly the backup's, even if the process is killed.
    A backup from an older version is upgraded once restored.
    """
    db_path = Path(db_path).expanduser().resolve()
    source = Path(source).expanduser()
    if source.exists() and source.resolve() == db_path:
        raise BackupError("That is the plan database itself, not a backup of it.")
    if db_path.is_dir():
        raise BackupError(f"{db_path} is a folder, not a plan database file.")
    if not db_path.parent.is_dir():
        raise BackupError(f"The folder {db_path.parent} does not exist.")
    chosen = inspect_backup(source)
    before: BackupInfo | None = None
    damaged: Path | None = None
    floor = 0
    if db_path.is_file() and db_path.stat().st_size > 0:
        before, damaged = _keep_live_file(db_path, progress, cancelled)
        if damaged is None:
            floor = _highest_version(db_path)
    if damaged is not None:
        _replace_unreadable(db_path, source, progress, cancelled)
    else:
        _copy_into(db_path, source, progress, cancelled, busy_timeout_s)
    upgraded_from = None
    if chosen.schema != head_revision():
        from scp_desktop.storage.database import open_database

        db, result = open_database(db_path, create=False)
        db.close()
        upgraded_from = result.upgraded_from
    if floor:
        _lift_versions(db_path, floor, busy_timeout_s)
    return RestoreResult(chosen, before, damaged, upgraded_from)


def _versioned_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables whose records carry the version number every write checks."""
    names = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if row[0] != "audit_log"
    ]
    return [
        name
        for name in names
        if any(col[1] == "version" for col in conn.execute(f'PRAGMA table_info("{name}")'))
    ]


def _highest_version(db_path: Path) -> int:
    """The highest version number any record of the live file has reached."""
    conn = sqlite3.connect(_ro_uri(db_path), uri=True)
    try:
        tables = _versioned_tables(conn)
        return max(
            (
                conn.execute(f'SELECT coalesce(max(version), 0) FROM "{t}"').fetchone()[0]
                for t in tables
            ),
            default=0,
        )
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def _lift_versions(db_path: Path, floor: int, busy_timeout_s: float) -> None:
    """Raise every restored record's version above any the live file had reached.

    A restore puts back older version numbers; an editor, form or undo step opened before it
    could otherwise find "its" version again on a record that holds other words, and save over
    it unseen. Lifted, every such write is a conflict the officer is shown."""
    conn = sqlite3.connect(db_path, timeout=busy_timeout_s, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for table in _versioned_tables(conn):
            conn.execute(f'UPDATE "{table}" SET version = version + ?', (floor,))
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise BackupError(describe_sqlite_error(exc, db_path)) from exc
    finally:
        conn.close()


def _copy_into(
    db_path: Path,
    source: Path,
    progress: Progress | None,
    cancelled: Cancelled | None,
    busy_timeout_s: float,
) -> None:
    src = sqlite3.connect(_ro_uri(source.resolve()), uri=True, timeout=busy_timeout_s)
    try:
        try:
            # Waiting for a lock is done between the copy's steps, up to busy_timeout_s.
            dst = sqlite3.connect(db_path, timeout=0.1)
        except sqlite3.Error as exc:
            raise BackupError(describe_sqlite_error(exc, db_path)) from exc
        try:
            _copy_pages(src, dst, progress, f"Restoring {source.name}…", busy_timeout_s, cancelled)
        except sqlite3.Error as exc:
            raise BackupError(describe_sqlite_error(exc, db_path)) from exc
        finally:
            dst.close()
    finally:
        src.close()


def _replace_unreadable(
    db_path: Path, source: Path, progress: Progress | None, cancelled: Cancelled | None
) -> None:
    """A live file SQLite cannot write into (its bytes already kept) is replaced whole: the
    backup is copied beside it under a temporary name, flushed, then renamed over it."""
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.restoring")
    try:
        src = sqlite3.connect(_ro_uri(source.resolve()), uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(tmp)
            try:
                _copy_pages(src, dst, progress, f"Restoring {source.name}…", cancelled=cancelled)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        _fsync_file(tmp)
        # The old file's log and index belong to its pages, never to the restored ones.
        for extra in ("-wal", "-shm", "-journal"):
            Path(f"{db_path}{extra}").unlink(missing_ok=True)
        os.replace(tmp, db_path)
        _fsync_dir(db_path.parent)
    except sqlite3.Error as exc:
        raise BackupError(describe_sqlite_error(exc, db_path)) from exc
    except OSError as exc:
        raise BackupError(
            f"The backup could not be put in place of {db_path}: {exc.strerror or exc}."
        ) from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)


def _keep_live_file(
    db_path: Path, progress: Progress | None, cancelled: Cancelled | None
) -> tuple[BackupInfo | None, Path | None]:
    """Back the live file up before it is replaced. A damaged or foreign live file cannot be
    backed up as ours: its bytes are kept as they are, so nothing is lost either way."""
    try:
        return take_backup(db_path, "restore", progress=progress, cancelled=cancelled), None
    except BackupError as exc:
        if exc.kind not in ("damaged", "foreign", "newer"):
            raise
    folder = backups_folder(db_path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = folder / f"{db_path.stem}-{stamp}-as-found-before-restore.damaged"
    tmp = folder / f".{kept.name}{PARTIAL_SUFFIX}"
    try:
        shutil.copyfile(db_path, tmp)
        _fsync_file(tmp)
        os.replace(tmp, kept)
        wal = Path(f"{db_path}-wal")
        if wal.is_file() and wal.stat().st_size:
            shutil.copyfile(wal, f"{kept}-wal")
    except OSError as exc:
        raise BackupError(
            f"The current file could not be kept before restoring: {exc.strerror or exc}. "
            "Nothing was changed."
        ) from exc
    return None, kept
