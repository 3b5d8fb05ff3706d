"""The application icon and the card shown while the program starts, through the real start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from scp_desktop.domain.rag import RAG
from scp_desktop.ui.splash import OpeningCard, application_icon, opening_splash


def _close(colour: QColor, hex_colour: str, within: int = 40) -> bool:
    wanted = QColor(hex_colour)
    return all(
        abs(a - b) <= within
        for a, b in zip(
            (colour.red(), colour.green(), colour.blue()),
            (wanted.red(), wanted.green(), wanted.blue()),
            strict=True,
        )
    )


def test_the_icon_shows_a_plan_sheet_with_rag_chips_at_every_size() -> None:
    icon = application_icon()
    assert not icon.isNull()
    for size in (16, 32, 256):
        image = icon.pixmap(QSize(size, size)).toImage()
        assert image.width() == size
        # The navy tile fills the corner region; the red chip sits top left on the sheet.
        assert _close(image.pixelColor(size // 2, round(size * 22 / 256)), "#1F3A5F")
        red = image.pixelColor(round(size * 82 / 256), round(size * 78 / 256))
        assert _close(red, RAG.RED.hex_colour, within=60), (size, red.name())


def test_the_opening_card_shows_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    splash = opening_splash(tmp_path / "scp.db")
    qtbot.addWidget(splash)
    assert splash.isVisible() and "starting" in splash.accessibleName()
    card = splash.pixmap().toImage()
    assert _close(card.pixelColor(200, 2), "#1F3A5F")  # the navy band along the top
    assert splash.windowFlags() & Qt.WindowType.SplashScreen


def test_a_start_shows_the_card_then_the_window_with_the_icon(qtbot: QtBot, tmp_path: Path) -> None:
    from scp_desktop.app import run_gui
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.settings import Settings

    Settings(QSettings()).officer_name = "Pat Officer"  # not asked for on this start
    seen: dict[str, Any] = {}

    def look() -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(50, look)
            return
        seen["splashes"] = [
            w.isVisible() for w in app.topLevelWidgets() if isinstance(w, OpeningCard)
        ]
        seen["icon"] = not app.windowIcon().isNull()
        seen["title"] = windows[0].windowTitle()
        seen["windows"] = windows
        app.exit(0)

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    # Closing the last window would post a quit for the event loops of the tests that follow.
    app.setQuitOnLastWindowClosed(False)
    try:
        QTimer.singleShot(0, look)
        assert run_gui(tmp_path / "plan.db") == 0
    finally:
        for w in seen.get("windows", []):
            w.close()
            w.deleteLater()
        app.setQuitOnLastWindowClosed(True)
    assert not any(seen["splashes"])  # shown during the start, gone once the window is up
    assert seen["icon"] is True
    assert "SCP Desktop" in str(seen["title"])
    assert (tmp_path / "plan.db").exists()
