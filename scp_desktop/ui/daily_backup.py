"""Today's backup of the plan, taken on a worker thread once the window is up: a large file
takes seconds to copy, and the officer can work meanwhile. The status bar tells how it went."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication

from scp_desktop.storage.backups import BackupInfo, daily_backup_if_due
from scp_desktop.ui.jobs import CancelToken, Job, run_in_background

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

log = logging.getLogger(__name__)


class DailyBackup(QObject):
    """One daily backup for one window; cancelled if the window closes before it is done."""

    done = Signal(str)  # what the status bar says at the end

    def __init__(self, window: QMainWindow, path: Path) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.message = ""
        self.job: Job | None = None
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.cancel)

    def start(self) -> None:
        self._say("Taking today's backup of the plan in the background…")
        path = self.path

        def work(token: CancelToken) -> BackupInfo | None:
            return daily_backup_if_due(path, progress=token.report, cancelled=token.cancelled)

        self.job = run_in_background(
            work,
            name="daily backup",
            owner=self,
            done=self._finished,
            failed=self._failed,
            progress=self._progress,
        )

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.cancel()
        return False

    def _say(self, text: str, timeout_ms: int = 0) -> None:
        self.message = text
        self.window.statusBar().showMessage(text, timeout_ms)

    def _progress(self, done: int, total: int, _message: str) -> None:
        if total:
            self._say(
                f"Taking today's backup of the plan in the background… {done * 100 // total}%"
            )

    def _finished(self, info: BackupInfo | None) -> None:
        if info is None:
            # Taken earlier today (or nothing in the file yet): nothing to tell.
            if self.window.statusBar().currentMessage() == self.message:
                self.window.statusBar().clearMessage()
            self.message = ""
        else:
            log.info("daily backup taken (%d bytes)", info.size)
            self._say(f"Today's backup was taken: {info.path.name}", 15000)
        self.done.emit(self.message)

    def _failed(self, message: str) -> None:
        if self.job is not None and self.job.cancelled:
            log.info("daily backup stopped: the window closed")
            return
        log.warning("no daily backup was made")
        self._say(
            f"No backup was made today: {message} The plan itself is unaffected; "
            "File ▸ Backups… can take one."
        )
        self.done.emit(self.message)


def start_daily_backup(window: QMainWindow, path: Path, read_only: bool) -> DailyBackup | None:
    """Start today's backup of `path` for `window`, unless the window may not change it."""
    if read_only:
        return None
    backup = DailyBackup(window, path)
    backup.start()
    return backup
