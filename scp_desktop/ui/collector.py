"""Python's cyclic garbage collector run only from the GUI event loop, never inside a paint.

A Qt object whose Python wrapper owns it (a window without a parent, a model created without
one) is deleted in C++ when the wrapper is freed. If the wrapper sits in a reference cycle it
is freed by the cyclic collector, which CPython starts from whatever allocation crosses its
threshold: inside a model's data() while a table is painting, or in a worker thread. The
object then dies in the middle of Qt's own code (measured: a window freed inside its table's
paintEvent segfaults in QAbstractItemModel::multiData). With automatic collection off and a
timer collecting instead, a collection only ever runs between events on the GUI thread, where
deleting any widget is safe.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from shiboken6 import isValid

INTERVAL_MS = 500  # garbage is rare here; a few hundred ms keeps memory flat and costs ~nothing

# Each owner's collector, so that installing one again finds the one already there.
_collectors: weakref.WeakKeyDictionary[QObject, GarbageCollector] = weakref.WeakKeyDictionary()


class GarbageCollector(QObject):
    """While alive, CPython's automatic collection is off and the timer does it instead.

    Generations are collected with CPython's own thresholds, so memory behaves as before;
    only the moment of collection moves.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        self.destroyed.connect(_restore(self._was_enabled))
        if parent is not None:
            _collectors[parent] = self

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds; returns objects freed."""
        first, second, third = self._thresholds
        count0, count1, count2 = gc.get_count()
        if count0 <= first:
            return 0
        generation = 0
        if count1 > second:
            generation = 1
            if count2 > third:
                generation = 2
        return gc.collect(generation)

    def stop(self) -> None:
        """Hand collection back to CPython (e.g. before the event loop ends)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


def _restore(enable: bool) -> Callable[..., None]:
    # A plain function, not a bound method: the slot must not need the dying wrapper.
    def restore(*_args: object) -> None:
        if enable:
            gc.enable()

    return restore


def install_garbage_collector(owner: QObject) -> GarbageCollector:
    """Run collections from `owner`'s event loop for as long as `owner` lives (the app)."""
    # Kept here, not looked up among `owner`'s children: reading those (or `findChild`, whose
    # options default to a Qt enum) would load Python types for each before the window shows.
    existing = _collectors.get(owner)
    if existing is not None and isValid(existing):
        return existing
    return GarbageCollector(owner)
