"""Reading back every kind of output as text: PDF pages, workbook cells, email drafts."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

FOREIGN_WORDS = ("Colchester", "Essex")


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def pdf_metadata(path: Path) -> str:
    meta = PdfReader(path).metadata or {}
    return " ".join(str(v) for v in meta.values())


def workbook_text(path: Path) -> str:
    """Every cell, sheet name and printed header or footer of a workbook, one per line."""
    book = load_workbook(path)
    texts: list[str] = []
    for sheet in book.worksheets:
        texts.append(sheet.title)
        for part in (sheet.oddHeader, sheet.oddFooter):
            for side in (part.left, part.center, part.right):
                texts.append(side.text or "")
        for row in sheet.iter_rows(values_only=True):
            texts += [str(v) for v in row if v is not None]
    return "\n".join(texts)


def email_text(path: Path) -> str:
    """The draft's headers and body text (the attached workbook is read on its own)."""
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    return headers + "\n" + (body.get_content() if body is not None else "")


def foreign_words(text: str) -> list[str]:
    return [w for w in FOREIGN_WORDS if w.lower() in text.lower()]
