"""Unexpected errors in the window: logged, shown as a plain message with "Copy details",
and the window carries on."""

from __future__ import annotations

import platform
import sys
import threading
from collections.abc import Callable
from types import TracebackType

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from scp_desktop import APP_NAME, __version__
from scp_desktop.logs import current_log_file, log_unexpected, safe_traceback

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def problem_details(exc: BaseException) -> str:
    """What "Copy details" puts on the clipboard: versions and the scrubbed traceback."""
    return (
        f"{APP_NAME} {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
        f"{safe_traceback(exc)}"
    )


class ProblemDialog(QDialog):
    """One dialog for however many problems follow each other; it counts the repeats."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME}: something went wrong")
        self.setAccessibleName(self.windowTitle())
        self.details = ""
        self.count = 0
        layout = QVBoxLayout(self)
        icon = QLabel(self)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(32, 32)
        )
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignLeft)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        # A wrapped label asks for too little height unless its width is settled.
        self.message.setMinimumWidth(480)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copy details", self)
        self.copy_button.setToolTip("Copy what went wrong, to send to whoever supports SCP Desktop")
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        self.copy_button.clicked.connect(self.copy_details)
        layout.addWidget(self.buttons)

    def report(self, details: str) -> None:
        self.count += 1
        self.details = details
        log = current_log_file()
        lines = [
            "Something unexpected went wrong, and SCP Desktop carried on.",
            "What you were doing may not have finished: check it before going on. "
            "Changes already saved are kept.",
        ]
        if self.count > 1:
            lines.append(f"This has now happened {self.count} times.")
        if log is not None:
            lines.append(f"The details are also in the log file {log}.")
        self.message.setText("\n\n".join(lines))
        self.copy_button.setText("&Copy details")
        self.adjustSize()
        if not self.isVisible():
            # Window-modal without a nested event loop: the hook returns at once.
            self.open()
        self.raise_()

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")

    def done(self, result: int) -> None:
        self.count = 0
        super().done(result)


_shown: ProblemDialog | None = None


def show_problem(details: str, parent: QWidget | None = None) -> ProblemDialog:
    """Show `details` in the problem dialog (one for repeats), over `parent` or the active
    window; called on the GUI thread by background jobs that failed unexpectedly."""
    global _shown
    dialog = _shown
    if dialog is None or not shiboken6.isValid(dialog):
        dialog = ProblemDialog(parent or QApplication.activeWindow())
        _shown = dialog
    dialog.report(details)
    return dialog


class ProblemReporter(QObject):
    """Receives problems from any thread and shows them on the GUI thread."""

    problem = Signal(str)  # details

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.dialog: ProblemDialog | None = None
        self._previous: ExceptHook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        # Queued: a problem on a worker thread is shown by the GUI thread.
        self.problem.connect(self._show, Qt.ConnectionType.QueuedConnection)

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
            log_unexpected(kind, exc, tb, where)
            self.problem.emit(problem_details(exc))
        except Exception:  # the hook itself must never raise
            self._previous(kind, exc, tb)

    def _show(self, details: str) -> None:
        if self.dialog is None:
            self.dialog = ProblemDialog(QApplication.activeWindow())
        self.dialog.report(details)


def install_exception_hook(app: QApplication) -> ProblemReporter:
    """From now on an unexpected exception is logged and shown, and the window stays."""
    reporter = ProblemReporter(app)
    reporter.install()
    return reporter
