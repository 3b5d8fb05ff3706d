"""Escaping user text for ReportLab paragraphs."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from scp_desktop.domain.reports import AcronymEntry
from scp_desktop.pdf.base import Styles, acronyms_used
from scp_desktop.pdf.text import esc, plain


def test_markup_is_escaped_and_newlines_kept() -> None:
    out = esc('R&D <b>bold <font name="x">x</font> <a href="http://evil">y</a>\r\nnext')
    assert "<b>" not in out and "<a " not in out and "<font" not in out
    assert out.endswith("<br/>next")
    assert "&amp;D" in out


def test_control_characters_are_stripped_but_accents_kept() -> None:
    assert esc("a\x00b\x07c\x1bd é – £") == "abcd é – £"


def test_escaped_text_always_parses() -> None:
    for text in [
        "<b>unclosed",
        "<font name=nope>",
        "<img src='/etc/passwd'/>",
        "a < b & c > d",
        "&amp;",
    ]:
        para = Paragraph(esc(text), Styles.body)
        assert plain(para.text).strip() == text.strip()


def test_acronyms_found_as_whole_words_and_through_meanings() -> None:
    acronyms = [
        AcronymEntry("CBC", "Colchester Borough Council"),
        AcronymEntry("CSP", "Community Safety Partnership"),
        AcronymEntry("SCP", "Safer Colchester Partnership, a CSP"),
        AcronymEntry("EP", "Essex Police"),
        AcronymEntry("A&E", "Accident and Emergency"),
    ]
    found = acronyms_used(["Led by CBC/ECFRS", "SCP report", "SEPT", "went to A&E"], acronyms)
    assert [a.abbreviation for a in found] == ["A&E", "CBC", "CSP", "SCP"]
