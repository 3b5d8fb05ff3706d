"""The year-end report: each action's whole year (its four quarters' returns), the exceptions of
the year, statistics against target and comparator, and the year's funding."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from scp_desktop.domain.rag import RAG_ORDER
from scp_desktop.domain.reports import ActionLine, PrioritySection, YearEndReport
from scp_desktop.pdf import charts, quarterly
from scp_desktop.pdf.base import (
    BAND_FILL,
    PORTRAIT,
    Part,
    PlainText,
    ReportDoc,
    Styles,
    bullets,
    cell,
    chip_cell,
    continuation_rows,
    header_row,
    m,
    objective_carry,
    p,
    table,
)
from scp_desktop.pdf.text import chunks, esc

WIDTH = ReportDoc.frame_size(PORTRAIT)[0]


def body(data: YearEndReport, prefix: str, level: int = 0) -> Part:
    part = Part()
    part.heading(f"Summary – {data.year}", f"{prefix}-summary", level)
    part.flowables.append(
        p(
            "Each action's latest RAG status in the year, by key priority. The path from "
            f"{data.quarter_labels[0]} to {data.quarter_labels[3]} is shown for every action in "
            "the pages that follow; a dash means no return for that quarter.",
            Styles.note,
        )
    )
    rows: list[list[Any]] = [
        header_row(
            ["Key priority", "R Red", "A Amber", "G Green", "B Blue", "Not reported", "Total"],
            right=(1, 2, 3, 4, 5, 6),
        )
    ]
    latest_rows: list[list[int]] = []
    for section in data.priorities:
        latest = [next((r for r in reversed(a.path) if r), None) for a in section.actions]
        values = [latest.count(r) for r in RAG_ORDER] + [latest.count(None)]
        latest_rows.append(values)
        rows.append(
            [p(f"{section.short_name}: {section.title}", Styles.cell)]
            + [m(str(v), Styles.cell_right) for v in [*values, sum(values)]]
        )
    counts = data.final_counts()
    totals = [counts.get(r, 0) for r in RAG_ORDER] + [counts.get(None, 0)]
    rows.append(
        [m("All actions", Styles.cell_bold)]
        + [m(f"<b>{v}</b>", Styles.cell_right) for v in [*totals, sum(totals)]]
    )
    part.flowables.append(
        table(
            rows,
            [80 * mm] + [14 * mm] * 4 + [22 * mm, 14 * mm],
            extra=[("BACKGROUND", (0, -1), (-1, -1), BAND_FILL)],
            split_in_row=False,
        )
    )
    part.flowables.append(Spacer(1, 4 * mm))
    part.flowables.append(
        charts.rag_stacked_bars(
            [s.short_name for s in data.priorities],
            [r[:5] for r in latest_rows],
            WIDTH * 0.92,
        )
    )
    part.heading("RAG status quarter by quarter", f"{prefix}-path", level + 1)
    part.flowables.append(
        p(
            "How many actions reported each status in each quarter of the year.",
            Styles.note,
        )
    )
    path_rows: list[list[Any]] = [
        header_row(
            ["Quarter", "R Red", "A Amber", "G Green", "B Blue", "Not reported"],
            right=(1, 2, 3, 4, 5),
        )
    ]
    actions = [a for s in data.priorities for a in s.actions]
    for q, label in enumerate(data.quarter_labels):
        rags = [a.path[q] for a in actions]
        path_rows.append(
            [label] + [str(rags.count(r)) for r in RAG_ORDER] + [str(rags.count(None))]
        )
    part.flowables.append(
        table(
            path_rows,
            [40 * mm] + [20 * mm] * 4 + [26 * mm],
            extra=[("ALIGN", (1, 1), (-1, -1), "RIGHT")],
            split_in_row=False,
        )
    )
    # Sections follow on: their headings never sit alone at a page foot, and a page break
    # before each left pages holding a row or two.
    for i, section in enumerate(data.priorities):
        part.heading(section.heading, f"{prefix}-kp{i}", level)
        if section.commitments:
            part.flowables.append(m("<b>The Partnership will:</b>", Styles.body))
            part.flowables += bullets(section.commitments)
            part.flowables.append(Spacer(1, 3 * mm))
        part.flowables.append(_table(section, data))
    _exceptions(part, data, prefix, level)
    _statistics_summary(part, data, prefix, level)
    quarterly.statistics(part, data.indicators, data.info.area, prefix, level)
    quarterly.funding(
        part,
        data.streams,
        data.action_funding,
        prefix,
        level,
        heading=f"Funding in {data.year}",
        intro=f"Funding the partnership received for {data.year}.",
    )
    return part


def _story_cells(data: YearEndReport, action: ActionLine) -> list[Any]:
    """The action's year as cells: the year-end summary, else each quarter's return in order."""
    year = data.story(action.id)
    cells: list[Any] = []
    if year.summary:
        for k, piece in enumerate(chunks(year.summary)):
            label = f"Year-end summary {data.year}" + (" (continued)" if k else "")
            cells.append(PlainText((label, Styles.byline), (piece, Styles.cell_small)))
        return cells
    for q in year.quarters:
        rag = f" – {q.rag.value} {q.rag.label}" if q.rag is not None else ""
        pieces = chunks(q.narrative or "Status reported without a narrative.")
        for k, piece in enumerate(pieces):
            label = f"{q.quarter}{rag}" + (" (continued)" if k else "")
            blocks: list[tuple[object, Any]] = [(label, Styles.byline), (piece, Styles.cell_small)]
            if q.reported_by and k == len(pieces) - 1:
                blocks.append((f"Reported by {q.reported_by}", Styles.byline))
            cells.append(PlainText(*blocks))
    if not cells:
        cells.append(PlainText(("No progress reported this year.", Styles.cell_small)))
    return cells


def _exceptions(part: Part, data: YearEndReport, prefix: str, level: int) -> None:
    part.heading(f"Exceptions in {data.year}", f"{prefix}-exceptions", level)
    found = data.exceptions
    if not found:
        part.flowables.append(
            p(f"No action was Red or Amber in any quarter of {data.year}.", Styles.body)
        )
        return
    part.flowables.append(
        p(
            f"{len(found)} action(s) reported Red or Amber in at least one quarter of {data.year}, "
            "with the lead agency's explanation each time.",
            Styles.note,
        )
    )
    widths = [12.5 * mm, 45 * mm, 18 * mm]
    widths.append(WIDTH - sum(widths))
    rows: list[list[Any]] = [
        header_row(["Ref", "Project / initiative", "Lead agency", "Red and Amber quarters"])
    ]
    for section, a, flagged in found:
        cells = []
        for q in flagged:
            assert q.rag is not None
            for k, piece in enumerate(chunks(q.narrative or "No narrative given.")):
                label = f"{q.quarter} – {q.rag.value} {q.rag.label}" + (" (continued)" if k else "")
                cells.append(PlainText((label, Styles.cell_bold), (piece, Styles.cell_small)))
        rows.append(
            [
                cell(a.reference, widths[0]),
                PlainText((a.title, Styles.cell), (section.short_name, Styles.cell_section)),
                cell(a.lead, widths[2]),
                cells[0],
            ]
        )
        rows += continuation_rows(a.reference, widths[0], cells[1:], 4, 3)
    part.flowables.append(table(rows, widths))


def _statistics_summary(part: Part, data: YearEndReport, prefix: str, level: int) -> None:
    """Each statistic's latest value in the year beside its target and comparator."""
    if not data.indicators:
        return
    part.heading("Statistics against target", f"{prefix}-targets", level)
    part.flowables.append(
        p(
            "The latest recorded value of each statistic, beside its target and the "
            "comparator (county or force figure) for the same period. Every value follows in the "
            "next section.",
            Styles.note,
        )
    )
    widths = [62 * mm, 30 * mm, 28 * mm, 24 * mm]
    widths.append(WIDTH - sum(widths))
    rows: list[list[Any]] = [
        header_row(["Statistic", "Target", "Latest value", "Comparator", "Status"])
    ]
    extra: list[tuple[Any, ...]] = []
    for stats in data.indicators:
        # The latest recorded value with its period: statistics come monthly, quarterly or
        # yearly, and some are published late, so the period says how current it is.
        recorded = [pt for pt in stats.points if pt.value_text]
        latest = recorded[-1] if recorded else None
        value = f"{latest.value_text} ({latest.period})" if latest else "Not recorded"
        comparator = "–"
        if latest is not None and latest.comparator_text:
            comparator = f"{latest.comparator_text} ({stats.comparator_label})"
        status = f"{stats.status.value} {stats.status.label}" if stats.status else "–"
        i = len(rows)
        rows.append(
            [
                PlainText((stats.name, Styles.cell)),
                PlainText((stats.target or "No target set", Styles.cell)),
                PlainText((value, Styles.cell)),
                PlainText((comparator, Styles.cell)),
                PlainText((status, Styles.cell)),
            ]
        )
        if stats.status is not None:
            extra.append(("BACKGROUND", (4, i), (4, i), BAND_FILL))
    part.flowables.append(table(rows, widths, extra=extra))


