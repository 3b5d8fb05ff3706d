"""Plan files as officers handle them: a new partnership's own file, the demo's separate
file, and a consistent copy of the open file."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scp_desktop.domain.periods import FinancialYear
from scp_desktop.services.errors import UserError
from scp_desktop.services.profile import PartnershipProfile, apply_profile, validate
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.local_copy import CopyCancelled as CopyInterrupted
from scp_desktop.storage.local_copy import copy_plan_file
from scp_desktop.storage.models import Plan


@dataclass(frozen=True)
class NewPartnership:
    path: Path
    plan_id: int
    year: str


def _has_content(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def _partial_name(path: Path) -> Path:
    # Made under this name and renamed when complete: a failure leaves no half-made file
    # under the name the officer chose.
    return path.with_name(f".{path.name}.creating")


def _remove_partial(partial: Path) -> None:
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        with contextlib.suppress(OSError):
            leftover.unlink()


def first_plan_year(today: dt.date) -> FinancialYear:
    """A new partnership's first plan is for the financial year it is started in."""
    return FinancialYear.containing(today)


def create_partnership_file(
    path: Path,
    profile: PartnershipProfile,
    *,
    year: FinancialYear,
    user: str = "",
) -> NewPartnership:
    """A new plan file holding the partnership's profile and an empty draft plan for `year`.

    Refused when `path` already holds anything; on any failure no file is left at `path`.
    """
    path = Path(path).expanduser()
    checked = validate(profile)
    if path.is_dir():
        raise UserError(f"{path} is a folder; choose a file name for the new partnership.")
    if _has_content(path):
        raise UserError(f"{path} already exists. Choose another name, or open that file instead.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"The folder {path.parent} cannot be created: {exc.strerror}.") from exc
    partial = _partial_name(path)
    _remove_partial(partial)
    try:
        db, _ = open_database(partial, user=user, create=True)
        try:
            with db.session(reason="new partnership") as s:
                apply_profile(s, checked)
                plan = Plan(
                    year=year.label, title=f"Annual Partnership Plan {year.label}", status="draft"
                )
                s.add(plan)
                s.flush()
                plan_id = plan.id
        finally:
            db.close()
        os.replace(partial, path)
    except BaseException:
        _remove_partial(partial)
        raise
    return NewPartnership(path.resolve(), plan_id, year.label)


def ensure_demo_file(path: Path, *, user: str = "") -> Path:
    """The demo's own file, made from the bundled demo plan the first time it is asked for."""
    from scp_desktop.services import setup

    path = Path(path).expanduser()
    if _has_content(path):
        return path
    partial = _partial_name(path)
    _remove_partial(partial)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db, _ = open_database(partial, user=user, create=True)
        try:
            setup.load_demo(db)
        finally:
            db.close()
        os.replace(partial, path)
    except OSError as exc:
        _remove_partial(partial)
        raise UserError(f"The demo file {path} cannot be written: {exc.strerror or exc}.") from exc
    except BaseException:
        _remove_partial(partial)
        raise
    return path


class CopyCancelled(UserError):
    """The officer stopped a copy; nothing was written."""


def save_copy(
    db: Database,
    target: Path,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """A consistent copy of the open file at `target`, taken with SQLite's online backup
    (a file copy of a live database can catch it half-written). Written under a temporary
    name and renamed when complete; cancelling leaves nothing behind."""
    target = Path(target).expanduser()
    if target.resolve() == db.path.resolve():
        raise UserError("Choose another name: a copy cannot replace the file it is made from.")
    if target.is_dir():
        raise UserError(f"{target} is a folder; choose a file name for the copy.")
    if db.shared:
        partial = _partial_name(target)
        _remove_partial(partial)
        return _copy_of_shared_plan(db, target, partial, progress, cancelled)

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total, "Copying…")

    try:
        copy_plan_file(db.path, target, progress=step, cancelled=cancelled or (lambda: False))
    except CopyInterrupted:
        raise CopyCancelled("The copy was cancelled; nothing was written.") from None
    except (OSError, sqlite3.Error) as exc:
        raise UserError(f"The copy {target} cannot be written: {exc}.") from exc
    return target


def _copy_of_shared_plan(
    db: Database,
    target: Path,
    partial: Path,
    progress: Callable[[int, int, str], None] | None,
    cancelled: Callable[[], bool] | None,
) -> Path:
    """A shared plan's copy in a file of its own (to take to a meeting with no network),
    made and checked table by table as `scp-desktop copy` makes it."""
    from scp_desktop.storage.copying import copy_database
    from scp_desktop.storage.database import DatabaseError, open_database

    def step(done: int, total: int, table: str) -> None:
        if cancelled is not None and cancelled():
            raise CopyCancelled("The copy was cancelled; nothing was written.")
        if progress is not None:
            progress(done, total, f"Copying {table}…" if table else "Checking…")

    try:
        dest, _ = open_database(partial, user=db.user)
        try:
            copy_database(db, dest, progress=step)
        finally:
            dest.close()
        con = sqlite3.connect(partial)
        try:
            con.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            con.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error, DatabaseError) as exc:
        _remove_partial(partial)
        raise UserError(f"The copy {target} cannot be written: {exc}") from exc
    except BaseException:
        _remove_partial(partial)
        raise
    return target
