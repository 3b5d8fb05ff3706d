"""A document as a Word file (python-docx): real heading styles, captioned tables whose header
row repeats on every page, charts with alt text stating their figures, language en-GB."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from scp_desktop.publish.content import (
    Bullets,
    Cell,
    Document,
    Fields,
    Figure,
    Heading,
    NewPages,
    Para,
    Table,
)

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
LANGUAGE = "en-GB"


def clean(value: str) -> str:
    """Word's XML cannot hold control characters: they are dropped, line breaks kept."""
    return _CONTROLS.sub("", value).replace("\r\n", "\n").replace("\r", "\n")


def _el(parent: Any, tag: str, **attrs: str) -> Any:
    """A child element made directly: python-docx's OxmlElement parses a string per element,
    which makes a 500-action report's tables several times slower."""
    el = etree.SubElement(parent, qn(f"w:{tag}"))
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _new(tag: str, **attrs: str) -> Any:
    el = etree.Element(qn(f"w:{tag}"))
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _runs(p: Any, value: str, *, bold: bool = False, colour: str = "") -> None:
    """The text as runs of a w:p element, one per line with a line break before each next."""
    for i, line in enumerate(clean(value).split("\n")):
        r = _el(p, "r")
        if bold or colour:
            rpr = _el(r, "rPr")
            if bold:
                _el(rpr, "b")
            if colour:
                _el(rpr, "color", val=colour)
        if i:
            _el(r, "br")
        t = _el(r, "t")
        t.text = line
        if line != line.strip():
            t.set(XML_SPACE, "preserve")


def _add_text(p: Paragraph, value: str, *, bold: bool = False) -> None:
    _runs(p._p, value, bold=bold)


def _set_language(doc: WordDocument) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)


def _describe_last_picture(element: Any, alt: str, title: str) -> None:
    """python-docx has no API for alt text: it lives on the drawing's wp:docPr."""
    for doc_pr in element.xpath(".//wp:docPr")[-1:]:
        doc_pr.set("descr", clean(alt))
        doc_pr.set("title", clean(title))


def _usable_width_cm(doc: WordDocument) -> float:
    s = doc.sections[-1]
    assert s.page_width is not None and s.left_margin is not None and s.right_margin is not None
    return float(s.page_width - s.left_margin - s.right_margin) / 360000


def _table(doc: WordDocument, t: Table) -> None:
    caption = doc.add_paragraph()
    # Styles set by id: python-docx looks a style up by name through every style each time.
    caption_pr = caption._p.get_or_add_pPr()
    caption_pr.insert(0, _new("pStyle", val="Caption"))
    _el(caption_pr, "keepNext")
    _add_text(caption, t.caption)
    n = len(t.header)
    table = doc.add_table(rows=0, cols=n)
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    tbl_pr.insert(0, _new("tblStyle", val="TableGrid"))
    # Schema order: tblLayout before tblLook, the caption and description last.
    tbl_pr.find(qn("w:tblLook")).addprevious(_new("tblLayout", type="fixed"))
    for tag in ("tblCaption", "tblDescription"):
        _el(tbl_pr, tag, val=clean(t.caption)[:255])
    widths = t.widths if len(t.widths) == n else (1.0,) * n
    total = sum(widths)
    usable = _usable_width_cm(doc)
    twips = [str(round(usable * w / total * 567)) for w in widths]
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        col.set(qn("w:w"), width)

    def row(cells: tuple[Cell, ...], *, header: bool) -> None:
        tr = _el(tbl, "tr")
        tr_pr = _el(tr, "trPr")
        # A short row is kept on one page; a row longer than a page still flows on.
        _el(tr_pr, "cantSplit")
        if header:
            _el(tr_pr, "tblHeader", val="true")
        for i, (cell, width) in enumerate(zip(cells, twips, strict=True)):
            tc = _el(tr, "tc")
            tc_pr = _el(tc, "tcPr")
            _el(tc_pr, "tcW", w=width, type="dxa")
            fill = HEADER_FILL if header else (cell.rag.hex_colour if cell.rag else "")
            if fill:
                _el(tc_pr, "shd", val="clear", color="auto", fill=fill.lstrip("#"))
            p = _el(tc, "p")
            _el(_el(p, "pPr"), "pStyle", val=TABLE_TEXT_ID)
            ink = "FFFFFF" if header else (cell.rag.ink_colour.lstrip("#") if cell.rag else "")
            _runs(p, cell.text, bold=header or (i == 0 and t.row_headers), colour=ink)

    row(tuple(Cell(h) for h in t.header), header=True)
    for cells in t.rows:
        row(cells, header=False)
    doc.add_paragraph()


