"""The reports as blocks: the same report data the PDFs print, in the order the PDFs print it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from scp_desktop.domain.committee import (
    BLANK_IMPLICATION,
    FUTURE_SECTION,
    HEADER_FIELDS,
    IMPLICATION_SECTIONS,
    OPENING_SECTIONS,
    CommitteeReport,
)
from scp_desktop.domain.rag import RAG, RAG_ORDER
from scp_desktop.domain.reports import (
    AcronymEntry,
    ActionLine,
    DocumentInfo,
    IndicatorStats,
    PlanDocument,
    PrioritySection,
    QuarterlyReport,
    YearEndReport,
)
from scp_desktop.publish import chart
from scp_desktop.publish.content import (
    Block,
    Bullets,
    Cell,
    Document,
    Fields,
    Figure,
    Heading,
    NewPages,
    Para,
    Table,
    document,
    paragraphs,
    rag_cell,
    table,
)

ILLUSTRATIVE = (
    "The RAG statuses in this document are illustrative: they were made up for demonstration "
    "and are not the partnership's assessment."
)


def _cover(info: DocumentInfo, rows: list[tuple[str, str]]) -> list[Block]:
    return [
        Heading(1, info.title),
        Para(info.subtitle),
        Fields(tuple((k, v) for k, v in rows if v)),
    ]


def _rag_key(info: DocumentInfo, level: int) -> list[Block]:
    return [
        Heading(level, "RAG status key"),
        Bullets(tuple(info.rag.lines())),
    ]


def _change(a: ActionLine) -> str:
    if a.travel is None:
        return ""
    return a.travel.value.capitalize()


def _chart_caption(what: str, names: list[str]) -> str:
    """The caption says how to read the bars, since the image itself carries no words."""
    return (
        f"{what}. Bars from the top: {', '.join(names)}. Each bar is split from left to right "
        "into Red, Amber, Green, Blue and, in grey, not reported; the table gives the figures."
    )


def _summary(priorities: tuple[PrioritySection, ...], when: str, level: int) -> list[Block]:
    names = [p.short_name for p in priorities]
    rows = [chart.counts_of(dict(p.rag_counts())) for p in priorities]
    total = [sum(col) for col in zip(*rows, strict=True)] if rows else [0] * 5
    header = ["Key priority", *(f"{r.label} ({r.value})" for r in RAG_ORDER), "Not reported"]
    body: list[list[str | Cell]] = [
        [name, *(str(n) for n in counts), str(sum(counts))]
        for name, counts in zip(names, rows, strict=True)
    ]
    body.append(["All actions", *(str(n) for n in total), str(sum(total))])
    alt = chart.rag_alt([*names, "All actions"], [*rows, total])
    return [
        Heading(level, f"RAG summary, {when}"),
        Figure(
            chart.rag_bars([*rows, total]),
            alt,
            _chart_caption(f"Actions by RAG status, {when}", [*names, "All actions"]),
            16.0,
            16.0 * (len(rows) + 1) * 48 / 720 + 0.4,
        ),
        table(
            f"Actions by RAG status, {when}",
            [*header, "Total"],
            body,
            (3, 1, 1, 1, 1, 1.3, 1),
            row_headers=True,
        ),
    ]


def _short_list(caption: str, items: list[tuple[PrioritySection, ActionLine]]) -> Table:
    return table(
        caption,
        ["Ref", "Project / initiative", "Lead agency", "By when", "Key priority"],
        [[a.reference, a.title, a.lead, a.deadline, p.short_name] for p, a in items],
        (1, 4, 1.5, 1.3, 1.5),
    )


def _exceptions(data: QuarterlyReport, level: int) -> list[Block]:
    found = data.exceptions
    blocks: list[Block] = [Heading(level, "Exceptions")]
    if not found:
        return [*blocks, Para(f"No action is Red or Amber in {data.quarter_label}.")]
    blocks.append(
        table(
            f"Red and Amber actions, {data.quarter_label}, with their progress updates",
            ["Ref", "Project / initiative", "Lead agency", "RAG", "Change", "Progress update"],
            [
                [a.reference, a.title, a.lead, rag_cell(a.rag), _change(a), a.narrative]
                for _p, a in found
            ],
            (1, 3, 1.4, 1.6, 1.6, 4.8),
        )
    )
    return blocks


def _priority_actions(p: PrioritySection, quarter: str, level: int) -> list[Block]:
    blocks: list[Block] = [Heading(level, p.heading)]
    if p.commitments:
        blocks += [Para("The Partnership will:", strong=True), Bullets(p.commitments)]
    for obj in p.objectives:
        blocks.append(
            table(
                f"{p.short_name}: {obj.title}",
                [
                    "Ref",
                    "Project / initiative",
                    "Lead agency",
                    "By when",
                    "RAG",
                    "Change",
                    "Progress update",
                ],
                [
                    [
                        a.reference,
                        a.title,
                        a.lead,
                        a.deadline,
                        rag_cell(a.rag, "Dropped" if a.status == "dropped" else "Not reported"),
                        _change(a),
                        a.narrative,
                    ]
                    for a in obj.actions
                ],
                (1, 3, 1.4, 1.3, 1.6, 1.6, 4.6),
            )
        )
    return blocks


def _statistics(indicators: tuple[IndicatorStats, ...], level: int) -> list[Block]:
    blocks: list[Block] = [Heading(level, "Performance statistics")]
    if not indicators:
        return [*blocks, Para("No performance statistics are recorded.")]
    for ind in indicators:
        blocks.append(Heading(level + 1, ind.name))
        facts = [
            ind.description,
            f"Target: {ind.target}" if ind.target else "",
            "Lower is better." if ind.polarity == "lower_better" else "Higher is better.",
        ]
        if ind.source:
            facts.append(f"Source: {ind.source}.")
        if ind.status is not None:
            facts.append(f"Status: {ind.status.label} ({ind.status.value}). {ind.status_rule}")
        elif ind.status_rule:
            facts.append(ind.status_rule)
        blocks.append(Para("\n".join(f for f in facts if f)))
        if ind.points:
            blocks.append(
                table(
                    f"{ind.name}: values by period with {ind.comparator_label.lower()}",
                    ["Period", "Value", ind.comparator_label, "Previous year", "Note"],
                    [
                        [
                            p.period,
                            p.value_text + (" (provisional)" if p.provisional else ""),
                            p.comparator_text,
                            p.previous_year_text,
                            p.note,
                        ]
                        for p in ind.points
                    ],
                    (1.5, 1.3, 1.3, 1.3, 3),
                    row_headers=True,
                )
            )
    return blocks


def _money(pence: int | None) -> str:
    if pence is None:
        return ""
    return f"£{pence / 100:,.2f}".replace(".00", "")


def _funding(data: QuarterlyReport, level: int) -> list[Block]:
    blocks: list[Block] = [Heading(level, "Funding")]
    if not data.streams and not data.action_funding:
        return [*blocks, Para("No funding is recorded.")]
    if data.streams:
        blocks.append(
            table(
                "Funding streams",
                ["Source", "Year", "What it funds", "Amount"],
                [[f.source, f.year, f.funds, _money(f.amount_pence)] for f in data.streams],
                (2, 1, 4, 1.3),
            )
        )
    if data.action_funding:
        blocks.append(
            table(
                "Funding of actions",
                ["Ref", "Action", "Source", "Amount", "Note"],
                [
                    [f.reference, f.action, f.source, _money(f.amount_pence), f.note]
                    for f in data.action_funding
                ],
                (1, 3, 2, 1.3, 3),
            )
        )
    return blocks


def _acronyms(acronyms: tuple[AcronymEntry, ...], level: int) -> list[Block]:
    if not acronyms:
        return []
    return [
        Heading(level, "Acronyms"),
        table(
            "Abbreviations used",
            ["Abbreviation", "Meaning"],
            [[a.abbreviation, a.meaning] for a in acronyms],
            (1, 4),
            row_headers=True,
        ),
    ]


def quarterly_blocks(data: QuarterlyReport, level: int) -> list[Block]:
    """The quarterly report's body from `level` down (the title is the caller's)."""
    blocks: list[Block] = []
    if data.illustrative_rags:
        blocks.append(Para(ILLUSTRATIVE, note=True))
    blocks += _rag_key(data.info, level)
    blocks += _summary(data.priorities, data.quarter_label, level)
    missing = data.not_reported
    blocks.append(Heading(level + 1, "Not reported this quarter"))
    blocks.append(
        _short_list(f"Actions not reported in {data.quarter_label}", missing)
        if missing
        else Para("Every active action was reported.")
    )
    overdue = data.overdue
    blocks.append(Heading(level + 1, "Overdue actions"))
    blocks.append(
        _short_list(f"Actions past their deadline at the end of {data.quarter_label}", overdue)
        if overdue
        else Para("No action is past its deadline.")
    )
    blocks += _exceptions(data, level)
    for p in data.priorities:
        blocks += _priority_actions(p, data.quarter_label, level)
    blocks += _statistics(data.indicators, level)
    blocks += _funding(data, level)
    return blocks


def quarterly_document(data: QuarterlyReport) -> Document:
    info = data.info
    blocks = _cover(
        info,
        [
            ("Partnership", info.partnership),
            ("Area", info.area),
            ("Plan", data.plan_title),
            ("Quarter", data.quarter_label),
            ("Prepared by", info.prepared_by),
            ("Contact", info.contact),
            ("Date", info.generated_on.strftime("%d %B %Y")),
        ],
    )
    blocks += quarterly_blocks(data, 2)
    blocks += _acronyms(data.acronyms, 2)
    return document(info, blocks)


def plan_blocks(data: PlanDocument, level: int) -> list[Block]:
    blocks: list[Block] = []
    frameworks = [short for _, short in data.columns]
    # Each framework the plan cites takes a narrow column; with none, About and Outcomes
    # have the room.
    each = 1.05 if len(frameworks) <= 3 else 3.15 / len(frameworks)
    spare = 2.1 - each * len(frameworks)
    weights = (2, 0.9, 2.2, 3 + spare / 2, 3 + spare / 2, *[each] * len(frameworks), 1.25, 1.1)
    for p in data.priorities:
        blocks.append(Heading(level, p.heading))
        if p.commitments:
            blocks += [Para("The Partnership will:", strong=True), Bullets(p.commitments)]
        blocks.append(
            table(
                f"{p.heading}: actions",
                [
                    "Objective",
                    "Ref",
                    "Project / initiative",
                    "About",
                    "Outcomes",
                    *frameworks,
                    "Lead agency",
                    "By when",
                ],
                [
                    [
                        r.objective,
                        r.reference,
                        r.title,
                        r.about,
                        r.outcomes,
                        *r.cross_references[: len(frameworks)],
                        *[""] * (len(frameworks) - len(r.cross_references)),
                        r.lead,
                        r.deadline,
                    ]
                    for r in p.rows
                ],
                weights,
            )
        )
    for name, items in data.frameworks:
        blocks.append(Heading(level, name))
        blocks.append(
            table(name, ["Code", "Title"], [[c, t] for c, t in items], (1, 6), row_headers=True)
        )
    return blocks


def plan_document(data: PlanDocument) -> Document:
    info = data.info
    blocks = _cover(
        info,
        [
            ("Partnership", info.partnership),
            ("Plan", data.plan_title),
            ("Prepared by", info.prepared_by),
            ("Contact", info.contact),
            ("Date", info.generated_on.strftime("%d %B %Y")),
        ],
    )
    blocks += plan_blocks(data, 2)
    blocks += _acronyms(data.acronyms, 2)
    return document(info, blocks)


def _final(a: ActionLine) -> RAG | None:
    return next((r for r in reversed(a.path) if r is not None), None)


def year_end_document(data: YearEndReport) -> Document:
    info = data.info
    blocks = _cover(
        info,
        [
            ("Partnership", info.partnership),
            ("Year", data.year),
            ("Prepared by", info.prepared_by),
            ("Contact", info.contact),
            ("Date", info.generated_on.strftime("%d %B %Y")),
        ],
    )
    blocks += _rag_key(info, 2)
    names = [p.short_name for p in data.priorities]
    rows = [chart.counts_of(dict(Counter(_final(a) for a in p.actions))) for p in data.priorities]
    total = [sum(col) for col in zip(*rows, strict=True)] if rows else [0] * 5
    blocks += [
        Heading(2, f"Where the actions ended the year, {data.year}"),
        Figure(
            chart.rag_bars([*rows, total]),
            chart.rag_alt([*names, "All actions"], [*rows, total]),
            _chart_caption("Actions by their last RAG status of the year", [*names, "All actions"]),
            16.0,
            16.0 * (len(rows) + 1) * 48 / 720 + 0.4,
        ),
        table(
            f"Actions by their last RAG status of {data.year}",
            [
                "Key priority",
                *(f"{r.label} ({r.value})" for r in RAG_ORDER),
                "Not reported",
                "Total",
            ],
            [
                [name, *(str(n) for n in counts), str(sum(counts))]
                for name, counts in zip([*names, "All actions"], [*rows, total], strict=True)
            ],
            (3, 1, 1, 1, 1, 1.3, 1),
            row_headers=True,
        ),
    ]
    labels = data.quarter_labels
    for p in data.priorities:
        blocks.append(Heading(2, p.heading))
        if p.commitments:
            blocks += [Para("The Partnership will:", strong=True), Bullets(p.commitments)]
        for obj in p.objectives:
            blocks.append(
                table(
                    f"{p.short_name}: {obj.title}, RAG by quarter",
                    ["Ref", "Project / initiative", "Lead agency", *labels, "Latest update"],
                    [
                        [
                            a.reference,
                            a.title,
                            a.lead,
                            *(rag_cell(r, "–") for r in a.path),
                            (f"{a.latest_quarter}: " if a.latest_quarter else "") + a.narrative,
                        ]
                        for a in obj.actions
                    ],
                    (1, 3, 1.3, 1, 1, 1, 1, 5),
                )
            )
    blocks += _statistics(data.indicators, 2)
    blocks += _acronyms(data.acronyms, 2)
    return document(info, blocks)


def _by_partner(p: PrioritySection, names: Mapping[str, str]) -> list[Block]:
    """What each lead partner reported this quarter, partner by partner."""
    said: dict[str, list[str]] = {}
    for a in p.actions:
        if a.narrative.strip():
            for lead in [x.strip() for x in (a.lead or "Partnership").split(",")] or [""]:
                said.setdefault(lead or "Partnership", []).append(f"{a.title}: {a.narrative}")
    if not said:
        return [Para("No partner reported progress on this priority this quarter.")]
    blocks: list[Block] = []

    def named(abbreviation: str) -> str:
        name = names.get(abbreviation, "")
        return f"{name} ({abbreviation})" if name and name != abbreviation else abbreviation

    for partner in sorted(said, key=lambda a: named(a).lower()):
        blocks += [Para(named(partner), strong=True), Bullets(tuple(said[partner]))]
    return blocks


def committee_document(data: CommitteeReport) -> Document:
    q = data.quarterly
    info = data.info
    title = data.text("title") or info.partnership
    blocks: list[Block] = [
        Heading(1, f"{data.body}: {title}"),
        Fields(
            tuple(
                (label, value)
                for label, value in [
                    *((label, data.text(key)) for key, label in HEADER_FIELDS),
                    ("Meeting", data.body),
                    ("Date", data.meeting_date.strftime("%d %B %Y")),
                    ("Period", f"{q.quarter_label} ({q.plan_title})"),
                ]
                if value
            )
        ),
    ]
    if q.illustrative_rags:
        blocks.append(Para(ILLUSTRATIVE, note=True))
    number = 0
    for key, heading in OPENING_SECTIONS:
        number += 1
        blocks.append(Heading(2, f"{number}. {heading}"))
        text = data.text(key)
        if key == "executive_summary":
            text = text or (
                f"This report gives the {data.body} the work of the {info.partnership} "
                f"in {q.quarter_label}. The Annual Partnership Plan is attached as Appendix A."
            )
        blocks += paragraphs(text) or [Para("Not provided.")]
    number += 1
    perf = number
    blocks.append(Heading(2, f"{perf}. The partnership's performance, {q.quarter_label}"))
    sub = 0
    for p in q.priorities:
        sub += 1
        blocks.append(Heading(3, f"{perf}.{sub} {p.heading}"))
        if p.commitments:
            blocks += [Heading(4, f"The {info.partnership} will"), Bullets(p.commitments)]
        blocks.append(Heading(4, "Achievements by partner"))
        blocks += _by_partner(p, data.partner_names)
    sub += 1
    summary = _summary(q.priorities, q.quarter_label, 3)
    summary[0] = Heading(3, f"{perf}.{sub} RAG summary, {q.quarter_label}")
    blocks += summary
    blocks.append(Bullets(tuple(info.rag.lines())))
    sub += 1
    exceptions = _exceptions(q, 3)
    exceptions[0] = Heading(3, f"{perf}.{sub} Exceptions")
    blocks += exceptions
    sub += 1
    stats = _statistics(q.indicators, 3)
    stats[0] = Heading(3, f"{perf}.{sub} Performance statistics")
    blocks += stats
    sub += 1
    funding = _funding(q, 3)
    funding[0] = Heading(3, f"{perf}.{sub} Funding")
    blocks += funding
    number += 1
    blocks.append(Heading(2, f"{number}. {FUTURE_SECTION[1]}"))
    blocks += paragraphs(data.text(FUTURE_SECTION[0])) or [Para("Not provided.")]
    for key, heading in IMPLICATION_SECTIONS:
        number += 1
        blocks.append(Heading(2, f"{number}. {heading}"))
        blocks += paragraphs(data.text(key)) or [Para(BLANK_IMPLICATION)]
    blocks += _acronyms(q.acronyms, 2)
    blocks.append(NewPages(landscape=True))
    blocks.append(Heading(2, f"Appendix A: {data.plan.plan_title}"))
    blocks += plan_blocks(data.plan, 3)
    return document(info, blocks)


def build(data: object) -> Document:
    """The blocks of any report the application writes."""
    if isinstance(data, CommitteeReport):
        return committee_document(data)
    if isinstance(data, QuarterlyReport):
        return quarterly_document(data)
    if isinstance(data, PlanDocument):
        return plan_document(data)
    if isinstance(data, YearEndReport):
        return year_end_document(data)
    raise TypeError(f"No document for {type(data).__name__}")
