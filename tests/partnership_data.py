"""A partnership that is not the demo, for tests: its profile, a logo and a small plan."""

from __future__ import annotations

import struct
import zlib

from scp_desktop.domain.profile import RagWording
from scp_desktop.services.profile import PartnershipProfile

ANYTOWN = PartnershipProfile(
    name="Safer Anytown Partnership",
    abbreviation="SAP",
    area="Anytown Borough",
    prepared_by="Anytown Community Safety Team",
    contact="community.safety@anytown.example",
    footer="OFFICIAL – Safer Anytown Partnership, Town Hall, Anytown",
    rag=RagWording(blue="Delivered and closed"),
)


def png_logo(
    width: int = 120, height: int = 40, rgb: tuple[int, int, int] = (20, 90, 160)
) -> bytes:
    """A small solid-colour PNG, written by hand so no picture library is needed to make it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
