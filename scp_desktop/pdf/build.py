"""Builds a whole document (quarterly, plan, year-end, meeting pack) into a PDF file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfWriter
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, NextPageTemplate, PageBreak

from scp_desktop.domain.reports import (
    AcronymEntry,
    DocumentInfo,
    MeetingPack,
    PlanDocument,
    QuarterlyReport,
    YearEndReport,
)
from scp_desktop.pdf import pack, plan, quarterly, year_end
from scp_desktop.pdf.base import (
    LANDSCAPE,
    PORTRAIT,
    Cancelled,
    ContentsLine,
    DeferredCanvas,
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
    story_texts,
)
from scp_desktop.pdf.pack import AttachmentError

__all__ = ["AttachmentError", "Cancelled", "Progress", "write"]

Document = QuarterlyReport | PlanDocument | YearEndReport | MeetingPack


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

PACK_LAYOUTS = 3  # the second layout nearly always settles the pages; a third is a safeguard


def _pack(data: MeetingPack, out: Path, progress: Progress | None) -> int:
    """Lay the pack out until the pages its agenda prints are the pages things landed on."""
    readers = [
        pack.open_paper(item, paper.file_name, paper.content)
        for item in data.items
        for paper in item.papers
    ]
    pages: pack.PackPages | None = None
    for layout in range(PACK_LAYOUTS):
        if progress is not None:
            progress(_pack_share(layout, 0.1), _PACK_STEPS[min(layout, 1)])
        canv = _pack_layout(data, out, pages, readers, _pack_progress(progress, layout))
        found = pack.pages_found(data.items, canv)
        if found == pages:
            break
        pages = found
    else:
        raise RuntimeError("the meeting pack's page numbers did not settle")
    if canv.attachment_pages:
        if progress is not None:
            progress(0.97, "Adding attached documents…")
        assembled = pack.merge_papers(
            str(out), readers, canv.attachment_pages, canv.attachment_boxes
        )
        if assembled != found.total:
            # The agenda's numbers hold only if merging kept every page where it was laid out.
            raise RuntimeError(f"the pack has {assembled} pages, not the {found.total} laid out")
    return found.total


_PACK_STEPS = ("Laying out the pack…", "Numbering the agenda…")


def _pack_share(layout: int, fraction: float) -> float:
    """Each layout takes half of the bar between 10% and 95%."""
    half = 0.85 / 2
    return 0.1 + half * min(layout, 1) + half * max(0.0, (fraction - 0.1) / 0.85)


def _pack_progress(progress: Progress | None, layout: int) -> Progress | None:
    if progress is None:
        return None

    def report(fraction: float, message: str) -> None:
        progress(fraction if fraction < 0 else _pack_share(layout, fraction), message)

    return report


def _pack_layout(
    data: MeetingPack,
    out: Path,
    pages: pack.PackPages | None,
    readers: Sequence[PdfWriter],
    progress: Progress | None,
) -> DeferredCanvas:
    info = data.info
    numbers = pack.paper_numbers(data.items)
    story_items: list[Flowable] = []
    acronyms: dict[str, AcronymEntry] = {a.abbreviation: a for a in data.acronyms}
    for i, item in enumerate(data.items):
        if not pack.has_papers(item):
            continue
        header = pack.running_header(item)
        story_items += pack.cover_sheet(i, item, info.title, pages)
        for k in range(len(item.papers)):
            paper = readers[numbers[i, k]]
            story_items += pack.paper_slots(
                numbers[i, k], pack.page_sizes(paper), follows_heading=k == 0
            )
        for j, document in enumerate(item.documents):
            for a in document.acronyms:
                acronyms.setdefault(a.abbreviation, a)
            prefix = f"item{i}-doc{j}"
            is_plan = isinstance(document, PlanDocument)
            # The item's first document follows its heading on the same page when there is
            # room (a page of its own would leave the heading's page nearly empty).
            opens = j == 0 and not item.papers and not is_plan
            story_items += [
                SetHeader(document.info.title, header),
                NextPageTemplate("landscape" if is_plan else "portrait"),
                CondPageBreak(ReportDoc.frame_size(PORTRAIT)[1] * 0.5) if opens else PageBreak(),
                Heading(
                    pack.document_title(document),
                    Styles.h1 if is_plan else Styles.h2,
                    key=pack.document_key(i, j),
                    level=1,
                ),
            ]
            story_items += _body(document, prefix, 2 if is_plan else 1).flowables
            story_items.append(NextPageTemplate("portrait"))

    cover_lines = [
        ("Meeting", data.body),
        ("Date", data.date.strftime("%A %d %B %Y")),
        ("Time", data.time),
        ("Venue", data.venue),
        ("Partnership", info.partnership),
        ("Prepared by", info.prepared_by),
        ("Pack printed", info.generated_on.strftime("%d/%m/%Y")),
    ]
    if data.public and any(item.withheld for item in data.items):
        cover_lines.append(("Public pack", "Part B papers (exempt information) are not included"))
    front = cover(info, cover_lines)
    agenda = pack.agenda(data, pages)
    texts = story_texts(front) + story_texts(agenda) + story_texts(story_items)
    texts += _furniture_texts(info)
    entries = acronyms_used(texts, sorted(acronyms.values(), key=lambda a: a.abbreviation))
    story: list[Flowable] = [
        *front,
        NextPageTemplate("portrait"),
        PageBreak(),
        *agenda,
        *story_items,
        SetHeader(info.title, "Glossary"),
        NextPageTemplate("portrait"),
        PageBreak(),
        *glossary(pack.GLOSSARY_KEY, entries),
    ]
    doc = ReportDoc(str(out), info, subject=_subject(data), progress=progress)
    return build_document(doc, story, {})
