"""The year-end report: every action with its lead agency, deadline, Q1→Q4 RAG path and narrative."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from scp_desktop.domain.rag import RAG_ORDER
from scp_desktop.domain.reports import PrioritySection, YearEndReport
from scp_desktop.pdf import charts, quarterly
from scp_desktop.pdf.base import (
    BAND_FILL,
    PORTRAIT,
    Part,
    PlainText,
    ReportDoc,
    Styles,
    cell,
    chip_cell,
    continuation_rows,
    header_row,
    m,
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
    for i, section in enumerate(data.priorities):
        part.flowables.append(PageBreak())
        part.heading(section.heading, f"{prefix}-kp{i}", level)
        part.flowables.append(_table(section, data.quarter_labels))
    part.flowables.append(PageBreak())
    quarterly.statistics(part, data.indicators, data.info.area, prefix, level)
    return part


def _table(section: PrioritySection, labels: tuple[str, str, str, str]) -> Any:
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
                "Progress",
            ]
        )
    ]
    extra: list[tuple[Any, ...]] = [("ALIGN", (4, 0), (7, 0), "CENTER")]
    for block in section.objectives:
        r = len(rows)
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
            if a.narrative:
                pieces = [esc(piece) for piece in chunks(a.narrative)]
                pieces[0] = (
                    f"<font color='#555555' size='7'>{esc(a.latest_quarter)}:</font> {pieces[0]}"
                )
            else:
                pieces = ["No progress reported this year."]
            title = esc(a.title)
            if a.status != "active":
                title += f" <font color='#555555'>({esc(a.status.capitalize())})</font>"
            rows.append(
                [
                    cell(a.reference, widths[0]),
                    m(title, Styles.cell),
                    cell(a.lead, widths[2]),
                    cell(a.deadline, widths[3]),
                    *chips,
                    m(pieces[0], Styles.cell_small),
                ]
            )
            rows += continuation_rows(a.reference, widths[0], pieces[1:], 9, 8)
    # Header and body apart, by index: a long table is laid out a page at a time.
    last = len(rows) - 1
    for side in ("LEFTPADDING", "RIGHTPADDING"):
        extra += [(side, (4, 0), (7, 0), 1), (side, (4, 1), (7, last), 1)]
    del labels
    return table(rows, widths, extra=extra)
