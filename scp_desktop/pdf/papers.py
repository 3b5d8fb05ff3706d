"""Checking a PDF paper before it goes into a meeting pack: a real, readable, unlocked PDF."""

from __future__ import annotations

import io
import logging
import warnings

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

MAX_PAPER_BYTES = 25 * 1024 * 1024


class PaperError(ValueError):
    """A file that cannot be a paper of the pack; the message names the file and says why."""


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


def _what_it_is(head: bytes) -> str:
    """What a file that is not a PDF looks like, so the officer knows what to do with it."""
    if head.startswith(b"PK\x03\x04"):
        return "it looks like a Word, Excel or other Office file: save it as PDF and attach that"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it looks like an older Word or Excel file: save it as PDF and attach that"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "it is a picture: put it in a document and save that as PDF"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "it is a web page: print it to PDF and attach that"
    return "it does not start as a PDF file does"


def check_size(size: int, name: str, *, max_bytes: int = MAX_PAPER_BYTES) -> None:
    """Refuse a file too big to be a paper (known from its size, before reading it)."""
    if size > max_bytes:
        raise PaperError(
            f"{name} is {_size(size)}; a paper can be at most {_size(max_bytes)}. "
            "Save a smaller copy (e.g. 'reduced size PDF') and attach that."
        )


def check_paper(content: bytes, name: str, *, max_bytes: int = MAX_PAPER_BYTES) -> int:
    """The number of pages of the PDF `content`; raises PaperError naming `name` when it is
    empty, too big, not a PDF, password-protected or damaged."""
    if not content:
        raise PaperError(f"{name} is empty (0 bytes): it is not a PDF.")
    check_size(len(content), name, max_bytes=max_bytes)
    if b"%PDF-" not in content[:1024]:
        raise PaperError(f"{name} is not a PDF: {_what_it_is(content[:16])}.")
    try:
        # pypdf logs and warns about every repair it makes to a damaged file; the officer
        # is told about damage in one sentence below instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logger = logging.getLogger("pypdf")
            level = logger.level
            logger.setLevel(logging.CRITICAL)
            try:
                return _read(content, name)
            finally:
                logger.setLevel(level)
    except PaperError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, OSError, RecursionError) as exc:  # fmt: skip
        raise PaperError(f"{name} is damaged and cannot be read as a PDF ({exc}).") from exc


def _read(content: bytes, name: str) -> int:
    reader = PdfReader(io.BytesIO(content), strict=False)
    if reader.is_encrypted:
        raise PaperError(
            f"{name} is password-protected (encrypted). Save a copy without the password "
            "and attach that."
        )
    count = len(reader.pages)
    if count == 0:
        raise PaperError(f"{name} has no pages.")
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        if float(box.width) <= 0 or float(box.height) <= 0:
            raise PaperError(f"{name}: page {number} has no size; the file is damaged.")
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()  # decompressing finds a cut-off or corrupt page
    return count
