"""Opening a shared plan from the command line: its password from the password store, the
PGPASSWORD setting or the keyboard, never from a file of ours."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ATTEMPTS = 3


def db_location(text: str) -> Path:
    """`--db`: a plan file's path, or a PostgreSQL server's address kept as written."""
    if "://" not in text:
        # A file's path: the server module, and SQLAlchemy with it, need not load at start.
        return Path(text)
    import argparse

    from scp_desktop.storage.server import ServerAddressError, is_server_address, server_place

    if is_server_address(text):
        try:
            return server_place(text)
        except ServerAddressError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc
    return Path(text)


def open_shared(place: Any, *, user: str, create: bool) -> tuple[Any, Any]:
    """Open the shared plan at `place`, asking for the password at the keyboard when neither
    the password store nor PGPASSWORD gives one the server takes."""
    from scp_desktop.storage.database import DatabaseError, open_database
    from scp_desktop.storage.server import PasswordNeeded, remembered_password

    password = remembered_password(place)
    asked = False
    for _attempt in range(ATTEMPTS + 1):
        try:
            db, result = open_database(place, user=user, create=create, password=password)
        except PasswordNeeded as exc:
            if not sys.stdin.isatty():
                raise DatabaseError(
                    f"{exc} Run the command at a keyboard to be asked for it, or set "
                    "PGPASSWORD for a scheduled job."
                ) from exc
            if asked:
                print(f"{exc}", file=sys.stderr)
            import getpass

            password = getpass.getpass(f"Password for {place.url.username} on {place.url.host}: ")
            asked = True
            continue
        if asked and password:
            _offer_to_keep(place, password)
        return db, result
    raise DatabaseError(f"The server refused the password {ATTEMPTS} times. Nothing was changed.")


def _offer_to_keep(place: Any, password: str) -> None:
    from scp_desktop.storage.server import password_store_available, remember_password

    if not password_store_available():
        print(
            "This computer has no password store SCP Desktop can use: you will be asked for "
            "the password each time.",
            file=sys.stderr,
        )
        return
    if _yes("Keep this password in this computer's password store?"):
        problem = remember_password(place, password)
        if problem:
            print(problem, file=sys.stderr)


def _yes(question: str) -> bool:
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False
