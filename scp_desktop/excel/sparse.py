"""Reading a sheet cell by cell, keeping only the cells that hold something.

The fast reader builds a whole grid from A1 to the last cell used, so a return with one stray
value in ZZ200000 costs gigabytes. Sheets like that are read here instead: the XML is parsed
in pieces, each row dropped once read, and the rows come back as sequences that answer ''
for every empty cell without storing one. The values are those the fast reader gives.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any, overload
from xml.etree import ElementTree as ET

from scp_desktop.excel.limits import MAX_WORKBOOK_PART_BYTES, column_number
from scp_desktop.excel.plain_text import without_controls

_EPOCH = dt.datetime(1899, 12, 30)
# Excel's built-in number formats that show dates or times.
_BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_DATE_LETTERS = re.compile(r"[dmyhs]", re.IGNORECASE)
_REF = re.compile(r"([A-Za-z]{1,4})(\d+)$")
_READ = 1 << 20
# Rows up to this wide are kept as plain lists; wider ones keep only their filled cells.
_PLAIN_WIDTH = 1024


class SparseRow(Sequence[Any]):
    """A row's values by column, '' where nothing is held, storing only the cells that are."""

    __slots__ = ("_cells", "_width")

    def __init__(self, width: int, cells: dict[int, Any]) -> None:
        self._width, self._cells = width, cells

    def __len__(self) -> int:
        return self._width

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._cells.get(i, "") for i in range(*index.indices(self._width))]
        if index < 0:
            index += self._width
        if not 0 <= index < self._width:
            raise IndexError("column out of range")
        return self._cells.get(index, "")

    def __iter__(self) -> Iterator[Any]:
        cells = self._cells
        return (cells.get(i, "") for i in range(self._width))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class SparseRows(Sequence[Sequence[Any]]):
    """A sheet's rows, rows[0] being row 1; an empty row is an empty list, made when asked for."""

    __slots__ = ("_height", "_rows")

    def __init__(self, height: int, rows: dict[int, Sequence[Any]]) -> None:
        self._height, self._rows = height, rows

    def __len__(self) -> int:
        return self._height

    @overload
    def __getitem__(self, index: int) -> Sequence[Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[Sequence[Any]]: ...
    def __getitem__(self, index: int | slice) -> Sequence[Any] | list[Sequence[Any]]:
        if isinstance(index, slice):
            return [self._rows.get(i, []) for i in range(*index.indices(self._height))]
        if index < 0:
            index += self._height
        if not 0 <= index < self._height:
            raise IndexError("row out of range")
        return self._rows.get(index, [])

    def __iter__(self) -> Iterator[Sequence[Any]]:
        rows = self._rows
        return (rows.get(i, []) for i in range(self._height))

    def filled(self) -> int:
        """How many rows hold something."""
        return len(self._rows)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _events(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[str, ET.Element]]:
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    with zf.open(part) as member:
        while block := member.read(_READ):
            parser.feed(block)
            yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def _text(item: ET.Element) -> str:
    """The text of a string item: its runs, without the phonetic guides Japanese text carries."""
    name = _local(item.tag)
    if name == "rPh":
        return ""
    if name == "t":
        return without_controls(item.text or "")
    return "".join(_text(child) for child in item)


def shared_strings(zf: zipfile.ZipFile) -> list[str]:
    part = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if part is None:
        return []
    strings: list[str] = []
    root: ET.Element | None = None
    for event, element in _events(zf, part):
        if event == "start":
            if root is None:
                root = element
            continue
        if _local(element.tag) == "si":
            strings.append(_text(element))
            if root is not None:
                root.clear()  # the list is built as it is read: items read are dropped
    return strings


def date_styles(zf: zipfile.ZipFile) -> list[int]:
    """For each cell style: 0 a number, 1 a date or time, 2 an elapsed time ([h]:mm)."""
    try:
        info = zf.getinfo("xl/styles.xml")
    except KeyError:
        return []
    if info.file_size > MAX_WORKBOOK_PART_BYTES:
        return []  # read as plain numbers: no real styles part is this big
    root = ET.fromstring(zf.read(info))
    formats: dict[int, int] = {}
    for fmt in root.iter():
        if _local(fmt.tag) == "numFmt":
            code = _QUOTED.sub("", fmt.get("formatCode") or "")
            elapsed = re.search(r"\[[hms]+\]", fmt.get("formatCode") or "", re.IGNORECASE)
            kind = 2 if elapsed else (1 if _DATE_LETTERS.search(code) else 0)
            formats[int(fmt.get("numFmtId") or -1)] = kind
    xfs = next((e for e in root if _local(e.tag) == "cellXfs"), None)
    kinds: list[int] = []
    for xf in xfs if xfs is not None else []:
        number = int(xf.get("numFmtId") or 0)
        kinds.append(formats.get(number, 1 if number in _BUILTIN_DATES else 0))
    return kinds


def _number(text: str, kind: int) -> Any:
    value = float(text)
    if kind == 0:
        return value
    if kind == 2:
        return dt.timedelta(days=value)
    if value < 1:
        return (_EPOCH + dt.timedelta(days=value)).time()
    when = _EPOCH + dt.timedelta(days=value)
    return when.date() if value == int(value) else when


def _value(cell: ET.Element, strings: list[str], kinds: list[int]) -> Any:
    kind = cell.get("t") or "n"
    if kind == "inlineStr":
        inline = next((e for e in cell if _local(e.tag) == "is"), None)
        return _text(inline) if inline is not None else ""
    shown = next((e for e in cell if _local(e.tag) == "v"), None)
    text = shown.text if shown is not None else None
    if text is None:
        return ""
    try:
        if kind == "s":
            index = int(text)
            return strings[index] if 0 <= index < len(strings) else ""
        if kind in ("str", "d"):
            return text
        if kind == "b":
            return text.strip() == "1"
        if kind == "e":
            return ""  # the fast reader gives errors as empty cells too
        style = int(cell.get("s") or 0)
        return _number(text, kinds[style] if 0 <= style < len(kinds) else 0)
    except (ValueError, OverflowError):
        return text


def read_sheet(zf: zipfile.ZipFile, part: str, strings: list[str], kinds: list[int]) -> SparseRows:
    """The sheet in `part`, holding only the cells that have a value."""
    rows: dict[int, Sequence[Any]] = {}
    row_cells: dict[int, Any] = {}
    row = col = 0
    sheet_data: ET.Element | None = None
    for event, element in _events(zf, part):
        name = _local(element.tag)
        if event == "start":
            if name == "sheetData":
                sheet_data = element
            elif name == "row":
                number = element.get("r")
                row = int(number) if number and number.isdigit() else row + 1
                col = 0
                row_cells = {}
            continue
        if name == "c":
            ref = _REF.match(element.get("r") or "")
            if ref is not None:
                col = column_number(ref.group(1))
                row = int(ref.group(2))
            else:
                col += 1
            value = _value(element, strings, kinds)
            if value != "":
                row_cells[col - 1] = value
        elif name == "row":
            if row_cells:
                width = max(row_cells) + 1
                if width <= _PLAIN_WIDTH:
                    plain = [""] * width
                    for c, v in row_cells.items():
                        plain[c] = v
                    rows[row - 1] = plain
                else:
                    rows[row - 1] = SparseRow(width, row_cells)
                row_cells = {}
            if sheet_data is not None:
                sheet_data.clear()  # rows read are dropped: memory follows the cells kept
    height = max(rows) + 1 if rows else 0
    return SparseRows(height, rows)
