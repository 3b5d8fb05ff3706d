"""What the returns dialogs share: their plan and quarter, one background job at a time, the button row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget

from scp_desktop.domain.periods import Quarter
from scp_desktop.storage.database import Database
from scp_desktop.ui.jobs import CancelToken, Job, is_running, run_with_progress


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
    """A dialog whose slow work runs in the background (`_run_job`), its progress shown over it.

    Closed while its job runs, such a dialog would leave the job running unseen (and a plan
    or an import written after the window has read the plan again). Instead it stays, under
    the job's progress and its Cancel where the job has one, and closes when the job has
    ended (`_job_ended`).
    """

    _job: Job | None = None
    _close_with: int | None = None

    def done(self, result: int) -> None:
        if is_running(self._job):
            self._close_with = result
            return
        super().done(result)

    def _run_job(
        self,
        work: Callable[[CancelToken], Any],
        label: str,
        done: Callable[[Any], None],
        failed: Callable[[str], None],
        **options: Any,
    ) -> bool:
        """Run `work` with the progress over this dialog (see `run_with_progress`)."""
        self._job = run_with_progress(
            self, work, title=self.windowTitle(), label=label, done=done, failed=failed, **options
        )
        return self._job is not None

    def _job_ended(self) -> None:
        """The job has ended (or been dropped): the dialog closes too if the officer asked
        while it ran."""
        self._job = None
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

    def _start_writing(
        self,
        work: Callable[[CancelToken], Any],
        label: str,
        done: Callable[[Any], None],
        failed: Callable[[str], None],
    ) -> None:
        """Run `work` with a busy note; no Cancel, as the files are written whole."""
        self._run_job(work, label, done, failed, cancellable=False)

    def _finish_task(self) -> None:
        self._job_ended()
