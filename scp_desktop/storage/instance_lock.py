"""The window's hold on a plan file: who has it open (a note beside the file) and an
operating-system lock that ends with the process, so a crashed window's note is known stale."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LOCK_SUFFIX = ".lock"
# On Windows a locked byte cannot be read by anyone else, so the lock sits far past the note.
_LOCK_OFFSET = 1 << 20
_NOTE_LIMIT = 4096
# A command-line check may hold the lock for an instant while it looks; a window starting
# at that instant tries again before deciding the file is in use.
_ATTEMPTS = 5
_PAUSE_S = 0.1


@dataclass(frozen=True)
class Holder:
    """Whoever has a plan file open for changes in a window."""

    officer: str
    machine: str
    pid: int
    since: dt.datetime

    def describe(self) -> str:
        """'Jane Smith on LAPTOP-42, since 08:15 on 06/12/2026'."""
        since = f"since {self.since.astimezone():%H:%M on %d/%m/%Y}"
        if not self.officer and not self.machine:
            return f"another SCP Desktop window, {since}"
        who = self.officer or "an officer whose name is not set"
        return f"{who} on {self.machine or 'another computer'}, {since}"

    def to_json(self) -> str:
        return json.dumps(
            {
                "officer": self.officer,
                "machine": self.machine,
                "pid": self.pid,
                "since": self.since.isoformat(timespec="seconds"),
            }
        )

    @staticmethod
    def from_json(text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return Holder(
                officer=str(data.get("officer", "")),
                machine=str(data.get("machine", "")),
                pid=int(data.get("pid", 0)),
                since=dt.datetime.fromisoformat(str(data["since"])),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


class FileInUse(Exception):
    """Another window holds the plan file; `holder` is None when its note cannot be read."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        who = holder.describe() if holder else "another SCP Desktop window"
        super().__init__(f"{path.name} is open in SCP Desktop by {who}.")
        self.path = path
        self.holder = holder


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    # flock, not fcntl's record locks: those are dropped when any descriptor of the file is
    # closed anywhere in the process (reading the note would release them).
    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _read_note(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, _NOTE_LIMIT).decode("utf-8", "replace").strip("\x00 \n")
    return Holder.from_json(text)


def _same_file(fd: int, path: Path) -> bool:
    """Whether the locked descriptor is still the file at `path` (a window closing removes
    its note, and one opened just before that must not count as holding the new one)."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


class InstanceLock:
    """Held by the window that may change a plan file, for as long as it has it open."""

    def __init__(self, db_path: Path, fd: int, holder: Holder) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.holder = holder
        self._fd: int | None = fd

    @classmethod
    def acquire(
        cls, db_path: Path, officer: str, *, now: dt.datetime | None = None
    ) -> InstanceLock:
        """Take the file for this process. A note left by a window that crashed is replaced
        without a word. Raises FileInUse when a live window holds it, OSError when the note
        cannot be written (a folder that cannot be written to)."""
        db_path = Path(db_path)
        path = lock_path(db_path)
        holder = Holder(
            officer=officer,
            machine=socket.gethostname(),
            pid=os.getpid(),
            since=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        )
        seen: Holder | None = None
        for attempt in range(_ATTEMPTS):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            if _try_lock(fd):
                if _same_file(fd, path):
                    note = holder.to_json().encode("utf-8")
                    os.ftruncate(fd, 0)
                    os.lseek(fd, 0, os.SEEK_SET)
                    os.write(fd, note)
                    return cls(db_path, fd, holder)
                _unlock(fd)
                os.close(fd)
                continue
            seen = _read_note(fd)
            os.close(fd)
            if attempt + 1 < _ATTEMPTS:
                time.sleep(_PAUSE_S)
        raise FileInUse(db_path, seen)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if sys.platform == "win32":
            # Windows cannot remove a file that is open; remove it once closed, unless
            # another window has opened it meanwhile (then that window uses it).
            _unlock(fd)
            os.close(fd)
            with contextlib.suppress(OSError):
                self.path.unlink()
            return
        # Removed while still locked: whoever opened it meanwhile finds it gone and retries.
        with contextlib.suppress(OSError):
            self.path.unlink()
        _unlock(fd)
        os.close(fd)


def holder_of(db_path: Path) -> Holder | None:
    """Who has `db_path` open in a window now, or None (no note, or a crashed window's).
    Used by command-line jobs, which do not take the file but say who else has it."""
    path = lock_path(Path(db_path))
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        if _try_lock(fd):
            _unlock(fd)
            return None
        return _read_note(fd) or Holder(officer="", machine="", pid=0, since=_mtime(path))
    finally:
        os.close(fd)


def _mtime(path: Path) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except OSError:
        return dt.datetime.now(dt.UTC)
