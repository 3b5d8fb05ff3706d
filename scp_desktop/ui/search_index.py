"""Loading the free-text filter's search texts on a worker thread after the table is shown.

The narratives searched are most of a plan's text (18 MB for 5,000 actions over a year);
reading and lower-casing them took longer than everything else the first paint needs.
A search typed while they are being read waits for that read (`take`) rather than making a
second copy beside it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

SearchTexts = dict[int, bytes]


class _Signals(QObject):
    done = Signal(object, object)  # token, texts (None when the load failed)


class _Job(QRunnable):
    def __init__(self, token: object, work: Callable[[], SearchTexts]) -> None:
        super().__init__()
        # Python owns the job until the GUI thread has heard from it (see SearchIndexLoader).
        self.setAutoDelete(False)
        self.token = token
        self.work = work
        self.signals = _Signals()
        self.finished = threading.Event()
        self.texts: SearchTexts | None = None

    def run(self) -> None:
        texts: SearchTexts | None
        try:
            texts = self.work()
        except Exception:
            texts = None
        self.texts = texts
        self.work = _nothing  # let go of what the work held (the database, the plan)
        try:
            self.signals.done.emit(self.token, texts)
        except RuntimeError:
            pass  # the application is closing: nobody is left to take the texts
        finally:
            self.finished.set()


def _nothing() -> SearchTexts:
    return {}


# Jobs whose result has not reached the GUI thread yet; a job's signals must outlive it.
_PENDING: set[_Job] = set()


class SearchIndexLoader(QObject):
    """Runs `work` (which opens its own database session) on the thread pool and emits
    `loaded(token, texts)` on the GUI thread. A failed load emits nothing: the table then
    reads the texts itself when a search is typed."""

    loaded = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[_Job] = []

    def start(self, token: object, work: Callable[[], SearchTexts]) -> None:
        job = _Job(token, work)
        job.signals.done.connect(self._done)
        _PENDING.add(job)
        self._jobs.append(job)
        QThreadPool.globalInstance().start(job)

    def _done(self, token: object, texts: SearchTexts | None) -> None:
        for job in [j for j in self._jobs if j.finished.is_set()]:
            self._jobs.remove(job)
            _PENDING.discard(job)
            job.texts = None
        if texts is not None:
            self.loaded.emit(token, texts)

    def take(self, token: object, timeout: float = 60.0) -> SearchTexts | None:
        """The texts of the load started with `token`, waiting for it if it is still
        reading; None when there is no such load or it failed."""
        for job in self._jobs:
            if job.token is token and job.finished.wait(timeout):
                return job.texts
        return None

    def wait(self, timeout: float = 10.0) -> None:
        """Let running loads finish (before the window closes and the database with it)."""
        for job in self._jobs:
            job.finished.wait(timeout)
