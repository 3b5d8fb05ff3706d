"""Reading the rows of a returned spreadsheet, whatever its layout, into plain values (no database).

Each row says what the file holds (reference, title, RAG, progress, who, when) and what was
wrong with its cells, naming sheet, row and column. Matching rows to the plan is the service's job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter

from scp_desktop.domain.deadlines import DeadlineKind, parse_deadline
from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG, RagReading, rag_from_rgb, read_rag
from scp_desktop.excel.columns import ColumnMap, Meaning, apply_overrides, detect_header
from scp_desktop.excel.grid import Grid, Sheet, excel_serial_to_date
from scp_desktop.excel.return_workbook import (
    INSTRUCTIONS_SHEET,
    META_SHEET,
    SUPPORT_SHEET,
    TemplateInfo,
    template_info,
)
from scp_desktop.excel.safety import SpreadsheetRejected


@dataclass(slots=True)  # thousands per import
class ReturnLine:
    """One data row of a returned sheet."""

    sheet: str
    row: int
    reference: str
    title: str
    lead: str
    rag: RAG | None
    rag_text: str
    rag_from_fill: bool
    written: Any  # the progress update cell as read ('' when empty); see `narrative`
    reported_by: str
    reported_on: dt.date | None
    # Most rows have neither: the empty tuple is shared, a list is made for the first one.
    problems: Sequence[str] = ()  # cell-level errors: the row cannot apply
    notes: Sequence[str] = ()  # worth saying, but the row can apply
    template_action_id: int | None = None
    supporting: bool = False
    # How the RAG cell was read ('“behind schedule” read as Amber'), or why it could not be.
    rag_rule: str = ""
    rag_choices: tuple[RAG, ...] = ()  # two statuses written ('G/A'): the officer chooses

    @property
    def narrative(self) -> str:
        """The progress update, tidied (made when asked for: most rows are only counted)."""
        return tidy_narrative(self.written)

    def add_problem(self, text: str) -> None:
        self.problems = [*self.problems, text]

    def add_note(self, text: str) -> None:
        self.notes = [*self.notes, text]

    @property
    def is_blank_return(self) -> bool:
        return (
            self.rag is None and not self.rag_text and is_blank(self.written) and not self.problems
        )


@dataclass
class SheetRead:
    name: str
    columns: ColumnMap | None
    lines: list[ReturnLine]
    note: str = ""


@dataclass
class ReturnRead:
    sheets: list[SheetRead]
    template: TemplateInfo | None
    ignored_sheets: list[str]
    lead_values: list[str]  # the 'Lead agency' cells, to tell whose return it is


_BANNER = re.compile(r"^\s*(key\s+)?(priority|objective|section|theme|part|other)\b", re.IGNORECASE)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def read_return(
    grid: Grid,
    *,
    quarter_number: int,
    remembered: Mapping[str, str] | None = None,
    column_choices: Mapping[str, Mapping[int, Meaning]] | None = None,
) -> ReturnRead:
    """Rows of every visible sheet that has a recognisable header.

    `remembered` is an agency's header → meaning map; `column_choices` the officer's corrections
    for this file, per sheet (column index → meaning). Raises SpreadsheetRejected when no sheet
    has a header or the file holds no data at all.
    """
    template = template_info(grid)
    if template is not None:
        # Our own return names its quarter in its headers: read it as the quarter it was made for.
        with contextlib.suppress(ValueError):
            quarter_number = Quarter.parse(template.quarter).number
    sheets: list[SheetRead] = []
    ignored: list[str] = []
    lead_values: list[str] = []
    any_content = False
    for sheet in grid.sheets:
        if sheet.name == META_SHEET:
            continue
        if sheet.hidden:
            ignored.append(sheet.name)
            continue
        if not any(cell_text(c) for r in sheet.rows for c in r):
            continue
        any_content = True
        columns = _sheet_columns(
            sheet, template, quarter_number, remembered, (column_choices or {}).get(sheet.name)
        )
        if not _has_updates(columns):
            if not (template is not None and sheet.name == INSTRUCTIONS_SHEET):
                ignored.append(sheet.name)
            # Keep the likely header so the officer can say what its columns mean.
            sheets.append(
                SheetRead(
                    sheet.name,
                    columns or _guess_header(sheet.rows),
                    [],
                    note=_no_header_note(columns),
                )
            )
            continue
        assert columns is not None
        lines = _read_lines(grid, sheet, columns, template)
        if columns.column(Meaning.LEAD) is not None:
            lead_values += [line.lead for line in lines if line.lead]
        sheets.append(SheetRead(sheet.name, columns, lines))
    if not any_content:
        raise SpreadsheetRejected(f"{grid.path.name} has no data in it: every sheet is empty.")
    _refuse_unrecognised(grid, sheets)
    return ReturnRead(sheets, template, ignored, lead_values)


def _sheet_columns(
    sheet: Sheet,
    template: TemplateInfo | None,
    quarter_number: int,
    remembered: Mapping[str, str] | None,
    choices: Mapping[int, Meaning] | None,
) -> ColumnMap | None:
    """The sheet's header: where our own return put it, else found; the officer's choices over it."""
    columns = _template_header(sheet, template, quarter_number, remembered)
    if columns is None:
        columns = detect_header(sheet.rows, quarter_number=quarter_number, overrides=remembered)
    if choices is not None:
        columns = apply_overrides(columns or _guess_header(sheet.rows), choices)
    return columns


def _has_updates(columns: ColumnMap | None) -> bool:
    """Whether a header names a column of RAGs or of progress updates."""
    return columns is not None and (columns.has(Meaning.RAG) or columns.has(Meaning.PROGRESS))


def _refuse_unrecognised(grid: Grid, sheets: list[SheetRead]) -> None:
    """HeaderNotRecognised when no sheet gave a line or a RAG column to read them from."""
    if any(s.lines or (s.columns and s.columns.has(Meaning.RAG)) for s in sheets):
        return
    notes = [s.note for s in sheets if s.note and s.note != _no_header_note(None)]
    detail = (
        notes[0]
        if notes
        else (
            "no sheet has a header row naming columns such as 'Reference', "
            "'Project / initiative', 'RAG' and 'Progress update'"
        )
    )
    raise HeaderNotRecognised(
        f"{grid.path.name} is not a return the importer recognises: {detail}. "
        "Choose what its columns mean, or ask the agency to use the return sent to it.",
        sheets,
    )


class HeaderNotRecognised(SpreadsheetRejected):
    """No usable header: carries each sheet's likely header so the officer can map its columns."""

    def __init__(self, message: str, sheets: list[SheetRead]) -> None:
        super().__init__(message)
        self.sheets = sheets


