"""Work off the GUI thread: one job type, one cancel token, one error policy, and the progress
dialog a window shows while a job runs (`run_with_progress`).

Every background job of the window goes through `run_in_background` (no dialog: the search
index, the daily backup, the shared-plan check) or `run_with_progress` (a modal progress with
Cancel where the work can stop). The rules, kept here once:

- Lifetime: this module keeps each job until its end has been delivered on the GUI thread and
  the worker thread holds nothing of it any more; the owning widget keeps nothing alive. What
  the work held (its closure, its result) is let go on the GUI thread, so Qt objects made there
  (a printer, say) are destroyed there. If the owner has been deleted by then, the job's
  callbacks are not called.
- Errors: an expected refusal (a UserError or DatabaseError, whose message is written for the
  officer) reaches `failed` with its message, or a message box when there is no `failed`. Any
  other exception is logged (type and place only, through `scp_desktop.logs`), shown in the
  problem dialog with "Copy details", and `failed` hears a plain sentence so the window can
  put itself back as it was.

Only PySide6 and the standard library are imported here at first: the window starts faster.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton, QWidget

log = logging.getLogger(__name__)

Work = Callable[["CancelToken"], Any]
Done = Callable[[Any], None]
Failed = Callable[[str], None]
Progress = Callable[[int, int, str], None]  # done, total, what is being done

UNEXPECTED = "Something unexpected went wrong, and it did not finish."
BUSY = "Another job is still running; wait for it to finish."


class CancelToken:
    """Handed to a job's work: `cancelled()` says whether to stop; `report(done, total, text)`
    says where it has got to (total 0: no measure; done below 0: the text only)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._relay: _Relay | None = None

    def cancel(self) -> None:
        self._event.set()

    def cancelled(self) -> bool:
        return self._event.is_set()

    def report(self, done: int, total: int, text: str = "") -> None:
        relay = self._relay
        if relay is not None:
            relay.progress.emit(done, total, text)