def _table(section: PrioritySection, data: YearEndReport) -> Any:
    widths = [12.5 * mm, 35 * mm, 16 * mm, 19 * mm] + [7.5 * mm] * 4
    widths.append(WIDTH - sum(widths))
    rows: list[list[Any]] = [
        header_row(
            [
                "Ref",
                "Project / initiative",
                "Lead agency",
                "Deadline",
                "Q1",
                "Q2",
                "Q3",
                "Q4",
                "Progress over the year",
            ]
        )
    ]
    extra: list[tuple[Any, ...]] = [("ALIGN", (4, 0), (7, 0), "CENTER")]
    bands: dict[int, str] = {}
    for block in section.objectives:
        r = len(rows)
        bands[r] = block.title
        rows.append([PlainText((f"Objective: {block.title}", Styles.group_cell))] + [""] * 8)
        extra += [
            ("SPAN", (0, r), (-1, r)),
            ("BACKGROUND", (0, r), (-1, r), BAND_FILL),
            ("NOSPLIT", (0, r), (-1, r + 1)),
        ]
        for a in block.actions:
            i = len(rows)
            chips = []
            for q, rag in enumerate(a.path):
                chip, commands = chip_cell(rag, 4 + q, i)
                chips.append(chip)
                extra += commands
            title = esc(a.title)
            if a.status != "active":
                title += f" <font color='#555555'>({esc(a.status.capitalize())})</font>"
            story = _story_cells(data, a)
            rows.append(
                [
                    cell(a.reference, widths[0]),
                    m(title, Styles.cell),
                    cell(a.lead, widths[2]),
                    cell(a.deadline, widths[3]),
                    *chips,
                    story[0],
                ]
            )
            rows += continuation_rows(a.reference, widths[0], story[1:], 9, 8)
    # Header and body apart, by index: a long table is laid out a page at a time.
    last = len(rows) - 1
    for side in ("LEFTPADDING", "RIGHTPADDING"):
        extra += [(side, (4, 0), (7, 0), 1), (side, (4, 1), (7, last), 1)]
    return table(rows, widths, extra=extra, carry=objective_carry(bands))