def _page_setup(doc: WordDocument, landscape: bool) -> None:
    s = doc.sections[-1]
    s.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21.0)
    s.page_width, s.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(s, side, Cm(2.0))


def _header_footer(doc: WordDocument, d: Document) -> None:
    s = doc.sections[0]
    head = s.header.paragraphs[0]
    if d.logo and d.logo_kind:
        run = head.add_run()
        run.add_picture(io.BytesIO(d.logo), height=Cm(1.2))
        _describe_last_picture(head._p, f"{d.partnership} logo", f"{d.partnership} logo")
        run.add_text("  ")
    _add_text(head, d.partnership)
    foot = s.footer.paragraphs[0]
    _add_text(foot, (d.footer or d.partnership) + " · Page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    field.append(run)
    foot._p.append(field)


HEADER_FILL = "#1F3864"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TABLE_TEXT = "Table text"
TABLE_TEXT_ID = "Tabletext"
INK = RGBColor(0x1F, 0x38, 0x64)  # dark navy: 12:1 on white, readable at any size


def _styles(doc: WordDocument) -> None:
    """Arial throughout; headings, captions and notices in a dark colour (the template's
    light blues fall short of the contrast small text needs)."""
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    sizes = {1: 18, 2: 15, 3: 13, 4: 12, 5: 11, 6: 11}
    for level, size in sizes.items():
        style = doc.styles[f"Heading {level}"]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = INK
        style.font.italic = False
    for name in ("Caption", "Intense Quote"):
        style = doc.styles[name]
        style.font.color.rgb = INK
        style.font.size = Pt(10)
    cells = doc.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    cells.base_style = normal
    cells.font.size = Pt(9)
    cells.paragraph_format.space_after = Pt(0)


def build(d: Document) -> WordDocument:
    doc = new_document()
    _set_language(doc)
    _styles(doc)
    props = doc.core_properties
    props.title = clean(f"{d.title}: {d.subtitle}")[:255]
    props.subject = clean(d.partnership)[:255]
    props.author = clean(d.author)[:255]
    props.language = LANGUAGE
    props.keywords = "community safety partnership report"
    _page_setup(doc, landscape=False)
    _header_footer(doc, d)
    for block in d.blocks:
        if isinstance(block, Heading):
            h = doc.add_heading(level=min(9, block.level))
            _add_text(h, block.text)
        elif isinstance(block, Para):
            p = doc.add_paragraph(style="Intense Quote" if block.note else None)
            _add_text(p, block.text, bold=block.strong)
            if block.strong:
                p.paragraph_format.keep_with_next = True
        elif isinstance(block, Bullets):
            for item in block.items:
                _add_text(doc.add_paragraph(style="List Bullet"), item)
        elif isinstance(block, Fields):
            for label, value in block.rows:
                p = doc.add_paragraph()
                _add_text(p, f"{label}: ", bold=True)
                _add_text(p, value)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Figure):
            doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
            picture = doc.paragraphs[-1]
            picture.paragraph_format.keep_with_next = True
            _describe_last_picture(picture._p, block.alt, block.caption)
            _add_text(doc.add_paragraph(style="Caption"), block.caption)
        elif isinstance(block, NewPages):
            doc.add_section()
            _page_setup(doc, block.landscape)
    return doc


def write(d: Document, out: Path) -> int:
    """Write the file through a temporary name, so a failed write leaves no half file."""
    buffer = io.BytesIO()
    build(d).save(buffer)
    data = buffer.getvalue()
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(data)
