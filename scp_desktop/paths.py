"""Where things live: the default database in the user's data folder, and bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_ENV = "SCP_DESKTOP_DB"
DB_FILE_NAME = "scp.db"


def default_database_path() -> Path:
    """`$SCP_DESKTOP_DB` if set, else scp.db in the user's data folder.

    Windows: %LOCALAPPDATA%\\SCP Desktop\\scp.db; Linux: ~/.local/share/scp-desktop/scp.db.
    """
    env = os.environ.get(DB_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return data_folder() / DB_FILE_NAME


DEMO_FILE_NAME = "demo.db"


def data_folder() -> Path:
    """The user's data folder, where the default plan file and the demo file live."""
    from platformdirs import user_data_path  # a command naming its file need not load it

    if sys.platform == "win32":
        return user_data_path("SCP Desktop", appauthor=False)
    return user_data_path("scp-desktop", appauthor=False)


def demo_database_path() -> Path:
    """The demo's own file, beside the default plan file and never the same file."""
    return data_folder() / DEMO_FILE_NAME


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"
