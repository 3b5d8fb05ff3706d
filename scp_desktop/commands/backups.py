"""Command line for backups: backup, backups, restore and purge-audit."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1


def register(subparsers: Any, add_db_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser("backup", help="back up the plan database now (checked copy)")
    add_db_arg(p)
    p.add_argument(
        "--out", type=Path, metavar="FILE", help="write the backup here instead of its folder"
    )
    p.set_defaults(handler=cmd_backup)

    p = subparsers.add_parser("backups", help="list the plan database's backups, newest first")
    add_db_arg(p)
    p.add_argument("--json", action="store_true", help="print the list as one JSON document")
    p.set_defaults(handler=cmd_backups)

    p = subparsers.add_parser(
        "restore", help="put a backup back as the plan database (the current file is backed up)"
    )
    add_db_arg(p)
    p.add_argument(
        "--from", dest="source", required=True, type=Path, metavar="FILE", help="the backup"
    )
    p.set_defaults(handler=cmd_restore)

    p = subparsers.add_parser(
        "purge-audit", help="delete audit entries older than N years (after a backup)"
    )
    add_db_arg(p)
    p.add_argument("--older-than-years", required=True, type=int, metavar="N")
    p.set_defaults(handler=cmd_purge_audit)


def _db_path(args: argparse.Namespace) -> Path:
    from scp_desktop.storage.database import DatabaseError
    from scp_desktop.storage.server import default_plan_location, is_server_address

    path: Path = args.db or default_plan_location()
    if is_server_address(path):
        raise DatabaseError(
            f"{path} is a shared plan: the council's IT backs it up and restores it on the "
            "server (pg_dump, pg_restore). To keep a copy in a file: scp-desktop copy --from "
            f"{path} --to FILE."
        )
    return path.expanduser()


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def cmd_backup(args: argparse.Namespace) -> int:
    from scp_desktop.storage.backups import take_backup

    info = take_backup(_db_path(args), "manual", out=args.out)
    print(f"Backed up to {info.path}")
    print(f"  {size_text(info.size)}; {info.plans} plan(s), {info.actions} action(s)")
    return EXIT_OK


def cmd_backups(args: argparse.Namespace) -> int:
    from scp_desktop.storage.backups import (
        BackupError,
        backups_folder,
        folder_beside,
        list_backups,
    )

    path = _db_path(args)
    if not path.is_file():
        print(f"error: There is no plan database at {path}.", file=sys.stderr)
        return EXIT_FAILED
    found = list_backups(path)
    if args.json:
        print(json.dumps([b.to_json() for b in found], indent=1))
        return EXIT_OK
    try:
        folder = backups_folder(path)
    except BackupError:
        folder = folder_beside(path)
    print(f"Backups of {path.resolve()} (folder: {folder})")
    if not found:
        print("  none yet")
    for b in found:
        print(
            f"  {b.local_time:%d/%m/%Y %H:%M:%S}  {b.reason_text:<34} "
            f"{size_text(b.size):>9}  {b.plans:>3} plan(s) {b.actions:>6} action(s)  {b.path.name}"
        )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from scp_desktop.commands.database import note_window_holder
    from scp_desktop.storage.backups import restore_backup

    path = _db_path(args)
    note_window_holder(path)
    result = restore_backup(path, args.source)
    if result.before_restore is not None:
        print(f"The file as it was is backed up as {result.before_restore.path}")
    if result.damaged_copy is not None:
        print(
            f"The file as it was could not be read whole; its bytes are kept as {result.damaged_copy}"
        )
    r = result.restored
    print(
        f"Restored {r.path.name} into {path.resolve()}: "
        f"{r.plans} plan(s), {r.actions} action(s)"
        + (f"; upgraded from schema {result.upgraded_from}" if result.upgraded_from else "")
    )
    return EXIT_OK


def cmd_purge_audit(args: argparse.Namespace) -> int:
    from scp_desktop.services.audit_retention import check_years, purge_audit
    from scp_desktop.storage.database import open_database

    years = check_years(args.older_than_years)
    db, _ = open_database(_db_path(args), create=False)
    try:
        result = purge_audit(db, years, today=dt.date.today())
    finally:
        db.close()
    if result.backup is None:
        print(f"No audit entries older than {result.cutoff:%d/%m/%Y}; nothing was purged.")
    else:
        print(f"Backed up to {result.backup.path}")
        print(
            f"Purged {result.deleted} audit entr{'y' if result.deleted == 1 else 'ies'} "
            f"older than {result.cutoff:%d/%m/%Y}; the file was compacted."
        )
    return EXIT_OK
