"""The page furniture every document shares: fonts, styles, header and footer, contents, bookmarks.

Documents are built in a single layout pass. "Page X of Y" and the contents' page numbers are not
known until the last page is laid out, so the canvas keeps every finished page and draws those
on each page when the document is saved.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import XMP
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tables import CellStyle

from scp_desktop.domain.rag import RAG, Travel
from scp_desktop.domain.reports import DOCUMENT_LANGUAGE, AcronymEntry, DocumentInfo
from scp_desktop.paths import resources_dir
from scp_desktop.pdf.logo import logo_flowables
from scp_desktop.pdf.metadata import Metadata, xmp_packet
from scp_desktop.pdf.text import clean, esc, plain

LANGUAGE = DOCUMENT_LANGUAGE

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN_X = 16 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 18 * mm

INK = colors.HexColor("#1A1A1A")
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#8C8C8C")
HEADER_FILL = colors.HexColor("#D9D9D9")
BAND_FILL = colors.HexColor("#EFEFEF")
GRID = colors.HexColor("#A6A6A6")

_fonts_lock = threading.Lock()
_fonts_ready = False


class Cancelled(Exception):
    """The user cancelled a document being built."""


Progress = Callable[[float, str], None]


class SubsetFont(TTFont):  # type: ignore[misc]
    """A TrueType font that encodes text for its PDF subset a whole line at a time.

    ReportLab looks every character of every line drawn up in the subset's code table one
    by one in Python. Once the characters of a line all have codes in the first subset (after
    the first few pages, nearly every line), the same bytes come from one `str.translate`.
    """

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        state = self.state.get(doc)
        if state is not None and text and isinstance(text, str):
            codes = getattr(state, "scp_codes", None)
            if codes is None or codes[0] != len(state.assignments):
                codes = state.scp_codes = _first_subset(state.assignments)
            _, table, known = codes
            if known.issuperset(text):
                return [(0, text.translate(table).encode("latin-1"))]
        result: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        return result


def _first_subset(assignments: dict[int, int]) -> tuple[int, dict[int, str], frozenset[str]]:
    """(how many characters had codes, their first-subset codes, those characters)."""
    table = {char: chr(code) for char, code in assignments.items() if code < 256}
    if 32 in table:
        table[0xA0] = table[32]  # ReportLab prints a no-break space as a space
    return len(assignments), table, frozenset(map(chr, table))


def register_fonts() -> None:
    """Embed the bundled DejaVu fonts: they have £, –, “ ”, ŵ and the arrows the reports use."""
    global _fonts_ready
    with _fonts_lock:
        if _fonts_ready:
            return
        folder = resources_dir() / "fonts"
        for name in (FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC):
            pdfmetrics.registerFont(SubsetFont(name, str(folder / f"{name}.ttf")))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        # A table sets its cells' font as it draws them, Helvetica unless told otherwise, and
        # Helvetica is never embedded: every table of ours uses the bundled font by default.
        CellStyle.fontname = FONT
        # Charts start from the same default when they are drawn.
        STATE_DEFAULTS["fontName"] = FONT
        _fonts_ready = True


# Paragraphs look their fonts up when they are made, so the fonts must exist before any is.
register_fonts()


def _style(name: str, **kw: Any) -> ParagraphStyle:
    # Bullets too: ReportLab's default bullet font is Helvetica, which is never embedded.
    base: dict[str, Any] = {
        "fontName": FONT,
        "bulletFontName": FONT,
        "fontSize": 9.5,
        "leading": 12.5,
        "textColor": INK,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)


class Styles:
    body = _style("body", spaceAfter=5)
    small = _style("small", fontSize=8, leading=10)
    note = _style("note", fontSize=8, leading=10, textColor=GREY, spaceAfter=4)
    cell = _style("cell", fontSize=8, leading=10)
    cell_small = _style("cell_small", fontSize=7.5, leading=9.2)
    note_cell = _style("note_cell", fontSize=7.5, leading=9.2, textColor=GREY)
    note_cell_italic = _style(
        "note_cell_italic", fontName=FONT_ITALIC, fontSize=7.5, leading=9.2, textColor=GREY
    )
    byline = _style("byline", fontSize=7, leading=9.2, textColor=GREY)
    cell_bold = _style("cell_bold", fontName=FONT_BOLD, fontSize=8, leading=10)
    cell_right = _style("cell_right", fontSize=8, leading=10, alignment=TA_RIGHT)
    cell_bold_right = _style(
        "cell_bold_right", fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_RIGHT
    )
    cell_section = _style("cell_section", fontSize=7, leading=10, textColor=GREY)
    cell_centre = _style("cell_centre", fontSize=8, leading=10, alignment=TA_CENTER)
    head_cell = _style("head_cell", fontName=FONT_BOLD, fontSize=8, leading=10)
    head_right = _style(
        "head_right", fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_RIGHT
    )
    head_centre = _style(
        "head_centre", fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_CENTER
    )
    group_cell = _style("group_cell", fontName=FONT_BOLD, fontSize=8.5, leading=11)
    chip = _style(
        "chip", fontName=FONT_BOLD, fontSize=9, leading=11, alignment=TA_CENTER, textColor="white"
    )
    chip_dark = _style(
        "chip_dark", fontName=FONT_BOLD, fontSize=9, leading=11, alignment=TA_CENTER, textColor=INK
    )
    h1 = _style("h1", fontName=FONT_BOLD, fontSize=16, leading=20, spaceBefore=12, spaceAfter=8)
    h2 = _style("h2", fontName=FONT_BOLD, fontSize=12.5, leading=16, spaceBefore=8, spaceAfter=5)
    h3 = _style("h3", fontName=FONT_BOLD, fontSize=10.5, leading=13.5, spaceBefore=8, spaceAfter=3)
    bullet = _style("bullet", leftIndent=12, bulletIndent=2, spaceAfter=2)
    cover_title = _style("cover_title", fontName=FONT_BOLD, fontSize=26, leading=32, spaceAfter=10)
    cover_sub = _style("cover_sub", fontSize=14, leading=19, spaceAfter=6)
    cover_meta = _style("cover_meta", fontSize=10.5, leading=15)
    toc0 = _style("toc0", fontName=FONT_BOLD, fontSize=10, leading=13)
    toc1 = _style("toc1", fontSize=9.5, leading=12.5, leftIndent=14)
    toc2 = _style("toc2", fontSize=9, leading=11.5, leftIndent=28)


# --- text helpers ---------------------------------------------------------------------------


class Para(Paragraph):  # type: ignore[misc]
    """A paragraph that remembers its line breaks for the width it was last wrapped to.

    A table wraps each cell when it measures the rows for a page, again when it is split
    across pages and once more when it draws the cell, always at the column's width. Breaking
    lines is most of the cost of a long report, and the result depends on the width alone.
    """

    _wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availWidth == self._wrapped_at:
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size


# Where ReportLab's paragraphs break text into words when it holds a no-break space (which
# joins words); other text it splits as str.split() does.
_SPACES = re.compile(
    "[\t\n\x0b\x0c\r\x1c-\x1f \x85\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]+"
)
_word_widths: dict[tuple[str, float], dict[str, float]] = {}
_WIDTHS_KEPT = 100_000  # words per font and size; the application builds report after report


def _widths(font: str, size: float) -> dict[str, float]:
    """Widths of the words already measured in this font and size (narratives repeat words)."""
    found = _word_widths.get((font, size))
    if found is None or len(found) > _WIDTHS_KEPT:
        found = _word_widths[font, size] = {}
    return found


class PlainText(Flowable):  # type: ignore[misc]
    """Plain text for a table cell, printed as a Paragraph of the same style prints it.

    Most cells of a long report are user text in one font: titles, narratives, notes. A
    Paragraph parses markup when it is made, and breaks and draws its lines through machinery
    for mixed fonts, links and justification; that is most of the time a report takes. This
    breaks lines the way ReportLab does for one run of text (greedy, spaces may shrink by
    the style's `spaceShrinkage`, a word wider than the cell is cut) and draws them in one
    text object. There is no markup: the text prints exactly as written, with its line breaks.

    `blocks` are texts, each starting on a new line, in their own styles (e.g. a narrative
    then "Reported by" in small grey); lines are `leading` apart, the first style's leading
    unless given, as in a paragraph holding a <br/>.
    """

    def __init__(
        self, *blocks: tuple[object, ParagraphStyle], leading: float | None = None
    ) -> None:
        super().__init__()
        self.blocks: list[tuple[list[str], ParagraphStyle]] = []
        for text, style in blocks:
            raw = clean(text).replace("\t", "    ").split("\n")
            lines = [line.strip() for line in raw]
            while lines and not lines[-1]:
                lines.pop()
            while lines and not lines[0]:
                lines.pop(0)
            self.blocks.append((lines, style))
        self.style = blocks[0][1]
        self.leading = leading if leading is not None else self.style.leading
        self.width: float = 0.0
        self.height: float = 0.0
        self._wrapped_at: float | None = None
        # Per line: style, unused width (negative: spaces shrink), text, number of spaces.
        self._lines: list[tuple[ParagraphStyle, float, str, int]] = []

    @property
    def texts(self) -> list[str]:
        return ["\n".join(lines) for lines, _ in self.blocks]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availWidth != self._wrapped_at:
            self._lines = []
            for lines, style in self.blocks:
                width = availWidth - style.leftIndent - style.rightIndent
                for line in lines:
                    self._break(line, style, width)
            self._wrapped_at = availWidth
        self.width = availWidth
        self.height = len(self._lines) * self.leading
        return self.width, self.height

    def _break(self, text: str, style: ParagraphStyle, max_width: float) -> None:
        font, size = style.fontName, style.fontSize
        out = self._lines
        words = _SPACES.split(text) if "\xa0" in text else text.split()
        if not words:
            out.append((style, max_width, "", 0))
            return
        known = _widths(font, size)
        space = pdfmetrics.stringWidth(" ", font, size)
        shrink = style.spaceShrinkage * space
        line: list[str] = []
        current = -space  # so the first word adds no space
        for word in words:
            width = known.get(word)
            if width is None:
                width = known[word] = pdfmetrics.stringWidth(word, font, size)
            if width > max_width and style.splitLongWords:
                # A word wider than the cell is cut, its first part filling the current line.
                room = max_width - (current + space)
                piece = ""
                for char in word:
                    char_width = pdfmetrics.stringWidth(char, font, size)
                    if char_width > room and (piece or line):
                        parts = [*line, piece] if piece else line
                        out.append((style, room, " ".join(parts), len(parts) - 1))
                        line, piece, room = [], "", max_width
                    piece += char
                    room -= char_width
                line, current = [piece], max_width - room
                continue
            new = current + space + width
            if new > max_width + shrink * len(line) and line:
                out.append((style, max_width - current, " ".join(line), len(line) - 1))
                line, current = [word], width
            else:
                line.append(word)
                current = new
        out.append((style, max_width - current, " ".join(line), len(line) - 1))

    def draw(self) -> None:
        if not self._lines:
            return
        canv = self.canv
        first = self._lines[0][0]
        # The first baseline where a Paragraph puts it.
        if rl_config.paraFontSizeHeightOffset:
            drop = first.fontSize
        else:
            drop = pdfmetrics.getAscentDescent(first.fontName, first.fontSize)[0]
        tx = canv.beginText(0, self.height - drop)
        current: ParagraphStyle | None = None
        x = 0.0
        for style, spare, text, spaces in self._lines:
            if style is not current:
                tx.setFont(style.fontName, style.fontSize, self.leading)
                tx.setFillColor(style.textColor)
                current = style
            left = style.leftIndent
            if style.alignment == TA_RIGHT and spare > 0:
                left += spare
            elif style.alignment == TA_CENTER and spare > 0:
                left += spare / 2
            if left != x:
                tx.moveCursor(left - x, 0)
                x = left
            if spare < -1e-8 and spaces > 0:
                tx.setWordSpace(spare / spaces)
                tx.textLine(text)
                tx.setWordSpace(0)
            else:
                tx.textLine(text)
        canv.drawText(tx)


def p(text: object, style: ParagraphStyle = Styles.body) -> Paragraph:
    """A paragraph of user text: escaped, line breaks kept."""
    return Para(esc(text), style)


def m(markup: str, style: ParagraphStyle = Styles.body) -> Paragraph:
    """A paragraph of our own markup (user parts already passed through esc)."""
    return Para(markup, style)


def travel_text(travel: Travel | None) -> str:
    words = {
        Travel.IMPROVED: "Up",
        Travel.SAME: "Same",
        Travel.DECLINED: "Down",
        Travel.NEW: "New",
    }
    if travel is None:
        return "–"
    return f"{travel.arrow} {words[travel]}"


PADDING = 7.0  # left + right cell padding of `table`


def fit(text: object, width: float, style: ParagraphStyle = Styles.cell) -> str | Flowable:
    """Short user text as a plain table cell (no markup to parse, no wrapping to compute),
    longer text as wrapping plain text. Plain cells print exactly what they hold."""
    raw = clean(text).strip()
    if "\n" not in raw and (
        pdfmetrics.stringWidth(raw, style.fontName, style.fontSize) <= width - PADDING
    ):
        return raw
    return PlainText((raw, style))


def cell(text: object, width: float, style: ParagraphStyle = Styles.cell) -> str | Flowable:
    """A table cell printing what `p(text, style)` prints, as a plain cell when that is one
    line: a plain cell costs no line breaking at all.

    `style` is Styles.cell, or Styles.cell_right for a column the table aligns right.
    """
    raw = clean(text).strip()
    if "\n" in raw or "  " in raw or "\t" in raw:
        return PlainText((raw, style))
    return fit(raw, width, style)


def chip_cell(rag: RAG | None, column: int, row: int) -> tuple[str, list[tuple[Any, ...]]]:
    """The RAG letter as a plain cell and the style commands that colour it."""
    if rag is None:
        return "–", [("ALIGN", (column, row), (column, row), "CENTER")]
    cell = (column, row)
    return rag.value, [
        ("BACKGROUND", cell, cell, colors.HexColor(rag.hex_colour)),
        ("TEXTCOLOR", cell, cell, INK if rag is RAG.AMBER else colors.white),
        ("FONT", cell, cell, FONT_BOLD, 9, 11),
        ("ALIGN", cell, cell, "CENTER"),
    ]


def objective_carry(bands: dict[int, str]) -> CarryFor:
    """For a table of objective bands (row index → objective title) and the rows under each:
    a page that starts under an objective opens with "Objective: … (continued)"."""
    starts = sorted(bands)

    def carry(row: int) -> Carry | None:
        if row in bands:
            return None
        at = bisect_left(starts, row) - 1
        if at < 0:
            return None
        title = bands[starts[at]]
        return Carry(band=PlainText((f"Objective: {title} (continued)", Styles.group_cell)))

    return carry


def continuation_rows(
    reference: str, ref_width: float, pieces: Sequence[Any], columns: int, text_column: int
) -> list[list[Any]]:
    """Rows carrying the rest of a long text, marked as continued.

    A piece is markup, or a cell already made (a paragraph, or a list of them).
    """
    rows: list[list[Any]] = []
    for piece in pieces:
        row: list[Any] = [""] * columns
        row[0] = fit(reference, ref_width)
        row[1] = PlainText(("continued", Styles.note_cell_italic))
        row[text_column] = Para(piece, Styles.cell_small) if isinstance(piece, str) else piece
        rows.append(row)
    return rows


# --- structure flowables ------------------------------------------------------------------


class Heading(Paragraph):  # type: ignore[misc]
    """A heading that is bookmarked in the PDF outline and can be listed in a contents page."""

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        *,
        key: str,
        level: int,
        outline: str | None = None,
    ) -> None:
        super().__init__(esc(text), style)
        self.key = key
        self.level = level
        self.outline = outline if outline is not None else text


class SetHeader(ActionFlowable):  # type: ignore[misc]
    """Changes the running header from the next page on (packs hold several documents)."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.title = title
        self.subtitle = subtitle

    def apply(self, doc: Any) -> None:
        doc.header = (self.title, self.subtitle)


@dataclass(frozen=True)
class ContentsLine:
    key: str | None  # heading key whose page is printed; None: no page (agenda item with no papers)
    text: str
    level: int = 0
    number: str = ""


class ContentsSlot(Flowable):  # type: ignore[misc]
    """Space for contents lines, filled in when the page numbers are known (on save)."""

    def __init__(self, group: str, height: float | None = None) -> None:
        super().__init__()
        self.group = group
        self.fixed = height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.fixed if self.fixed is not None else availHeight - 1
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        x, y = canv.absolutePosition(0, 0)
        canv.slots.setdefault(self.group, []).append(
            (canv.getPageNumber(), x, y, self.width, self.height)
        )


def contents_flowables(
    group: str, lines: Sequence[ContentsLine], width: float, first_height: float, height: float
) -> list[Flowable]:
    """Enough slots for `lines`, judged with the same styles that will draw them."""
    needed = sum(_line_paragraph(line).wrap(width - 40, 1e6)[1] + 3 for line in lines)
    slots: list[Flowable] = [ContentsSlot(group)]
    room = first_height
    while needed > room:
        needed -= room
        room = height
        slots += [PageBreak(), ContentsSlot(group)]
    return slots


def _line_paragraph(line: ContentsLine) -> Paragraph:
    style = (Styles.toc0, Styles.toc1, Styles.toc2)[min(line.level, 2)]
    prefix = f"{esc(line.number)}&nbsp;&nbsp;" if line.number else ""
    return Paragraph(prefix + esc(line.text), style)


# --- the canvas that finishes pages on save -------------------------------------------------


class DeferredCanvas(Canvas):  # type: ignore[misc]
    """Keeps each page until the end so the page count and contents can be drawn on it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self.slots: dict[str, list[tuple[int, float, float, float, float]]] = {}
        self.key_pages: dict[str, int] = {}
        self.contents: dict[str, Sequence[ContentsLine]] = {}
        self.attachment_pages: list[tuple[int, int, int]] = []  # page, attachment, its page
        # page → the room (x, y, width, height) its attached page is scaled into
        self.attachment_boxes: dict[int, tuple[float, float, float, float]] = {}

    def mark(self, key: str, title: str, level: int) -> None:
        """Bookmark the current page; done on save, when the page really exists in the PDF."""
        self._marks = [*getattr(self, "_marks", []), (key, title, level)]

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._marks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            for key, title, level in getattr(self, "_marks", []):
                self.bookmarkHorizontal(key, 0, self._pagesize[1] - MARGIN_TOP + 6 * mm)
                self.addOutlineEntry(title, key, level, closed=level > 0)
            self._finish_page(total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _finish_page(self, total: int) -> None:
        width, _ = self._pagesize
        number = self._pageNumber
        self.saveState()
        self.setFont(FONT, 7.5)
        self.setFillColor(GREY)
        self.drawRightString(width - MARGIN_X, MARGIN_BOTTOM - 10 * mm, f"Page {number} of {total}")
        self.restoreState()
        for group, slots in self.slots.items():
            for index, (page, *_rest) in enumerate(slots):
                if page == self._pageNumber:
                    self._draw_contents(group, index)

    def _leader(self, para: Paragraph, x: float, bottom: float, width: float) -> None:
        """Dots from the end of the entry's last line to its page number."""
        style = para.style
        last = para.blPara.lines[-1]
        spare = last[0] if isinstance(last, tuple) else getattr(last, "extraSpace", 0)
        start = x + (width - 40) - spare + 4
        end = x + width - pdfmetrics.stringWidth("000", style.fontName, style.fontSize) - 4
        if end - start < 10:
            return
        baseline = bottom + (style.leading - style.fontSize) + 0.3 * style.fontSize
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.6)
        self.setDash(0.6, 2.4)
        self.line(start, baseline, end, baseline)
        self.restoreState()

    def _draw_contents(self, group: str, slot_index: int) -> None:
        """Draw the lines that fall in this slot (lines flow through the group's slots in order)."""
        slots = self.slots[group]
        lines = list(self.contents.get(group, ()))
        current = 0
        _, x, top, width, height = slots[0]
        y = top + height
        for line in lines:
            page = self.key_pages.get(line.key) if line.key else None
            para = _line_paragraph(line)
            _, h = para.wrap(width - 40, 1e6)
            if y - h < slots[current][2] and current + 1 < len(slots):
                current += 1
                _, x, bottom, width, height = slots[current]
                y = bottom + height
            if current == slot_index:
                para.drawOn(self, x, y - h)
                if page is not None:
                    # Drawn as a one-line paragraph in the same style, level with the last line.
                    number = Paragraph(
                        str(page),
                        ParagraphStyle("toc_page", parent=para.style, alignment=TA_RIGHT),
                    )
                    number.wrap(40, 1e6)
                    number.drawOn(self, x + width - 40, y - h)
                    self._leader(para, x, y - h, width)
                    if line.key:
                        self.linkRect("", line.key, (x, y - h, x + width, y), relative=0)
            elif current > slot_index:
                break
            y -= h + 3