class _Relay(QObject):
    """Made on the GUI thread, so what the worker emits is delivered there."""

    progress = Signal(int, int, str)
    ended = Signal()

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job: Job | None = job

    @Slot(int, int, str)
    def on_progress(self, done: int, total: int, text: str) -> None:
        job = self.job
        if job is not None and job.running and job.wanted() and job.on_progress is not None:
            job.on_progress(done, total, text)

    @Slot()
    def on_cancel_pressed(self) -> None:
        job = self.job
        if job is not None:
            job.cancel_pressed()

    @Slot()
    def on_ended(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deliver()


class Job:
    """One piece of work on the thread pool, seen from the GUI thread."""

    def __init__(
        self,
        work: Work,
        *,
        name: str,
        owner: QObject | None,
        done: Done | None = None,
        failed: Failed | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.name = name  # fixed words naming the job, for the log
        self.token = CancelToken()
        self.work: Work | None = work
        self.owner = owner
        self.on_done = done
        self.on_failed = failed
        self.on_progress = progress
        self.on_cancel: Callable[[], None] | None = None
        self.dialog: QProgressDialog | None = None
        self.running = True
        self.abandoned = False
        self.outcome: tuple[str, Any] = ("", None)  # done / refused / crashed, and its payload
        self.finished = threading.Event()  # the outcome is set (worker thread)
        self.let_go = threading.Event()  # the worker holds nothing of this job any more
        self.relay = _Relay(self)
        self.relay.progress.connect(self.relay.on_progress)
        self.relay.ended.connect(self.relay.on_ended)
        self.token._relay = self.relay

    # -------------------------------------------------------------- the GUI thread's side
    def cancel(self) -> None:
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled()

    def abandon(self) -> None:
        """Cancel, close the progress, and call nothing back: the result is no longer wanted."""
        self.abandoned = True
        self.cancel()
        self._close_dialog()
        self.on_done = self.on_failed = self.on_progress = self.on_cancel = None

    def cancel_pressed(self) -> None:
        """The progress dialog's Cancel."""
        if not self.running or self.cancelled:
            return
        self.cancel()
        dialog = self.dialog
        if dialog is not None:
            button = dialog.findChild(QPushButton)
            if button is not None:
                button.setEnabled(False)  # pressed once; the work stops at its next step
        if self.on_cancel is not None:
            self.on_cancel()
        elif dialog is not None:
            dialog.setLabelText("Cancelling…")

    def wanted(self) -> bool:
        return not self.abandoned and (self.owner is None or shiboken6.isValid(self.owner))

    def wait(self, timeout: float) -> bool:
        """Block until the work has ended (its result may not be delivered yet)."""
        return self.finished.wait(timeout)

    @property
    def result(self) -> Any:
        """The work's return value once it has ended well and until it is delivered, else
        None."""
        kind, payload = self.outcome
        return payload if self.finished.is_set() and kind == "done" else None

    def deliver(self) -> None:
        self.running = False
        self._close_dialog()
        kind, payload = self.outcome
        done, failed = self.on_done, self.on_failed
        wanted = self.wanted()
        # What the work held, and its result once handed over, go here on the GUI thread.
        self.work = self.on_done = self.on_failed = self.on_progress = self.on_cancel = None
        self.outcome = (kind, None)
        _sweep()
        if kind == "crashed":
            _show_problem(payload, self.owner if wanted else None)
        if not wanted:
            return
        if kind == "done":
            if done is not None:
                done(payload)
        elif kind == "refused" and failed is None:
            parent = self.owner if isinstance(self.owner, QWidget) else None
            QMessageBox.warning(parent, self.name, payload)
        elif failed is not None:
            failed(payload if kind == "refused" else UNEXPECTED)

    def _close_dialog(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.blockSignals(True)  # a closing progress dialog says "canceled"
            dialog.close()
            dialog.deleteLater()


class _Runnable(QRunnable):
    """The one runnable type: runs a job's work on a pool thread and reports its outcome."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job: Job | None = job

    def run(self) -> None:
        job, self.job = self.job, None
        assert job is not None and job.work is not None
        work, token = job.work, job.token
        try:
            result = work(token)
        except Exception as exc:
            job.outcome = _failure(exc, job.name)
        else:
            job.outcome = ("done", result)
            del result
        del work, token
        job.finished.set()
        relay, let_go = job.relay, job.let_go
        del job
        relay.ended.emit()
        del relay
        # Last: from here the GUI thread may let go of the job, and with it the relay.
        let_go.set()


def _failure(exc: Exception, name: str) -> tuple[str, str]:
    # Imported here: the database layer is loaded by then, and not before the window shows.
    from scp_desktop.services.errors import UserError
    from scp_desktop.storage.database import DatabaseError

    if isinstance(exc, (UserError, DatabaseError)):
        log.info("job %s refused (%s)", name, type(exc).__name__)
        return ("refused", str(exc))
    from scp_desktop.logs import log_unexpected
    from scp_desktop.ui.problem_dialog import problem_details

    log_unexpected(type(exc), exc, exc.__traceback__, f"the job {name}")
    return ("crashed", problem_details(exc))


def _show_problem(details: str, owner: QObject | None) -> None:
    from scp_desktop.ui.problem_dialog import show_problem

    parent = owner.window() if isinstance(owner, QWidget) else None
    show_problem(details, parent)


# How soon a job delivered while its worker was still returning is looked at again.
SWEEP_AGAIN_MS = 20

# Jobs whose end has not yet been delivered, or whose worker may still hold them.
_live: set[Job] = set()


def _sweep() -> None:
    # A job whose worker is still returning stays until a later sweep, a few milliseconds on
    # (or the next job's start or end): freed on the worker thread, its relay would be
    # destroyed off the GUI thread.
    for job in [j for j in _live if not j.running and j.let_go.is_set()]:
        _live.discard(job)
    if any(not j.running for j in _live):
        QTimer.singleShot(SWEEP_AGAIN_MS, _sweep)


def run_in_background(
    work: Work,
    *,
    name: str,
    owner: QObject | None,
    done: Done | None = None,
    failed: Failed | None = None,
    progress: Progress | None = None,
) -> Job:
    """Run `work(token)` on the thread pool; call `done(result)`, `failed(message)` and
    `progress(done, total, text)` on the GUI thread while `owner` still exists.

    The work opens its own database session: sessions never cross threads.
    """
    _sweep()
    job = Job(work, name=name, owner=owner, done=done, failed=failed, progress=progress)
    _live.add(job)
    QThreadPool.globalInstance().start(_Runnable(job))
    return job


def is_running(job: Job | None) -> bool:
    return job is not None and job.running


def end_all(timeout_ms: int = 60_000) -> bool:
    """When the application closes: ask every job to stop and wait for the workers, so none
    is cut off half-way by the interpreter shutting down (a backup stopped here leaves no
    file, and is taken at the next opening). False if some work was still running at the
    timeout."""
    for job in list(_live):
        job.cancel()
    return bool(QThreadPool.globalInstance().waitForDone(timeout_ms))


def run_with_progress(
    parent: QWidget,
    work: Work,
    *,
    title: str,
    label: str,
    done: Done | None = None,
    failed: Failed | None = None,
    cancellable: bool = True,
    total: int = 0,
    describe: Callable[[int, int, str], str] | None = None,
    on_cancel: Callable[[], None] | None = None,
) -> Job | None:
    """Run `work` with a window-modal progress over `parent`, shown at once (so nothing else in
    the window can be started meanwhile, and a window closed under it shows what is still
    going on). Cancel is offered when the work can stop; the label follows what the work
    reports (through `describe` when given). The progress closes before `done` or `failed` is
    called. Returns None, saying so through `failed`, while another such job runs over
    `parent`."""
    if any(j.running and j.dialog is not None and j.owner is parent for j in _live):
        if failed is not None:
            failed(BUSY)
        return None
    dialog = QProgressDialog(label, "Cancel", 0, total, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumWidth(420)  # wide enough that changing labels do not resize it
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)

    def show(step: int, of: int, text: str) -> None:
        if dialog is not job.dialog or job.cancelled:
            return  # a cancelled progress dialog would show itself again on setValue
        if text:
            dialog.setLabelText(describe(step, of, text) if describe is not None else text)
        if of > 0 and step >= 0:
            dialog.setMaximum(of)
            # Last: a shown modal progress dialog runs events in setValue, where the job's
            # end may be delivered and the dialog closed.
            dialog.setValue(min(step, of))

    job = run_in_background(work, name=title, owner=parent, done=done, failed=failed, progress=show)
    job.dialog = dialog
    job.on_cancel = on_cancel
    # Through the relay, not a closure: the dialog is owned by `parent`, and a connection
    # holding `parent` (through `on_cancel`) would keep it alive from its own child.
    dialog.canceled.connect(job.relay.on_cancel_pressed)
    dialog.show()
    return job
