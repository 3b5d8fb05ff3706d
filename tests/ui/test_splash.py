"""The application icon."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor

from scp_desktop.domain.rag import RAG
from scp_desktop.ui.splash import application_icon


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
