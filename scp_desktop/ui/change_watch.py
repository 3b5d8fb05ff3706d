"""Keeps a window in step with changes saved elsewhere (another window, another instance,
the command line, another officer on a shared plan): the rows concerned are read again, a
restored file is read whole, and the officer is told, without losing their place, filter or
an open form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from scp_desktop.ui.change_sources import ChangeSource, PlanFileSource, source_for
from scp_desktop.ui.jobs import CancelToken, Job, is_running, run_in_background
from scp_desktop.ui.undo import Changed

if TYPE_CHECKING:
    from scp_desktop.services.outside_changes import OutsideChange
    from scp_desktop.storage.database import Database
    from scp_desktop.ui.main_window import MainWindow


class ChangeWatch(QObject):
    """Polls the change source of the window's database on a timer and applies what it
    reports; the source is chosen again whenever the window shows another database."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._db: Database | None = None
        self.source: ChangeSource | None = None
        self.pending: OutsideChange | None = None
        self.last_message = ""
        self._job: Job | None = None
        self.timer = QTimer(self)
        # A plan file's pace until a source sets its own: with no source (a file not on
        # disk) the timer would otherwise fire on every pass of the event loop.
        self.timer.setInterval(PlanFileSource.interval_ms)
        self.timer.timeout.connect(self.check)
        # The window's own edits are seen already: only others' count.
        window.undo.changed.connect(lambda _change: self.mark_seen())
        window.installEventFilter(self)
        self.check()  # a shared plan's first look notes where it stands
        self.timer.start()

    def _follow(self) -> None:
        """Watch the database the window shows now (it may have opened another)."""
        if self._db is self.window.db:
            return
        if self.source is not None:
            self.source.close()
        self._db = self.window.db
        self.pending = None
        self.source = source_for(self._db)
        if self.source is not None:
            self.timer.setInterval(self.source.interval_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def mark_seen(self) -> None:
        self._follow()
        if self.source is not None:
            self.source.mark_seen()

    def stop(self) -> None:
        self.timer.stop()
        if self.source is not None:
            self.source.close()
            self.source = None

    def check(self) -> None:
        """Poll once (on a worker thread where the source asks for it: nothing waits for a
        server) and apply what was found when the officer is free."""
        self._follow()
        source = self.source
        if source is None:
            return
        if not source.in_background:
            self._take(source, source.poll())
            return
        if not is_running(self._job):

            def work(_token: CancelToken) -> OutsideChange | None:
                return source.poll()

            self._job = run_in_background(
                work,
                name="check for changes saved elsewhere",
                owner=self,
                done=lambda found: self._take(source, found),
                failed=self._failed,
            )
        self._apply_when_free()  # what an earlier poll found, if the officer is free now

    def _failed(self, _message: str) -> None:
        # The server out of reach for a moment: the next poll tries again; a write then
        # gets the plain message.
        pass

    def _take(self, source: ChangeSource, found: OutsideChange | None) -> None:
        if source is not self.source:
            return  # the window shows another database now, or was closed
        if found is not None:
            self.pending = found if self.pending is None else self.pending.merged(found)
        self._apply_when_free()

    def _apply_when_free(self) -> None:
        # A dialog open over the window (an update being typed, a form) must not change
        # under the officer: what was found is applied once it is closed.
        source = self.source
        if self.pending is None or source is None or QApplication.activeModalWidget() is not None:
            return
        change, self.pending = self.pending, None
        self.apply(change, source)

    def apply(self, change: OutsideChange, source: ChangeSource) -> None:
        w = self.window
        if change.replaced or change.plans:
            w.reload()
        else:
            w.refresh(
                Changed(
                    action_ids=change.action_ids,
                    removed_action_ids=change.removed_action_ids,
                    structure=change.structure,
                    reference=change.reference,
                )
            )
        # Reading again changed nothing in the database: it stays seen.
        officer = (w.settings.officer_name or w.db.user or "").strip().casefold()
        self.last_message = source.describe(change, officer)
        w.statusBar().showMessage(self.last_message, source.shown_ms)


def watch_changes(window: MainWindow) -> ChangeWatch:
    return ChangeWatch(window)
