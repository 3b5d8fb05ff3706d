"""Deciding how the window may open a plan file: for changes (holding it), or read-only
because it is on a network drive, cannot be written, or another window has it."""

from __future__ import annotations

import contextlib
import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from scp_desktop import APP_NAME
from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
from scp_desktop.storage.drives import network_filesystem
from scp_desktop.storage.instance_lock import FileInUse, Holder, InstanceLock


@dataclass
class Access:
    """How the window opens the file; `lock` is held while it may change it."""

    read_only: ReadOnly | None
    lock: InstanceLock | None

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()


def network_reason(fstype: str) -> ReadOnly:
    return ReadOnly(
        ReadOnlyKind.NETWORK,
        f"It is on a network drive ({fstype}). SQLite, which keeps the plan, cannot lock a "
        "file reliably over a network and its journal does not work there, so changes saved "
        "from two computers could damage the plan.",
    )


def in_use_reason(holder: Holder | None) -> ReadOnly:
    who = holder.describe() if holder else "another SCP Desktop window"
    return ReadOnly(
        ReadOnlyKind.IN_USE,
        f"It is open for changes in SCP Desktop by {who}. Only one window at a time can "
        "change a plan; once it is closed there, this window offers to open it for changes.",
    )


NOT_WRITABLE_FILE = ReadOnly(
    ReadOnlyKind.NOT_WRITABLE,
    "The file is marked read-only, or you do not have permission to change it.",
)
NOT_WRITABLE_FOLDER = ReadOnly(
    ReadOnlyKind.NOT_WRITABLE,
    "The folder holding it cannot be written to, and saving needs to write beside the file.",
)


def names_server(path: Path | str) -> bool:
    """Whether `path` is a shared plan's address. A file's path never holds "://", and
    then the server module (and SQLAlchemy with it) need not load to say so."""
    if "://" not in str(path):
        return False
    from scp_desktop.storage.server import is_server_address

    return is_server_address(path)


def _account_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no account name on some systems; the note then names the machine only
        return ""


def ask_open_read_only(path: Path, holder: Holder | None, parent: QWidget | None) -> bool:
    """Tell the officer who has the file open; True when they choose to open it read-only."""
    who = holder.describe() if holder else "another SCP Desktop window"
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(f"{APP_NAME} — plan already open")
    box.setText(f"<b>{path.name} is already open in SCP Desktop.</b>")
    box.setInformativeText(
        f"It was opened by {who}.\n\n"
        "Only one window at a time can change a plan file. You can open it read-only to "
        "look at it and print from it, or cancel."
    )
    read_only = box.addButton("Open &read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(read_only)
    box.setObjectName("alreadyOpenMessage")
    box.exec()
    chosen = box.clickedButton() is read_only
    box.deleteLater()
    return chosen


def choose_access(
    path: Path,
    officer: str,
    *,
    parent: QWidget | None = None,
    before_question: Callable[[], object] | None = None,
    ask: Callable[[Path, Holder | None, QWidget | None], bool] = ask_open_read_only,
) -> Access | None:
    """How to open `path` in a window; None when the officer cancels. Nothing here writes
    to the plan file; only the note beside it is written, when the window may change it."""
    if names_server(path):
        return Access(None, None)  # a shared plan: the server keeps officers apart
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        return Access(None, None)  # refused with its own message when opened
    fstype = network_filesystem(path)
    if fstype is not None:
        return Access(network_reason(fstype), None)
    if path.exists() and not os.access(path, os.W_OK):
        return Access(NOT_WRITABLE_FILE, None)
    with contextlib.suppress(OSError):  # a folder that cannot be made is reported on opening
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock = InstanceLock.acquire(path, officer or _account_name())
    except FileInUse as exc:
        if before_question is not None:
            before_question()
        if ask(path, exc.holder, parent):
            return Access(in_use_reason(exc.holder), None)
        return None
    except OSError:
        if path.exists():
            return Access(NOT_WRITABLE_FOLDER, None)
        return Access(None, None)  # the open reports why it cannot create the file
    return Access(None, lock)


class _LockKeeper(QObject):
    """Lets go of the file when its window closes (or the application quits)."""

    def __init__(self, window: QWidget, access: Access) -> None:
        super().__init__(window)
        self.access = access
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(access.release)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.access.release()
        return False


def keep_access(window: QWidget, access: Access) -> None:
    """Hold the file for as long as `window` has it open."""
    if access.lock is not None:
        _LockKeeper(window, access)


def hand_over_access(window: QWidget, access: Access) -> None:
    """The window now shows another file: let go of the one it held, hold the new one."""
    for keeper in window.findChildren(_LockKeeper):
        keeper.access.release()
        window.removeEventFilter(keeper)
        keeper.setParent(None)
        keeper.deleteLater()
    keep_access(window, access)
