"""`scp-desktop indicators …`: list statuses, sign off or unlock a quarter, import values."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scp_desktop.domain.indicators import format_value
from scp_desktop.domain.periods import Quarter
from scp_desktop.services.errors import UserError


def register(subparsers: Any, add_db_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = subparsers.add_parser("indicators", help="performance indicators: status, sign-off")
    inner = parser.add_subparsers(dest="indicators_command", metavar="ACTION", required=True)

    p = inner.add_parser("list", help="each indicator's status for a quarter, with its rule")
    add_db_arg(p)
    p.add_argument("quarter", help="e.g. 'Q2 2022-23' or 2022-23-Q2")
    p.set_defaults(handler=_list)

    p = inner.add_parser("sign-off", help="freeze statuses and lock a quarter's returns")
    add_db_arg(p)
    p.add_argument("quarter")
    p.set_defaults(handler=_sign_off)

    p = inner.add_parser("unlock", help="open a signed-off quarter again (reason required)")
    add_db_arg(p)
    p.add_argument("quarter")
    p.add_argument("--reason", required=True, help="why it must change (kept in the audit log)")
    p.set_defaults(handler=_unlock)

    p = inner.add_parser("import", help="read indicator values from an .xlsx workbook or CSV file")
    add_db_arg(p)
    p.add_argument("file", type=Path)
    p.add_argument("--apply", action="store_true", help="write the values (default: preview)")
    p.set_defaults(handler=_import)


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def _plan_for(db: Any, quarter: Quarter) -> int:
    from scp_desktop.services import plans

    for plan in plans.list_plans(db):
        if plan.year == quarter.year.label:
            return plan.id
    raise UserError(f"There is no plan for {quarter.year.label}.")


def _list(args: argparse.Namespace) -> int:
    from scp_desktop.commands.database import open_for_command
    from scp_desktop.services import indicators as svc

    quarter = _quarter(args.quarter)
    db = open_for_command(args)
    try:
        items = svc.list_indicators(db, _plan_for(db, quarter), quarter.code)
    finally:
        db.close()
    for item in items:
        a = item.assessment
        travel = "; ".join(d.text for d in (a.vs_previous, a.vs_last_year) if d)
        frozen = " (frozen)" if a.frozen else ""
        print(f"[{a.rag.value if a.rag else '-'}] {item.name}")
        print(f"    {quarter.label}: {format_value(a.value, item.unit)} — {a.status_text}{frozen}")
        if travel:
            print(f"    {travel}")
        print(f"    Rule: {a.rule_text}")
        if a.flags:
            print(f"    Data quality: {'; '.join(a.flags)}")
    return 0


def _sign_off(args: argparse.Namespace) -> int:
    from scp_desktop.commands.database import open_for_command
    from scp_desktop.services import indicators as svc

    quarter = _quarter(args.quarter)
    db = open_for_command(args, writes=True)
    try:
        r = svc.sign_off_quarter(db, quarter.code)
    finally:
        db.close()
    print(
        f"{quarter.label} signed off: {r.statuses_frozen} indicator status(es) frozen, "
        f"{r.updates_locked} progress update(s) and {r.values_locked} value(s) locked."
    )
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from scp_desktop.commands.database import open_for_command
    from scp_desktop.services import indicators as svc

    quarter = _quarter(args.quarter)
    db = open_for_command(args, writes=True)
    try:
        svc.unlock_quarter(db, quarter.code, args.reason)
    finally:
        db.close()
    print(f"{quarter.label} unlocked: {args.reason.strip()}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from scp_desktop.commands.database import open_for_command
    from scp_desktop.services import plans
    from scp_desktop.services.indicator_import import apply_import, preview_import

    db = open_for_command(args, writes=args.apply)
    try:
        plan_list = plans.list_plans(db)
        if not plan_list:
            raise UserError("The database holds no plan.")
        preview = preview_import(db, plan_list[0].id, args.file)
        for row in preview.rows:
            print(
                f"{row.change:8} {row.indicator_name} — {row.period_label}: "
                f"{row.old_value or '(none)'} → {row.new_value or '(none)'}   [{row.where}]"
            )
        for warning in preview.warnings:
            print(f"note: {warning}")
        for problem in preview.problems:
            print(f"problem: {problem}")
        if preview.problems:
            print("Nothing was written: fix the problems in the file and import it again.")
            return 1
        if not args.apply:
            print("Preview only; run again with --apply to write these values.")
            return 0
        count = apply_import(db, preview)
    finally:
        db.close()
    print(f"{count} value(s) imported from {args.file.name}.")
    return 0