def _template_header(
    sheet: Sheet,
    template: TemplateInfo | None,
    quarter_number: int,
    remembered: Mapping[str, str] | None,
) -> ColumnMap | None:
    """Our own return says where its header is: look only there, not through its data rows."""
    if template is None or not 1 <= template.header_row <= len(sheet.rows):
        return None
    columns = detect_header(
        sheet.rows[: template.header_row], quarter_number=quarter_number, overrides=remembered
    )
    if columns is None or columns.header_row != template.header_row:
        return None  # rows moved about in Excel: search the whole top of the sheet
    return columns


def _guess_header(rows: Sequence[Sequence[Any]]) -> ColumnMap:
    """The first row with two or more text cells: most likely the header of an unknown layout."""
    for index, row in enumerate(rows[:30]):
        texts = [c for c in row if isinstance(c, str) and c.strip()]
        if len(texts) >= 2:
            return ColumnMap(index + 1, [cell_text(c) for c in row])
    first = rows[0] if rows else []
    return ColumnMap(1, [cell_text(c) for c in first])


def _no_header_note(columns: ColumnMap | None) -> str:
    if columns is None:
        return "no header row found"
    return (
        f"the header in row {columns.header_row} has no RAG or progress column "
        "(rename one, or choose the column's meaning)"
    )


