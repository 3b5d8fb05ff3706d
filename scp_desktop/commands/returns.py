"""Command line for returns: export-returns, import, returns-status and export-plan."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scp_desktop.services.returns.matching import PreviewRow
    from scp_desktop.services.returns.preview import ImportPreview

EXIT_OK = 0
EXIT_USAGE = 2


def register(subparsers: Any, add_db_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser(
        "export-returns", help="write the quarter's return workbooks (one per lead agency)"
    )
    add_db_arg(p)
    p.add_argument("--quarter", required=True, help="quarter, e.g. 2022-23-Q2")
    p.add_argument("--out", required=True, type=Path, help="folder to write the returns into")
    p.add_argument(
        "--partner", action="append", metavar="ABBR", help="only this agency (may be repeated)"
    )
    p.add_argument("--all-in-one", action="store_true", help="one return covering every agency")
    p.add_argument(
        "--eml", action="store_true", help="also write an email draft (.eml) beside each"
    )
    p.add_argument("--return-by", default="", help="date to ask for, e.g. 14/10/2022")
    p.set_defaults(handler=cmd_export_returns)

    p = subparsers.add_parser("import", help="import returned spreadsheets for a quarter")
    add_db_arg(p)
    p.add_argument("--quarter", required=True, help="quarter, e.g. 2022-23-Q2")
    p.add_argument("--dry-run", action="store_true", help="preview only: write nothing")
    p.add_argument("--json", action="store_true", help="print the preview as one JSON document")
    p.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="returns (.xlsx, .csv) or folders"
    )
    p.set_defaults(handler=cmd_import)

    p = subparsers.add_parser(
        "returns-status", help="which agencies have returned the quarter (the chase list)"
    )
    add_db_arg(p)
    p.add_argument("--quarter", required=True, help="quarter, e.g. 2022-23-Q2")
    p.add_argument(
        "--chase-eml", type=Path, metavar="DIR", help="write reminder email drafts for the missing"
    )
    p.set_defaults(handler=cmd_status)

    p = subparsers.add_parser(
        "export-plan", help="the whole plan as a spreadsheet (Appendix A layout)"
    )
    add_db_arg(p)
    p.add_argument("--year", help="financial year, e.g. 2022-23 (default: the quarter's)")
    p.add_argument("--quarter", help="add this quarter's RAG and progress update")
    p.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")
    p.set_defaults(handler=cmd_export_plan)


class _Refused(Exception):
    """The command line names something that is not there: printed as an error, exit status 2."""


def _command(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """The handler, with a `_Refused` anywhere in it printed as its error and exit status 2."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except _Refused as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE

    return run


def _quarter(text: str) -> Any:
    from scp_desktop.domain.periods import Quarter

    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise _Refused(exc) from exc


def _plan_of(db: Any, quarter: Any) -> int:
    from scp_desktop.services.returns.export import plan_id_for_year

    plan_id = plan_id_for_year(db, quarter.year.label)
    if plan_id is None:
        raise _Refused(f"there is no plan for {quarter.year.label} in {db.path}")
    return plan_id


@contextlib.contextmanager
def _database(args: argparse.Namespace, *, writes: bool = False) -> Iterator[Any]:
    """The plan database named by --db, closed again however the command ends."""
    from scp_desktop.commands.database import open_for_command as open_db

    db = open_db(args, writes=writes)
    try:
        yield db
    finally:
        db.close()


@_command
def cmd_export_returns(args: argparse.Namespace) -> int:
    from scp_desktop.services.returns.export import agency_choices, export_returns

    quarter = _quarter(args.quarter)
    with _database(args) as db:
        plan_id = _plan_of(db, quarter)
        known = {c.abbreviation.upper() for c in agency_choices(db, plan_id)}
        unknown = [p for p in args.partner or [] if p.upper() not in known]
        if unknown:
            raise _Refused(
                f"no active action of the {quarter.year.label} plan is led or supported by "
                f"{', '.join(unknown)}"
            )
        result = export_returns(
            db,
            plan_id,
            quarter,
            args.out,
            agencies=args.partner,
            one_for_all=args.all_in_one,
            emails=args.eml,
            return_by=args.return_by,
            today=dt.date.today(),
        )
    for line in result.lines():
        print(line)
    return EXIT_OK


