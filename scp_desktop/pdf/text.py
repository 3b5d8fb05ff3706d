"""Making user text safe for ReportLab paragraphs, and reading printed text back for the glossary."""

from __future__ import annotations

import html
import re
from xml.sax.saxutils import escape

# C0/C1 control characters other than tab and newline; ReportLab would print them as boxes
# or choke on them, and they are never meant to be seen.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_TAG = re.compile(r"<[^>]*>")


def clean(text: object) -> str:
    """Plain text without control characters, with Windows and old Mac line ends as newlines."""
    if text is None:
        return ""
    raw = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", raw)


def esc(text: object) -> str:
    """User text as paragraph markup that prints literally: no tags, links, images or entities.

    Line breaks the writer typed are kept; tabs become spaces.
    """
    safe = escape(clean(text).replace("\t", "    "))
    lines = [line.strip() for line in safe.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "<br/>".join(lines)


def plain(markup: str) -> str:
    """The text a reader sees in paragraph markup (for finding acronyms)."""
    return html.unescape(_TAG.sub(" ", markup))


def chunks(text: object, limit: int = 1200) -> list[str]:
    """Long text cut into pieces of at most `limit` characters, at line, sentence or word ends.

    Tables keep each row whole on a page; a very long narrative is printed as several rows
    so that it runs on to the next page cleanly instead of overflowing the page.
    """
    raw = clean(text).strip()
    if len(raw) <= limit:
        return [raw]
    pieces: list[str] = []
    current = ""
    for unit in _units(raw, limit):
        joiner = "" if not current or unit.startswith("\n") else " "
        if current and len(current) + len(joiner) + len(unit) > limit:
            pieces.append(current.strip())
            current = unit.lstrip("\n")
        else:
            current += joiner + unit
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _units(text: str, limit: int) -> list[str]:
    """Lines, else sentences, else words, each no longer than `limit`."""
    units: list[str] = []
    for i, line in enumerate(text.split("\n")):
        prefix = "\n" if i else ""
        if len(line) <= limit:
            units.append(prefix + line)
            continue
        for j, sentence in enumerate(re.split(r"(?<=[.!?])\s+", line)):
            lead = prefix if j == 0 else ""
            if len(sentence) <= limit:
                units.append(lead + sentence)
                continue
            words = sentence.split(" ")
            for k, word in enumerate(words):
                while len(word) > limit:  # one enormous "word": cut it
                    units.append(word[:limit])
                    word = word[limit:]
                units.append((lead if k == 0 else "") + word)
    return units
