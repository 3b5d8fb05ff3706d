"""Opening the plan for a headless command: a plan file or a shared plan, as the command line names it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def open_for_command(args: argparse.Namespace, *, create: bool = False, writes: bool = False):  # type: ignore[no-untyped-def]
    from scp_desktop.app import log_database_opened
    from scp_desktop.storage.server import default_plan_location

    # $SCP_DESKTOP_DB may name a shared plan's address as well as a file.
    path = args.db or default_plan_location()
    if writes:
        note_window_holder(path)
    started = time.perf_counter()
    db, result = open_any(path, create=create)
    log_database_opened(db, result, time.perf_counter() - started)
    return db


def network_refusal(path: Path, kind: str | None) -> str | None:
    """Why a command may not change the plan file `path` held on a network drive of `kind`
    (None: on this computer's own disks), with the two ways forward."""
    if kind is None:
        return None
    return (
        f"{Path(path).name} is on a network drive ({kind}). SQLite, which keeps the plan, "
        "cannot lock a file reliably over a network, so changes from two computers could "
        "damage it; nothing was changed. Copy it to this computer first "
        f"(scp-desktop backup --db {path} --out FILE), or put the plan on a shared plan "
        f"server: scp-desktop copy --from {path} --to postgresql+psycopg://ROLE@HOST/DATABASE"
    )


def note_window_holder(path: Path) -> None:
    """Called before a command writes. A plan file on a network drive is refused, as the
    window opens it read-only. Commands do not take the window's hold on the file: each
    writes one short transaction. When a window has the file open they say so, as that
    window shows the change only when it next reads the plan."""
    from scp_desktop.services.errors import UserError
    from scp_desktop.storage.drives import network_filesystem
    from scp_desktop.storage.instance_lock import holder_of
    from scp_desktop.storage.server import is_server_address

    if is_server_address(path):
        return  # a shared plan: every window sees the change by itself
    refusal = network_refusal(path, network_filesystem(Path(path)))
    if refusal is not None:
        raise UserError(refusal)
    holder = holder_of(Path(path).expanduser().resolve())
    if holder is not None:
        print(
            f"Note: {Path(path).name} is open in SCP Desktop by {holder.describe()}. "
            "This change is written as one transaction; that window reads it in within a "
            "few seconds.",
            file=sys.stderr,
        )


def open_any(path: Path, *, create: bool):  # type: ignore[no-untyped-def]
    """A plan file, or a shared plan on a server (asking for its password)."""
    from scp_desktop.storage.database import open_database
    from scp_desktop.storage.server import is_server_address

    if is_server_address(path):
        from scp_desktop.commands.server_login import open_shared

        return open_shared(path, user=_user(), create=create)
    return open_database(path, user=_user(), create=create)


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return ""
