"""The parts of a meeting pack: its agenda with page ranges, each item's cover sheet, the
pages kept for attached PDF papers and their merging, and where everything landed.

The agenda prints the pages each item, paper and report occupies, so the pack is laid out
twice: the first layout finds the pages, the second prints them (the agenda keeps the same
size either way, so the pages stay where they were; `build` checks that they did).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
)

from scp_desktop.domain.meetings import PART_LABELS, page_range, when_label
from scp_desktop.domain.reports import (
    AgendaEntry,
    MeetingPack,
    PlanDocument,
    QuarterlyReport,
    YearEndReport,
)
from scp_desktop.pdf.base import (
    BAND_FILL,
    FONT_BOLD,
    GREY,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PORTRAIT,
    RULE,
    DeferredCanvas,
    Heading,
    ReportDoc,
    SetHeader,
    Styles,
    m,
    p,
)
from scp_desktop.pdf.papers import PaperError, check_paper
from scp_desktop.pdf.text import esc

WIDTH = ReportDoc.frame_size(PORTRAIT)[0]
GLOSSARY_KEY = "pack-glossary"

_item_title = ParagraphStyle("agenda_item", parent=Styles.body, fontName=FONT_BOLD, spaceAfter=2)
_item_number = ParagraphStyle("agenda_number", parent=_item_title)
_pages = ParagraphStyle("agenda_pages", parent=_item_title, alignment=TA_RIGHT)
_paper = ParagraphStyle(
    "agenda_paper", parent=Styles.body, fontSize=9, leading=11.5, leftIndent=8, spaceAfter=0
)
_paper_pages = ParagraphStyle("agenda_paper_pages", parent=_paper, leftIndent=0, alignment=TA_RIGHT)
_describe = ParagraphStyle("agenda_text", parent=Styles.small, spaceAfter=2)
_marked = ParagraphStyle(
    "agenda_exempt", parent=Styles.small, fontName=FONT_BOLD, textColor=INK, spaceAfter=2
)
_right = ParagraphStyle("pack_right", parent=Styles.cell, alignment=TA_RIGHT)
_banner = ParagraphStyle(
    "exempt_banner", parent=Styles.body, fontName=FONT_BOLD, fontSize=11, leading=14
)


class AttachmentError(ValueError):
    """An agenda item's attached file cannot be put in the pack."""


# --- keys ------------------------------------------------------------------------------------


def item_key(i: int) -> str:
    return f"item{i}"


def document_key(i: int, j: int) -> str:
    return f"item{i}-doc{j}"


def has_papers(item: AgendaEntry) -> bool:
    return bool(item.papers or item.documents)


def paper_numbers(items: Sequence[AgendaEntry]) -> dict[tuple[int, int], int]:
    """(item, paper) → the paper's index among all the pack's papers."""
    found: dict[tuple[int, int], int] = {}
    for i, item in enumerate(items):
        for k in range(len(item.papers)):
            found[i, k] = len(found)
    return found


# --- where things landed ---------------------------------------------------------------------


@dataclass(frozen=True)
class PackPages:
    """First and last page of each item, paper and generated document in one layout."""

    items: dict[int, tuple[int, int]]
    papers: dict[tuple[int, int], tuple[int, int]]
    documents: dict[tuple[int, int], tuple[int, int]]
    total: int

    def item(self, i: int) -> str:
        return page_range(*self.items[i]) if i in self.items else ""

    def paper(self, i: int, k: int) -> str:
        return page_range(*self.papers[i, k]) if (i, k) in self.papers else ""

    def document(self, i: int, j: int) -> str:
        return page_range(*self.documents[i, j]) if (i, j) in self.documents else ""


def pages_found(items: Sequence[AgendaEntry], canv: DeferredCanvas) -> PackPages:
    """Read the pages of everything from a finished layout: headings by their keys, papers
    by the pages kept for them. A block ends where the next one starts."""
    total = len(canv._pages)
    keys = canv.key_pages
    numbers = paper_numbers(items)
    slots: dict[int, list[int]] = {}
    for page, paper, _index in canv.attachment_pages:
        slots.setdefault(paper, []).append(page)
    starts = [(i, keys[item_key(i)]) for i, item in enumerate(items) if has_papers(item)]
    after = keys.get(GLOSSARY_KEY, total + 1)
    spans: dict[int, tuple[int, int]] = {}
    for n, (i, first) in enumerate(starts):
        following = starts[n + 1][1] if n + 1 < len(starts) else after
        spans[i] = (first, following - 1)
    papers = {(i, k): (min(slots[n]), max(slots[n])) for (i, k), n in numbers.items() if n in slots}
    documents: dict[tuple[int, int], tuple[int, int]] = {}
    for i, item in enumerate(items):
        firsts = [keys[document_key(i, j)] for j in range(len(item.documents))]
        for j, first in enumerate(firsts):
            last = firsts[j + 1] - 1 if j + 1 < len(firsts) else spans[i][1]
            documents[i, j] = (first, last)
    return PackPages(spans, papers, documents, total)