class LineColumns(NamedTuple):
    """Where a sheet's meanings are: the first column of each (None when the sheet has none)."""

    reference: int | None
    title: int | None
    lead: int | None
    rag: int | None
    progress: int | None
    reported_by: int | None
    reported_on: int | None

    @classmethod
    def of(cls, columns: ColumnMap) -> LineColumns:
        meanings = {m: c for c, m in reversed(columns.meanings.items())}
        return cls(
            *(
                meanings.get(m)
                for m in (
                    Meaning.REFERENCE,
                    Meaning.TITLE,
                    Meaning.LEAD,
                    Meaning.RAG,
                    Meaning.PROGRESS,
                    Meaning.REPORTED_BY,
                    Meaning.REPORTED_ON,
                )
            )
        )

    def texts(self) -> list[int]:
        """The text columns read together per row; -1 (read as an empty cell) where missing."""
        picked = (self.reference, self.title, self.rag, self.lead, self.reported_by)
        return [c if c is not None else -1 for c in picked]


def _read_lines(
    grid: Grid, sheet: Sheet, columns: ColumnMap, template: TemplateInfo | None
) -> list[ReturnLine]:
    cols = LineColumns.of(columns)
    picked = cols.texts()
    rag_c, prog_c = cols.rag, cols.progress
    lines: list[ReturnLine] = []
    need_detail: set[tuple[int, int]] = set()
    supporting_sheet = sheet.name == SUPPORT_SHEET and template is not None
    placed_rows = template.rows if template is not None else {}
    sheet_name = sheet.name
    rows = sheet.rows
    for r in range(columns.header_row + 1, len(rows) + 1):
        values = rows[r - 1]
        reference, title, rag_text, lead, reported_by = _row_texts(values, picked)
        raw_narrative = values[prog_c] if prog_c is not None and prog_c < len(values) else ""
        if not (rag_text or _has_value(raw_narrative)) and not_a_line(values, cols):
            continue
        if not reference and not title:
            continue
        line = ReturnLine(
            sheet_name,
            r,
            reference,
            title,
            lead,
            None,
            rag_text,
            False,
            raw_narrative,
            reported_by,
            None,
            (),
            (),
            None,
            supporting_sheet,
        )
        if rag_text:
            _read_rag_text(line, rag_c)
        elif rag_c is not None:
            need_detail.add((r, rag_c))
        if prog_c is not None and is_blank(raw_narrative):
            need_detail.add((r, prog_c))
        if cols.reported_on is not None and cols.reported_on < len(values):
            _read_reported_on(line, values[cols.reported_on], cols.reported_on)
        if placed_rows:
            line.template_action_id = placed_action(placed_rows.get((sheet_name, r)), reference)
        lines.append(line)
    if need_detail:
        _apply_details(grid, sheet_name, lines, rag_c, prog_c, need_detail)
    return lines


def placed_action(placed: tuple[int, str] | None, reference: str) -> int | None:
    """The action our own return put on this row, while the row still carries its reference."""
    if placed and (placed[1] == reference or _same_ref(placed[1], reference)):
        return placed[0]
    return None


def _row_texts(values: Sequence[Any], picked: Sequence[int]) -> list[str]:
    width = len(values)
    return [
        ""
        if not 0 <= c < width
        else v.strip()
        if (v := values[c]).__class__ is str
        else cell_text(v)
        for c in picked
    ]


def not_a_line(values: Sequence[Any], cols: LineColumns) -> bool:
    """A row with no RAG or progress that is empty, or a banner (a priority or objective heading)."""
    filled = [(i, v) for i, v in enumerate(values) if _has_value(v)]
    if not filled:
        return True
    if len(filled) > 1:
        return False
    only_col, only_value = filled[0]
    only = cell_text(only_value)
    return (
        only_col not in (cols.reference, cols.title)
        or bool(_BANNER.match(only))
        or (only_col == cols.reference and len(only) > 30)
    )


def _read_rag_text(line: ReturnLine, rag_c: int | None) -> None:
    # An unreadable RAG is no problem of the row: the officer sets it in the preview,
    # or the progress update is imported with the RAG held left as it was.
    reading = _rag(line.rag_text)
    if reading is not None:
        line.rag, line.rag_rule, line.rag_choices = (
            reading.rag,
            reading.rule and f"{reading.rule} (cell {_ref(rag_c, line.row)})",
            reading.choices,
        )


