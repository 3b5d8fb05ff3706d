"""A window on a plan opened read-only: the banner saying why, every writing command
switched off, and the way forward (a copy on this computer)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QWidget,
)

from scp_desktop.storage.access import ReadOnly, ReadOnlyKind
from scp_desktop.storage.database import DatabaseError, open_database
from scp_desktop.storage.drives import network_filesystem
from scp_desktop.storage.instance_lock import holder_of
from scp_desktop.storage.local_copy import CopyCancelled, copy_plan_file
from scp_desktop.ui.action_registry import WRITING_ACTIONS as WRITING_ACTIONS
from scp_desktop.ui.file_access import choose_access, in_use_reason, keep_access
from scp_desktop.ui.jobs import CancelToken, run_with_progress


def banner_text(read_only: ReadOnly) -> str:
    ways = {
        ReadOnlyKind.NETWORK: (
            "Two ways forward: save a copy to this computer and work on that, or, for a plan "
            "several officers share, ask your IT team for a shared plan on a PostgreSQL "
            "server (README, “Several officers on one plan”); move the plan there with "
            "scp-desktop copy and open it with File ▸ Connect to a shared plan…"
        ),
        ReadOnlyKind.NOT_WRITABLE: "To make changes, save a copy to this computer and work on that.",
        ReadOnlyKind.IN_USE: "",
        ReadOnlyKind.ASKED: "",
        ReadOnlyKind.ROLE: "",
    }[read_only.kind]
    return f"<b>Read-only.</b> {read_only.why} {ways}".strip()


# How often a window read-only because another had the plan looks whether it still has.
FREE_POLL_MS = 2000


class ReadOnlyBanner(QFrame):
    copy_requested = Signal()
    open_for_changes_requested = Signal()

    def __init__(
        self, read_only: ReadOnly, parent: QWidget | None = None, db_path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("readOnlyBanner")
        self.setStyleSheet(
            "QFrame#readOnlyBanner { background: #E3F2FD; border: 1px solid #1565C0; }"
        )
        self.setAccessibleName("Read-only notice")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.text = QLabel(banner_text(read_only), self)
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.copy_button: QPushButton | None = None
        if read_only.copy_helps:
            self.copy_button = QPushButton("&Save a copy to this computer…", self)
            self.copy_button.setAccessibleName("Save a copy to this computer")
            self.copy_button.clicked.connect(self.copy_requested)
            layout.addWidget(self.copy_button)
        self.open_button = QPushButton("&Open for changes", self)
        self.open_button.setAccessibleName("Open the plan for changes")
        self.open_button.clicked.connect(self.open_for_changes_requested)
        self.open_button.hide()
        layout.addWidget(self.open_button)
        self.db_path = db_path
        self.free_timer = QTimer(self)
        self.free_timer.setInterval(FREE_POLL_MS)
        self.free_timer.timeout.connect(self.check_free)
        if read_only.kind is ReadOnlyKind.IN_USE and db_path is not None:
            # The other window may close: then this one can take the plan without a restart.
            self.free_timer.start()

    def check_free(self) -> bool:
        """Offer "Open for changes" while no other window holds the plan."""
        if self.db_path is None:
            return False
        free = holder_of(self.db_path) is None
        if free and self.open_button.isHidden():
            self.text.setText(
                "<b>Read-only.</b> The other window has closed the plan: you can open it "
                "for changes here."
            )
        elif not free and not self.open_button.isHidden():
            self.text.setText(banner_text(in_use_reason(holder_of(self.db_path))))
        self.open_button.setVisible(free)
        return free


def show_read_only(window: Any) -> None:
    """Put the banner above the table and switch off everything that would write."""
    read_only: ReadOnly = window.db.read_only
    banner = ReadOnlyBanner(read_only, window.centralWidget(), Path(window.db.path))
    window.centralWidget().layout().insertWidget(0, banner)
    window.read_only_banner = banner
    banner.copy_requested.connect(lambda: save_copy_to_this_computer(window))
    banner.open_for_changes_requested.connect(lambda: open_for_changes(window))
    # The commands that write are switched off with the others that cannot apply, by the
    # registry's enabled_when (WRITING_ACTIONS); the window's state says it is read-only.
    window.refresh_commands()
    window.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    window.start_empty.setEnabled(False)
    for button in (
        window.history.attach_button,
        window.history.attach_update_button,
        window.history.remove_button,
    ):
        button.hide()
    if not window.windowTitle().endswith("(read-only)"):
        window.setWindowTitle(f"{window.windowTitle()} (read-only)")


def _local_folder() -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def save_copy_to_this_computer(
    window: Any, choose: Callable[[QWidget, Path], Path | None] | None = None
) -> bool:
    """Ask where, copy the plan there in the background, then open the copy in a window of
    its own. False when the officer cancelled or the place was refused."""
    source: Path = window.db.path
    target = (choose or _ask_target)(window, _local_folder() / source.name)
    if target is None:
        return False
    target = target.absolute()
    if target.resolve() == source:
        window.show_error("That is the file open now; choose another name or folder.")
        return False
    if network_filesystem(target) is not None:
        window.show_error(
            f"{target.parent} is on a network drive too. Choose a folder on this computer, "
            "such as Documents."
        )
        return False

    def work(token: CancelToken) -> Path | None:
        try:
            return copy_plan_file(
                source,
                target,
                progress=lambda done, total: token.report(done, total, "Copying the plan…"),
                cancelled=token.cancelled,
            )
        except CopyCancelled:
            return None
        except (sqlite3.Error, OSError) as exc:
            raise DatabaseError(f"The copy to {target} could not be made: {exc}") from exc

    def then(copied: Path | None) -> None:
        if copied is not None:
            open_copy(window, copied)

    run_with_progress(
        window,
        work,
        title="Save a copy to this computer",
        label=f"Copying {source.name} to {target.parent}…",
        done=then,
        failed=window.show_error,
    )
    return True


def _ask_target(window: QWidget, suggested: Path) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        window,
        "Save a copy to this computer",
        str(suggested),
        "Plan database (*.db *.sqlite);;All files (*)",
    )
    return Path(name) if name else None


def open_copy(window: Any, path: Path) -> QMainWindow | None:
    """Open the copy in a new window in place of this one."""
    access = choose_access(path, window.settings.officer_name, parent=window)
    if access is None:
        return None
    try:
        db, result = open_database(
            path, user=window.db.user, create=False, read_only=access.read_only
        )
    except DatabaseError as exc:
        access.release()
        window.show_error(str(exc))
        return None
    replacement: QMainWindow = type(window)(db, window.settings, open_result=result)
    keep_access(replacement, access)
    replacement.statusBar().showMessage(f"Working on the copy at {path}", 10000)
    replacement.show()
    window.close()
    window.db.close()
    return replacement


def open_for_changes(window: Any) -> QMainWindow | None:
    """Take the plan the other window has let go of, in a window that may change it, on the
    same plan, quarter, filter and action. None (and a message) when another window took it
    first or it cannot be opened for changes."""
    path: Path = window.db.path
    banner: ReadOnlyBanner = window.read_only_banner
    access = choose_access(path, window.settings.officer_name, parent=window, ask=_taken)
    if access is None or access.read_only is not None:
        if access is not None:
            access.release()
        banner.check_free()
        holder = holder_of(path)
        who = holder.describe() if holder else "another window"
        why = access.read_only.why if access and access.read_only else f"{who} has it open now."
        window.show_error(f"{path.name} cannot be opened for changes: {why}")
        return None
    try:
        db, result = open_database(path, user=window.db.user, create=False)
    except DatabaseError as exc:
        access.release()
        window.show_error(str(exc))
        return None
    replacement: Any = type(window)(db, window.settings, open_result=result, today=window.today)
    keep_access(replacement, access)
    current, action_filter = window.current_action_id(), window.filter_bar.current
    if window.plan_id is not None:
        index = replacement.plan_combo.findData(window.plan_id)
        if index >= 0:
            replacement.plan_combo.setCurrentIndex(index)
    if window.quarter is not None:
        index = replacement.quarter_combo.findData(window.quarter.code)
        if index >= 0:
            replacement.quarter_combo.setCurrentIndex(index)
    replacement.filter_bar.show_filter(action_filter)
    if current is not None:
        replacement.select_action(current, show=False)
    replacement.setGeometry(window.geometry())
    replacement.statusBar().showMessage(f"{path.name} is open for changes.", 10000)
    replacement.show()
    banner.free_timer.stop()
    window.close()
    window.db.close()
    return cast(QMainWindow, replacement)


def _taken(_path: Path, _holder: object, _parent: QWidget | None) -> bool:
    # Another window took the plan between the offer and the click: say so, ask nothing.
    return False
