"""Reading a written .docx (its XML) and HTML file back, to check what a reader would get."""

from __future__ import annotations

import itertools
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import docx
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def docx_xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def heading_levels(path: Path) -> list[tuple[int, str]]:
    """(level, text) of every paragraph in a Heading N style, in order."""
    d = docx.Document(str(path))
    found = []
    for p in d.paragraphs:
        name = p.style.name if p.style is not None else ""
        if name.startswith("Heading "):
            found.append((int(name.split()[1]), p.text))
    return found


def levels_in_order(levels: list[int]) -> bool:
    """The first is level 1 and no heading goes more than one level deeper than the last."""
    if not levels or levels[0] != 1:
        return False
    return all(b <= a + 1 for a, b in itertools.pairwise(levels))


def docx_text(path: Path) -> str:
    """Every text run of the body, tables included, and of headers and footers."""
    parts = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                for p in root.iter(f"{{{W}}}p"):
                    parts.append("".join(t.text or "" for t in p.iter(f"{{{W}}}t")))
    return "\n".join(parts)


@dataclass
class HtmlDoc:
    lang: str = ""
    title: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)
    landmarks: list[str] = field(default_factory=list)
    tables: list[dict[str, object]] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)
    outside_landmarks: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    srcs: list[str] = field(default_factory=list)
    rag_cells: list[str] = field(default_factory=list)
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = HtmlDoc()
        self.stack: list[str] = []
        self.where: list[str] = []  # landmarks open
        self.in_title = False
        self.heading: tuple[int, list[str]] | None = None
        self.table: dict[str, object] | None = None
        self.cell: tuple[str, dict[str, str | None], list[str]] | None = None
        self.caption: list[str] | None = None
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.doc.tags.add(tag)
        if tag == "html":
            self.doc.lang = a.get("lang") or ""
        if tag == "title":
            self.in_title = True
        if tag in ("header", "main", "footer", "nav", "aside"):
            self.doc.landmarks.append(tag)
            self.where.append(tag)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = (int(tag[1]), [])
        if tag == "table":
            self.table = {"caption": "", "header_scopes": [], "row_scopes": [], "rows": 0}
        if tag == "caption":
            self.caption = []
        if tag in ("th", "td"):
            self.cell = (tag, a, [])
        if tag == "tr" and self.table is not None:
            self.table["rows"] = int(str(self.table["rows"])) + 1
        if tag in ("img", "script", "link", "iframe", "source", "video", "audio"):
            src = a.get("src") or a.get("href") or ""
            self.doc.srcs.append(src)
        if tag == "img":
            self.doc.images.append({k: v or "" for k, v in a.items()})
        if tag in ("p", "ul", "table", "dl", "figure", "h1", "h2", "h3", "img") and not self.where:
            self.doc.outside_landmarks.append(tag)
        if tag == "br":
            self.texts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in ("header", "main", "footer", "nav", "aside") and self.where:
            self.where.pop()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.heading is not None:
            self.doc.headings.append((self.heading[0], "".join(self.heading[1])))
            self.heading = None
        if tag == "caption" and self.caption is not None and self.table is not None:
            self.table["caption"] = "".join(self.caption)
            self.caption = None
        if tag in ("th", "td") and self.cell is not None and self.table is not None:
            kind, attrs, words = self.cell
            if kind == "th":
                key = "row_scopes" if attrs.get("scope") == "row" else "header_scopes"
                scopes = self.table[key]
                assert isinstance(scopes, list)
                scopes.append(attrs.get("scope"))
            if (attrs.get("class") or "").startswith("rag-"):
                self.doc.rag_cells.append("".join(words))
            self.cell = None
        if tag == "table" and self.table is not None:
            self.doc.tables.append(self.table)
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.doc.title += data
        if self.heading is not None:
            self.heading[1].append(data)
        if self.caption is not None:
            self.caption.append(data)
        if self.cell is not None:
            self.cell[2].append(data)
        self.texts.append(data)


def read_html(path: Path) -> HtmlDoc:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    reader.doc.text = "".join(reader.texts)
    return reader.doc
