"""PDF papers for meeting tests: real small PDFs with a marker on each page, and broken ones."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas


def paper_pdf(label: str, pages: int, size: tuple[float, float] = (595, 842)) -> bytes:
    """A PDF whose page n says '<label> PAGE n' (US Letter or landscape sizes are fine too)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, pageCompression=1)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 16)
        canvas.drawString(72, size[1] - 120, f"{label} PAGE {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def write_paper(folder: Path, name: str, label: str, pages: int) -> Path:
    path = folder / name
    path.write_bytes(paper_pdf(label, pages))
    return path


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(paper_pdf("SECRET", 1))))
    writer.encrypt("letmein")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated_pdf() -> bytes:
    whole = paper_pdf("CUT", 3)
    return whole[: len(whole) // 2]


def word_file() -> bytes:
    """The start of a .docx (a zip), as a report saved in Word would be."""
    return b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200
