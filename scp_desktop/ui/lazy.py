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


class LazyName:
    """Stands for a class or function of a module not imported yet: calling it, or reading
    one of its attributes (an enum's member), imports the module. Not for an exception to
    catch nor a base class: those need the class itself."""

    __slots__ = ("_module", "_name")

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name

    def _target(self) -> Any:
        return getattr(importlib.import_module(self._module), self._name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    def __instancecheck__(self, instance: object) -> bool:
        return isinstance(instance, self._target())

    def __repr__(self) -> str:
        return f"<{self._module}.{self._name}, imported on first use>"


def lazy_name(module: str, name: str) -> Any:
    """A stand-in for `from module import name` that imports `module` when first used."""
    return LazyName(module, name)
