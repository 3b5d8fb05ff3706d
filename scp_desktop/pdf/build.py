"""Builds a whole document (quarterly, plan, year-end, meeting pack) into a PDF file."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Spacer

from scp_desktop.domain.reports import (
    AcronymEntry,
    DocumentInfo,
    MeetingPack,
    PlanDocument,
    QuarterlyReport,
    YearEndReport,
)
from scp_desktop.pdf import plan, quarterly, year_end
from scp_desktop.pdf.base import (
    LANDSCAPE,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PORTRAIT,
    Cancelled,
    ContentsLine,
    Heading,
    Part,
    Progress,
    ReportDoc,
    SetHeader,
    Styles,
    acronyms_used,
    build_document,
    contents_flowables,
    cover,
    glossary,
    m,
    p,
    story_texts,
)
from scp_desktop.pdf.text import esc

__all__ = ["AttachmentError", "Cancelled", "Progress", "write"]

Document = QuarterlyReport | PlanDocument | YearEndReport | MeetingPack


class AttachmentError(ValueError):
    """An agenda item's attached file cannot be put in the pack."""


def write(data: object, out: Path, *, progress: Progress | None = None) -> int:
    """Build `data` into the PDF `out` (replaced only when the build succeeds); returns pages."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".building-", suffix=".pdf", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if isinstance(data, MeetingPack):
            pages = _pack(data, tmp, progress)
        elif isinstance(data, QuarterlyReport | PlanDocument | YearEndReport):
            pages = _standalone(data, tmp, progress)
        else:
            raise TypeError(f"no document layout for {type(data).__name__}")
        os.replace(tmp, out)
        if progress is not None:
            progress(1.0, f"{pages} pages")
        return pages
    finally:
        tmp.unlink(missing_ok=True)


def _subject(data: Document) -> str:
    if isinstance(data, QuarterlyReport):
        return f"RAG status, exceptions, statistics and funding for {data.quarter_label}"
    if isinstance(data, PlanDocument):
        return f"{data.plan_title}: objectives, projects and initiatives"
    if isinstance(data, YearEndReport):
        return f"Progress of every action in {data.year}, quarter by quarter"
    return f"Agenda and papers for the {data.body} meeting of {data.date.strftime('%d/%m/%Y')}"


def _body(data: QuarterlyReport | PlanDocument | YearEndReport, prefix: str, level: int) -> Part:
    if isinstance(data, QuarterlyReport):
        return quarterly.body(data, prefix, level)
    if isinstance(data, PlanDocument):
        return plan.body(data, prefix, level)
    return year_end.body(data, prefix, level)


def _cover_lines(data: QuarterlyReport | PlanDocument | YearEndReport) -> list[tuple[str, str]]:
    info = data.info
    if isinstance(data, QuarterlyReport):
        return quarterly.cover_lines(data)
    lines = [("Partnership", info.partnership), ("Area", info.area)]
    if isinstance(data, YearEndReport):
        lines.append(("Year", data.year))
    else:
        lines.append(("Plan", data.plan_title))
    lines += [("Prepared by", info.prepared_by), ("Date", info.generated_on.strftime("%d/%m/%Y"))]
    return lines


def _furniture_texts(info: DocumentInfo) -> list[str]:
    return [
        info.partnership,
        info.title,
        info.subtitle,
        info.prepared_by,
        "Prepared by",
        info.footer,
    ]


def _contents_room(size: tuple[float, float]) -> tuple[float, float]:
    _, height = ReportDoc.frame_size(size)
    return height - 40 * mm, height - 4 * mm


def _standalone(
    data: QuarterlyReport | PlanDocument | YearEndReport, out: Path, progress: Progress | None
) -> int:
    is_plan = isinstance(data, PlanDocument)
    size = LANDSCAPE if is_plan else PORTRAIT
    body_template = "landscape" if is_plan else "portrait"
    part = _body(data, "d", 0)
    notes = quarterly.cover_notes(data) if isinstance(data, QuarterlyReport) else []
    front: list[Flowable] = cover(
        data.info, _cover_lines(data), notes, top=(15 if is_plan else 40) * mm
    )
    texts = story_texts(front) + story_texts(part.flowables) + _furniture_texts(data.info)
    entries = acronyms_used(texts, data.acronyms)
    end = glossary("d-glossary", entries)
    lines = [*part.contents, ContentsLine("d-glossary", "Glossary")]
    width, _ = ReportDoc.frame_size(size)
    first, later = _contents_room(size)
    story: list[Flowable] = [
        *front,
        NextPageTemplate(body_template),
        PageBreak(),
        Heading("Contents", Styles.h1, key="d-contents", level=0),
        *contents_flowables("contents", lines, width, first, later),
        PageBreak(),
        *part.flowables,
        *end,
    ]
    doc = ReportDoc(
        str(out),
        data.info,
        subject=_subject(data),
        progress=progress,
        first="cover-landscape" if is_plan else "cover",
    )
    canv = build_document(doc, story, {"contents": lines})
    return len(canv._pages)


# --- meeting pack ---------------------------------------------------------------------------


class AttachmentSlot(Flowable):  # type: ignore[misc]
    """A whole page kept free for one page of an attached PDF, merged in after layout."""

    def __init__(self, attachment: int, page: int) -> None:
        super().__init__()
        self.attachment = attachment
        self.page = page

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, availHeight - 1

    def draw(self) -> None:
        self.canv.attachment_pages.append((self.canv.getPageNumber(), self.attachment, self.page))


def _open_attachment(number: str, title: str, name: str, content: bytes) -> PdfWriter:
    """The attached PDF, checked and held by a writer so its pages can be transformed."""
    where = f"Agenda item {number} '{title}'" + (f" ({name})" if name else "")
    if not content.startswith(b"%PDF") and b"%PDF" not in content[:1024]:
        raise AttachmentError(f"{where}: the attached file is not a PDF.")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise AttachmentError(f"{where}: the attached PDF is password-protected.")
        if len(reader.pages) == 0:
            raise AttachmentError(f"{where}: the attached PDF has no pages.")
        return PdfWriter(clone_from=reader)
    except AttachmentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise AttachmentError(f"{where}: the attached PDF cannot be read ({exc}).") from exc


def _pack(data: MeetingPack, out: Path, progress: Progress | None) -> int:
    info = data.info
    readers: list[PdfWriter] = []
    agenda: list[ContentsLine] = []
    story_items: list[Flowable] = []
    acronyms: dict[str, AcronymEntry] = {a.abbreviation: a for a in data.acronyms}
    for i, item in enumerate(data.items):
        has_papers = bool(item.documents) or item.attachment is not None
        key = f"item{i}" if has_papers else None
        agenda.append(ContentsLine(key, item.title, 0, item.number))
        if not has_papers:
            continue
        heading = f"Item {item.number}: {item.title}" if item.number else item.title
        story_items += [
            SetHeader(info.title, heading),
            NextPageTemplate("portrait"),
            PageBreak(),
            Heading(heading, Styles.h1, key=f"item{i}", level=0),
        ]
        for j, document in enumerate(item.documents):
            for a in document.acronyms:
                acronyms.setdefault(a.abbreviation, a)
            prefix = f"item{i}-doc{j}"
            if isinstance(document, PlanDocument):
                story_items += [
                    SetHeader(document.info.title, heading),
                    NextPageTemplate("landscape"),
                    PageBreak(),
                    Heading(f"Appendix: {document.plan_title}", Styles.h1, key=prefix, level=1),
                ]
                story_items += _body(document, prefix, 2).flowables
                story_items.append(NextPageTemplate("portrait"))
            else:
                if j:
                    story_items.append(PageBreak())
                story_items += [
                    SetHeader(document.info.title, heading),
                    p(f"{document.info.title}: {document.info.subtitle}", Styles.h2),
                ]
                story_items += _body(document, prefix, 1).flowables
        if item.attachment is not None:
            reader = _open_attachment(
                item.number, item.title, item.attachment_name, item.attachment
            )
            readers.append(reader)
            count = len(reader.pages)
            story_items.append(
                p(
                    f"Attached: {item.attachment_name or 'document'} "
                    f"({count} page{'s' if count != 1 else ''}), on the following pages.",
                    Styles.body,
                )
            )
            for k in range(count):
                story_items += [PageBreak(), AttachmentSlot(len(readers) - 1, k)]

    front = cover(
        info,
        [
            ("Meeting", data.body),
            ("Date", data.date.strftime("%A %d %B %Y")),
            ("Venue", data.venue),
            ("Partnership", info.partnership),
            ("Prepared by", info.prepared_by),
            ("Pack printed", info.generated_on.strftime("%d/%m/%Y")),
        ],
    )
    agenda_texts = [line.text for line in agenda] + [line.number for line in agenda]
    texts = story_texts(front) + story_texts(story_items) + agenda_texts + _furniture_texts(info)
    entries = acronyms_used(texts, sorted(acronyms.values(), key=lambda a: a.abbreviation))
    width, _ = ReportDoc.frame_size(PORTRAIT)
    first, later = _contents_room(PORTRAIT)
    agenda.append(ContentsLine("pack-glossary", "Glossary of abbreviations", 0, ""))
    story: list[Flowable] = [
        *front,
        NextPageTemplate("portrait"),
        PageBreak(),
        Heading("Agenda", Styles.h1, key="pack-agenda", level=0),
        m(
            f"{esc(data.body)} · {esc(data.date.strftime('%A %d %B %Y'))}"
            + (f" · {esc(data.venue)}" if data.venue else ""),
            Styles.note,
        ),
        Spacer(1, 3 * mm),
        *([] if data.items else [p("This meeting has no agenda items yet.", Styles.body)]),
        *contents_flowables("agenda", agenda, width, first, later),
        *story_items,
        SetHeader(info.title, "Glossary"),
        NextPageTemplate("portrait"),
        PageBreak(),
        *glossary("pack-glossary", entries),
    ]
    doc = ReportDoc(str(out), info, subject=_subject(data), progress=progress)
    canv = build_document(doc, story, {"agenda": agenda})
    pages = len(canv._pages)
    if canv.attachment_pages:
        if progress is not None:
            progress(0.97, "Adding attached documents…")
        _merge_attachments(out, readers, canv.attachment_pages)
    return pages


def _merge_attachments(
    out: Path, readers: Sequence[PdfWriter], slots: Sequence[tuple[int, int, int]]
) -> None:
    """Draw each attached page, scaled to fit, inside the body of its reserved page."""
    writer = PdfWriter(clone_from=PdfReader(str(out)))
    for page_number, attachment, index in slots:
        source = readers[attachment].pages[index]
        source.transfer_rotation_to_content()
        box = source.cropbox
        src_w, src_h = float(box.width), float(box.height)
        target = writer.pages[page_number - 1]
        tw, th = float(target.mediabox.width), float(target.mediabox.height)
        frame_w = tw - 2 * MARGIN_X
        frame_h = th - MARGIN_TOP - MARGIN_BOTTOM
        scale = min(frame_w / src_w, frame_h / src_h, 1.0)
        x = MARGIN_X + (frame_w - src_w * scale) / 2
        y = MARGIN_BOTTOM + (frame_h - src_h * scale)
        transform = (
            Transformation()
            .translate(-float(box.left), -float(box.bottom))
            .scale(scale, scale)
            .translate(x, y)
        )
        target.merge_transformed_page(source, transform, over=False)
    with open(out, "wb") as fh:
        writer.write(fh)
