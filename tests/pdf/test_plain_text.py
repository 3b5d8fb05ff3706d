"""Plain-text table cells break lines as a ReportLab Paragraph does; fonts encode as ReportLab does."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from scp_desktop.paths import resources_dir
from scp_desktop.pdf.base import PlainText, Styles, SubsetFont
from scp_desktop.pdf.text import esc

NARRATIVE = (
    "All secondary schools have a named Children's and Young Persons Officer who will regularly "
    "visit and develop relationships with. All Primary schools have a geographical PCSO aligned "
    "to them; 1,071 children took part – “Café” sessions cost £1,250.50 in total."
)
TEXTS = [
    NARRATIVE,
    "Short",
    "A Supercalifragilisticexpialidociousandthensomemoretomakeitlongerthanthecell word",
    "Words\u00a0joined\u00a0by\u00a0no-break\u00a0spaces stay together when they can",
    "x " * 120,
    "Zero\u200bwidth\u200bspaces and\u00a0a no-break space " * 6,
    "Zero\u200bwidth\u200bspaces without the no-break space " * 6,
]


def _paragraph_lines(text: str, width: float) -> list[str]:
    para = Paragraph(esc(text), Styles.cell_small)
    para.wrap(width, 1e6)
    return [" ".join(words) for _, words in para.blPara.lines]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [20 * mm, 38 * mm, 71.5 * mm, 136 * mm])
def test_lines_break_where_a_paragraph_breaks_them(text: str, width: float) -> None:
    plain = PlainText((text, Styles.cell_small))
    para = Paragraph(esc(text), Styles.cell_small)
    assert plain.wrap(width, 1e6) == para.wrap(width, 1e6)
    assert [line[2] for line in plain._lines] == _paragraph_lines(text, width)


def test_line_breaks_and_blank_lines_are_kept() -> None:
    text = "\n  Line one\r\nLine two\n\nLine four after a blank  \n\n"
    plain = PlainText((text, Styles.cell))
    para = Paragraph(esc(text), Styles.cell)
    assert plain.wrap(60 * mm, 1e6) == para.wrap(60 * mm, 1e6)
    assert [line[2] for line in plain._lines] == [
        "Line one",
        "Line two",
        "",
        "Line four after a blank",
    ]


def test_blocks_follow_each_other_at_the_first_style_leading() -> None:
    plain = PlainText(("Title of the project", Styles.cell), ("Key priority 2", Styles.byline))
    _, height = plain.wrap(60 * mm, 1e6)
    assert height == 2 * Styles.cell.leading
    assert plain.texts == ["Title of the project", "Key priority 2"]


def test_empty_text_takes_no_room() -> None:
    assert PlainText(("  \n ", Styles.cell)).wrap(50 * mm, 1e6)[1] == 0


def test_markup_prints_literally() -> None:
    hostile = "<b>bold</b> & <font color='red'>red</font> <img src='/etc/passwd'/> &amp; <br/>"
    out = io.BytesIO()
    doc = SimpleDocTemplate(out)
    doc.build([Table([[PlainText((hostile, Styles.cell))]], colWidths=[120 * mm])])
    text = " ".join(PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text().split())
    assert "<b>bold</b> & <font color='red'>red</font>" in text
    assert "<img src='/etc/passwd'/> &amp; <br/>" in text


class _Doc:
    """Stands for a PDF document: fonts keep their subsets per document."""


def test_subset_font_encodes_lines_as_reportlab_does() -> None:
    path = str(resources_dir() / "fonts" / "DejaVuSans.ttf")
    plain, fast = TTFont("PlainDejaVu", path), SubsetFont("FastDejaVu", path)
    many = "".join(chr(c) for c in range(0x100, 0x250))  # more than one subset holds
    texts = ["Hello", "£ – “café” ŵ", "Hello again", many, "a\u00a0b", many[::-1], "Hello £", ""]
    doc_plain, doc_fast = _Doc(), _Doc()
    for text in texts * 2:
        assert fast.splitString(text, doc_fast) == plain.splitString(text, doc_plain)
