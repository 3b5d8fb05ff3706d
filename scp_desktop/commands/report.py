"""`report`: build a report or meeting pack as a PDF, or a report as .docx or HTML, from the
command line."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(subparsers: Any, add_db_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser(
        "report",
        help=(
            "build the quarterly report, the plan, the year-end report, a meeting pack (PDF) "
            "or the committee report (.docx or HTML)"
        ),
    )
    add_db_arg(p)
    p.add_argument(
        "--kind",
        required=True,
        choices=["quarterly", "plan", "year-end", "pack", "committee"],
        help="which document to build",
    )
    p.add_argument(
        "--quarter",
        default="",
        help=(
            "quarter, e.g. 2022-23-Q2 (also picks the plan of that year); for a pack, only "
            "needed when an agenda item carries the quarterly report without naming its quarter"
        ),
    )
    p.add_argument("--plan", type=int, default=None, help="plan id (default: the quarter's plan)")
    p.add_argument(
        "--meeting", type=int, default=None, help="meeting id (for --kind pack or committee)"
    )
    p.add_argument(
        "--format",
        choices=["pdf", "docx", "html"],
        default="pdf",
        help="pdf to print; docx or html (accessible) to publish",
    )
    p.add_argument("--out", type=Path, required=True, help="file to write")
    p.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from scp_desktop.commands.database import open_for_command
    from scp_desktop.services import publishing

    db = open_for_command(args)
    started = time.perf_counter()
    try:
        written = publishing.write_document(
            db,
            args.kind,
            args.format,
            args.out,
            plan_id=args.plan,
            quarter=args.quarter,
            meeting_id=args.meeting,
        )
    finally:
        db.close()
    seconds = time.perf_counter() - started
    size = f"{written} pages" if args.format == "pdf" else f"{written:,} bytes"
    print(f"Wrote {args.out} ({size}, {seconds:.1f} s)", file=sys.stdout)
    return 0
