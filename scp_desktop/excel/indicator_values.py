"""Reading indicator values from a workbook or CSV: names down and periods across, or name/period/value rows.

The result names the sheet, row and column of every figure and of every problem, so the
officer can find the cell. Files are checked and read by the same engine as partner returns
(grid.read_grid, columns.best_header); only the layouts are this module's. Nothing here knows
about the database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from scp_desktop.domain.indicators import (
    PeriodKind,
    month_period,
    parse_decimal,
    parse_period,
)
from scp_desktop.excel.columns import best_header
from scp_desktop.excel.grid import Grid, Sheet, read_grid
from scp_desktop.excel.isolation import ReadingCancelled
from scp_desktop.excel.safety import SpreadsheetRejected

HEADER_SEARCH_ROWS = 15

_NAME_HEADINGS = {
    "indicator",
    "indicator name",
    "name",
    "measure",
    "statistic",
    "performance indicator",
}
_PERIOD_HEADINGS = {"period", "quarter", "month", "year", "period / quarter"}
_VALUE_HEADINGS = {"value", "figure", "result", "actual"}
_COMPARATOR_HEADINGS = {"comparator", "county", "force", "essex", "comparison"}
_NOTE_HEADINGS = {"note", "notes", "comment", "comments"}
_NO_VALUE = {"-", "–", "n/a", "na", "..", "*", "tbc", "not available", "nil return"}


class WorkbookError(ValueError):
    """The file cannot be read as a workbook at all; the message says why."""


@dataclass(frozen=True)
class CellRef:
    sheet: str
    row: int
    column: int

    @property
    def column_letter(self) -> str:
        return str(get_column_letter(self.column))

    def __str__(self) -> str:
        return f"sheet '{self.sheet}', row {self.row}, column {self.column_letter}"


@dataclass(frozen=True)
class ReadValue:
    ref: CellRef
    name: str
    period_text: str
    value: Decimal | None
    comparator: Decimal | None = None
    note: str = ""
    name_column: int = 1  # where the indicator's name is, for messages about the name

    @property
    def name_ref(self) -> CellRef:
        return CellRef(self.ref.sheet, self.ref.row, self.name_column)


@dataclass
class ReadResult:
    values: list[ReadValue] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sheets_read: list[str] = field(default_factory=list)
    cancelled: bool = False


class _Column(StrEnum):
    NAME = "name"
    PERIOD = "period"
    VALUE = "value"
    COMPARATOR = "comparator"
    NOTE = "note"


def _column_of(text: str) -> _Column | None:
    heading = _heading(text)
    for headings, meaning in (
        (_NAME_HEADINGS, _Column.NAME),
        (_PERIOD_HEADINGS, _Column.PERIOD),
        (_VALUE_HEADINGS, _Column.VALUE),
        (_COMPARATOR_HEADINGS, _Column.COMPARATOR),
        (_NOTE_HEADINGS, _Column.NOTE),
    ):
        if heading in headings:
            return meaning
    return None


def read_grid_safely(path: Path, should_stop: Callable[[], bool] | None = None) -> Grid:
    """The file's sheets, after the same checks as partner returns (size, zip bomb, password,
    .xls, damage, limits); WorkbookError says why a file is refused, ReadingCancelled that
    `should_stop` stopped the reading."""
    try:
        return read_grid(path, cancelled=should_stop)
    except ReadingCancelled:
        raise
    except SpreadsheetRejected as exc:
        raise WorkbookError(str(exc)) from exc


def _heading(value: Any) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip().lower().rstrip(":")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _period_text(value: Any) -> str | None:
    """A header or period cell as a period code, or None when it is not a period."""
    if isinstance(value, dt.datetime | dt.date):
        return month_period(value.year, value.month).code
    text = _cell_text(value)
    if not text:
        return None
    try:
        period = parse_period(text)
    except ValueError:
        return None
    return period.code if period.kind is not PeriodKind.OTHER else None


def _number(value: Any, number_format: str, ref: CellRef, result: ReadResult) -> Decimal | None:
    """A figure from a cell, or None. Percent-formatted cells hold 0.113 for 11.3%."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        result.problems.append(f"{ref}: holds a date, not a number.")
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _NO_VALUE:
            result.warnings.append(f"{ref}: '{text}' read as no value.")
            return None
        if text.startswith("#"):
            result.problems.append(f"{ref}: the cell shows the Excel error {text}.")
            return None
    try:
        number = parse_decimal(value)
    except ValueError:
        result.problems.append(f"{ref}: '{_cell_text(value)}' is not a number.")
        return None
    if number is not None and not isinstance(value, str) and "%" in (number_format or ""):
        number = number * 100
    return number


