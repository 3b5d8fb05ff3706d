"""The dialog that shows an unexpected error as a plain message with "Copy details"; the
hook that logs and routes errors to it is ui/exception_hook.py."""

from __future__ import annotations

import platform

import shiboken6
from PySide6.QtCore import Qt
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
from scp_desktop.logs import current_log_file, safe_traceback


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
