"""The Annual Partnership Plan in the 'Appendix A' layout: landscape tables per key priority."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from scp_desktop.domain.reports import PlanDocument, PlanPriority
from scp_desktop.pdf.base import (
    GRID,
    LANDSCAPE,
    PADDING,
    Carry,
    Para,
    Part,
    ReportDoc,
    Styles,
    bullets,
    header_row,
    m,
    p,
    table,
)
from scp_desktop.pdf.text import chunks, esc

WIDTH = ReportDoc.frame_size(LANDSCAPE)[0]
# Each framework the plan cites gets a column between Outcomes and the lead.
BEFORE = ["Objective", "Project / initiative", "About", "Outcomes"]
AFTER = "Lead agency / by when"
# Widths with the two frameworks of an Essex plan; About and Outcomes give or take the room
# other numbers of frameworks, or wider headings, need.
_FIXED = [40 * mm, 38 * mm, 66 * mm, 60 * mm]
_FRAMEWORK = 17 * mm
_WIDEST = 30 * mm  # a framework column widens to fit its heading's longest word up to this
_FRAMEWORKS_ROOM = 75 * mm  # beyond this the framework columns share it (About keeps ~44 mm)


def _word_width(heading: str) -> float:
    style = Styles.head_cell
    words = heading.split() or [""]
    return float(max(stringWidth(w, style.fontName, style.fontSize) for w in words)) + PADDING + 1


def headings(columns: Sequence[tuple[str, str]]) -> list[str]:
    """Each framework's printed heading (its name); its code where a word of the name would
    be cut in the room the plan's columns leave it."""
    room = widths([heading for heading, _ in columns])[4:-1]
    return [
        heading if _word_width(heading) <= width else short
        for (heading, short), width in zip(columns, room, strict=True)
    ]


def widths(frameworks: Sequence[str]) -> list[float]:
    """Column widths for a plan citing frameworks with these headings: each framework column
    as wide as its heading's longest word needs (so no word is cut), the lead column as
    always, About and Outcomes the rest."""
    each = [min(_WIDEST, max(_FRAMEWORK, _word_width(h))) for h in frameworks]
    if sum(each) > _FRAMEWORKS_ROOM:
        each = [w * _FRAMEWORKS_ROOM / sum(each) for w in each]
    spare = 2 * _FRAMEWORK - sum(each)  # negative: About and Outcomes give room
    objective, title, about, outcomes = _FIXED
    out = [objective, title, about + spare * 0.55, outcomes + spare * 0.45, *each]
    return [*out, WIDTH - sum(out)]


def body(data: PlanDocument, prefix: str, level: int = 0) -> Part:
    """The plan's tables, each key priority starting a new landscape page."""
    part = Part()
    frameworks = headings(data.columns)  # the same for every key priority's table
    # Key priorities follow on, as in the plan's own Appendix A: a page break before each left
    # pages holding the last row of the one before.
    for i, priority in enumerate(data.priorities):
        part.heading(priority.heading, f"{prefix}-kp{i}", level)
        if priority.commitments:
            part.flowables.append(m("<b>The Partnership will:</b>", Styles.body))
            part.flowables += bullets(priority.commitments)
            part.flowables.append(Spacer(1, 3 * mm))
        part.flowables.append(plan_table(priority, frameworks))
    if data.frameworks:
        # The keys are kept whole: room for the first with its heading, or a new page.
        part.flowables.append(CondPageBreak(110 * mm))
        part.heading("Key to the cross-references", f"{prefix}-key", level)
        for name, items in data.frameworks:
            rows: list[list[Any]] = [header_row(["Code", "Title"])]
            rows += [[p(code, Styles.cell), p(title, Styles.cell)] for code, title in items]
            # A key is short: keep it on one page with its name.
            part.flowables.append(
                KeepTogether([p(name, Styles.h3), table(rows, [20 * mm, 150 * mm])])
            )
    return part


def plan_table(priority: PlanPriority, frameworks: list[str]) -> Any:
    """Rows grouped by objective; the objective is printed once, on its first row only; a
    column per framework heading in `frameworks`.

    The objective column draws no rule between rows of the same objective, so the group reads
    as one cell even when it runs over a page.
    """
    rows: list[list[Any]] = [header_row([*BEFORE, *frameworks, AFTER])]
    extra: list[tuple[Any, ...]] = []
    previous = None
    # Rows under an objective's first: a page starting at one prints the objective again.
    under: dict[int, str] = {}
    for row in priority.rows:
        i = len(rows)
        first = row.objective != previous
        previous = row.objective
        if not first:
            under[i] = row.objective
        if not first:
            # Same objective: hide the rule above this row in the objective column.
            extra.append(("LINEABOVE", (0, i), (0, i), 0.4, "white"))
        lead = esc(row.lead) if row.lead else ""
        if row.deadline:
            lead += ("<br/>" if lead else "") + f"<i>{esc(row.deadline)}</i>"
        title = esc(row.title)
        if row.reference:
            title = f"<font color='#555555'>{esc(row.reference)}</font> {title}"
        about = chunks(row.about)
        outcomes = chunks(row.outcomes)
        rows.append(
            [
                p(row.objective, Styles.cell_bold) if first else "",
                m(title, Styles.cell_bold),
                p(about[0], Styles.cell_small),
                p(outcomes[0], Styles.cell_small),
                *(p(codes, Styles.cell) for codes in _fitted(row.cross_references, frameworks)),
                m(lead, Styles.cell),
            ]
        )
        for k in range(1, max(len(about), len(outcomes))):
            extra.append(("LINEABOVE", (0, len(rows)), (0, len(rows)), 0.4, "white"))
            under[len(rows)] = row.objective
            rows.append(
                [
                    "",
                    m("<i>continued</i>", Styles.note_cell),
                    p(about[k] if k < len(about) else "", Styles.cell_small),
                    p(outcomes[k] if k < len(outcomes) else "", Styles.cell_small),
                    *[""] * len(frameworks),
                    "",
                ]
            )
    if not priority.rows:
        rows.append(
            [p("No actions under this key priority.", Styles.cell)] + [""] * (len(frameworks) + 5)
        )
        extra.append(("SPAN", (0, 1), (-1, 1)))
    last = len(rows) - 1
    # The table draws its own rules (the shared grid would draw those it hides), counted from
    # the top: header first, then the body, and the hidden rules after them so they win.
    rules: list[tuple[Any, ...]] = [
        ("LINEABOVE", (0, 0), (-1, 0), 0.4, GRID),
        ("LINEBELOW", (0, 0), (-1, 0), 0.4, GRID),
        ("LINEBEFORE", (0, 0), (-1, 0), 0.4, GRID),
        ("LINEAFTER", (-1, 0), (-1, 0), 0.4, GRID),
        ("LINEBELOW", (0, 1), (-1, last), 0.4, GRID),
        ("LINEBEFORE", (0, 1), (-1, last), 0.4, GRID),
        ("LINEAFTER", (-1, 1), (-1, last), 0.4, GRID),
    ]

    def carry(row: int) -> Carry | None:
        if row not in under:
            return None
        title = Para(f"{esc(under[row])} <i>(continued)</i>", Styles.cell_bold)
        # The carried cell has its rule above: it starts the page's group.
        return Carry(cells={0: title})

    return table(rows, widths(frameworks), extra=rules + extra, carry=carry, grid=False)


def _fitted(codes: tuple[str, ...], frameworks: list[str]) -> list[str]:
    """A row's codes, one per framework column (a row built without them has blanks)."""
    return [*codes[: len(frameworks)], *[""] * (len(frameworks) - len(codes))]
