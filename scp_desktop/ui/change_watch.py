"""Keeps a window in step with changes saved elsewhere (another window, another instance,
the command line): the rows concerned are read again, a restored file is read whole, and the
officer is told, without losing their place, filter or an open form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from scp_desktop.services.outside_changes import ChangeFeed, OutsideChange, SqliteChangeFeed
from scp_desktop.ui.undo import Changed

if TYPE_CHECKING:
    from scp_desktop.storage.database import Database
    from scp_desktop.ui.main_window import MainWindow

# Often enough that a change made in another window shows before the officer looks for it;
# a poll that finds nothing is one PRAGMA, no read of the file.
POLL_MS = 1500


def sqlite_feed(db: Database) -> ChangeFeed | None:
    path = Path(db.path)
    return SqliteChangeFeed(path) if path.is_file() else None


class ChangeWatch(QObject):
    """Polls the window's change feed on a timer and applies what it reports.

    `make_feed` gives the feed for the window's database (None: nothing to watch); a shared
    server's notices can be handed in the same way.
    """

    def __init__(
        self,
        window: MainWindow,
        make_feed: Callable[[Database], ChangeFeed | None] = sqlite_feed,
        interval_ms: int = POLL_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.make_feed = make_feed
        self._db: Database | None = None
        self._feed: ChangeFeed | None = None
        self.pending: OutsideChange | None = None
        self.last_message = ""
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        # The window's own edits are seen already: only others' count.
        window.undo.changed.connect(lambda _change: self.mark_seen())
        window.installEventFilter(self)
        self._follow()
        self.timer.start()

    def _follow(self) -> None:
        """Watch the file the window shows now (it may have opened another)."""
        if self._db is self.window.db:
            return
        if self._feed is not None:
            self._feed.close()
        self._db = self.window.db
        self.pending = None
        self._feed = self.make_feed(self._db)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def mark_seen(self) -> None:
        self._follow()
        if self._feed is not None:
            self._feed.mark_seen()

    def stop(self) -> None:
        self.timer.stop()
        if self._feed is not None:
            self._feed.close()
            self._feed = None

    def check(self) -> None:
        """Poll once; apply what was found unless the officer is in a dialog (a form they
        are filling in must not change under them: applied when it closes)."""
        self._follow()
        if self._feed is None:
            return
        found = self._feed.poll()
        if found is not None:
            self.pending = found if self.pending is None else self.pending.merged(found)
        if self.pending is None or QApplication.activeModalWidget() is not None:
            return
        change, self.pending = self.pending, None
        self.apply(change)

    def apply(self, change: OutsideChange) -> None:
        w = self.window
        if change.replaced or change.plans:
            w.reload()
        else:
            w.refresh(Changed.saved_elsewhere(change))
        # Reading again changed nothing in the file: it stays seen.
        officer = (w.settings.officer_name or w.db.user or "").strip().casefold()
        own = bool(officer) and all(who.strip().casefold() == officer for who in change.who)
        if own and change.who and not change.replaced:
            # Saved under this officer's name: by a dialog of this window, or in another of
            # their windows. Either way it is theirs; "by <their own name>" would read oddly.
            self.last_message = "The table was brought up to date with your latest saved changes."
        else:
            self.last_message = change.describe()
        w.statusBar().showMessage(self.last_message, 30000)


def watch_changes(window: MainWindow) -> ChangeWatch:
    return ChangeWatch(window)
