"""Modules imported on first use, so the window is on screen before the database layer loads.

Used as::

    if TYPE_CHECKING:
        from scp_desktop.services import workspace
    else:
        workspace = lazy_module("scp_desktop.services.workspace")

so type checkers see the real module and the first `workspace.name` read imports it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    """Stands for a module until one of its names is read; each read is the module's own
    (nothing copied), so a name rebound in the module afterwards is seen here too."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # copy, pickle and inspect probe these; no import
        return getattr(importlib.import_module(self.__name__), name)

    def __repr__(self) -> str:
        return f"<module {self.__name__!r}, imported on first use>"


def lazy_module(name: str) -> Any:
    """A stand-in for the module `name` (a dotted path) that imports it when first read."""
    return LazyModule(name)