# --- the agenda ------------------------------------------------------------------------------


def document_title(document: QuarterlyReport | PlanDocument | YearEndReport) -> str:
    if isinstance(document, PlanDocument):
        return f"Appendix: {document.plan_title}"
    return f"{document.info.title}: {document.info.subtitle}"


def agenda(data: MeetingPack, pages: PackPages | None) -> list[Flowable]:
    """The agenda, Part A then Part B, each item with its pages and its papers' pages.

    With `pages` None (the first layout) the page column is blank: it is the same width and
    every range fits on one line, so the agenda takes the same room either way."""
    when = when_label(data.date, data.time)
    story: list[Flowable] = [
        Heading("Agenda", Styles.h1, key="pack-agenda", level=0),
        m(
            f"{esc(data.body)} · {esc(when)}" + (f" · {esc(data.venue)}" if data.venue else ""),
            Styles.note,
        ),
        Spacer(1, 3 * mm),
    ]
    if not data.items:
        story.append(p("This meeting has no agenda items yet.", Styles.body))
        return story
    for part in ("A", "B"):
        chosen = [(i, it) for i, it in enumerate(data.items) if it.part == part]
        if not chosen:
            continue
        story.append(Heading(PART_LABELS[part], Styles.h3, key=f"pack-part-{part}", level=1))
        if part == "B" and data.public:
            story.append(
                p(
                    "This public pack does not include the papers of Part B items: they hold "
                    "exempt information and are not for publication.",
                    Styles.note,
                )
            )
        for i, item in chosen:
            story.append(_agenda_item(i, item, pages))
    return story


def _agenda_item(i: int, item: AgendaEntry, pages: PackPages | None) -> Flowable:
    shown = (pages.item(i) if pages else "") if has_papers(item) else ""
    about: list[Flowable] = [p(item.title, _item_title)]
    if item.description:
        about.append(p(item.description, _describe))
    if item.presenter:
        about.append(p(f"Presented by {item.presenter}", _describe))
    if item.exempt:
        about.append(p(f"Exempt information. {item.exemption}", _marked))
    if item.withheld:
        about.append(p("Papers not for publication.", _marked))
    rows: list[list[Any]] = [[p(item.number, _item_number), about, p(shown, _pages)]]
    for k, paper in enumerate(item.papers):
        rows.append(
            ["", p(paper.title, _paper), p(pages.paper(i, k) if pages else "", _paper_pages)]
        )
    for j, document in enumerate(item.documents):
        rows.append(
            [
                "",
                p(document_title(document), _paper),
                p(pages.document(i, j) if pages else "", _paper_pages),
            ]
        )
    number_width, pages_width = 14 * mm, 26 * mm
    table = Table(
        rows,
        colWidths=[number_width, WIDTH - number_width - pages_width, pages_width],
        hAlign="LEFT",
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LINEBELOW", (0, -1), (-1, -1), 0.4, RULE),
            *([("BACKGROUND", (0, 0), (-1, -1), BAND_FILL)] if item.exempt else []),
        ],
    )
    return KeepTogether([table, Spacer(1, 2 * mm)])


# --- an item's own pages -------------------------------------------------------------------


def item_heading(item: AgendaEntry) -> str:
    return f"Item {item.number}: {item.title}" if item.number else item.title


def running_header(item: AgendaEntry) -> str:
    heading = item_heading(item)
    return f"Not for publication · {heading}" if item.exempt else heading


def cover_sheet(
    i: int, item: AgendaEntry, pack_title: str, pages: PackPages | None
) -> list[Flowable]:
    """The page that opens an item's papers: what it is, who presents it, what follows."""
    heading = item_heading(item)
    story: list[Flowable] = [
        SetHeader(pack_title, running_header(item)),
        NextPageTemplate("portrait"),
        PageBreak(),
        Heading(heading, Styles.h1, key=item_key(i), level=0),
    ]
    if item.exempt:
        story.append(
            Table(
                [
                    [p("NOT FOR PUBLICATION", _banner)],
                    [p(f"Exempt information. {item.exemption}", Styles.body)],
                ],
                colWidths=[WIDTH],
                hAlign="LEFT",
                style=[
                    ("BOX", (0, 0), (-1, -1), 1.2, INK),
                    ("BACKGROUND", (0, 0), (-1, -1), BAND_FILL),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ],
            )
        )
        story.append(Spacer(1, 4 * mm))
    story.append(p(PART_LABELS[item.part], Styles.note))
    if item.description:
        story.append(p(item.description, Styles.body))
    if item.presenter:
        story.append(p(f"Presented by {item.presenter}", Styles.body))
    rows: list[list[Any]] = []
    for k, paper in enumerate(item.papers):
        rows.append([p(paper.title, Styles.cell), p(pages.paper(i, k) if pages else "", _right)])
    for j, document in enumerate(item.documents):
        rows.append(
            [
                p(document_title(document), Styles.cell),
                p(pages.document(i, j) if pages else "", _right),
            ]
        )
    if rows:
        story += [Spacer(1, 3 * mm), m("<b>Papers for this item</b>", Styles.body)]
        story.append(
            Table(
                [[m("<b>Paper</b>", Styles.cell), m("<b>Pages</b>", _right)], *rows],
                colWidths=[WIDTH - 30 * mm, 30 * mm],
                hAlign="LEFT",
                repeatRows=1,
                style=[
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                    ("TEXTCOLOR", (0, 0), (-1, -1), GREY),
                ],
            )
        )
    return story


