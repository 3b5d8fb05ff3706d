"""The application's icon, and the card shown while the rest of the program loads.

Importing the database layer and the main window takes about a second on an office laptop;
this module needs only Qt, so the officer sees that the program is starting at once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel

from scp_desktop import APP_NAME, __version__
from scp_desktop.paths import resources_dir

ICON_FILE = "icons/scp-desktop.svg"
_CARD = QSize(440, 200)
_NAVY = QColor("#1F3A5F")


def application_icon() -> QIcon:
    """The icon of every window and of the taskbar button (a plan sheet with RAG chips)."""
    return QIcon(str(resources_dir() / ICON_FILE))


class OpeningCard(QLabel):
    """The card itself: a frameless splash window in the middle of the screen.

    Not a QSplashScreen: showing one waits up to a second for the platform to say the
    window is on screen, which some never say.
    """

    def __init__(self, card: QPixmap) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setPixmap(card)
        self.setFixedSize(_CARD)
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(f"{APP_NAME} is starting")
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            frame = self.frameGeometry()
            frame.moveCenter(screen.availableGeometry().center())
            self.move(frame.topLeft())


def opening_splash(database: Path) -> OpeningCard:
    """A card with the icon, the program's name and the plan file being opened, shown now."""
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    card = QPixmap(_CARD * ratio)
    card.setDevicePixelRatio(ratio)
    card.fill(QColor("#FFFFFF"))
    painter = QPainter(card)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRect(0, 0, _CARD.width(), 6), _NAVY)
    painter.drawPixmap(28, 44, application_icon().pixmap(QSize(96, 96)))
    title = QFont(painter.font())
    title.setPointSizeF(title.pointSizeF() * 1.8)
    title.setBold(True)
    painter.setFont(title)
    painter.setPen(_NAVY)
    text_left = 148
    painter.drawText(QRect(text_left, 48, _CARD.width() - text_left - 20, 40), 0, APP_NAME)
    small = QFont(painter.font())
    small.setPointSizeF(title.pointSizeF() / 1.8)
    small.setBold(False)
    painter.setFont(small)
    painter.setPen(QColor("#455A64"))
    painter.drawText(
        QRect(text_left, 92, _CARD.width() - text_left - 20, 20), 0, f"Version {__version__}"
    )
    painter.drawText(
        QRect(text_left, 120, _CARD.width() - text_left - 20, 40),
        int(Qt.TextFlag.TextWordWrap),
        f"Opening {database.name}…",
    )
    painter.setPen(QColor("#CFD8DC"))
    painter.drawRect(QRect(0, 0, _CARD.width() - 1, _CARD.height() - 1))
    painter.end()
    shown = OpeningCard(card)
    shown.show()
    shown.repaint()  # painted now: the event loop does not run until the window is built
    return shown
