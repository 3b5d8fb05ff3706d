"""Reading indicator values from a workbook: names down and periods across, or name/period/value rows.

The result names the sheet, row and column of every figure and of every problem, so the
officer can find the cell. Nothing here knows about the database.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from scp_desktop.domain.indicators import (
    PeriodKind,
    month_period,
    parse_decimal,
    parse_period,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 150  # real workbooks compress 5–20×; bombs compress thousands of times
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


def check_workbook_file(path: Path) -> None:
    """Refuse files that are not .xlsx workbooks, or that would expand to gigabytes."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookError(f"Cannot read {name}: {exc.strerror}.") from exc
    if size == 0:
        raise WorkbookError(f"{name} is empty.")
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"{name} is too large for a statistics workbook ({size // 2**20} MB).")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookError(
            f"{name} is an old Excel 97-2003 (.xls) file or is password-protected. "
            "Open it in Excel and save it as .xlsx, then import that."
        )
    if head.startswith(b"PK") and not zipfile.is_zipfile(path):
        raise WorkbookError(
            f"{name} is damaged or incomplete (perhaps not fully saved or downloaded). "
            "Ask for the file again."
        )
    if not zipfile.is_zipfile(path):
        raise WorkbookError(
            f"{name} is not an Excel .xlsx workbook (it may be a CSV or web page renamed). "
            "Open it in Excel and save it as .xlsx."
        )
    try:
        with zipfile.ZipFile(path) as zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 10 * 2**20 and ratio > MAX_RATIO:
                    raise WorkbookError(
                        f"{name} looks unsafe: '{info.filename}' would expand "
                        f"{int(ratio)} times. It was not opened."
                    )
            if total > MAX_UNZIPPED_BYTES:
                raise WorkbookError(
                    f"{name} would expand to {total // 2**20} MB, too large to be a statistics "
                    "workbook. It was not opened."
                )
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"{name} is damaged (not a readable .xlsx): {exc}.") from exc


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


def _rows(ws: Any) -> Iterable[tuple[Any, ...]]:
    yield from ws.iter_rows()


def read_indicator_values(
    path: Path,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReadResult:
    """Read every sheet that has an 'Indicator' heading. Raises WorkbookError for files that
    are not workbooks; everything else is reported in the result with its cell."""
    check_workbook_file(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise WorkbookError(
            f"{path.name} could not be opened as an .xlsx workbook: {exc}."
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds for damaged XML
        raise WorkbookError(f"{path.name} is damaged and could not be read ({exc}).") from exc
    result = ReadResult()
    try:
        sheets = list(wb.worksheets)
        for index, ws in enumerate(sheets):
            if should_stop and should_stop():
                result.cancelled = True
                return result
            if progress:
                progress(index, len(sheets))
            _read_sheet(ws, result, should_stop)
            if result.cancelled:
                return result
    finally:
        wb.close()
    if not result.values and not result.problems:
        result.problems.append(
            f"No indicator values found in {path.name}. Expected a sheet with an 'Indicator' "
            "column and either periods across the top (Q1 2022-23, Jul 2022, 2022-23…) or "
            "'Period' and 'Value' columns."
        )
    return result


def _read_sheet(ws: Any, result: ReadResult, should_stop: Callable[[], bool] | None) -> None:
    title = str(ws.title)
    rows = _rows(ws)
    header: tuple[Any, ...] | None = None
    header_row = 0
    for row_number, cells in enumerate(rows, start=1):
        headings = [_heading(c.value) for c in cells]
        if any(h in _NAME_HEADINGS for h in headings):
            header, header_row = cells, row_number
            break
        if row_number >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        result.warnings.append(
            f"Sheet '{title}' has no 'Indicator' heading in its first "
            f"{HEADER_SEARCH_ROWS} rows, so it was skipped."
        )
        return
    headings = [_heading(c.value) for c in header]
    name_col = next(i for i, h in enumerate(headings) if h in _NAME_HEADINGS)
    period_col = next((i for i, h in enumerate(headings) if h in _PERIOD_HEADINGS), None)
    value_col = next((i for i, h in enumerate(headings) if h in _VALUE_HEADINGS), None)
    result.sheets_read.append(title)
    if period_col is not None and value_col is not None:
        comparator_col = next(
            (i for i, h in enumerate(headings) if h in _COMPARATOR_HEADINGS), None
        )
        note_col = next((i for i, h in enumerate(headings) if h in _NOTE_HEADINGS), None)
        _read_long(
            rows,
            title,
            header_row,
            name_col,
            period_col,
            value_col,
            comparator_col,
            note_col,
            result,
            should_stop,
        )
        return
    periods: dict[int, str] = {}
    for i, cell in enumerate(header):
        if i == name_col or cell.value is None or _cell_text(cell.value) == "":
            continue
        code = _period_text(cell.value)
        ref = CellRef(title, header_row, i + 1)
        if code is None:
            if headings[i] in _NOTE_HEADINGS or headings[i] in _COMPARATOR_HEADINGS:
                continue
            result.warnings.append(
                f"{ref}: heading '{_cell_text(cell.value)}' is not a period "
                "(e.g. Q2 2022-23, Jul 2022, 2022-23); that column was skipped."
            )
            continue
        periods[i] = code
    if not periods:
        result.problems.append(
            f"Sheet '{title}', row {header_row}: no period headings beside 'Indicator' and no "
            "'Period' and 'Value' columns, so no values could be read."
        )
        return
    for row_number, cells in enumerate(rows, start=header_row + 1):
        if should_stop and row_number % 200 == 0 and should_stop():
            result.cancelled = True
            return
        name = _cell_text(cells[name_col].value) if name_col < len(cells) else ""
        figures: list[tuple[int, Decimal | None]] = []
        for i, code in periods.items():
            if i >= len(cells):
                continue
            cell = cells[i]
            ref = CellRef(title, row_number, i + 1)
            number = _number(cell.value, getattr(cell, "number_format", ""), ref, result)
            if number is not None:
                figures.append((i, number))
                if name:
                    result.values.append(
                        ReadValue(ref, name, code, number, name_column=name_col + 1)
                    )
        if figures and not name:
            result.problems.append(
                f"Sheet '{title}', row {row_number}: figures but no indicator name in column "
                f"{get_column_letter(name_col + 1)}."
            )


def _read_long(
    rows: Iterable[tuple[Any, ...]],
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
    for row_number, cells in enumerate(rows, start=header_row + 1):
        if should_stop and row_number % 200 == 0 and should_stop():
            result.cancelled = True
            return

        def get(col: int | None, cells: tuple[Any, ...] = cells) -> Any:
            return cells[col].value if col is not None and col < len(cells) else None

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
        value_cell = cells[value_col] if value_col < len(cells) else None
        ref = CellRef(title, row_number, value_col + 1)
        value = _number(raw_value, getattr(value_cell, "number_format", ""), ref, result)
        comparator = None
        if comparator_col is not None:
            comparator_cell = cells[comparator_col] if comparator_col < len(cells) else None
            comparator = _number(
                get(comparator_col),
                getattr(comparator_cell, "number_format", ""),
                CellRef(title, row_number, comparator_col + 1),
                result,
            )
        note = _cell_text(get(note_col))
        if value is None and comparator is None and not note:
            continue
        result.values.append(
            ReadValue(ref, name, code, value, comparator, note, name_column=name_col + 1)
        )