@_command
def cmd_import(args: argparse.Namespace) -> int:
    from scp_desktop.services.returns.apply import apply_import
    from scp_desktop.services.returns.preview import preview_import

    quarter = _quarter(args.quarter)
    missing = [str(f) for f in args.files if not f.exists()]
    if missing:
        raise _Refused(f"no such file or folder: {', '.join(missing)}")
    with _database(args, writes=not args.dry_run) as db:
        plan_id = _plan_of(db, quarter)
        preview = preview_import(db, args.files, quarter, plan_id=plan_id)
        if not preview.files:
            left_out = f" (left out: {', '.join(preview.skipped)})" if preview.skipped else ""
            raise _Refused(
                "no spreadsheets to import in "
                + ", ".join(str(f) for f in args.files)
                + left_out
                + "; nothing was written"
            )
        result = None
        if not args.dry_run and any(f.status == "ok" for f in preview.files):
            result = apply_import(db, preview)
    if args.json:
        print(json.dumps(preview.to_json(), ensure_ascii=False, indent=1))
        return EXIT_OK
    for line in preview_lines(preview):
        print(line)
    if args.dry_run:
        print("Dry run: nothing was written.")
    elif result is None:
        print("Nothing to apply.")
    else:
        for line in result.lines():
            print(line)
    return EXIT_OK


def preview_lines(preview: ImportPreview) -> list[str]:
    """The preview as `import` prints it: each file, its notes and rows, then the counts."""
    out: list[str] = []
    for i, fp in enumerate(preview.files):
        if fp.status == "rejected":
            out.append(f"{fp.name}: REFUSED: {fp.error}")
            continue
        agency = f" ({fp.agency})" if fp.agency else ""
        out.append(f"{fp.name}{agency}{' [own template]' if fp.template else ''}")
        out += [f"  note: {note}" for note in fp.notes]
        out += [_row_line(preview, r) for r in preview.rows_of(i)]
    if preview.skipped:
        out.append(f"Not spreadsheets, left out: {', '.join(preview.skipped)}")
    counts = preview.counts()
    out.append("Rows: " + ", ".join(f"{k.value} {v}" for k, v in sorted(counts.items())))
    return out


def _row_line(preview: ImportPreview, r: PreviewRow) -> str:
    action = preview.index.actions.get(r.action_id) if r.action_id else None
    what = action.reference or action.title if action else (r.reference or r.title)
    tick = "x" if r.selected else " "
    return f"  [{tick}] {r.sheet} row {r.row}: {what}: {r.outcome.value}: {r.message}"


@_command
def cmd_status(args: argparse.Namespace) -> int:
    from scp_desktop.services.returns.export import write_chase_emails
    from scp_desktop.services.returns.index import plan_for_quarter
    from scp_desktop.services.returns.status import return_status

    quarter = _quarter(args.quarter)
    with _database(args) as db:
        plan_id = plan_for_quarter(db, quarter)
        status = return_status(db, plan_id, quarter)
        written: list[Path] = []
        if args.chase_eml:
            written = write_chase_emails(
                db, plan_id, quarter, args.chase_eml, today=dt.date.today()
            )
    print(f"Returns for {quarter.label}:")
    for a in status:
        state = "returned" if a.returned else "NOT returned"
        print(
            f"  {a.abbreviation:<14} {state:<13} {a.updated_actions}/{a.lead_actions} actions updated"
        )
    for path in written:
        print(f"Reminder draft: {path}")
    return EXIT_OK


@_command
def cmd_export_plan(args: argparse.Namespace) -> int:
    from scp_desktop.domain.periods import FinancialYear
    from scp_desktop.services.errors import UserError
    from scp_desktop.services.returns.export import export_plan_workbook, plan_id_for_year

    quarter = _quarter(args.quarter) if args.quarter else None
    try:
        year = FinancialYear.parse(args.year) if args.year else (quarter.year if quarter else None)
    except ValueError as exc:
        raise _Refused(exc) from exc
    if year is None:
        raise _Refused("give --year or --quarter")
    with _database(args) as db:
        plan_id = plan_id_for_year(db, year.label)
        if plan_id is None:
            raise UserError(f"There is no plan for {year.label}.")
        count = export_plan_workbook(db, plan_id, args.out, quarter)
    print(f"Wrote the {year.label} plan ({count} actions) to {args.out}")
    return EXIT_OK
