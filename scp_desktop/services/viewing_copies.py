"""Copies of evidence opened for viewing: one temporary folder per running session, removed
when the application closes, and folders left by a session that crashed removed at next start."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from scp_desktop.domain.file_names import safe_file_name
from scp_desktop.services.errors import UserError

PREFIX = "scp-evidence-"
# A viewer may keep the copy open, and Windows paths are limited to 260 characters, so
# copies get shorter names than the 255 bytes file systems allow.
VIEWING_NAME_BYTES = 120
# Folders from versions that did not record their process: removed once a day old.
_LEGACY_AGE_SECONDS = 24 * 3600

log = logging.getLogger(__name__)


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(folder: Path) -> int | None:
    """The process id recorded in the folder's name, None for a legacy folder."""
    head = folder.name[len(PREFIX) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


class ViewingCopies:
    """This session's folder of copies, made on first use."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = base
        self._folder: Path | None = None

    @property
    def folder(self) -> Path | None:
        return self._folder

    def write(self, evidence_id: int, file_name: str, content: bytes) -> Path:
        """Write a copy for a viewer to open; the database keeps the original."""
        try:
            if self._folder is None:
                base = self.base or Path(tempfile.gettempdir())
                self._folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
            # One sub-folder per evidence file, so two files of one name do not collide.
            target_dir = self._folder / str(int(evidence_id))
            target_dir.mkdir(exist_ok=True)
            target = target_dir / safe_file_name(file_name, VIEWING_NAME_BYTES)
            target.write_bytes(content)
        except OSError as exc:
            log.error("evidence %s: temporary copy failed (%s)", evidence_id, type(exc).__name__)
            raise UserError(
                f"A copy of {safe_file_name(file_name)} could not be written to the temporary "
                f"folder for viewing: {exc.strerror or exc}."
            ) from exc
        log.info("evidence %s: copy written for viewing (%d bytes)", evidence_id, len(content))
        return target

    def remove(self) -> None:
        """Delete the folder and every copy in it (a copy a viewer still holds open on
        Windows stays until the next start clears it)."""
        if self._folder is None:
            return
        shutil.rmtree(self._folder, ignore_errors=True)
        if not self._folder.exists():
            log.info("temporary evidence copies removed")
            self._folder = None


def remove_stale(base: Path | None = None, *, now: float | None = None) -> int:
    """Remove copy folders whose session has ended (crashed); returns how many went."""
    root = base or Path(tempfile.gettempdir())
    moment = time.time() if now is None else now
    removed = 0
    try:
        entries = [Path(e.path) for e in os.scandir(root) if e.name.startswith(PREFIX)]
    except OSError:
        return 0
    for folder in entries:
        with contextlib.suppress(OSError):
            if not folder.is_dir() or folder.is_symlink():
                continue
            owner = _owner(folder)
            if owner is None:
                if moment - folder.stat().st_mtime < _LEGACY_AGE_SECONDS:
                    continue
            elif owner == os.getpid() or _process_alive(owner):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed += not folder.exists()
    if removed:
        log.info("removed %d temporary evidence folder(s) left by an earlier session", removed)
    return removed


_session: ViewingCopies | None = None


def session_copies() -> ViewingCopies:
    """The running application's copies; removed at exit however the application ends
    normally (window closed, command finished)."""
    global _session
    if _session is None:
        _session = ViewingCopies()
        atexit.register(_session.remove)
    return _session
