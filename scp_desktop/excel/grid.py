"""Reading a workbook or CSV into plain grids of cell values, with cell colours and formulas on demand.

Values come from python-calamine (fast, and it returns a formula's saved result). Colours and
formulas are only needed for a few cells (an empty RAG cell that may be coloured in), so openpyxl
reads them lazily, in one streaming pass, only when asked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from scp_desktop.excel.safety import SpreadsheetRejected, decode_text, sniff

Value = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # rows[0] is spreadsheet row 1; '' for an empty cell
    hidden: bool = False

    def cell(self, row: int, col: int) -> Any:
        """Value at 1-based row and 0-based column, '' when outside the used area."""
        if row < 1 or row > len(self.rows):
            return ""
        values = self.rows[row - 1]
        return values[col] if 0 <= col < len(values) else ""


@dataclass(frozen=True)
class CellDetail:
    fill_rgb: str | None  # 'RRGGBB' when the cell is filled with a solid colour
    formula: str | None  # '=SUM(A1:A3)' when the cell holds a formula


@dataclass
class Grid:
    """Everything read from one file."""

    path: Path
    kind: str  # 'xlsx' | 'csv'
    sheets: list[Sheet] = field(default_factory=list)
    content: bytes = b""

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)

    def details(
        self, sheet_name: str, cells: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], CellDetail]:
        """Fill colour and formula of the given (1-based row, 0-based column) cells."""
        wanted = set(cells)
        if self.kind != "xlsx" or not wanted:
            return {}
        return _read_details(self.content, sheet_name, wanted)


def read_grid(path: Path) -> Grid:
    """Read every sheet of a workbook or a CSV file; raises SpreadsheetRejected with a clear message."""
    sniffed = sniff(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise SpreadsheetRejected(f"{path.name} could not be read: {exc.strerror or exc}.") from exc
    if sniffed.kind == "csv":
        return Grid(path, "csv", [_read_csv(path, content)], content)
    return Grid(path, "xlsx", _read_xlsx(path, content), content)


def _read_csv(path: Path, content: bytes) -> Sheet:
    text = decode_text(content)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise SpreadsheetRejected(f"{path.name} is not a readable CSV file: {exc}.") from exc
    return Sheet(path.stem[:31] or "CSV", rows)


def _read_xlsx(path: Path, content: bytes) -> list[Sheet]:
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except python_calamine.PasswordError as exc:
        raise SpreadsheetRejected(f"{path.name} is protected with a password.") from exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's errors, and a Rust panic (not an Exception)
        raise SpreadsheetRejected(
            f"{path.name} is damaged and cannot be read ({exc}). "
            "Ask the agency to save it again as .xlsx."
        ) from exc
    sheets: list[Sheet] = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            sheets.append(Sheet(meta.name, [list(r) for r in rows], hidden))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise SpreadsheetRejected(
            f"{path.name} is damaged: a sheet cannot be read ({exc}). "
            "Ask the agency to save it again as .xlsx."
        ) from exc
    finally:
        wb.close()
    return sheets


def _read_details(
    content: bytes, sheet_name: str, wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], CellDetail]:
    import openpyxl  # imported here: only files with coloured-in or formula cells need it

    found: dict[tuple[int, int], CellDetail] = {}
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        return found
    try:
        if sheet_name not in wb.sheetnames:
            return found
        ws = wb[sheet_name]
        rows = sorted({r for r, _ in wanted})
        cols = {c for _, c in wanted}
        theme = _OFFICE_THEME
        for row_cells in ws.iter_rows(min_row=rows[0], max_row=rows[-1]):
            for cell in row_cells:
                r = getattr(cell, "row", None)
                c = getattr(cell, "column", None)
                if r is None or c is None or (r, c - 1) not in wanted or (c - 1) not in cols:
                    continue
                formula = None
                value = cell.value
                if getattr(cell, "data_type", None) == "f" or (
                    isinstance(value, str) and value.startswith("=")
                ):
                    formula = str(value)
                found[(r, c - 1)] = CellDetail(_fill_rgb(cell, theme), formula)
    except Exception:
        return found
    finally:
        wb.close()
    return found


_INDEXED = {
    2: "FF0000",
    3: "00FF00",
    4: "0000FF",
    5: "FFFF00",
    10: "FF0000",
    11: "00FF00",
    12: "0000FF",
    13: "FFFF00",
    17: "008000",
    50: "99CC00",
    51: "FFCC00",
    52: "FF9900",
    53: "FF6600",
    57: "339966",
    30: "0066CC",
}
# Office default theme: the colours people pick from the top row of the palette.
_OFFICE_THEME = [
    "FFFFFF",
    "000000",
    "E7E6E6",
    "44546A",
    "4472C4",
    "ED7D31",
    "A5A5A5",
    "FFC000",
    "5B9BD5",
    "70AD47",
]


def _fill_rgb(cell: Any, theme: list[str]) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or getattr(fill, "fill_type", None) in (None, "none"):
        return None
    colour = getattr(fill, "fgColor", None)
    if colour is None:
        return None
    kind = getattr(colour, "type", None)
    if kind == "rgb" and isinstance(colour.rgb, str):
        return colour.rgb[-6:].upper()
    if kind == "indexed" and isinstance(colour.indexed, int):
        return _INDEXED.get(colour.indexed)
    if kind == "theme" and isinstance(colour.theme, int) and 0 <= colour.theme < len(theme):
        return theme[colour.theme]
    return None


EXCEL_EPOCH = dt.date(1899, 12, 30)


def excel_serial_to_date(value: float) -> dt.date | None:
    """A date typed into a cell formatted as a number (a 'serial'), when it is plausible."""
    if 30000 <= value <= 80000:  # 1982 to 2119
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    return None
