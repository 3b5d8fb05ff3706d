"""Keeps windows within the screen they open on: long content scrolls, buttons stay in view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

# Types named in full at use: the main window's frame fits itself to the screen before it
# shows, and importing these would create their Python types (QEvent's ~170 kinds) first.
if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QBoxLayout, QWidget

# Room for the window's title bar and frame, which the available geometry does not include.
_FRAME = 40


def scrolled_layout(owner: QWidget, outer: QBoxLayout) -> QBoxLayout:
    """A layout inside a frameless scroll area added to `outer`; what goes in it scrolls when
    the screen is too short, while what goes in `outer` after it (the buttons) stays."""
    area = QtWidgets.QScrollArea(owner)
    area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    body = QtWidgets.QWidget(area)
    inner = QtWidgets.QVBoxLayout(body)
    inner.setContentsMargins(0, 0, 0, 0)
    area.setWidget(body)
    outer.addWidget(area, 1)
    return inner


def content_height(inner: QBoxLayout) -> int:
    """The height of what `scrolled_layout` holds, shown whole."""
    body = inner.parentWidget()
    return body.sizeHint().height() if body is not None else 0


def clamp_to_screen(window: QWidget) -> None:
    """Shrink and move a window so all of it is on its screen's free area."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    width = min(window.width(), free.width())
    height = min(window.height(), free.height() - _FRAME)
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    x = min(max(window.x(), free.left()), free.right() - window.width())
    y = min(max(window.y(), free.top()), free.bottom() - window.height() - _FRAME)
    if (x, y) != (window.x(), window.y()):
        window.move(max(x, free.left()), max(y, free.top()))


def fit_to_screen(window: QWidget) -> None:
    """Clamp `window` to its screen once: the first time it is shown, or before."""
    if not window.property("scp_fitted"):
        window.setProperty("scp_fitted", True)
        clamp_to_screen(window)


class ScreenFit(QObject):
    """Application-wide: each window, as it is first shown, is clamped to its screen."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        shown = event.type() == QtCore.QEvent.Type.Show
        if shown and isinstance(watched, QtWidgets.QDialog | QtWidgets.QMainWindow):
            fit_to_screen(watched)
        return False


def install_screen_fit(app: QApplication) -> ScreenFit:
    fit = ScreenFit(app)
    app.installEventFilter(fit)
    return fit