class AttachmentSlot(Flowable):  # type: ignore[misc]
    """A whole page kept free for one page of an attached PDF, merged in after layout."""

    def __init__(self, attachment: int, page: int) -> None:
        super().__init__()
        self.attachment = attachment
        self.page = page

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, availHeight - 1
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        page = canv.getPageNumber()
        canv.attachment_pages.append((page, self.attachment, self.page))
        x, y = canv.absolutePosition(0, 0)
        canv.attachment_boxes[page] = (x, y, self.width, self.height)


# The first page of an item's first paper shares the item's opening page when at least this
# share of the page's body is left under the heading; else it starts a page of its own.
SHARED_PAGE_ROOM = 0.55


def paper_slots(
    number: int, sizes: Sequence[tuple[float, float]], *, follows_heading: bool = False
) -> list[Flowable]:
    """A page kept for each page of a paper, portrait or landscape as that page is, so each
    is scaled to fill the page; the first may follow the item's heading on its page."""
    story: list[Flowable] = []
    _, body_height = ReportDoc.frame_size(PORTRAIT)
    for k, (width, height) in enumerate(sizes):
        wide = width > height
        if k == 0 and follows_heading and not wide:
            story.append(CondPageBreak(body_height * SHARED_PAGE_ROOM))
        else:
            story += [NextPageTemplate("landscape" if wide else "portrait"), PageBreak()]
        story.append(AttachmentSlot(number, k))
    story.append(NextPageTemplate("portrait"))
    return story


def page_sizes(paper: PdfWriter) -> list[tuple[float, float]]:
    """Each page's printed size, turned as a viewer shows it."""
    sizes = []
    for page in paper.pages:
        box = page.cropbox
        width, height = float(box.width), float(box.height)
        if (page.get("/Rotate", 0) or 0) % 180:
            width, height = height, width
        sizes.append((width, height))
    return sizes


# --- attached PDFs ---------------------------------------------------------------------------


def open_paper(item: AgendaEntry, name: str, content: bytes) -> PdfWriter:
    """The paper checked again (the pack may be made long after it was attached) and held by
    a writer so its pages can be transformed."""
    where = f"Agenda item {item.number} '{item.title}'"
    try:
        check_paper(content, name or "The attached file")
        return PdfWriter(clone_from=PdfReader(io.BytesIO(content), strict=False))
    except PaperError as exc:
        raise AttachmentError(f"{where}: {exc}") from exc
    except Exception as exc:  # a file pypdf read once but cannot copy is damaged all the same
        raise AttachmentError(f"{where}: {name} cannot be read ({exc}).") from exc


def merge_papers(
    path: str,
    readers: Sequence[PdfWriter],
    slots: Sequence[tuple[int, int, int]],
    boxes: Mapping[int, tuple[float, float, float, float]] | None = None,
) -> int:
    """Draw each attached page, scaled to fit, inside the room kept for it (`boxes`, by page;
    else the body of its page); returns the pages of the assembled file."""
    writer = PdfWriter(clone_from=PdfReader(path))
    for page_number, attachment, index in slots:
        source = readers[attachment].pages[index]
        source.transfer_rotation_to_content()
        box = source.cropbox
        src_w, src_h = float(box.width), float(box.height)
        target = writer.pages[page_number - 1]
        tw, th = float(target.mediabox.width), float(target.mediabox.height)
        left, bottom = MARGIN_X, MARGIN_BOTTOM
        frame_w = tw - 2 * MARGIN_X
        frame_h = th - MARGIN_TOP - MARGIN_BOTTOM
        if boxes is not None and page_number in boxes:
            left, bottom, frame_w, frame_h = boxes[page_number]
        # Scaled to the room whichever way: a small page grows to fill it as a large one shrinks.
        scale = min(frame_w / src_w, frame_h / src_h)
        x = left + (frame_w - src_w * scale) / 2
        y = bottom + (frame_h - src_h * scale)
        transform = (
            Transformation()
            .translate(-float(box.left), -float(box.bottom))
            .scale(scale, scale)
            .translate(x, y)
        )
        target.merge_transformed_page(source, transform, over=False)
    with open(path, "wb") as fh:
        writer.write(fh)
    return len(writer.pages)
