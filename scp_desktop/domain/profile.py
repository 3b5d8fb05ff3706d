"""A partnership's own words: its RAG definitions and what its documents carry."""

from __future__ import annotations

from dataclasses import dataclass

from scp_desktop.domain.rag import RAG, RAG_ORDER

# A logo is printed a few centimetres wide; anything larger than this is a photograph or a
# print-resolution file that would swell every report and return.
MAX_LOGO_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass(frozen=True)
class RagWording:
    """What each colour means to this partnership; blank keeps the standard wording
    (Red = off track, Amber = at risk, Green = on track, Blue = complete)."""

    red: str = ""
    amber: str = ""
    green: str = ""
    blue: str = ""

    def meaning(self, rag: RAG) -> str:
        own = {RAG.RED: self.red, RAG.AMBER: self.amber, RAG.GREEN: self.green, RAG.BLUE: self.blue}
        return own[rag].strip() or rag.meaning

    def lines(self) -> list[str]:
        """'Red (R): Off track' for each colour in RAG order."""
        return [f"{rag.label} ({rag.value}): {self.meaning(rag)}" for rag in RAG_ORDER]


STANDARD_WORDING = RagWording()


def logo_kind(data: bytes) -> str | None:
    """'png' or 'jpeg' from the file's first bytes; None for anything else."""
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    return None


def check_logo(data: bytes, where: str = "The logo") -> str:
    """The logo's kind ('png' or 'jpeg'), or ValueError naming what is wrong with it."""
    if not data:
        raise ValueError(f"{where} is an empty file.")
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError(
            f"{where} is {len(data) // 1024} KB; a logo may be at most "
            f"{MAX_LOGO_BYTES // 1024} KB. Save a smaller copy (about 600 pixels wide is plenty)."
        )
    kind = logo_kind(data)
    if kind is None:
        raise ValueError(f"{where} is not a PNG or JPEG picture.")
    return kind