# --- the document template ------------------------------------------------------------------


class ReportDoc(BaseDocTemplate):  # type: ignore[misc]
    """A4 document with portrait, landscape and cover pages and the shared running header/footer."""

    def __init__(
        self,
        filename: str,
        info: DocumentInfo,
        *,
        subject: str,
        progress: Progress | None = None,
        first: str = "cover",
    ) -> None:
        register_fonts()
        super().__init__(
            filename,
            pagesize=PORTRAIT,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=clean(info.document_title),
            author=clean(info.prepared_by or info.partnership),
            subject=subject,
            creator="SCP Desktop",
            keywords=[clean(info.partnership), clean(info.title)],
            lang=LANGUAGE,
            # The canvas opens every page in this font: Helvetica would be listed, unembedded.
            initialFontName=FONT,
        )
        self.info = info
        self.metadata = Metadata(
            title=clean(info.document_title),
            author=clean(info.prepared_by or info.partnership),
            subject=subject,
            language=LANGUAGE,
            keywords=(clean(info.partnership), clean(info.title)),
            created=info.generated_on,
        )
        self.header = (info.title, info.subtitle)
        self._progress = progress
        self._outline_level = -1
        templates = [
            self._template("portrait", PORTRAIT, header=True),
            self._template("landscape", LANDSCAPE, header=True),
            self._template("cover", PORTRAIT, header=False),
            self._template("cover-landscape", LANDSCAPE, header=False),
        ]
        templates.sort(key=lambda t: t.id != first)
        self.addPageTemplates(templates)
        if progress is not None:
            self.setProgressCallBack(self._on_progress)

    @staticmethod
    def frame_size(size: tuple[float, float]) -> tuple[float, float]:
        return size[0] - 2 * MARGIN_X, size[1] - MARGIN_TOP - MARGIN_BOTTOM

    def _template(self, name: str, size: tuple[float, float], *, header: bool) -> PageTemplate:
        w, h = self.frame_size(size)
        frame = Frame(
            MARGIN_X, MARGIN_BOTTOM, w, h, id=name, leftPadding=0, rightPadding=0, topPadding=0,
            bottomPadding=0,
        )  # fmt: skip
        return PageTemplate(
            id=name,
            frames=[frame],
            pagesize=size,
            onPage=self._draw_furniture if header else self._draw_footer_only,
        )

    def _on_progress(self, kind: str, value: int) -> None:
        assert self._progress is not None
        if kind == "SIZE_EST":
            self._size = max(value, 1)
        elif kind == "PROGRESS":
            self._progress(min(0.1 + 0.85 * value / getattr(self, "_size", value or 1), 0.95), "")
        elif kind == "PAGE":
            self._progress(-1.0, f"Page {value}…")

    def _draw_furniture(self, canv: Canvas, doc: Any) -> None:
        width, height = canv._pagesize
        title, subtitle = self.header
        canv.saveState()
        canv.setFillColor(INK)
        canv.setFont(FONT_BOLD, 8)
        top = height - MARGIN_TOP + 8 * mm
        canv.drawString(MARGIN_X, top, _fit(self.info.partnership, FONT_BOLD, 8, width * 0.4))
        canv.setFont(FONT, 8)
        right = f"{title} · {subtitle}" if subtitle else title
        canv.drawRightString(width - MARGIN_X, top, _fit(right, FONT, 8, width * 0.55))
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, top - 2.2 * mm, width - MARGIN_X, top - 2.2 * mm)
        canv.restoreState()
        self._draw_footer_only(canv, doc)

    def _draw_notice(self, canv: Canvas) -> None:
        """The demo's notice under the header line, on every page (covers too)."""
        notice = self.info.notice
        if not notice:
            return
        width, height = canv._pagesize
        canv.saveState()
        canv.setFont(FONT_ITALIC, 7)
        canv.setFillColor(GREY)
        y = height - MARGIN_TOP + 8 * mm - 5.6 * mm
        canv.drawString(MARGIN_X, y, _fit(notice, FONT_ITALIC, 7, width - 2 * MARGIN_X))
        canv.restoreState()

    def _draw_footer_only(self, canv: Canvas, doc: Any) -> None:
        width, _ = canv._pagesize
        self._draw_notice(canv)
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, MARGIN_BOTTOM - 6 * mm, width - MARGIN_X, MARGIN_BOTTOM - 6 * mm)
        canv.setFont(FONT, 7.5)
        canv.setFillColor(GREY)
        made = self.info.generated_on.strftime("%d/%m/%Y")
        # A partnership with no "Prepared by" in its profile is named instead, never a bare
        # "Prepared".
        who = self.info.prepared_by or self.info.partnership
        line = f"Prepared by {who} · {made}" if who else f"Produced {made}"
        canv.drawString(MARGIN_X, MARGIN_BOTTOM - 10 * mm, _fit(line, FONT, 7.5, width * 0.7))
        if self.info.footer:
            canv.drawString(
                MARGIN_X,
                MARGIN_BOTTOM - 13.5 * mm,
                _fit(self.info.footer, FONT, 7.5, width - 2 * MARGIN_X),
            )
        canv.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            canv = self.canv
            level = min(flowable.level, self._outline_level + 1)
            canv.mark(flowable.key, plain(esc(flowable.outline)), level)
            self._outline_level = level
            canv.key_pages[flowable.key] = canv.getPageNumber()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten a header line with an ellipsis rather than let it run off the page."""
    text = " ".join(clean(text).split())
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def build_document(
    doc: ReportDoc,
    story: list[Flowable],
    contents: dict[str, Sequence[ContentsLine]],
) -> DeferredCanvas:
    """Lay out `story` into `doc` in one pass; returns the finished canvas (pages, slots)."""
    made: list[DeferredCanvas] = []

    def make_canvas(*args: Any, **kwargs: Any) -> DeferredCanvas:
        canv = DeferredCanvas(*args, **kwargs)
        canv.contents = contents
        packet = xmp_packet(doc.metadata).encode("utf-8")
        canv._doc.Catalog.Metadata = XMP(creator=lambda _doc: packet)
        # Readers show the title rather than the file name (accessibility checkers ask for it).
        canv.setViewerPreference("DisplayDocTitle", "true")
        made.append(canv)
        return canv

    doc.build(story, canvasmaker=make_canvas)
    return made[-1]


# --- shared blocks ----------------------------------------------------------------------------


LONG_TABLE = 60  # body rows from which a table is laid out a window at a time
WINDOW_ROWS = 8  # rows a window first holds; doubled until they overflow the page
LONG_COMMAND = 16  # rows from which a style command is looked up apart from the others


@dataclass(frozen=True)
class Carry:
    """What a table prints at the top of a page that starts inside a group of rows: a band
    row inserted above (e.g. "Objective: … (continued)"), and cells replaced in the first row
    (e.g. an objective column left blank under its first row)."""

    band: Any = None
    cells: dict[int, Any] = field(default_factory=dict)


CarryFor = Callable[[int], Carry | None]  # body row index → what to carry when a page starts there


def table(
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    extra: Iterable[tuple[Any, ...]] = (),
    split_in_row: bool = False,
    carry: CarryFor | None = None,
    grid: bool = True,
) -> Flowable:
    """A grid table whose header rows repeat on each page.

    Rows are kept whole (ReportLab's in-row splitting repeats headers mid-page); callers cut
    very long texts into continuation rows with `chunks` instead. A long table is laid out a
    page at a time (`RowTable`), which prints the same; so is any table that carries a group's
    title on to the next page (`carry`), whose commands must count rows from the top.
    """
    extra = list(extra)
    windowable = header_rows == 1 and not split_in_row and all(map(_windowable, extra))
    if carry is not None and not windowable:
        raise ValueError("a table carrying rows over pages needs commands counted from the top")
    if carry is not None or (len(rows) > LONG_TABLE + header_rows and windowable):
        return RowTable(rows, widths, extra, carry=carry, grid=grid)
    return _grid(rows, widths, header_rows, extra, split_in_row, grid=grid)


class _GridCell(CellStyle):  # type: ignore[misc]
    """A grid table cell's style: 8 pt text, top aligned, the grid's padding.

    These are the defaults of every cell, so no style command has to visit each cell of each
    table (a long report makes a table per page) to set them.
    """

    fontname = FONT
    fontsize = 8
    leading = 10
    color = INK
    valign = "TOP"
    leftPadding = 3.5
    rightPadding = 3.5
    topPadding = 2.5
    bottomPadding = 3


def _grid(
    rows: list[list[Any]],
    widths: Sequence[float],
    header_rows: int,
    extra: Iterable[tuple[Any, ...]],
    split_in_row: bool,
    *,
    grid: bool = True,
) -> Table:
    t = Table(
        rows,
        colWidths=list(widths),
        repeatRows=header_rows,
        splitByRow=1,
        splitInRow=72 if split_in_row else 0,
        hAlign="LEFT",
        cellStyles=[[_GridCell("") for _ in row] for row in rows],
    )
    style: list[tuple[Any, ...]] = [("GRID", (0, 0), (-1, -1), 0.4, GRID)] if grid else []
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
    style.extend(extra)
    t.setStyle(TableStyle(style))
    return t


def _rows_of(command: tuple[Any, ...]) -> tuple[int, int]:
    return int(command[1][1]), int(command[2][1])


def _first_row(command: tuple[Any, ...]) -> int:
    return int(command[1][1])


def _span(command: tuple[Any, ...]) -> int:
    first, last = _rows_of(command)
    return last - first


def _first(placed: tuple[int, tuple[Any, ...]]) -> int:
    return _first_row(placed[1])


def _place(placed: tuple[int, tuple[Any, ...]]) -> int:
    return placed[0]


def _windowable(command: tuple[Any, ...]) -> bool:
    """Whether a command stays right when its rows are cut into windows: it styles the
    header row alone, or body rows counted from the top."""
    first, last = _rows_of(command)
    return first == last == 0 or 1 <= first <= last


class _CommandIndex:
    """A long table's style commands by their first row, made once for all its pages, so
    each window finds its own commands without reading them all."""

    def __init__(self, extra: Sequence[tuple[Any, ...]]) -> None:
        # Each command with its place in `extra`: where two style one cell, the later wins.
        self.header = [(i, c) for i, c in enumerate(extra) if _rows_of(c)[1] == 0]
        body = [(i, c) for i, c in enumerate(extra) if _rows_of(c)[0] >= 1]
        # Commands over many rows (a column's alignment) are few and go to every window they
        # touch; the rest are found by their first row, looking back as far as the longest.
        self.spanning = [(i, c) for i, c in body if _span(c) > LONG_COMMAND]
        self.body = sorted(((i, c) for i, c in body if _span(c) <= LONG_COMMAND), key=_first)
        self.firsts = [_first_row(c) for _, c in self.body]
        self.reach = max((_span(c) for _, c in self.body), default=0)
        # A window may not end inside a NOSPLIT range: no cut just before these rows.
        self.joined: set[int] = set()
        for command in extra:
            if command[0] == "NOSPLIT":
                first, last = _rows_of(command)
                self.joined.update(range(max(first, 1) + 1, last + 1))


class RowTable(Flowable):  # type: ignore[misc]
    """A long grid table (one header row) laid out a window of rows at a time.

    ReportLab splits a table page by page, and each split makes a new table of all the
    remaining rows and re-applies every style command to it, so a table of n rows costs
    n² over its pages. Here only a window of rows a little longer than the page becomes a
    ReportLab table; it is split exactly as the whole table would be (the split depends only
    on the rows up to the first that does not fit, and never falls inside a NOSPLIT range),
    and the rest of the rows wait for the next page. `extra` commands use the rows' indices
    in `rows` (header row 0) and must not count from the end.
    """

    hAlign = "LEFT"

    def __init__(
        self,
        rows: list[list[Any]],
        widths: Sequence[float],
        extra: Sequence[tuple[Any, ...]],
        start: int = 1,
        index: _CommandIndex | None = None,
        *,
        carry: CarryFor | None = None,
        grid: bool = True,
    ) -> None:
        super().__init__()
        self.rows = rows
        self.widths = list(widths)
        self.extra = extra
        self.start = start  # the first body row still to place
        self._index = index if index is not None else _CommandIndex(extra)
        self.carry_for = carry
        self.grid = grid
        # A page after the first that starts inside a group carries the group's title.
        self._carry = carry(start) if carry is not None and start > 1 else None
        self.width: float = 0.0
        self.height: float = 0.0
        self._window: Table | None = None
        self._window_for: tuple[float, float] | None = None

    def _make_window(self, end: int) -> Table:
        """Header + rows[start:end] as a table, with the commands that touch those rows."""
        start = self.start
        opening = list(self.rows[start]) if start < len(self.rows) else []
        carried = self._carry
        band: list[list[Any]] = []
        if carried is not None:
            for column, value in carried.cells.items():
                opening[column] = value
            if carried.band is not None:
                band = [[carried.band] + [""] * (len(self.widths) - 1)]
        data = [self.rows[0], *band, *([opening] if opening else []), *self.rows[start + 1 : end]]
        shift = start - 1 - len(band)
        index = self._index
        lo = bisect_left(index.firsts, start - index.reach)
        hi = bisect_left(index.firsts, end)
        found = sorted([*index.body[lo:hi], *index.spanning], key=_place)
        commands: list[tuple[Any, ...]] = [c for _, c in index.header]  # in every window
        for _, command in found:
            first, last = _rows_of(command)
            first, last = max(first, start), min(last, end - 1)
            if first > last:
                continue
            (c0, _), (c1, _) = command[1], command[2]
            commands.append((command[0], (c0, first - shift), (c1, last - shift), *command[3:]))
        if band:
            commands += [
                ("SPAN", (0, 1), (-1, 1)),
                ("BACKGROUND", (0, 1), (-1, 1), BAND_FILL),
                ("NOSPLIT", (0, 1), (-1, 2)),
            ]
        return _grid(data, self.widths, 1, commands, False, grid=self.grid)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._window is not None and self._window_for == (availWidth, availHeight):
            return self.width, self.height
        size = WINDOW_ROWS
        while True:
            end = min(self.start + size, len(self.rows))
            while end < len(self.rows) and end in self._index.joined:
                end += 1
            window = self._make_window(end)
            width, height = window.wrap(availWidth, availHeight)
            # Overflowing inside the window, the split point is inside it too.
            if height > availHeight or end == len(self.rows):
                break
            size *= 2
        self._window, self._window_for = window, (availWidth, availHeight)
        self.width, self.height = width, height
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        assert self._window is not None
        pieces: list[Flowable] = self._window.split(availWidth, availHeight)
        if len(pieces) < 2:
            return pieces
        band = 1 if self._carry is not None and self._carry.band is not None else 0
        placed = len(pieces[0]._cellvalues) - 1 - band
        if placed <= 0:
            return []
        rest = RowTable(
            self.rows,
            self.widths,
            self.extra,
            self.start + placed,
            self._index,
            carry=self.carry_for,
            grid=self.grid,
        )
        return [pieces[0], rest]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        assert self._window is not None
        self._window.drawOn(canvas, x, y, _sW)

    def cells(self) -> list[list[Any]]:
        carried = self._carry
        extra = [] if carried is None else [[carried.band, *carried.cells.values()]]
        return [self.rows[0], *extra, *self.rows[self.start :]]


def header_row(labels: Sequence[str], right: Sequence[int] = ()) -> list[Flowable]:
    return [
        PlainText((label, Styles.head_right if i in right else Styles.head_cell))
        for i, label in enumerate(labels)
    ]


def cover(
    info: DocumentInfo,
    lines: Sequence[tuple[str, str]],
    notes: Sequence[str] = (),
    *,
    top: float = 40 * mm,
) -> list[Flowable]:
    """A cover page: partnership (with its logo), title, subtitle and the document's particulars."""
    story: list[Flowable] = [
        Spacer(1, top),
        *logo_flowables(info.logo),
        p(info.partnership, Styles.cover_sub),
        p(info.area, Styles.note) if info.area else Spacer(1, 1),
        Spacer(1, 14 * mm),
        p(info.title, Styles.cover_title),
        p(info.subtitle, Styles.cover_sub),
        Spacer(1, 16 * mm),
    ]
    if info.contact and not any(k == "Contact" for k, _ in lines):
        lines = [*lines, ("Contact", info.contact)]
    rows = [[m(esc(k), Styles.cell_bold), p(v, Styles.cell)] for k, v in lines if v]
    story.append(
        Table(
            rows,
            colWidths=[45 * mm, 120 * mm],
            hAlign="LEFT",
            style=TableStyle(
                [
                    ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
    )
    for note in notes:
        story += [Spacer(1, 8 * mm), p(note, Styles.note)]
    return story


def section_heading(
    text: str, key: str, *, level: int = 0, outline: str | None = None
) -> list[Flowable]:
    """A heading that never sits alone at the foot of a page."""
    style = (Styles.h1, Styles.h2, Styles.h3)[min(level, 2)]
    room = (70 * mm, 55 * mm, 40 * mm)[min(level, 2)]
    return [CondPageBreak(room), Heading(text, style, key=key, level=level, outline=outline)]


_WORD = re.compile(r"[A-Za-z0-9]+")
_AMPERSAND_WORD = re.compile(r"[A-Za-z0-9]+(?:&[A-Za-z0-9]+)+")


def words_of(texts: Iterable[str]) -> set[str]:
    """Whole words as a reader sees them: 'CBC/EP' holds CBC and EP; 'A&E' stays one word."""
    texts = list(texts)
    # One search over all the texts (a line break joins no words) rather than one per text.
    words = set(_WORD.findall("\n".join(texts)))
    words.update(_AMPERSAND_WORD.findall("\n".join(t for t in texts if "&" in t)))
    return words


def acronyms_used(texts: Iterable[str], acronyms: Sequence[AcronymEntry]) -> list[AcronymEntry]:
    """The acronyms that appear as whole words in the texts, and in the meanings of those found."""
    words = words_of(texts)
    found: dict[str, AcronymEntry] = {}
    pending = [a for a in acronyms if a.abbreviation in words]
    while pending:
        entry = pending.pop()
        if entry.abbreviation in found:
            continue
        found[entry.abbreviation] = entry
        meaning = words_of([entry.meaning])
        pending += [
            a for a in acronyms if a.abbreviation not in found and a.abbreviation in meaning
        ]
    return sorted(found.values(), key=lambda a: a.abbreviation.lower())


def story_texts(story: Iterable[Any]) -> list[str]:
    """Every piece of text a reader will see in the flowables (tables, keep-togethers, charts)."""
    found: list[str] = []

    def walk(item: Any) -> None:
        if item is None:
            return
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, Paragraph):
            found.append(plain(item.text))
        elif isinstance(item, Table):
            for row in item._cellvalues:
                for cell in row:
                    walk(cell)
        elif isinstance(item, RowTable):
            for row in item.cells():
                for cell in row:
                    walk(cell)
        elif isinstance(item, KeepTogether):
            for sub in item._content:
                walk(sub)
        elif isinstance(item, list | tuple):
            for sub in item:
                walk(sub)
        else:
            texts = getattr(item, "texts", None)
            if texts:
                found.extend(texts)

    for flowable in story:
        walk(flowable)
    return found


@dataclass
class Part:
    """Flowables of one document (or one part of a pack) and the lines for its contents page."""

    flowables: list[Flowable] = field(default_factory=list)
    contents: list[ContentsLine] = field(default_factory=list)

    def heading(self, text: str, key: str, level: int = 0, outline: str | None = None) -> None:
        self.flowables += section_heading(text, key, level=level, outline=outline)
        self.contents.append(ContentsLine(key, text, level))


def glossary(key: str, entries: Sequence[AcronymEntry]) -> list[Flowable]:
    story = section_heading("Glossary", key)
    if not entries:
        story.append(p("No abbreviations are used in this document.", Styles.body))
        return story
    rows: list[list[Any]] = [header_row(["Abbreviation", "Meaning"])]
    rows += [[p(a.abbreviation, Styles.cell_bold), p(a.meaning, Styles.cell)] for a in entries]
    story.append(table(rows, [32 * mm, 120 * mm]))
    return story


def bullets(items: Iterable[str], style: ParagraphStyle = Styles.bullet) -> list[Flowable]:
    return [Paragraph(esc(item), style, bulletText="•") for item in items]