def _read_reported_on(line: ReturnLine, value: Any, column: int) -> None:
    if value.__class__ is dt.date:
        line.reported_on = value  # the usual case, a date cell
        return
    line.reported_on, problem = _date(value)
    if problem:
        line.add_note(
            f"date {problem} in cell {_ref(column, line.row)} was not understood; left blank"
        )


def _apply_details(
    grid: Grid,
    sheet_name: str,
    lines: list[ReturnLine],
    rag_c: int | None,
    prog_c: int | None,
    need_detail: set[tuple[int, int]],
) -> None:
    """What only the cells' formatting says: a RAG given as a fill colour, a formula never calculated."""
    details = grid.details(sheet_name, need_detail)
    for line in lines:
        if rag_c is not None and not line.rag_text:
            detail = details.get((line.row, rag_c))
            if detail and detail.formula:
                line.add_problem(
                    f"cell {_ref(rag_c, line.row)} has a formula ({detail.formula[:40]}) with no "
                    "saved result: open the file in Excel, save it, and import again"
                )
            elif detail and detail.fill_rgb:
                line.rag = _rag_of_fill(detail.fill_rgb)
                line.rag_from_fill = line.rag is not None
                if line.rag is not None:
                    line.add_note(
                        f"RAG read from the colour of cell {_ref(rag_c, line.row)} ({line.rag.label})"
                    )
        if prog_c is not None and is_blank(line.written):
            detail = details.get((line.row, prog_c))
            if detail and detail.formula:
                line.add_problem(
                    f"cell {_ref(prog_c, line.row)} has a formula with no saved result: open "
                    "the file in Excel, save it, and import again"
                )


@functools.lru_cache(maxsize=64)
def _rag_of_fill(rgb: str) -> RAG | None:
    # A return's coloured cells share a handful of colours.
    return rag_from_rgb(rgb)


@functools.lru_cache(maxsize=256)
def _rag(text: str) -> RagReading | None:
    return read_rag(text)


def _has_value(value: Any) -> bool:
    if value is None or value == "":
        return False
    return not isinstance(value, str) or not value.isspace()


def is_blank(value: Any) -> bool:
    """Whether a progress update cell tidies to nothing (the same as `not tidy_narrative(value)`)."""
    if value.__class__ is str:
        return value == "" or value.isspace()
    return value is None or not cell_text(value)


def tidy_narrative(value: Any) -> str:
    """A progress update cell as text: the partner's line breaks kept, padding spaces taken out."""
    if isinstance(value, str):
        if (
            value.isprintable()  # no tab, line break or other space than ' '
            and "  " not in value
            and not value.startswith(" ")
            and not value.endswith(" ")
        ):
            return value  # already tidy: the splitting below would give it back unchanged
        # Keep the partner's line breaks; tidy the spaces Excel users pad with.
        if "\n" not in value and "\r" not in value:
            return " ".join(value.split())
        lines = [" ".join(part.split()) for part in value.replace("\r\n", "\n").split("\n")]
        return "\n".join(lines).strip()
    return cell_text(value)


def _ref(col: int | None, row: int) -> str:
    return f"{get_column_letter((col or 0) + 1)}{row}"


def _same_ref(expected: str, found: str) -> bool:
    return normalise_reference(expected) == normalise_reference(found)


@functools.lru_cache(maxsize=16384)
def normalise_reference(text: str) -> str:
    return re.sub(r"[\s.]+$", "", re.sub(r"\s+", "", text.lower()))


def _date(value: Any) -> tuple[dt.date | None, str | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = excel_serial_to_date(float(value))
        return (day, None) if day else (None, f"'{cell_text(value)}'")
    return _date_from_text(cell_text(value))


@functools.lru_cache(maxsize=512)
def _date_from_text(text: str) -> tuple[dt.date | None, str | None]:
    # Returns repeat the same few dates; parsing each once keeps large imports fast.
    parsed = parse_deadline(text)
    if parsed.kind in (DeadlineKind.DATE, DeadlineKind.MONTH) and parsed.day:
        return parsed.day, None
    return None, f"'{text}'"
