"""`scp-desktop screenshots --db PATH --out DIR`: render the main views and dialogs to PNG."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(subparsers: Any, add_db_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = subparsers.add_parser(
        "screenshots",
        help="render each main view and dialog to PNG at 1366×768 (offscreen)",
    )
    add_db_arg(parser)
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # No window appears: Qt draws into memory, so this works on a server or in CI.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from scp_desktop.commands.database import open_for_command
    from scp_desktop.ui.collector import install_garbage_collector
    from scp_desktop.ui.screenshots import render_screenshots

    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_garbage_collector(app)  # the same collection policy as the application
    db = open_for_command(args)
    try:
        written = render_screenshots(db, args.out)
    finally:
        db.close()
    for path in written:
        print(path)
    del app
    return 0
