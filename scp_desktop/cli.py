"""Command line: the window with no arguments; headless subcommands for scripted jobs."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from scp_desktop import APP_NAME, __version__
from scp_desktop.compat import unsafe_runtime_message
from scp_desktop.logs import configure_logging, log_unexpected
from scp_desktop.paths import DB_ENV, default_database_path

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"plan database file (default: ${DB_ENV} or {default_database_path()})",
    )


def _open(args: argparse.Namespace, *, create: bool = False):  # type: ignore[no-untyped-def]
    from scp_desktop.app import log_database_opened
    from scp_desktop.storage.database import open_database

    path = args.db or default_database_path()
    started = time.perf_counter()
    db, result = open_database(path, user=_user(), create=create)
    log_database_opened(db, result, time.perf_counter() - started)
    return db


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return ""


def cmd_init(args: argparse.Namespace) -> int:
    from scp_desktop.services import setup
    from scp_desktop.storage.database import open_database

    path: Path = args.db or default_database_path()
    if path.exists() and path.stat().st_size > 0 and not args.force:
        print(f"{path} already exists; use --force to add to it.", file=sys.stderr)
        return EXIT_FAILED
    db, result = open_database(path, user=_user(), create=True)
    try:
        print(f"{'Created' if result.created else 'Opened'} plan database {db.path}")
        print(f"Schema version {db.schema_revision()}")
        if args.demo:
            summary = setup.load_demo(db)
            print("Loaded the demo plan (Safer Colchester Partnership):")
            for line in summary.lines():
                print(f"  {line}")
        if args.plan:
            summary = setup.load_plan_file(db, args.plan)
            print(f"Loaded {args.plan}:")
            for line in summary.lines():
                print(f"  {line}")
            for warning in summary.warnings:
                print(f"  note: {warning}")
    finally:
        db.close()
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from scp_desktop.services.checks import check_database

    db = _open(args)
    try:
        report = check_database(db)
    finally:
        db.close()
    for line in report.lines():
        print(line)
    return EXIT_OK if report.ok else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scp-desktop",
        description=f"{APP_NAME}: the Annual Partnership Plan, partner returns and reports.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    _db_arg(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="create a plan database (optionally with the demo plan)")
    _db_arg(p)
    p.add_argument(
        "--demo", action="store_true", help="load the demo plan (Safer Colchester 2022-23)"
    )
    p.add_argument("--plan", type=Path, help="load a plan document (.json) or plan spreadsheet")
    p.add_argument("--force", action="store_true", help="add to an existing database")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("check", help="integrity check, schema version and counts")
    _db_arg(p)
    p.set_defaults(handler=cmd_check)

    for register in _extra_commands():
        register(sub, _db_arg)
    return parser


def _extra_commands() -> list[Callable[..., None]]:
    """Subcommands that live beside their feature (returns, reports, screenshots)."""
    from scp_desktop import commands

    return commands.registrars()


def gui_main(argv: Sequence[str] | None = None) -> int:
    return main(argv)


def main(argv: Sequence[str] | None = None) -> int:
    message = unsafe_runtime_message()
    if message:
        print(message, file=sys.stderr)
        return EXIT_FAILED
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging()
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        from scp_desktop.app import run_gui

        return run_gui(args.db)
    from scp_desktop.services.errors import UserError
    from scp_desktop.storage.database import DatabaseError

    # The command's name only: its arguments name files and people.
    log.info("command %s started", args.command)
    started = time.perf_counter()
    try:
        code = handler(args)
    except (UserError, DatabaseError) as exc:
        log.warning("command %s refused (%s)", args.command, type(exc).__name__)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        log.info("command %s cancelled", args.command)
        print("Cancelled.", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        log_unexpected(type(exc), exc, exc.__traceback__, f"command {args.command}")
        raise
    log.info(
        "command %s finished: exit %d in %.2f s", args.command, code, time.perf_counter() - started
    )
    return code
