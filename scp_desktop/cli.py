"""Command line: the window with no arguments; headless subcommands for scripted jobs."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from scp_desktop import APP_NAME, __version__
from scp_desktop.commands.database import note_window_holder, open_any, open_for_command
from scp_desktop.compat import unsafe_runtime_message
from scp_desktop.logs import configure_logging, log_unexpected
from scp_desktop.paths import DB_ENV, default_database_path

if TYPE_CHECKING:
    from scp_desktop.storage.database import Database

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


def _db_arg(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    from scp_desktop.commands.server_login import db_location

    # Given before or after the command alike: a command's own --db only counts when given,
    # so `scp-desktop --db FILE report …` is not overridden by the command's default.
    parser.add_argument(
        "--db",
        type=db_location,
        default=None if top else argparse.SUPPRESS,
        help=f"plan database file, or a shared plan's postgresql+psycopg://ROLE@HOST/DATABASE "
        f"(default: ${DB_ENV} or {_default_shown()})",
    )


def _default_shown() -> str:
    # Built at every start: the server's module (and the database layer) is imported only
    # for an address, and the help is shown even when the address cannot be used.
    if "://" not in os.environ.get(DB_ENV, ""):
        return str(default_database_path())
    from scp_desktop.storage.server import default_plan_location

    try:
        return str(default_plan_location())
    except ValueError:
        return "$" + DB_ENV


def cmd_init(args: argparse.Namespace) -> int:
    from scp_desktop.services import setup
    from scp_desktop.storage.server import default_plan_location, is_server_address

    path: Path = args.db or default_plan_location()
    shared = is_server_address(path)
    refused = _init_refused(args, path)
    if refused is not None:
        return refused
    # Files this run brings into being; a failed init removes them, leaving no empty database.
    created = [] if shared else [p for p in _database_files(path) if not p.exists()]
    done = False
    db, result = open_any(path, create=True)
    try:
        if shared and not args.force and _shared_plan_holds_records(db):
            return EXIT_FAILED
        print(f"{'Created' if result.created else 'Opened'} plan database {db.path}")
        print(f"Schema version {db.schema_revision()}")
        if args.demo:
            summary = setup.load_demo(db)
            print("Loaded the demo plan (Safer Colchester Partnership):")
            for line in summary.lines():
                print(f"  {line}")
        if args.plan:
            _init_plan(db, args)
        done = True
    finally:
        db.close()
        if not done:
            for leftover in created:
                leftover.unlink(missing_ok=True)
            if path in created:
                print(f"No plan database was created at {path}.", file=sys.stderr)
    return EXIT_OK


def _init_refused(args: argparse.Namespace, path: Path) -> int | None:
    """The exit code when `init` cannot go ahead (after saying why), else None."""
    if path.exists() and path.stat().st_size > 0 and not args.force:
        print(f"{path} already exists; use --force to add to it.", file=sys.stderr)
        return EXIT_FAILED
    note_window_holder(path)
    if (args.year or args.partnership or args.prepared_by) and not args.plan:
        print("--year, --partnership and --prepared-by go with --plan FILE.", file=sys.stderr)
        return EXIT_USAGE
    if args.plan and not args.plan.is_file():
        what = "is a folder, not a plan file" if args.plan.is_dir() else "does not exist"
        print(f"error: the plan file {args.plan} {what}.", file=sys.stderr)
        return EXIT_FAILED
    return None


def _init_plan(db: Database, args: argparse.Namespace) -> None:
    """Load the plan file `init` was given, saying what was read even when it fails."""
    from scp_desktop.services import setup

    read: list[str] = []
    try:
        summary = setup.load_plan_file(
            db,
            args.plan,
            year=args.year,
            partnership=args.partnership,
            prepared_by=args.prepared_by,
            notes=read,
        )
    except _year_not_known() as exc:
        raise _usage_hint(exc) from exc
    finally:
        for line in read:
            print(f"  {line}")
    print(f"Loaded {args.plan}:")
    for line in summary.lines():
        print(f"  {line}")
    for warning in summary.warnings:
        print(f"  note: {warning}")


def _shared_plan_holds_records(db: Database) -> bool:
    """Whether the shared plan already holds records (said so, with what to do); a shared
    plan is never a file, so it is asked of the server."""
    from scp_desktop.storage.copying import occupied_tables

    occupied = occupied_tables(db)
    path = db.path
    if occupied:
        print(
            f"The shared plan {path} already holds a plan (records in {', '.join(occupied[:3])}"
            f"{'…' if len(occupied) > 3 else ''}); nothing was changed. Use --force to add to "
            "it.",
            file=sys.stderr,
        )
    return bool(occupied)


def _database_files(path: Path) -> list[Path]:
    return [path] + [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]


def _year_not_known() -> type[Exception]:
    from scp_desktop.services.plan_spreadsheet import YearNotKnown

    return YearNotKnown


def _usage_hint(exc: Exception) -> Exception:
    from scp_desktop.services.errors import UserError

    message = str(exc).replace(
        "give it (e.g. 2024-25)", "give it with --year (e.g. --year 2024-25)"
    )
    return UserError(message)


def cmd_check(args: argparse.Namespace) -> int:
    from scp_desktop.services.checks import check_database

    db = open_for_command(args)
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
    _db_arg(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="create a plan database (optionally with the demo plan)")
    _db_arg(p)
    p.add_argument(
        "--demo", action="store_true", help="load the demo plan (Safer Colchester 2022-23)"
    )
    p.add_argument("--plan", type=Path, help="load a plan document (.json) or plan spreadsheet")
    p.add_argument(
        "--year",
        help="the plan's financial year (e.g. 2024-25) when the spreadsheet does not say it",
    )
    p.add_argument(
        "--partnership",
        help="the partnership's name (e.g. \"Safer Tendring Partnership\"), if not the banner's",
    )
    p.add_argument("--prepared-by", help='who prepares its reports (shown as "Prepared by")')
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


def window_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when they only start the window (`--db` at most), read without building
    every command's parser: that would import each feature's module before the window shows.
    None when they name a command, ask for help or the version, or are not understood: the
    whole parser then reads (and explains) them."""
    if not argv:
        return argparse.Namespace(db=None)
    if len(argv) == 2 and argv[0] == "--db":
        text = argv[1]
    elif len(argv) == 1 and argv[0].startswith("--db="):
        text = argv[0].removeprefix("--db=")
    else:
        return None
    if not text or text.startswith("-"):
        return None  # the whole parser says what is missing
    from scp_desktop.commands.server_login import db_location

    try:
        return argparse.Namespace(db=db_location(text))
    except (argparse.ArgumentTypeError, ValueError):  # as the full parser reads a bad value
        return None


def gui_main(argv: Sequence[str] | None = None) -> int:
    return main(argv)


def main(argv: Sequence[str] | None = None) -> int:
    message = unsafe_runtime_message()
    if message:
        print(message, file=sys.stderr)
        return EXIT_FAILED
    given = list(sys.argv[1:] if argv is None else argv)
    args = window_arguments(given)
    if args is None:
        args = build_parser().parse_args(given)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        from scp_desktop.app import run_gui

        return run_gui(args.db)  # which sets the log up once its first window shows
    configure_logging()
    from scp_desktop.services.errors import UserError
    from scp_desktop.storage.database import DatabaseError
    from scp_desktop.storage.server import ServerAddressError

    # The command's name only: its arguments name files and people.
    log.info("command %s started", args.command)
    started = time.perf_counter()
    try:
        code = handler(args)
    except (UserError, DatabaseError, ServerAddressError) as exc:
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
