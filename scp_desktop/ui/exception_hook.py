"""The exception hook: an unexpected exception, on the GUI thread or a worker, is logged and
shown in plain words with "Copy details", and the window stays. Light to import: the dialog's
module loads with the first problem, not before the window shows."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from scp_desktop.logs import log_unexpected

if TYPE_CHECKING:
    from scp_desktop.ui.problem_dialog import ProblemDialog

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class ProblemReporter(QObject):
    """Receives problems from any thread and shows them on the GUI thread."""

    problem = Signal(str)  # details

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.dialog: ProblemDialog | None = None
        self._previous: ExceptHook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        # A problem on a worker thread reaches the GUI thread queued; one on the GUI thread
        # is shown once its event is over (see `_show_soon`).
        self.problem.connect(self._show_soon)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous
        if threading.excepthook == self.thread_excepthook:
            threading.excepthook = self._previous_thread_hook

    def excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, exc, tb)
            return
        # Qt hands an exception raised in a background job's worker thread to this hook on
        # that thread: the log says where it came from.
        on_gui_thread = threading.current_thread() is threading.main_thread()
        self._report(kind, exc, tb, "the window" if on_gui_thread else "a background task")

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self._report(args.exc_type, args.exc_value, args.exc_traceback, "a background task")

    def _report(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str
    ) -> None:
        try:
            from scp_desktop.ui.problem_dialog import problem_details

            log_unexpected(kind, exc, tb, where)
            self.problem.emit(problem_details(exc))
        except Exception:  # the hook itself must never raise
            self._previous(kind, exc, tb)

    def _show_soon(self, details: str) -> None:
        # Never inside the event (a paint, a click) that raised: after it returns.
        QTimer.singleShot(0, self, lambda: self._show(details))

    def _show(self, details: str) -> None:
        from scp_desktop.ui.problem_dialog import ProblemDialog

        if self.dialog is None:
            self.dialog = ProblemDialog(QApplication.activeWindow())
        self.dialog.report(details)


def install_exception_hook(app: QApplication) -> ProblemReporter:
    """From now on an unexpected exception is logged and shown, and the window stays."""
    reporter = ProblemReporter(app)
    reporter.install()
    return reporter
