"""What the returns dialogs share: their plan and quarter, one worker task at a time, the button row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QProgressDialog, QPushButton, QWidget

from scp_desktop.domain.periods import Quarter
from scp_desktop.storage.database import Database
from scp_desktop.ui.tasks import Task, start


def button_row(
    dialog: QDialog, action: str, on_action: Callable[[], None]
) -> tuple[QDialogButtonBox, QPushButton]:
    """[action] … [Close]: the action does the dialog's work and leaves it open; Close rejects it."""
    box, button, _ = _buttons(dialog, action, on_action, None)
    return box, button


def button_row_with_open(
    dialog: QDialog,
    action: str,
    on_action: Callable[[], None],
    open_label: str,
    on_open: Callable[[], object],
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """[action] [open_label] … [Close]; the second opens what was written, enabled once it is."""
    box, button, opener = _buttons(dialog, action, on_action, (open_label, on_open))
    assert opener is not None
    return box, button, opener


def _buttons(
    dialog: QDialog,
    action: str,
    on_action: Callable[[], None],
    opens: tuple[str, Callable[[], object]] | None,
) -> tuple[QDialogButtonBox, QPushButton, QPushButton | None]:
    # Added in this order, so Tab goes action, open, Close.
    box = QDialogButtonBox()
    button = box.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
    button.clicked.connect(on_action)
    opener = None
    if opens is not None:
        opener = box.addButton(opens[0], QDialogButtonBox.ButtonRole.ActionRole)
        opener.setEnabled(False)
        opener.clicked.connect(opens[1])
    box.addButton(QDialogButtonBox.StandardButton.Close)
    box.rejected.connect(dialog.reject)
    return box, button, opener


class ClosesAfterItsJob(QDialog):
    """A dialog whose slow work runs on a worker thread, with `_progress` shown while it does.

    Closed while its job runs, before the job's progress has shown itself, such a dialog
    would leave the job running unseen (and a plan or an import written after the window
    has read the plan again). Instead the progress shows at once, with its Cancel where the
    job has one, and the dialog closes when the job has ended (`_close_progress_dialog`).
    """

    _progress: QProgressDialog | None = None
    _close_with: int | None = None

    def done(self, result: int) -> None:
        if self._progress is not None:
            self._close_with = result
            self._progress.show()
            return
        super().done(result)

    def _close_progress_dialog(self) -> None:
        """The job has ended (or been dropped): its progress goes, and the dialog closes too
        if the officer asked while the job ran."""
        progress, self._progress = self._progress, None
        if progress is not None:
            progress.blockSignals(True)  # a closing progress dialog says "canceled"
            progress.close()
            progress.deleteLater()
        result, self._close_with = self._close_with, None
        if result is not None:
            super().done(result)


class ReturnsDialog(ClosesAfterItsJob):
    """A dialog about one plan's returns for one quarter, whose slow work runs on a worker thread."""

    def __init__(
        self, db: Database, plan_id: int, quarter_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.plan_id = plan_id
        self.quarter = Quarter.parse(quarter_code)
        self._task: Task | None = None
        self._progress: QProgressDialog | None = None

    def _start_writing(
        self,
        work: Callable[[Any, Any], Any],
        label: str,
        done: Callable[[Any], None],
        failed: Callable[[str], None],
    ) -> None:
        """Run `work`, showing a busy note if it lasts; no Cancel, as the files are written whole."""
        self._progress = QProgressDialog(label, "", 0, 0, self)
        self._progress.setCancelButton(None)
        self._progress.setMinimumDuration(400)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._task = Task(work)
        self._task.signals.finished.connect(done)
        self._task.signals.failed.connect(failed)
        start(self._task)

    def _finish_task(self) -> None:
        self._task = None
        self._close_progress_dialog()
