"""`scp-desktop copy`: a whole partnership database from a file to a server or back."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(subparsers: Any, add_db_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    from scp_desktop.commands.server_login import db_location

    p = subparsers.add_parser(
        "copy",
        help="copy a whole partnership database between a plan file and a shared plan",
        description="Copy every record of a partnership database to another, a plan file or "
        "a shared plan on a PostgreSQL server (postgresql+psycopg://ROLE@HOST/DATABASE), "
        "either way; every table's row count and content checksum are compared afterwards.",
    )
    p.add_argument("--from", dest="source", required=True, type=db_location, metavar="SOURCE")
    p.add_argument("--to", dest="target", required=True, type=db_location, metavar="TARGET")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace what the target holds (it is refused when it already holds a plan)",
    )
    p.set_defaults(handler=cmd_copy)


def cmd_copy(args: argparse.Namespace) -> int:
    from scp_desktop.commands.database import open_any
    from scp_desktop.storage.copying import copy_database
    from scp_desktop.storage.database import DatabaseError
    from scp_desktop.storage.server import is_server_address

    source_path: Path = args.source
    target_path: Path = args.target
    if not is_server_address(source_path) and not Path(source_path).is_file():
        raise DatabaseError(f"There is no plan file at {source_path}. Nothing was copied.")
    if str(source_path) == str(target_path):
        raise DatabaseError("The source and the target are the same. Nothing was copied.")
    new_file = not is_server_address(target_path) and not Path(target_path).exists()
    source, _ = open_any(source_path, create=False)
    copied = False
    try:
        target, _ = open_any(target_path, create=True)
        try:

            def step(done: int, total: int, table: str) -> None:
                if table:
                    print(f"  [{done + 1}/{total}] {table}", file=sys.stderr)

            report = copy_database(source, target, replace=args.replace, progress=step)
            copied = True
        finally:
            target.close()
            if new_file and not copied:
                # A file this command created for a copy that was not made is removed again.
                for leftover in (target_path, *_beside(target_path)):
                    Path(leftover).unlink(missing_ok=True)
    finally:
        source.close()
    for line in report.lines():
        print(line)
    return 0


def _beside(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]
