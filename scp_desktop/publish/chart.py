"""Charts drawn as small PNG images with no text in them: their figures go in the alt text."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

from scp_desktop.domain.rag import RAG, RAG_ORDER

Colour = tuple[int, int, int]
NOT_REPORTED: Colour = (0x9E, 0x9E, 0x9E)
WHITE: Colour = (0xFF, 0xFF, 0xFF)
RULE: Colour = (0x42, 0x42, 0x42)


def _rgb(hex_colour: str) -> Colour:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def png(width: int, height: int, pixels: bytearray) -> bytes:
    """Encode RGB pixels (row by row, 3 bytes each) as a PNG file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    stride = width * 3
    raw = b"".join(b"\x00" + bytes(pixels[y * stride : (y + 1) * stride]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _fill(pixels: bytearray, width: int, box: tuple[int, int, int, int], colour: Colour) -> None:
    x0, y0, x1, y1 = box
    row = bytes(colour) * (x1 - x0)
    for y in range(y0, y1):
        start = (y * width + x0) * 3
        pixels[start : start + len(row)] = row


def rag_bars(rows: Sequence[Sequence[int]], width: int = 720, bar: int = 34) -> bytes:
    """One horizontal bar per row, split into Red, Amber, Green, Blue and not reported in
    proportion to its counts; white gaps between the parts so they differ without colour."""
    gap = 14
    height = max(1, len(rows)) * (bar + gap) + gap
    pixels = bytearray(bytes(WHITE) * (width * height))
    colours = [_rgb(r.hex_colour) for r in RAG_ORDER] + [NOT_REPORTED]
    left, usable = 4, width - 8
    for i, counts in enumerate(rows):
        total = sum(counts)
        y0 = gap + i * (bar + gap)
        _fill(pixels, width, (left - 2, y0 - 2, left, y0 + bar + 2), RULE)
        if total == 0:
            continue
        x = left
        for n, colour in zip(counts, colours, strict=False):
            w = round(usable * n / total)
            if w > 0:
                _fill(pixels, width, (x, y0, min(x + w, left + usable), y0 + bar), colour)
                x += w
                # A white seam so neighbouring parts are told apart in greyscale too.
                _fill(pixels, width, (max(left, x - 2), y0, x, y0 + bar), WHITE)
    return png(width, height, pixels)


def rag_alt(names: Sequence[str], rows: Sequence[Sequence[int]]) -> str:
    """The chart's figures in words, one sentence per bar."""
    labels = [r.label for r in RAG_ORDER] + ["not reported"]
    parts = []
    for name, counts in zip(names, rows, strict=True):
        said = ", ".join(f"{n} {label}" for n, label in zip(counts, labels, strict=True))
        parts.append(f"{name}: {said} (of {sum(counts)} actions).")
    return "Bar chart of actions by RAG status. " + " ".join(parts)


def counts_of(counter: dict[RAG | None, int]) -> list[int]:
    return [counter.get(r, 0) for r in RAG_ORDER] + [counter.get(None, 0)]
