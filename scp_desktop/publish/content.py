"""A document as a list of plain blocks (headings, paragraphs, tables, figures) that the Word and
HTML writers lay out the same way, so both carry one structure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from scp_desktop.domain.profile import logo_kind
from scp_desktop.domain.rag import RAG
from scp_desktop.domain.reports import DocumentInfo


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = the document's title; each section one deeper than its parent
    text: str


@dataclass(frozen=True)
class Para:
    text: str  # line breaks kept as written
    strong: bool = False
    note: bool = False  # a notice set apart from the text


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Fields:
    """Label and value pairs, as in a committee report's header block."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Cell:
    """A table cell: its words, and the RAG it states (shaded, never the only sign)."""

    text: str
    rag: RAG | None = None


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths; equal when empty
    row_headers: bool = False  # the first column names each row


@dataclass(frozen=True)
class Figure:
    """A chart as an image without any text in it; `alt` states its figures in words."""

    png: bytes
    alt: str
    caption: str
    width_cm: float
    height_cm: float


@dataclass(frozen=True)
class NewPages:
    """Start new pages, landscape for wide tables (an appendix of the whole plan)."""

    landscape: bool


Block = Heading | Para | Bullets | Fields | Table | Figure | NewPages


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    partnership: str
    author: str
    footer: str
    generated_on: dt.date
    logo: bytes | None
    blocks: tuple[Block, ...] = field(default=())
    language: str = "en-GB"

    @property
    def logo_kind(self) -> str | None:
        return logo_kind(self.logo) if self.logo else None


def document(info: DocumentInfo, blocks: list[Block]) -> Document:
    return Document(
        title=info.title,
        subtitle=info.subtitle,
        partnership=info.partnership,
        author=info.prepared_by or info.partnership,
        footer=info.footer,
        generated_on=info.generated_on,
        logo=info.logo,
        blocks=tuple(blocks),
    )


def rag_cell(rag: RAG | None, empty: str = "Not reported") -> Cell:
    """'Red (R)' with its shading; words first so no reader depends on the colour."""
    if rag is None:
        return Cell(empty)
    return Cell(f"{rag.label} ({rag.value})", rag)


def table(
    caption: str,
    header: list[str],
    rows: list[list[str | Cell]],
    widths: tuple[float, ...] = (),
    *,
    row_headers: bool = False,
) -> Table:
    return Table(
        caption,
        tuple(header),
        tuple(tuple(c if isinstance(c, Cell) else Cell(c) for c in row) for row in rows),
        widths,
        row_headers,
    )


def paragraphs(text: str) -> list[Para]:
    """The officer's text as paragraphs: a blank line starts a new one."""
    parts = [p.strip("\n") for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n\n")]
    return [Para(p) for p in parts if p.strip()]
