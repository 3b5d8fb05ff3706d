"""Loading the free-text filter's search texts in the background after the table is shown.

The narratives searched are most of a plan's text (18 MB for 5,000 actions over a year);
reading and lower-casing them took longer than everything else the first paint needs.
A search typed while they are being read waits for that read (`take`) rather than making a
second copy beside it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from scp_desktop.ui.jobs import CancelToken, Job, run_in_background

SearchTexts = dict[int, bytes]


class SearchIndexLoader(QObject):
    """Runs `work` (which opens its own database session) in the background and emits
    `loaded(token, texts)` on the GUI thread. A load refused by the database emits nothing:
    the table then reads the texts itself when a search is typed."""

    loaded = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[tuple[object, Job]] = []

    def start(self, token: object, work: Callable[[], SearchTexts]) -> None:
        def load(_cancel: CancelToken) -> SearchTexts:
            return work()

        job = run_in_background(
            load,
            name="search texts",
            owner=self,
            done=lambda texts: self._done(token, texts),
            failed=lambda _message: self._done(token, None),
        )
        self._jobs.append((token, job))

    def _done(self, token: object, texts: SearchTexts | None) -> None:
        self._jobs = [(t, job) for t, job in self._jobs if job.running]
        if texts is not None:
            self.loaded.emit(token, texts)

    def take(self, token: object, timeout: float = 60.0) -> SearchTexts | None:
        """The texts of the load started with `token`, waiting for it if it is still
        reading; None when there is no such load or it failed."""
        for t, job in self._jobs:
            if t is token and job.wait(timeout):
                texts: SearchTexts | None = job.result
                return texts
        return None

    def wait(self, timeout: float = 10.0) -> None:
        """Let running loads finish (before the window closes and the database with it)."""
        for _token, job in self._jobs:
            job.wait(timeout)
