"""Walks a window's widgets the way the keyboard reaches them: Alt mnemonics, tables, sizes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabWidget,
    QWidget,
)

# 1366×768 less a taskbar, at 100 % and at 150 % scaling (logical pixels).
SCREENS = ((1366, 728), (910, 485))


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ("&&" is a literal ampersand)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def _visible_targets(window: QWidget) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)

    def add(text: str, owner: QWidget) -> None:
        letter = mnemonic(text)
        if letter is not None and owner.isVisibleTo(window) and owner.isEnabled():
            found[letter].append(text.replace("&", ""))

    if isinstance(window, QMainWindow) and window.menuWidget() is window.menuBar():
        for action in window.menuBar().actions():
            letter = mnemonic(action.text())
            if letter is not None and action.isVisible():
                found[letter].append(action.text().replace("&", "") + " menu")
    for button in window.findChildren(QAbstractButton):
        if button.window() is window:
            add(button.text(), button)
    for label in window.findChildren(QLabel):
        if label.window() is window and label.buddy() is not None:
            add(label.text(), label)
    for box in window.findChildren(QGroupBox):
        if box.window() is window and box.isCheckable():
            add(box.title(), box)
    for tabs in window.findChildren(QTabWidget):
        if tabs.window() is window and tabs.isVisibleTo(window):
            for i in range(tabs.count()):
                letter = mnemonic(tabs.tabText(i))
                if letter is not None and tabs.isTabEnabled(i):
                    found[letter].append(tabs.tabText(i).replace("&", "") + " tab")
    return found


def mnemonic_clashes(window: QWidget) -> dict[str, list[str]]:
    """Letters reaching more than one target, on every page of every tab widget in turn."""
    clashes: dict[str, list[str]] = {}
    states: list[tuple[QTabWidget, int]] = [(None, 0)]  # type: ignore[list-item]
    for tabs in window.findChildren(QTabWidget):
        if tabs.window() is window:
            states += [(tabs, i) for i in range(tabs.count())]
    for tabs, index in states:
        before = tabs.currentIndex() if tabs is not None else 0
        if tabs is not None:
            tabs.setCurrentIndex(index)
        for letter, targets in _visible_targets(window).items():
            if len(targets) > 1:
                clashes[letter] = sorted(set(clashes.get(letter, [])) | set(targets))
        if tabs is not None:
            tabs.setCurrentIndex(before)
    return clashes


def tab_traps(window: QWidget) -> list[str]:
    """Tables and lists where Tab moves between cells instead of leaving."""
    return [
        view.accessibleName() or view.objectName() or type(view).__name__
        for view in window.findChildren(QAbstractItemView)
        if view.window() is window and view.tabKeyNavigation()
    ]


def too_big(window: QWidget) -> list[str]:
    """The screens (width×height) this window's smallest size does not fit."""
    hint = window.minimumSizeHint()
    width = max(window.minimumWidth(), hint.width() if window.layout() is not None else 0)
    height = max(window.minimumHeight(), hint.height() if window.layout() is not None else 0)
    return [f"{w}×{h} ({width}×{height})" for w, h in SCREENS if width > w or height > h]


def close_what_opens(trigger: Callable[[], object], seen: Callable[[QWidget], None]) -> None:
    """Run `trigger`, closing every popup and modal window it opens (active or not: another
    test's window may hold focus); `seen` is shown each modal before it is closed."""

    def poll() -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()  # a menu opened by the action (View ▸ Columns)
        for modal in QApplication.topLevelWidgets():
            if not (modal.isVisible() and modal.isModal()):
                continue
            seen(modal)
            if isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()

    timer = QTimer()
    timer.setInterval(30)
    timer.timeout.connect(poll)
    timer.start()
    try:
        trigger()
    finally:
        timer.stop()