def read_indicator_values(
    path: Path,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReadResult:
    """Read every sheet of a workbook or CSV file that has an 'Indicator' heading.

    Raises WorkbookError for files that are refused; everything else is reported in the
    result with its cell."""
    try:
        grid = read_grid_safely(path, should_stop)
    except ReadingCancelled:
        return ReadResult(cancelled=True)
    result = ReadResult()
    sheets = [s for s in grid.sheets if not s.hidden]
    for index, sheet in enumerate(sheets):
        if should_stop and should_stop():
            result.cancelled = True
            return result
        if progress:
            progress(index, len(sheets))
        _read_sheet(grid, sheet, result, should_stop)
        if result.cancelled:
            return result
    if not result.values and not result.problems:
        result.problems.append(
            f"No indicator values found in {path.name}. Expected a sheet with an 'Indicator' "
            "column and either periods across the top (Q1 2022-23, Jul 2022, 2022-23…) or "
            "'Period' and 'Value' columns."
        )
    return result


class _Cells:
    """A sheet's values as openpyxl would give them ('' is None), and number formats on demand."""

    def __init__(self, grid: Grid, sheet: Sheet) -> None:
        self.grid, self.sheet = grid, sheet
        self.formats: dict[tuple[int, int], str] = {}
        self.errors: dict[int, dict[int, str]] = {}

    def row(self, row: int) -> list[Any]:
        values: list[Any] = [None if v == "" else v for v in self.sheet.rows[row - 1]]
        for col, error in self.errors.get(row, {}).items():
            if col < len(values):
                values[col] = error
        return values

    def load_formats(self, first_row: int, columns: Iterable[int]) -> None:
        # Percentages are stored as 0.113 for 11.3%: only a number's format tells them apart.
        # Error cells (#DIV/0!) read as empty: their details say what they show.
        wanted = [
            (r, c)
            for r in range(first_row, len(self.sheet.rows) + 1)
            for c in columns
            if _number_or_empty(self.sheet.cell(r, c))
        ]
        details = self.grid.details(self.sheet.name, wanted)
        self.formats = {key: d.number_format for key, d in details.items()}
        for (r, c), d in details.items():
            if d.error:
                self.errors.setdefault(r, {})[c] = d.error

    def number_format(self, row: int, col: int) -> str:
        return self.formats.get((row, col), "")


def _number_or_empty(value: Any) -> bool:
    return value == "" or (isinstance(value, float | int) and not isinstance(value, bool))


def _read_sheet(
    grid: Grid, sheet: Sheet, result: ReadResult, should_stop: Callable[[], bool] | None
) -> None:
    title = sheet.name
    cells = _Cells(grid, sheet)
    limit = sheet.rows[:HEADER_SEARCH_ROWS]
    found = best_header(
        [(n + 1, row) for n, row in enumerate(limit)],
        _column_of,
        needed=(_Column.NAME,),
        min_score=1,
    )
    if found is None:
        result.warnings.append(
            f"Sheet '{title}' has no 'Indicator' heading in its first "
            f"{HEADER_SEARCH_ROWS} rows, so it was skipped."
        )
        return
    header_row, _, columns = found
    header = cells.row(header_row)
    headings = [_heading(c) for c in header]

    def column(meaning: _Column) -> int | None:
        return next((c for c, m in columns.items() if m is meaning), None)

    name_col = column(_Column.NAME)
    assert name_col is not None
    period_col, value_col = column(_Column.PERIOD), column(_Column.VALUE)
    result.sheets_read.append(title)
    if period_col is not None and value_col is not None:
        comparator_col = column(_Column.COMPARATOR)
        cells.load_formats(
            header_row + 1, [c for c in (value_col, comparator_col) if c is not None]
        )
        _read_long(
            cells,
            title,
            header_row,
            name_col,
            period_col,
            value_col,
            comparator_col,
            column(_Column.NOTE),
            result,
            should_stop,
        )
        return
    periods = _period_columns(header, headings, name_col, CellRef(title, header_row, 1), result)
    if not periods:
        result.problems.append(
            f"Sheet '{title}', row {header_row}: no period headings beside 'Indicator' and no "
            "'Period' and 'Value' columns, so no values could be read."
        )
        return
    cells.load_formats(header_row + 1, periods)
    for row_number in range(header_row + 1, len(sheet.rows) + 1):
        if should_stop and row_number % 200 == 0 and should_stop():
            result.cancelled = True
            return
        _read_wide_row(cells, CellRef(title, row_number, name_col + 1), periods, result)


def _period_columns(
    header: list[Any], headings: list[str], name_col: int, at: CellRef, result: ReadResult
) -> dict[int, str]:
    """The period of each column headed by one (column index → period code); other headings
    than a note or comparator are warned of and skipped. `at` is the header row."""
    periods: dict[int, str] = {}
    for i, value in enumerate(header):
        if i == name_col or value is None or _cell_text(value) == "":
            continue
        code = _period_text(value)
        if code is not None:
            periods[i] = code
        elif headings[i] not in _NOTE_HEADINGS and headings[i] not in _COMPARATOR_HEADINGS:
            result.warnings.append(
                f"{CellRef(at.sheet, at.row, i + 1)}: heading '{_cell_text(value)}' is not a "
                "period (e.g. Q2 2022-23, Jul 2022, 2022-23); that column was skipped."
            )
    return periods


def _read_wide_row(
    cells: _Cells, name_ref: CellRef, periods: dict[int, str], result: ReadResult
) -> None:
    """One indicator's row of a sheet with a column per period; `name_ref` is its name cell."""
    title, row_number, name_col = name_ref.sheet, name_ref.row, name_ref.column - 1
    values = cells.row(row_number)
    name = _cell_text(values[name_col]) if name_col < len(values) else ""
    figures: list[tuple[int, Decimal | None]] = []
    for i, code in periods.items():
        if i >= len(values):
            continue
        ref = CellRef(title, row_number, i + 1)
        number = _number(values[i], cells.number_format(row_number, i), ref, result)
        if number is not None:
            figures.append((i, number))
            if name:
                result.values.append(ReadValue(ref, name, code, number, name_column=name_col + 1))
    if figures and not name:
        result.problems.append(
            f"Sheet '{title}', row {row_number}: figures but no indicator name in column "
            f"{get_column_letter(name_col + 1)}."
        )


def _read_long(
    cells: _Cells,
    title: str,
    header_row: int,
    name_col: int,
    period_col: int,
    value_col: int,
    comparator_col: int | None,
    note_col: int | None,
    result: ReadResult,
    should_stop: Callable[[], bool] | None,
) -> None:
    for row_number in range(header_row + 1, len(cells.sheet.rows) + 1):
        if should_stop and row_number % 200 == 0 and should_stop():
            result.cancelled = True
            return
        values = cells.row(row_number)

        def get(col: int | None, values: list[Any] = values) -> Any:
            return values[col] if col is not None and col < len(values) else None

        name = _cell_text(get(name_col))
        raw_period = get(period_col)
        raw_value = get(value_col)
        if not name and raw_period in (None, "") and raw_value in (None, ""):
            continue
        if not name:
            result.problems.append(
                f"Sheet '{title}', row {row_number}: no indicator name in column "
                f"{get_column_letter(name_col + 1)}."
            )
            continue
        period_ref = CellRef(title, row_number, period_col + 1)
        code = _period_text(raw_period)
        if code is None:
            shown = _cell_text(raw_period)
            result.problems.append(
                f"{period_ref}: '{shown}' is not a period (e.g. Q2 2022-23, Jul 2022, 2022-23)."
                if shown
                else f"{period_ref}: the period is blank."
            )
            continue
        ref = CellRef(title, row_number, value_col + 1)
        value = _number(raw_value, cells.number_format(row_number, value_col), ref, result)
        comparator = None
        if comparator_col is not None:
            comparator = _number(
                get(comparator_col),
                cells.number_format(row_number, comparator_col),
                CellRef(title, row_number, comparator_col + 1),
                result,
            )
        note = _cell_text(get(note_col))
        if value is None and comparator is None and not note:
            continue
        result.values.append(
            ReadValue(ref, name, code, value, comparator, note, name_column=name_col + 1)
        )
