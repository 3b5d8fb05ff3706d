"""A consistent copy of a plan file, read without writing to it, e.g. from a network drive
to this computer."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from scp_desktop.storage.judging import read_only_uri

PAGES_PER_STEP = 256


class CopyCancelled(Exception):
    """The officer cancelled the copy; nothing was left at the target."""


def copy_plan_file(
    source: Path,
    target: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Path:
    """Copy `source` to `target` with SQLite's online backup (a consistent snapshot even
    while another window writes). It is written under a temporary name and renamed only once
    complete and checked, so `target` is never a half copy. Raises sqlite3.Error, OSError or
    CopyCancelled; the source is only ever read."""
    source, target = Path(source).resolve(), Path(target).absolute()
    if target == source:
        raise OSError(f"{target} is the file being copied; choose another name.")
    partial = target.with_name(f".{target.name}.partial")

    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)
        if cancelled():
            raise CopyCancelled()

    src = sqlite3.connect(read_only_uri(source), uri=True)
    try:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=PAGES_PER_STEP, progress=step)
            # One self-contained file: no -wal beside the copy.
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in dst.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError(f"the copy did not check out: {problems[:3]}")
        finally:
            dst.close()
        os.replace(partial, target)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    finally:
        src.close()
    return target
