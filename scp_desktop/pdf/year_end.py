"""The year-end report: every action with its lead agency, deadline, Q1→Q4 RAG path and narrative."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak

from scp_desktop.domain.rag import RAG_ORDER
from scp_desktop.domain.reports import PrioritySection, YearEndReport
from scp_desktop.pdf.base import (
    BAND_FILL,
    PORTRAIT,
    ReportDoc,
    Styles,
    header_row,
    m,
    p,
    rag_chip,
    table,
)
from scp_desktop.pdf.quarterly import Part
from scp_desktop.pdf.text import esc

WIDTH = ReportDoc.frame_size(PORTRAIT)[0]


def body(data: YearEndReport, prefix: str, level: int = 0) -> Part:
    part = Part()
    part.heading(f"Summary – {data.year}", f"{prefix}-summary", level)
    part.flowables.append(
        p(
            "Each action's latest RAG status in the year, by key priority. The full path from "
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
    for section in data.priorities:
        latest = [next((r for r in reversed(a.path) if r), None) for a in section.actions]
        values = [latest.count(r) for r in RAG_ORDER] + [latest.count(None)]
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
    for i, section in enumerate(data.priorities):
        part.flowables.append(PageBreak())
        part.heading(section.heading, f"{prefix}-kp{i}", level)
        part.flowables.append(_table(section, data.quarter_labels))
    return part


def _table(section: PrioritySection, labels: tuple[str, str, str, str]) -> Any:
    widths = [12 * mm, 40 * mm, 18 * mm, 17 * mm] + [7.5 * mm] * 4
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
        rows.append([m(f"Objective: {esc(block.title)}", Styles.group_cell)] + [""] * 8)
        extra += [
            ("SPAN", (0, r), (-1, r)),
            ("BACKGROUND", (0, r), (-1, r), BAND_FILL),
            ("NOSPLIT", (0, r), (-1, r + 1)),
        ]
        for a in block.actions:
            i = len(rows)
            chips = []
            for q, rag in enumerate(a.path):
                chip, fill = rag_chip(rag)
                chips.append(chip)
                if fill is not None:
                    extra.append(("BACKGROUND", (4 + q, i), (4 + q, i), fill))
            if a.narrative:
                progress = m(
                    f"<font color='#555555' size='7'>{esc(a.latest_quarter)}:</font> "
                    f"{esc(a.narrative)}",
                    Styles.cell_small,
                )
            else:
                progress = p("No progress reported this year.", Styles.cell_small)
            title = esc(a.title)
            if a.status != "active":
                title += f" <font color='#555555'>({esc(a.status.capitalize())})</font>"
            rows.append(
                [
                    p(a.reference, Styles.cell),
                    m(title, Styles.cell),
                    p(a.lead, Styles.cell),
                    p(a.deadline, Styles.cell),
                    *chips,
                    progress,
                ]
            )
    extra.append(("LEFTPADDING", (4, 0), (7, -1), 1))
    extra.append(("RIGHTPADDING", (4, 0), (7, -1), 1))
    del labels
    return table(rows, widths, extra=extra)
