"""Refuses the one Python/PySide6 combination known to crash, before Qt is imported."""

from __future__ import annotations

import sys


def unsafe_runtime_message() -> str | None:
    """PySide6 6.12.0 on Python 3.11 aborts after a few thousand Qt calls (none_dealloc)."""
    if sys.version_info >= (3, 12):  # noqa: UP036 - this guard exists for wrong interpreters
        return None
    # Read only where the guard applies: importing the package metadata costs a start a tenth
    # of a second.
    from importlib import metadata

    try:
        version = metadata.version("PySide6-Essentials")
    except metadata.PackageNotFoundError:
        try:
            version = metadata.version("PySide6")
        except metadata.PackageNotFoundError:
            return None
    if version.startswith("6.12."):
        return (
            f"SCP Desktop cannot run on Python {sys.version.split()[0]} with PySide6 {version}: "
            "this combination crashes after a few minutes of use. "
            "Install SCP Desktop with Python 3.12 or 3.13 (see the README)."
        )
    return None
