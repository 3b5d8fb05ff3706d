"""Pausing Python's cyclic garbage collector while a service builds many short-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without automatic cyclic collection, then hand it back.

    Reading thousands of spreadsheet rows allocates hundreds of thousands of lists, strings
    and records, none of them in reference cycles; CPython would still start a collection
    every few hundred allocations and walk every one of them again and again (a fifth of an
    import's time was spent so). Reference counting frees them as usual. When collection
    is already off (the desktop application runs it between events itself), this does nothing.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
