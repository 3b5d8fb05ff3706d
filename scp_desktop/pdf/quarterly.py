"""The quarterly performance report: summary, key priorities, exceptions, statistics, funding."""

from __future__ import annotations

from collections import Counter
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from scp_desktop.domain.money import format_pounds
from scp_desktop.domain.rag import RAG, RAG_ORDER, Travel
from scp_desktop.domain.reports import (
    ActionFunding,
    ActionLine,
    FundingRow,
    IndicatorStats,
    PrioritySection,
    QuarterlyReport,
)
from scp_desktop.pdf import charts
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
    fit,
    header_row,
    m,
    objective_carry,
    p,
    table,
    travel_text,
)
from scp_desktop.pdf.text import chunks, esc

WIDTH = ReportDoc.frame_size(PORTRAIT)[0]


def body(data: QuarterlyReport, prefix: str, level: int = 0) -> Part:
    """Everything after the cover and contents; `level` nests the headings inside a pack."""
    part = Part()
    _summary(part, data, prefix, level)
    # Sections follow on (their headings never sit alone at a page foot): a forced page break
    # before each left pages holding the last row or two of the section before.
    for i, section in enumerate(data.priorities):
        _priority(part, data, section, f"{prefix}-kp{i}", level)
    _exceptions(part, data, prefix, level)
    _statistics(part, data, prefix, level)
    _funding(part, data, prefix, level)
    return part


def cover_lines(data: QuarterlyReport) -> list[tuple[str, str]]:
    return [
        ("Partnership", data.info.partnership),
        ("Area", data.info.area),
        ("Plan", data.plan_title),
        ("Quarter", f"{data.quarter_label} (to {data.quarter_end.strftime('%d/%m/%Y')})"),
        ("Prepared by", data.info.prepared_by),
        ("Date", data.info.generated_on.strftime("%d/%m/%Y")),
    ]


def cover_notes(data: QuarterlyReport) -> list[str]:
    if not data.illustrative_rags:
        return []
    return [
        "Some RAG statuses in this report are illustrative: they were assigned from the progress "
        "narrative for demonstration, not reported by the lead agency."
    ]


# --- summary --------------------------------------------------------------------------------


def rag_table_rows(priorities: tuple[PrioritySection, ...]) -> list[list[int]]:
    """Per section: Red, Amber, Green, Blue, not reported, total (dropped actions left out)."""
    rows = []
    for section in priorities:
        counts = section.rag_counts()
        values = [counts.get(r, 0) for r in RAG_ORDER] + [counts.get(None, 0)]
        rows.append([*values, sum(values)])
    return rows


