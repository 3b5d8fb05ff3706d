"""A window on a shared plan shows other officers' changes by itself: a check every few
seconds off the GUI thread, and only the rows concerned read again, keeping the officer's
selection, filter and any form still open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from scp_desktop.services.shared_changes import OthersChanges, Seen, changes_since, where_we_stand
from scp_desktop.ui.jobs import CancelToken, Job, is_running, run_in_background
from scp_desktop.ui.undo import Changed

if TYPE_CHECKING:
    from scp_desktop.ui.main_window import MainWindow

INTERVAL_MS = 4000


class SharedChangeWatcher(QObject):
    def __init__(self, window: MainWindow, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.db = window.db
        self.seen: Seen | None = None
        self.pending: OthersChanges | None = None
        self._job: Job | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self.check()

    def check(self) -> None:
        """One look at the server, on a worker thread; nothing waits for it."""
        if is_running(self._job) or self.window.db is not self.db:
            return
        if self.pending is not None:
            self._apply_when_free()
            return
        seen, db = self.seen, self.db

        def work(_token: CancelToken) -> OthersChanges | Seen:
            return where_we_stand(db) if seen is None else changes_since(db, seen)

        self._job = run_in_background(
            work, name="shared plan check", owner=self, done=self._heard, failed=self._failed
        )

    def _failed(self, _message: str) -> None:
        # The server out of reach for a moment: the next look tries again; a write then
        # gets the plain message.
        pass

    def _heard(self, result: OthersChanges | Seen) -> None:
        if isinstance(result, Seen):
            self.seen = result
            return
        self.seen = result.seen
        if result.any:
            self.pending = result
            self._apply_when_free()

    def _apply_when_free(self) -> None:
        # A dialog open over the window (an update being typed, a form) is left alone:
        # the rows are read again once it is closed.
        if QApplication.activeModalWidget() is not None or self.pending is None:
            return
        change, self.pending = self.pending, None
        self.window.refresh(Changed.saved_elsewhere(change))
        who = ", ".join(change.who) or "another officer"
        self.window.statusBar().showMessage(f"Changes by {who} are now shown.", 8000)


def watch_shared_changes(window: MainWindow) -> SharedChangeWatcher | None:
    """Started for a shared plan only: a file is changed by this window alone."""
    if not getattr(window.db, "shared", False):
        return None
    return SharedChangeWatcher(window)
