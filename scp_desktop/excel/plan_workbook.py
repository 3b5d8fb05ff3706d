"""The whole plan as a spreadsheet laid out like the plan's Appendix A, and reading a plan back from one.

Officers keep the year's plan in a spreadsheet: priority banner rows, the objective written once
and left blank on its continuation rows, columns in whatever order and wording.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from scp_desktop.domain.rag import RAG
from scp_desktop.excel.cells import estimated_height, put
from scp_desktop.excel.columns import Meaning
from scp_desktop.excel.grid import Grid
from scp_desktop.excel.plan_columns import PlanColumn, PlanColumns, plan_columns, year_in
from scp_desktop.excel.return_reader import cell_text
from scp_desktop.excel.safety import SpreadsheetRejected


@dataclass(frozen=True)
class PlanSheetAction:
    reference: str
    title: str
    about: str
    outcomes: list[str]
    target_area: str
    lead: list[str]
    support: list[str]
    by_when: str
    rag: RAG | None = None
    narrative: str = ""
    status: str = "active"
    funding: list[str] = field(default_factory=list)  # 'PFCC grant £5,000' per line
    notes: str = ""
    # The action's codes under each of the sheet's frameworks ('1, 2'), in their column order.
    cross_references: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanSheetObjective:
    title: str
    actions: list[PlanSheetAction]


@dataclass(frozen=True)
class PlanSheetPriority:
    number: int
    kind: str
    title: str
    objectives: list[PlanSheetObjective]


@dataclass(frozen=True)
class PlanSheetData:
    partnership: str
    year: str
    title: str
    quarter_label: str
    priorities: list[PlanSheetPriority]
    agencies: list[tuple[str, str]] = field(default_factory=list)  # abbreviation, full name
    # framework (e.g. "PFCC priority"), code, title: what the codes in the plan stand for
    cross_references: list[tuple[str, str, str]] = field(default_factory=list)
    footer: str = ""  # the partnership's document footer, printed on each page
    # A column per framework the plan cites, headed so ("PFCC priority", "Violence Reduction Unit").
    frameworks: list[str] = field(default_factory=list)


_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def priority_banner(priority: PlanSheetPriority) -> str:
    if priority.kind == "other":
        return f"Other work: {priority.title}"
    return f"Key priority {priority.number}: {priority.title}"


def write_plan(data: PlanSheetData, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"Plan {data.year}"[:31]
    if data.footer:
        ws.oddFooter.left.text = data.footer
    columns: list[tuple[str, float]] = [
        ("Ref", 8),
        ("Objective", 26),
        ("Project / initiative", 30),
        ("About", 50),
        ("Outcomes", 30),
        ("Target area", 16),
        ("Lead agency", 12),
        ("Supporting agencies", 16),
        ("By when", 11),
    ]
    columns += [(heading, _framework_width(heading)) for heading in data.frameworks]
    if data.quarter_label:
        columns += [
            (f"RAG {data.quarter_label}", 10),
            (f"Progress update {data.quarter_label}", 50),
        ]
    # After the quarter's columns, so a return reader finds the RAG before "Status".
    columns += [("Funding", 18), ("Status", 10), ("Notes", 40)]
    put(
        ws, 1, 1, f"Appendix A: {data.title or 'Annual Partnership Plan ' + data.year}"
    ).font = Font(bold=True, size=14, color="1F3864")
    put(ws, 2, 1, data.partnership).font = Font(italic=True)
    header = 4
    for c, (title, width) in enumerate(columns, start=1):
        cell = put(ws, header, c, title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3864")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(c)].width = width
    last_col = get_column_letter(len(columns))
    row = header
    for priority in data.priorities:
        row += 1
        banner = put(ws, row, 1, priority_banner(priority))
        banner.font = Font(bold=True, color="FFFFFF", size=12)
        banner.alignment = Alignment(wrap_text=True, vertical="center")
        for c in range(1, len(columns) + 1):
            ws.cell(row, c).fill = PatternFill("solid", fgColor="2F5496")
        ws.merge_cells(f"A{row}:{last_col}{row}")
        ws.row_dimensions[row].height = 30
        for objective in priority.objectives:
            for i, action in enumerate(objective.actions):
                row += 1
                _write_action(ws, row, data, objective.title if i == 0 else "", action)
    ws.freeze_panes = ws.cell(header + 1, 1)
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "Page &P of &N"
    if data.agencies:
        _agencies_sheet(wb, data)
    if data.cross_references:
        _codes_sheet(wb, data)
    wb.save(path)


def _write_action(
    ws: Any, row: int, data: PlanSheetData, objective_title: str, action: PlanSheetAction
) -> None:
    """An action's row; its objective is named on the objective's first action only."""
    values: list[Any] = [
        action.reference,
        objective_title,
        action.title,
        action.about,
        "\n".join(action.outcomes),
        action.target_area,
        ", ".join(action.lead),
        ", ".join(action.support),
        action.by_when,
        *action.cross_references[: len(data.frameworks)],
        *[""] * (len(data.frameworks) - len(action.cross_references)),
    ]
    rag_column = len(values) + 1
    if data.quarter_label:
        values += [action.rag.label if action.rag else "", action.narrative]
    values += ["\n".join(action.funding), action.status.capitalize(), action.notes]
    for c, value in enumerate(values, start=1):
        cell = put(ws, row, c, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = _BORDER
    if data.quarter_label and action.rag is not None:
        cell = ws.cell(row, rag_column)
        cell.fill = PatternFill("solid", fgColor=action.rag.hex_colour.lstrip("#"))
        cell.font = Font(bold=True, color=action.rag.ink_colour.lstrip("#"))
    height = estimated_height(
        [
            (action.about, 50),
            (action.title, 30),
            (objective_title, 26),
            (action.notes, 40),
        ]
        + ([(action.narrative, 50)] if data.quarter_label else [])
    )
    if height:
        ws.row_dimensions[row].height = height


def _framework_width(heading: str) -> float:
    """Room for the heading's longest word; the codes under it are short."""
    return float(min(max([10, *(len(w) + 2 for w in heading.split())]), 24))


