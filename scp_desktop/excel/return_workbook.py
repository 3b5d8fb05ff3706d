"""The quarterly return workbook sent to a partner agency, and recognising one when it comes back.

Sheets: the actions the agency leads, the actions it supports, instructions, and a very hidden
metadata sheet naming the plan, quarter, agency, template version and the action on every row.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scp_desktop.domain.profile import STANDARD_WORDING, RagWording
from scp_desktop.domain.rag import RAG, RAG_ORDER
from scp_desktop.excel.cells import estimated_height, put
from scp_desktop.excel.grid import Grid

FORMAT = "scp-return/1"
TEMPLATE_VERSION = "1"
META_SHEET = "scp_meta"
LEAD_SHEET = "Actions you lead"
SUPPORT_SHEET = "Actions you support"
ALL_SHEET = "All actions"
INSTRUCTIONS_SHEET = "Instructions"
HEADER_ROW = 4


@dataclass(frozen=True)
class ReturnRow:
    action_id: int
    reference: str
    title: str
    lead: str
    by_when: str
    previous_rag: RAG | None
    previous_narrative: str


@dataclass(frozen=True)
class ReturnSpec:
    partnership: str
    plan_id: int
    plan_year: str
    quarter_code: str
    quarter_label: str
    previous_label: str
    agency_abbreviation: str  # '' for one return covering every agency
    agency_name: str
    lead_rows: list[ReturnRow]
    support_rows: list[ReturnRow] = field(default_factory=list)
    return_by: str = ""
    generated_on: dt.date | None = None
    # From the partnership's profile: its RAG wording, who sends the return, the footer.
    rag: RagWording = STANDARD_WORDING
    prepared_by: str = ""
    contact: str = ""
    footer: str = ""


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    editable: bool = False
    wrap: bool = False


def columns_for(spec: ReturnSpec) -> list[Column]:
    return [
        Column("Reference", 10),
        Column("Project / initiative", 38, wrap=True),
        Column("Lead agency", 12, wrap=True),
        Column("By when", 11),
        Column(f"Last quarter RAG ({spec.previous_label})", 12, wrap=True),
        Column(f"Last quarter progress update ({spec.previous_label})", 48, wrap=True),
        Column(f"RAG {spec.quarter_label}", 12, editable=True),
        Column(f"Progress update {spec.quarter_label}", 60, editable=True, wrap=True),
        Column("Reported by", 18, editable=True, wrap=True),
        Column("Date", 12, editable=True),
    ]


RAG_COL = 7
DATE_COL = 10
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_EDIT_FILL = PatternFill("solid", fgColor="FFFFFF")


def _rgb(rag: RAG) -> str:
    return rag.hex_colour.lstrip("#").upper()


def build_return(spec: ReturnSpec) -> Workbook:
    wb = Workbook()
    first = wb.active
    assert first is not None
    placed: list[tuple[str, int, ReturnRow]] = []
    if spec.agency_abbreviation:
        _data_sheet(first, spec, LEAD_SHEET, spec.lead_rows, placed, supporting=False)
        if spec.support_rows:
            ws = wb.create_sheet(SUPPORT_SHEET)
            _data_sheet(ws, spec, SUPPORT_SHEET, spec.support_rows, placed, supporting=True)
    else:
        _data_sheet(first, spec, ALL_SHEET, spec.lead_rows, placed, supporting=False)
    _instructions(wb.create_sheet(INSTRUCTIONS_SHEET), spec)
    _metadata(wb.create_sheet(META_SHEET), spec, placed)
    if spec.footer:
        # Printed at the foot of each page of the sheets partners fill in and read.
        for sheet in wb.worksheets[:-1]:
            sheet.oddFooter.left.text = spec.footer
    wb.active = 0
    return wb


def write_return(spec: ReturnSpec, path: Path) -> None:
    build_return(spec).save(path)


def return_bytes(spec: ReturnSpec) -> bytes:
    buffer = io.BytesIO()
    build_return(spec).save(buffer)
    return buffer.getvalue()


def _data_sheet(
    ws: Worksheet,
    spec: ReturnSpec,
    title: str,
    rows: list[ReturnRow],
    placed: list[tuple[str, int, ReturnRow]],
    *,
    supporting: bool,
) -> None:
    ws.title = title
    cols = columns_for(spec)
    who = (
        f"{spec.agency_name} ({spec.agency_abbreviation})"
        if spec.agency_abbreviation
        else "all agencies"
    )
    heading = put(ws, 1, 1, f"Quarterly return {spec.quarter_label}: {who}")
    heading.font = Font(bold=True, size=14, color="1F3864")
    lines = [spec.partnership, f"Annual Partnership Plan {spec.plan_year}"]
    if supporting:
        lines.append("Actions led by another agency that you support: add your contribution")
    else:
        lines.append("Fill in the white columns for each action")
    if spec.return_by:
        lines.append(f"Please return by {spec.return_by}")
    put(ws, 2, 1, " · ".join(lines)).font = Font(italic=True, color="404040")
    for c, col in enumerate(cols, start=1):
        cell = put(ws, HEADER_ROW, c, col.title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.row_dimensions[HEADER_ROW].height = 32
    row_number = HEADER_ROW
    for row in rows:
        row_number += 1
        values: list[Any] = [
            row.reference,
            row.title,
            row.lead,
            row.by_when,
            row.previous_rag.label if row.previous_rag else "Not reported",
            row.previous_narrative,
            None,
            None,
            None,
            None,
        ]
        for c, (col, value) in enumerate(zip(cols, values, strict=True), start=1):
            cell = put(ws, row_number, c, value) if value is not None else ws.cell(row_number, c)
            cell.alignment = Alignment(wrap_text=col.wrap, vertical="top")
            cell.border = _BORDER
            if col.editable:
                cell.protection = Protection(locked=False)
                cell.fill = _EDIT_FILL
            else:
                cell.fill = _LOCKED_FILL
        if row.previous_rag is not None:
            prev = ws.cell(row_number, 5)
            prev.fill = PatternFill("solid", fgColor=_rgb(row.previous_rag))
            prev.font = Font(bold=True, color=row.previous_rag.ink_colour.lstrip("#"))
        ws.cell(row_number, DATE_COL).number_format = "dd/mm/yyyy"
        height = estimated_height(
            [(row.title, cols[1].width), (row.previous_narrative, cols[5].width)]
        )
        ws.row_dimensions[row_number].height = max(height or 30.0, 30.0)
        placed.append((title, row_number, row))
    last = max(row_number, HEADER_ROW + 1)
    rag_range = f"{get_column_letter(RAG_COL)}{HEADER_ROW + 1}:{get_column_letter(RAG_COL)}{last}"
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(r.label for r in RAG_ORDER) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="RAG",
        error="Choose Red, Amber, Green or Blue (Blue = complete).",
        showInputMessage=True,
        promptTitle="RAG",
        prompt="Red = off track, Amber = at risk, Green = on track, Blue = complete",
    )
    ws.add_data_validation(validation)
    validation.add(rag_range)
    letter = get_column_letter(RAG_COL)
    for rag in RAG_ORDER:
        ws.conditional_formatting.add(
            rag_range,
            FormulaRule(
                formula=[f'UPPER(LEFT(TRIM(${letter}{HEADER_ROW + 1}),1))="{rag.value}"'],
                fill=PatternFill("solid", fgColor=_rgb(rag), bgColor=_rgb(rag)),
                font=Font(bold=True, color=rag.ink_colour.lstrip("#")),
            ),
        )
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "Page &P of &N"
    ws.oddFooter.left.text = f"{spec.quarter_label} return"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(cols))}{last}"
    # Locked cells protect the plan's own text; no password, so nobody is ever locked out.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    ws.protection.autoFilter = False
    ws.protection.sort = False


def _instructions(ws: Worksheet, spec: ReturnSpec) -> None:
    who = spec.agency_name or "each agency"
    lines: list[tuple[str, bool]] = [
        (f"How to complete this return ({spec.quarter_label})", True),
        ("", False),
        (
            f"This return lists the actions of the {spec.partnership} Annual Partnership Plan "
            f"{spec.plan_year} for {who}.",
            False,
        ),
        (
            "1. On the actions sheet, choose a RAG for each action from the drop-down list in the RAG column.",
            False,
        ),
        (
            "2. Write a short progress update for the quarter: what was done, results, and anything blocking.",
            False,
        ),
        ("3. Add your name under 'Reported by' and the date you completed the return.", False),
        ("4. Save the file (keep it as .xlsx, do not rename the sheets) and email it back.", False),
        ("", False),
        ("RAG means:", True),
    ]
    lines += [(line, False) for line in spec.rag.lines()]
    lines += [
        ("", False),
        (
            "The grey columns show the plan and last quarter's return; they are locked so the "
            "return can be read back automatically.",
            False,
        ),
        ("If an action has no change, say so: 'No change this quarter' is a useful update.", False),
    ]
    if spec.return_by:
        lines.append((f"Please return it by {spec.return_by}.", True))
    sender = ", ".join(t for t in (spec.prepared_by, spec.contact) if t)
    if sender:
        lines.append((f"Questions: {sender}.", False))
    if spec.footer:
        lines += [("", False), (spec.footer, False)]
    for i, (text, bold) in enumerate(lines, start=1):
        cell = put(ws, i, 1, text)
        cell.font = Font(bold=bold, size=13 if i == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, rag in enumerate(RAG_ORDER):
        cell = ws.cell(10 + i, 1)
        cell.fill = PatternFill("solid", fgColor=_rgb(rag))
        cell.font = Font(bold=True, color=rag.ink_colour.lstrip("#"))
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True


def _metadata(ws: Worksheet, spec: ReturnSpec, placed: list[tuple[str, int, ReturnRow]]) -> None:
    pairs = [
        ("format", FORMAT),
        ("template_version", TEMPLATE_VERSION),
        ("plan_id", str(spec.plan_id)),
        ("plan_year", spec.plan_year),
        ("quarter", spec.quarter_code),
        ("agency", spec.agency_abbreviation),
        ("header_row", str(HEADER_ROW)),
        ("generated_on", spec.generated_on.isoformat() if spec.generated_on else ""),
    ]
    for i, (key, value) in enumerate(pairs, start=1):
        put(ws, i, 1, key)
        put(ws, i, 2, value)
    start = len(pairs) + 2
    for c, title in enumerate(("sheet", "row", "action_id", "reference"), start=1):
        put(ws, start, c, title)
    for i, (sheet, row, item) in enumerate(placed, start=start + 1):
        put(ws, i, 1, sheet)
        ws.cell(i, 2).value = row
        ws.cell(i, 3).value = item.action_id
        put(ws, i, 4, item.reference)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


@dataclass(frozen=True)
class TemplateInfo:
    """What the hidden metadata of one of our own returns says."""

    plan_id: int
    plan_year: str
    quarter: str
    agency: str
    template_version: str
    header_row: int
    rows: dict[tuple[str, int], tuple[int, str]]  # (sheet, row) → (action id, reference)


def template_info(grid: Grid) -> TemplateInfo | None:
    """Recognise our own return by its metadata sheet; None for any other workbook."""
    meta = grid.sheet(META_SHEET)
    if meta is None:
        return None
    values: dict[str, str] = {}
    rows: dict[tuple[str, int], tuple[int, str]] = {}
    start = len(meta.rows)
    for i, raw in enumerate(meta.rows):
        key, value = (_text(c) for c in (*raw[:2], "", "")[:2])
        if key == "sheet" and value == "row":
            start = i + 1
            break
        if key:
            values[key] = value
    if values.get("format") != FORMAT:
        return None
    # One line per placed action: thousands on a big plan, so read them without per-cell calls.
    for raw in meta.rows[start:]:
        sheet, row, action_id, reference = raw[:4] if len(raw) >= 4 else (*raw, "", "", "", "")[:4]
        sheet_name = sheet.strip() if sheet.__class__ is str else _text(sheet)
        if not sheet_name:
            continue
        try:
            rows[(sheet_name, int(row) if row.__class__ is float else _whole(row))] = (
                int(action_id) if action_id.__class__ is float else _whole(action_id),
                reference.strip() if reference.__class__ is str else _text(reference),
            )
        except (TypeError, ValueError):
            continue
    try:
        return TemplateInfo(
            plan_id=int(float(values.get("plan_id", "0") or 0)),
            plan_year=values.get("plan_year", ""),
            quarter=values.get("quarter", ""),
            agency=values.get("agency", ""),
            template_version=values.get("template_version", ""),
            header_row=int(float(values.get("header_row", str(HEADER_ROW)) or HEADER_ROW)),
            rows=rows,
        )
    except ValueError:
        return None


def _whole(value: object) -> int:
    """A row number or id as written in the metadata: a number cell, or text of a number."""
    if type(value) is float or type(value) is int:
        return int(value)
    return int(float(value))  # type: ignore[arg-type]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
