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
