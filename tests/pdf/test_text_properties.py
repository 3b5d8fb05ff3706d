"""Property tests: any text officers or partners write prints literally in a report."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from scp_desktop.pdf.base import Styles
from scp_desktop.pdf.text import chunks, clean, esc, plain

# Text, and text made of the pieces of markup and entities that break unescaped paragraphs.
MARKUP = [
    "<b>",
    "</b>",
    "<font name=x>",
    "<a href='http://x'>",
    "<img src='/etc/passwd'/>",
    "<br/>",
    "&",
    "&amp;",
    "&#0;",
    "&nbsp;",
    ";",
    "<",
    ">",
    '"',
    "'",
    "\r\n",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x0b",
    "\x85",
    "\u2028",
    "\ufffe",
    " ",
    "R&D",
    "ŵŷ",
    "🚓",
]
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(MARKUP), st.text(max_size=5)), max_size=30).map("".join),
)


def _words(text: str) -> list[str]:
    return text.split()


@given(texts)
@settings(max_examples=200, deadline=None)
def test_escaped_text_is_well_formed_markup_that_prints_the_text(text: str) -> None:
    markup = esc(text)
    assert "<" not in markup.replace("<br/>", "")
    for style in (Styles.body, Styles.cell_bold):
        paragraph = Paragraph(markup, style)
        paragraph.wrap(200, 10_000)
        paragraph.drawOn(Canvas(io.BytesIO()), 0, 0)
    # What a reader sees is what was written, line breaks and all; only control
    # characters and padding spaces are gone.
    shown = plain(markup.replace("<br/>", "\n"))
    assert _words(shown) == _words(clean(text).replace("\t", "    "))
    assert shown.count("\n") <= clean(text).count("\n")


@given(texts.map(lambda t: t * 20), st.integers(20, 1500))
@settings(max_examples=80, deadline=None)
def test_long_text_is_cut_into_pieces_that_keep_every_word(text: str, limit: int) -> None:
    pieces = chunks(text, limit)
    assert pieces
    assert all(len(piece) <= limit for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(clean(text).split())
    for piece in pieces:
        Paragraph(esc(piece), Styles.cell).wrap(200, 100_000)
