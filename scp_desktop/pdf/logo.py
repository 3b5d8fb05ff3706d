"""The partnership's logo on a document's cover, drawn at a fixed height whatever its size."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Spacer

LOGO_HEIGHT = 22 * mm
LOGO_MAX_WIDTH = 70 * mm


def logo_size(data: bytes) -> tuple[int, int]:
    """The picture's width and height in pixels; ValueError when it cannot be read."""
    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
    except Exception as exc:  # the image library raises many kinds for a damaged picture
        raise ValueError("The logo cannot be read as a picture (the file may be damaged).") from exc
    if width <= 0 or height <= 0:
        raise ValueError("The logo has no size.")
    return int(width), int(height)


def logo_flowables(data: bytes | None) -> list[Flowable]:
    """The logo scaled to the cover's logo box, left-aligned, with space under it; nothing
    when there is no logo or it cannot be read (a document is never refused for its logo)."""
    if not data:
        return []
    try:
        width, height = logo_size(data)
    except ValueError:
        return []
    scale = min(LOGO_HEIGHT / height, LOGO_MAX_WIDTH / width)
    image = Image(io.BytesIO(data), width=width * scale, height=height * scale)
    image.hAlign = "LEFT"
    return [image, Spacer(1, 6 * mm)]