def _summary(part: Part, data: QuarterlyReport, prefix: str, level: int) -> None:
    part.heading(f"Summary – {data.quarter_label}", f"{prefix}-summary", level)
    actions = [a for a in data.all_actions if a.status != "dropped"]
    reported = sum(1 for a in actions if a.rag is not None)
    part.flowables.append(
        p(
            f"This report sets out progress on the {len(actions)} projects and initiatives of the "
            f"{data.plan_title} for {data.quarter_label} "
            f"(to {data.quarter_end.strftime('%d/%m/%Y')}). {reported} of them reported a RAG "
            f"status this quarter. Each status is printed as its letter: "
            + "; ".join(f"{r.value} = {r.label} ({data.info.rag.meaning(r)})" for r in RAG_ORDER)
            + "."
        )
    )
    part.heading("RAG status by key priority", f"{prefix}-rag", level + 1)
    rows_data = rag_table_rows(data.priorities)
    head = header_row(
        ["Key priority", "R Red", "A Amber", "G Green", "B Blue", "Not reported", "Total"],
        right=(1, 2, 3, 4, 5, 6),
    )
    rows: list[list[Any]] = [head]
    for section, values in zip(data.priorities, rows_data, strict=True):
        rows.append(
            [p(f"{section.short_name}: {section.title}", Styles.cell)]
            + [m(str(v), Styles.cell_right) for v in values]
        )
    totals = [sum(col) for col in zip(*rows_data, strict=True)] if rows_data else [0] * 6
    rows.append(
        [m("All actions", Styles.cell_bold)] + [m(f"<b>{v}</b>", Styles.cell_right) for v in totals]
    )
    extra = [("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), BAND_FILL)]
    part.flowables.append(
        table(rows, [80 * mm] + [14 * mm] * 4 + [22 * mm, 14 * mm], extra=extra, split_in_row=False)
    )
    part.flowables.append(Spacer(1, 4 * mm))
    part.flowables.append(
        charts.rag_stacked_bars(
            [s.short_name for s in data.priorities],
            [r[:5] for r in rows_data],
            WIDTH * 0.92,
        )
    )

    part.heading(f"Direction of travel since {data.previous_label}", f"{prefix}-travel", level + 1)
    part.flowables.append(
        p(
            f"Each action's RAG status this quarter compared with {data.previous_label}. "
            f"“New” means the action had no RAG status in {data.previous_label}.",
            Styles.note,
        )
    )
    travel_rows: list[list[Any]] = [
        header_row(
            [
                "Key priority",
                f"{Travel.IMPROVED.arrow} Improved",
                f"{Travel.SAME.arrow} Same",
                f"{Travel.DECLINED.arrow} Declined",
                f"{Travel.NEW.arrow} New",
            ],
            right=(1, 2, 3, 4),
        )
    ]
    order = (Travel.IMPROVED, Travel.SAME, Travel.DECLINED, Travel.NEW)
    all_travel: Counter[Travel] = Counter()
    for section in data.priorities:
        counts = section.travel_counts()
        all_travel.update(counts)
        travel_rows.append(
            [p(section.short_name, Styles.cell)]
            + [m(str(counts.get(t, 0)), Styles.cell_right) for t in order]
        )
    travel_rows.append(
        [m("All actions", Styles.cell_bold)]
        + [m(f"<b>{all_travel.get(t, 0)}</b>", Styles.cell_right) for t in order]
    )
    part.flowables.append(
        table(
            travel_rows,
            [60 * mm] + [24 * mm] * 4,
            extra=[("BACKGROUND", (0, -1), (-1, -1), BAND_FILL)],
            split_in_row=False,
        )
    )

    part.heading("Not reported this quarter", f"{prefix}-missing", level + 1)
    missing = data.not_reported
    if not missing:
        part.flowables.append(
            p(f"Every active action has a RAG status for {data.quarter_label}.", Styles.body)
        )
    else:
        part.flowables.append(
            p(
                f"{len(missing)} active action(s) have no return for {data.quarter_label}.",
                Styles.note,
            )
        )
        part.flowables.append(_short_list(missing, with_rag=False))

    part.heading("Overdue actions", f"{prefix}-overdue", level + 1)
    overdue = data.overdue
    if not overdue:
        part.flowables.append(
            p(
                f"No action was past its deadline at {data.quarter_end.strftime('%d/%m/%Y')} "
                "without being complete.",
                Styles.body,
            )
        )
    else:
        part.flowables.append(
            p(
                f"Actions whose deadline had passed by {data.quarter_end.strftime('%d/%m/%Y')} "
                "and which are not recorded as complete (Blue).",
                Styles.note,
            )
        )
        part.flowables.append(_short_list(overdue, with_rag=True))


def _short_list(items: list[tuple[PrioritySection, ActionLine]], *, with_rag: bool) -> Flowable:
    labels = ["Ref", "Project / initiative", "Lead agency", "By when", "Key priority"]
    widths = [13 * mm, 75 * mm, 24 * mm, 22 * mm, 30 * mm]
    if with_rag:
        labels.append("RAG")
        widths.append(14 * mm)
    else:
        widths[1] += 14 * mm
    rows: list[list[Any]] = [header_row(labels)]
    extra: list[tuple[Any, ...]] = []
    for i, (section, a) in enumerate(items, start=1):
        texts = (a.reference, a.title, a.lead, a.deadline, section.short_name)
        row: list[Any] = [cell(t, w) for t, w in zip(texts, widths, strict=False)]
        if with_rag:
            chip, commands = chip_cell(a.rag, 5, i)
            row.append(chip)
            extra += commands
        rows.append(row)
    return table(rows, widths, extra=extra)


# --- key priorities -------------------------------------------------------------------------

ACTION_WIDTHS = [12.5 * mm, 34 * mm, 16 * mm, 19 * mm, 10 * mm, 15 * mm]


def _priority(
    part: Part, data: QuarterlyReport, section: PrioritySection, key: str, level: int
) -> None:
    part.heading(section.heading, key, level, outline=section.heading)
    counts = section.rag_counts()
    summary = ", ".join(f"{counts.get(r, 0)} {r.label}" for r in RAG_ORDER)
    missing = counts.get(None, 0)
    part.flowables.append(
        p(
            f"{len(section.actions)} actions in {data.quarter_label}: {summary}"
            + (f", {missing} not reported." if missing else "."),
            Styles.note,
        )
    )
    if section.commitments:
        part.flowables.append(m("<b>The Partnership will:</b>", Styles.body))
        part.flowables += bullets(section.commitments)
        part.flowables.append(Spacer(1, 3 * mm))
    part.flowables.append(action_table(section, data.quarter_label))


def action_table(section: PrioritySection, quarter_label: str) -> Flowable:
    widths = [*ACTION_WIDTHS, WIDTH - sum(ACTION_WIDTHS)]
    rows: list[list[Any]] = [
        header_row(
            [
                "Ref",
                "Project / initiative",
                "Lead agency",
                "By when",
                "RAG",
                "Change",
                "Progress update",
            ]
        )
    ]
    extra: list[tuple[Any, ...]] = []
    bands: dict[int, str] = {}
    for block in section.objectives:
        r = len(rows)
        bands[r] = block.title
        rows.append([PlainText((f"Objective: {block.title}", Styles.group_cell))] + [""] * 6)
        extra += [
            ("SPAN", (0, r), (-1, r)),
            ("BACKGROUND", (0, r), (-1, r), BAND_FILL),
            ("NOSPLIT", (0, r), (-1, r + 1)),
        ]
        if not block.actions:
            rows.append([PlainText(("No actions under this objective.", Styles.cell))] + [""] * 6)
            extra.append(("SPAN", (0, r + 1), (-1, r + 1)))
        for a in block.actions:
            i = len(rows)
            chip, commands = chip_cell(a.rag, 4, i)
            extra += commands
            narrative = a.narrative
            if a.rag is None and a.status == "active":
                narrative = f"No return for {quarter_label}."
            pieces = chunks(narrative)
            cells: list[Any] = [PlainText((piece, Styles.cell_small)) for piece in pieces]
            if a.reported_by and a.narrative:
                # The byline is the text's next line, in small grey print.
                cells[-1] = PlainText(
                    (pieces[-1], Styles.cell_small), (f"Reported by {a.reported_by}", Styles.byline)
                )
            if a.status != "active":
                title: Any = m(
                    f"{esc(a.title)} <font color='#555555'>({esc(a.status.capitalize())})</font>",
                    Styles.cell,
                )
            else:
                title = PlainText((a.title, Styles.cell))
            rows.append(
                [
                    fit(a.reference, widths[0]),
                    title,
                    fit(a.lead, widths[2]),
                    fit(a.deadline, widths[3]),
                    chip,
                    travel_text(a.travel),
                    cells[0],
                ]
            )
            rows += continuation_rows(a.reference, widths[0], cells[1:], 7, 6)
    return table(rows, widths, extra=extra, carry=objective_carry(bands))


# --- exceptions, statistics, funding ---------------------------------------------------------


def _exceptions(part: Part, data: QuarterlyReport, prefix: str, level: int) -> None:
    part.heading("Exceptions: Red and Amber actions", f"{prefix}-exceptions", level)
    found = data.exceptions
    if not found:
        part.flowables.append(p(f"No action is Red or Amber in {data.quarter_label}.", Styles.body))
        return
    part.flowables.append(
        p(
            f"{sum(1 for _, a in found if a.rag is RAG.RED)} Red and "
            f"{sum(1 for _, a in found if a.rag is RAG.AMBER)} Amber action(s) in "
            f"{data.quarter_label}, with the lead agency's explanation.",
            Styles.note,
        )
    )
    widths = [11 * mm, 45 * mm, 18 * mm, 10 * mm, 15 * mm]
    widths.append(WIDTH - sum(widths))
    rows: list[list[Any]] = [
        header_row(
            ["Ref", "Project / initiative", "Lead agency", "RAG", "Change", "Progress update"]
        )
    ]
    extra: list[tuple[Any, ...]] = []
    for section, a in found:
        chip, commands = chip_cell(a.rag, 3, len(rows))
        pieces = [
            PlainText((piece, Styles.cell_small))
            for piece in chunks(a.narrative or "No narrative given.")
        ]
        extra += commands
        rows.append(
            [
                fit(a.reference, widths[0]),
                PlainText((a.title, Styles.cell), (section.short_name, Styles.cell_section)),
                fit(a.lead, widths[2]),
                chip,
                travel_text(a.travel),
                pieces[0],
            ]
        )
        rows += continuation_rows(a.reference, widths[0], pieces[1:], 6, 5)
    part.flowables.append(table(rows, widths, extra=extra))


def _statistics(part: Part, data: QuarterlyReport, prefix: str, level: int) -> None:
    statistics(part, data.indicators, data.info.area, prefix, level)


def statistics(
    part: Part, indicators: tuple[IndicatorStats, ...], area: str, prefix: str, level: int
) -> None:
    """The performance statistics section (quarterly and year-end reports)."""
    part.heading("Performance statistics", f"{prefix}-stats", level)
    if not indicators:
        part.flowables.append(p("No performance statistics are recorded.", Styles.body))
        return
    part.flowables.append(
        p(
            "Each statistic's recorded values with the comparator (e.g. the county or force figure) "
            "and target where one is set. Dark bars: this area; light bars: the comparator.",
            Styles.note,
        )
    )
    for i, stats in enumerate(indicators):
        block = _indicator_block(stats, f"{prefix}-ind{i}", area, level + 1)
        part.flowables.append(block)


def _indicator_details(stats: IndicatorStats) -> list[str]:
    """The line under an indicator's name: source, priority, target, status and polarity."""
    details = []
    if stats.source:
        details.append(f"Source: {stats.source}")
    if stats.priority:
        details.append(stats.priority)
    details.append(f"Target: {stats.target}" if stats.target else "No target set")
    if stats.status is not None:
        details.append(f"Status {stats.status.value} ({stats.status.label})")
    if stats.polarity != "neither":
        details.append(
            "Lower is better" if stats.polarity == "lower_better" else "Higher is better"
        )
    return details


def _values_table(stats: IndicatorStats, table_width: float) -> Flowable:
    """The indicator's values by period, with the comparator and previous year's columns
    only when some period has them."""
    comparator = stats.comparator_label or "Comparator"
    labels = ["Period", "Value"]
    with_comparator = any(pt.comparator_text for pt in stats.points)
    with_previous = any(pt.previous_year_text for pt in stats.points)
    if with_comparator:
        labels.append(comparator)
    if with_previous:
        labels.append("Previous year")
    rows: list[list[Any]] = [header_row(labels, right=tuple(range(1, len(labels))))]
    cw = table_width
    rest = len(labels) - 2
    widths = [cw * 0.42, cw * 0.20] + [cw * 0.38 / rest] * rest if rest else [cw * 0.6, cw * 0.4]
    for pt in stats.points:
        value = pt.value_text + (" (provisional)" if pt.provisional else "")
        texts = [value or "–"]
        if with_comparator:
            texts.append(pt.comparator_text or "–")
        if with_previous:
            texts.append(pt.previous_year_text or "–")
        rows.append(
            [cell(pt.period, widths[0])]
            + [cell(t, w, Styles.cell_right) for t, w in zip(texts, widths[1:], strict=True)]
        )
    # Plain cells take their alignment from the table; paragraphs from their style.
    right = [("ALIGN", (1, 1), (-1, len(rows) - 1), "RIGHT")] if len(rows) > 1 else []
    return table(rows, widths, extra=right, split_in_row=False)


def _indicator_block(stats: IndicatorStats, key: str, area: str, level: int) -> Flowable:
    from scp_desktop.pdf.base import Heading

    details = _indicator_details(stats)
    table_width = WIDTH * 0.58
    chart_width = WIDTH - table_width - 4 * mm
    values = _values_table(stats, table_width)
    chart = charts.indicator_chart(stats, chart_width, 34 * mm, area or "This area")
    notes = [pt for pt in stats.points if pt.note]
    layout = Table(
        [[values, chart or ""]],
        colWidths=[table_width + 4 * mm, chart_width],
        style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
               ("RIGHTPADDING", (0, 0), (-1, -1), 0)],
        hAlign="LEFT",
    )  # fmt: skip
    block: list[Flowable] = [
        Heading(stats.name, Styles.h3, key=key, level=level),
        p(" · ".join(details), Styles.note),
    ]
    if stats.status_rule:
        # The rule goes with every status, so a committee sees why it is that colour.
        block.append(p(stats.status_rule, Styles.note))
    if stats.description:
        block.append(p(stats.description, Styles.small))
        block.append(Spacer(1, 1.5 * mm))
    block.append(layout)
    for pt in notes:
        block.append(m(f"<i>{esc(pt.period)}:</i> {esc(pt.note)}", Styles.note))
    block.append(Spacer(1, 3 * mm))
    return KeepTogether(block)


def _funding(part: Part, data: QuarterlyReport, prefix: str, level: int) -> None:
    funding(part, data.streams, data.action_funding, prefix, level)


def funding(
    part: Part,
    streams: tuple[FundingRow, ...],
    action_funding: tuple[ActionFunding, ...],
    prefix: str,
    level: int,
    *,
    heading: str = "Funding summary",
    intro: str = "Funding received by the partnership, by financial year.",
) -> None:
    """The funding section (quarterly and year-end reports): streams, then the plan's lines."""
    part.heading(heading, f"{prefix}-funding", level)
    if not streams and not action_funding:
        part.flowables.append(p("No funding is recorded.", Styles.body))
        return
    if streams:
        part.flowables.append(p(intro, Styles.note))
        widths = [62 * mm, 18 * mm, 70 * mm, 28 * mm]
        rows: list[list[Any]] = [
            header_row(["Source", "Year", "What it funds", "Amount"], right=(3,))
        ]
        extra: list[tuple[Any, ...]] = []
        years = sorted({s.year for s in streams})
        for year in years:
            in_year = [s for s in streams if s.year == year]
            for s in in_year:
                rows.append(
                    [
                        cell(s.source, widths[0]),
                        cell(s.year, widths[1]),
                        cell(s.funds, widths[2]),
                        PlainText((format_pounds(s.amount_pence), Styles.cell_right)),
                    ]
                )
            rows.append(
                [
                    PlainText((f"Total {year or 'year not given'}", Styles.cell_bold)),
                    "",
                    "",
                    PlainText(
                        (
                            format_pounds(sum(s.amount_pence for s in in_year)),
                            Styles.cell_bold_right,
                        )
                    ),
                ]
            )
            extra += [("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), BAND_FILL),
                      ("SPAN", (0, len(rows) - 1), (2, len(rows) - 1))]  # fmt: skip
        rows.append(
            [
                PlainText(("Total, all years", Styles.cell_bold)),
                "",
                "",
                PlainText(
                    (
                        format_pounds(sum(s.amount_pence for s in streams)),
                        Styles.cell_bold_right,
                    )
                ),
            ]
        )
        extra += [("SPAN", (0, len(rows) - 1), (2, len(rows) - 1)),
                  ("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 1.2, "black")]  # fmt: skip
        part.flowables.append(table(rows, widths, extra=extra))
    if action_funding:
        part.flowables.append(Spacer(1, 5 * mm))
        part.flowables.append(p("Funding recorded against the plan's actions.", Styles.note))
        widths = [12 * mm, 45 * mm, 38 * mm, 22 * mm]
        widths.append(WIDTH - sum(widths))
        rows = [header_row(["Ref", "Project / initiative", "Source", "Amount", "Note"], right=(3,))]
        for f in action_funding:
            rows.append(
                [
                    cell(f.reference, widths[0]),
                    cell(f.action, widths[1]),
                    cell(f.source, widths[2]),
                    PlainText(
                        (
                            format_pounds(f.amount_pence) if f.amount_pence is not None else "–",
                            Styles.cell_right,
                        )
                    ),
                    PlainText((f.note, Styles.cell_small)),
                ]
            )
        total = sum(f.amount_pence or 0 for f in action_funding)
        rows.append(
            [
                PlainText(("Total", Styles.cell_bold)),
                "",
                "",
                PlainText((format_pounds(total), Styles.cell_bold_right)),
                "",
            ]
        )
        # The total row by its index, not -1: a long table is laid out a page at a time, and
        # commands counted from the end would not know which window holds the end.
        last = len(rows) - 1
        part.flowables.append(
            table(
                rows,
                widths,
                extra=[
                    ("SPAN", (0, last), (2, last)),
                    ("BACKGROUND", (0, last), (-1, last), BAND_FILL),
                ],
            )
        )