def _codes_sheet(wb: Workbook, data: PlanSheetData) -> None:
    """What each code of the frameworks the plan cites stands for."""
    ws = wb.create_sheet("Cross-references")
    put(ws, 1, 1, f"Cross-references in the plan {data.year}").font = Font(bold=True, size=12)
    for c, (title, width) in enumerate((("Framework", 30), ("Code", 10), ("Title", 60)), start=1):
        cell = put(ws, 3, c, title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3864")
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, values in enumerate(data.cross_references, start=4):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value)
    ws.freeze_panes = "A4"


def _agencies_sheet(wb: Workbook, data: PlanSheetData) -> None:
    """The agencies the plan names, so an abbreviation in the plan can be read in full."""
    ws = wb.create_sheet("Agencies")
    put(ws, 1, 1, f"Agencies named in the plan {data.year}").font = Font(bold=True, size=12)
    for c, (title, width) in enumerate((("Abbreviation", 16), ("Agency", 50)), start=1):
        cell = put(ws, 3, c, title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3864")
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, (abbreviation, name) in enumerate(data.agencies, start=4):
        put(ws, r, 1, abbreviation)
        put(ws, r, 2, name)
    ws.freeze_panes = "A4"


# ---------------------------------------------------------------- reading a plan spreadsheet


@dataclass
class PlanLine:
    """One project / initiative row of a plan spreadsheet, as written."""

    sheet: str
    row: int
    priority_number: int | None
    priority_title: str  # '' when the sheet has no key priority above the row
    priority_kind: str
    objective: str  # '' when the sheet gives none
    reference: str
    title: str
    about: str
    outcomes: list[str]
    target_area: str
    lead: list[str]
    support: list[str]
    by_when: Any
    pfcc: list[str]
    ecps: list[str]
    lead_text: str = ""  # the agency cells as written, split against the known agencies later
    support_text: str = ""
    funding: str = ""
    status: str = ""
    notes: list[tuple[str, str]] = field(default_factory=list)  # (column, text) kept as notes
    # The codes in each column of a partnership's own framework: (column heading, codes).
    cross_references: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class PlanRead:
    lines: list[PlanLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    year_hint: str = ""
    sheet: str = ""
    columns: PlanColumns | None = None
    rows: list[list[Any]] = field(default_factory=list)  # the sheet, to read again re-mapped
    banners: list[tuple[int, str]] = field(default_factory=list)  # (row, text) above the header
    # The workbook's own key to its cross-references: (framework, code, title) rows.
    key: list[tuple[str, str, str]] = field(default_factory=list)
    # The headings read as a framework's column: the partnership's own frameworks', then
    # those the key names (read_plan_sheet); to read the sheet again the same way.
    framework_headings: list[str] = field(default_factory=list)


_BANNER = re.compile(
    r"^\s*(?:key\s+)?priority\s*(\d+)?\s*[:.\-–]?\s*(.*)$|^\s*(\d+)\s*[.:)\-–]\s*(.+)$",
    re.IGNORECASE | re.DOTALL,
)


_SECTION_WORDS = re.compile(
    r"^\s*((key\s+)?priority\b|theme\b|other\b|\d+\s*[.:)\-–]\s)", re.IGNORECASE
)


def split_agencies(text: str) -> list[str]:
    parts = re.split(r"\s*(?:[,;/\n]|&|\band\b)\s*", text)
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _codes(text: str) -> list[str]:
    return [p.strip(" .") for p in re.split(r"[,;/\n]|\s{2,}|\band\b", text) if p.strip(" .")]


def read_plan_sheet(
    grid: Grid, overrides: Mapping[int, Meaning] | None = None, frameworks: Collection[str] = ()
) -> PlanRead:
    """The plan's rows from the first visible sheet with a recognisable header; columns headed
    by one of `frameworks` (the partnership's own), or by a framework the workbook's key to
    its cross-references names, hold that framework's codes."""
    key = cross_reference_key(grid)
    named = [*frameworks, *dict.fromkeys(name for name, _, _ in key)]
    for sheet in grid.sheets:
        if sheet.hidden:
            continue
        read = read_plan_rows(sheet.name, [list(row) for row in sheet.rows], overrides, named)
        if read is not None:
            read.key, read.framework_headings = key, named
            return read
    raise SpreadsheetRejected(
        f"{grid.path.name} has no sheet with a plan header: a row naming columns such as "
        "'Objective', 'Project / initiative', 'Lead agency' and 'By when'."
    )


def cross_reference_key(grid: Grid) -> list[tuple[str, str, str]]:
    """The (framework, code, title) rows of a sheet laid out as the plan workbook's key to its
    cross-references (a 'Framework', 'Code', 'Title' header); none when there is no such sheet."""
    for sheet in grid.sheets:
        rows = sheet.rows
        top = [[cell_text(c).casefold() for c in r[:3]] for r in rows[:_KEY_HEADER_ROWS]]
        if ["framework", "code", "title"] not in top:
            continue
        start = top.index(["framework", "code", "title"]) + 1
        found = []
        for r in rows[start:]:
            cells = [cell_text(c) for c in [*r[:3], "", "", ""][:3]]
            if cells[0] and cells[1]:
                found.append((cells[0], cells[1], cells[2]))
        return found
    return []


_KEY_HEADER_ROWS = 5


def read_plan_rows(
    name: str,
    rows: list[list[Any]],
    overrides: Mapping[int, Meaning] | None = None,
    frameworks: Collection[str] = (),
) -> PlanRead | None:
    """One sheet read as a plan with the columns' meanings (the officer's `overrides` first);
    None when the sheet has no plan header."""
    columns = plan_columns(rows, overrides, frameworks)
    if columns is None or not columns.has(Meaning.TITLE):
        return None
    return _read_plan(name, rows, columns)


def _read_plan(name: str, rows: list[list[Any]], columns: PlanColumns) -> PlanRead:
    read = PlanRead(sheet=name, columns=columns, rows=rows)
    _read_banners(read, rows[: columns.header_row - 1])
    col = {m: columns.column(m) for m in Meaning}
    kept = [c for c in columns.columns if c.meaning is Meaning.NOTES]
    cited = columns.of(Meaning.FRAMEWORK)
    place = _Place()
    for index in range(columns.header_row, len(rows)):
        cells = _RowCells(col, rows[index])
        filled = [cell_text(v) for v in cells.values if cell_text(v)]
        if not filled:
            continue
        title = cells.text(Meaning.TITLE)
        if len(filled) == 1 and (not title or _SECTION_WORDS.match(filled[0])):
            # A banner row, often merged across the sheet (a lone title is an action).
            place.banner(filled[0])
            continue
        if cells.text(Meaning.PRIORITY):
            place.priority_cell(cells.text(Meaning.PRIORITY))
        if cells.text(Meaning.OBJECTIVE):
            place.objective = cells.text(Meaning.OBJECTIVE)
        if not title:
            read.problems.append(
                f"{name} row {index + 1}: no project / initiative title; row skipped "
                f"(it holds: {'; '.join(filled)[:200]})"
            )
            continue
        line = _plan_line(name, index + 1, cells, place, kept)
        line.cross_references = [(heading, _codes(text)) for heading, text in cells.filled(cited)]
        read.lines.append(line)
    return read


def _read_banners(read: PlanRead, above: list[list[Any]]) -> None:
    """The rows above the header as banner texts, and the first year any of them names."""
    for r, banner_row in enumerate(above, start=1):
        texts = [cell_text(c) for c in banner_row if cell_text(c)]
        if texts:
            read.banners.append((r, " ".join(texts)))
    for _, banner_text in read.banners:
        if not read.year_hint and (found := year_in(banner_text)):
            read.year_hint = found


@dataclass
class _Place:
    """The key priority and objective the rows below them belong to."""

    number: int | None = None
    title: str = ""
    kind: str = "key"
    objective: str = ""

    def banner(self, text: str) -> None:
        """A banner row starts a priority (or other section) with no objective yet."""
        self.number, self.title, self.kind = _parse_banner(text, self.number)
        self.objective = ""

    def priority_cell(self, text: str) -> None:
        """A priority column names the row's priority; a new one starts afresh."""
        number, title, kind = _parse_banner(text, self.number)
        if title != self.title:
            self.number, self.title, self.kind = number, title, kind
            self.objective = ""


@dataclass(frozen=True)
class _RowCells:
    """One row's cells read by their column's meaning."""

    col: Mapping[Meaning, int | None]
    values: Sequence[Any]

    def text(self, meaning: Meaning) -> str:
        c = self.col[meaning]
        return cell_text(self.values[c]) if c is not None and c < len(self.values) else ""

    def raw(self, meaning: Meaning) -> Any:
        c = self.col[meaning]
        return self.values[c] if c is not None and c < len(self.values) else ""

    def filled(self, columns: Sequence[PlanColumn]) -> list[tuple[str, str]]:
        """(heading, text) of each of `columns` with something in this row."""
        found = (
            (c.name, cell_text(self.values[c.index])) for c in columns if c.index < len(self.values)
        )
        return [(name, text) for name, text in found if text]


def _plan_line(
    name: str, r: int, cells: _RowCells, place: _Place, kept: Sequence[PlanColumn]
) -> PlanLine:
    """An action's line; the columns kept as notes go with it by their headings."""
    text = cells.text
    notes = cells.filled(kept)
    return PlanLine(
        sheet=name,
        row=r,
        priority_number=place.number,
        priority_title=place.title,
        priority_kind=place.kind,
        objective=place.objective,
        reference=text(Meaning.REFERENCE),
        title=text(Meaning.TITLE),
        about=text(Meaning.ABOUT),
        outcomes=[o.strip(" •-") for o in text(Meaning.OUTCOMES).split("\n") if o.strip(" •-")],
        target_area=text(Meaning.TARGET_AREA),
        lead=split_agencies(text(Meaning.LEAD)),
        support=split_agencies(text(Meaning.SUPPORT)),
        by_when=cells.raw(Meaning.DEADLINE),
        pfcc=_codes(text(Meaning.PFCC)),
        ecps=_codes(text(Meaning.ECPS)),
        lead_text=text(Meaning.LEAD),
        support_text=text(Meaning.SUPPORT),
        funding=text(Meaning.FUNDING),
        status=text(Meaning.STATUS),
        notes=notes,
    )


def _parse_banner(text: str, previous: int | None) -> tuple[int | None, str, str]:
    raw = text.strip()
    low = raw.lower()
    if low.startswith("other"):
        body = re.sub(r"^other( work| activity)?\s*[:\-–]\s*", "", raw, flags=re.IGNORECASE)
        return None, body or raw, "other"
    m = _BANNER.match(raw)
    if m:
        number = m.group(1) or m.group(3)
        body = (m.group(2) if m.group(1) is not None or m.group(2) else m.group(4)) or raw
        if number:
            return int(number), body.strip() or raw, "key"
        if m.group(2):
            return None, m.group(2).strip(), "key"
    return None, raw, "key"
