"""Headless subcommands contributed by features.

Each module here defines `register(subparsers, add_db_arg)`, adding its parser and setting
`handler` to a function taking the parsed arguments and returning an exit status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def registrars() -> list[Callable[..., Any]]:
    import importlib
    import pkgutil

    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            found.append(register)
    return found
