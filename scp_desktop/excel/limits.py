"""Sane limits for a workbook, checked by a streaming scan of its XML before any reader parses it.

A reader sizes its memory from what a workbook says about itself (the cells' extent, the
shared strings' declared count), so one value in the sheet's last cell or a lying count can
ask for hundreds of gigabytes. The scan here reads each part in small pieces and never holds
more than one piece, so it costs the same whatever the file claims.
"""

from __future__ import annotations

import functools
import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from scp_desktop.excel.safety import SpreadsheetRejected

# Excel's own grid: a cell beyond it is no Excel file.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# A large return is 5,000 rows of a dozen columns (60,000 cells); a plan a few thousand.
MAX_CELLS = 2_000_000
MAX_SHARED_STRINGS = 2_000_000
MAX_SHEETS = 250
# Excel holds at most 32,767 characters in a cell; escaped as XML, a character takes up to 10 bytes.
MAX_CELL_CHARACTERS = 32_767
MAX_TEXT_BYTES = MAX_CELL_CHARACTERS * 10
# The workbook's list of sheets and its relationships are a few KB in any real file.
MAX_WORKBOOK_PART_BYTES = 16 * 1024 * 1024
# Sheets whose extent (from A1 to the last cell used) holds up to this many cells are read
# whole, fast; larger ones are read cell by cell, keeping only the cells that hold something.
MAX_DENSE_CELLS = 4_000_000

_CHUNK = 1 << 20
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr="(\d+)"')
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*)>")
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Za-z]{1,4})(\d{1,9})"')
_REF = re.compile(rb'\br="([A-Za-z]{1,4})(\d{1,9})"')
_ROW_R = re.compile(rb'\br="(\d+)"')
_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref="([^"]*)"')
_SST_COUNTS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*>")
_COUNT_ATTR = re.compile(rb'\b(count|uniqueCount)="\s*(\d+)\s*"')
_STRING_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
_SHEET_ENTRY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s([^>]*)>")
_DIMENSION_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?(\d{1,9})$")


@dataclass
class SheetExtent:
    """What a sheet part really holds, found by scanning it."""

    name: str
    part: str
    rows: int = 0  # last row used (1-based)
    columns: int = 0  # last column used (1-based)
    cells: int = 0  # cell elements, counted when the sheets are big enough to hold too many
    declared: str = ""  # the sheet's own <dimension ref=…>, which may lie

    @property
    def area(self) -> int:
        """Cells from A1 to the last one used: what a reader building a whole grid allocates."""
        return self.rows * self.columns


@dataclass
class PackageScan:
    sheets: dict[str, SheetExtent] = field(default_factory=dict)  # by sheet name
    shared_strings: int = 0

    @property
    def cells(self) -> int:
        return sum(s.cells for s in self.sheets.values())


def column_number(letters: bytes | str) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    number = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        number = number * 26 + ord(ch) - 64
    return number


def scan_package(name: str, zf: zipfile.ZipFile) -> PackageScan:
    """Check a workbook package against the limits above; SpreadsheetRejected says which failed.

    `name` is the file's name, used in every message.
    """
    scan = PackageScan()
    parts = {info.filename: info for info in zf.infolist()}
    sheets = _worksheets(name, zf, parts)
    # The smallest cell Excel writes, <c r="A1"/>, takes 11 bytes: counting is needed only
    # when the sheets are big enough to hold more cells than allowed.
    room = sum(parts[part].file_size for _, part in sheets) // len(b'<c r="A1"/>')
    for sheet_name, part in sheets:
        extent = _scan_sheet(name, sheet_name, zf, parts[part], room > MAX_CELLS)
        scan.sheets[sheet_name] = extent
        if scan.cells > MAX_CELLS:
            raise SpreadsheetRejected(
                f"{name} was not read: it holds more than {MAX_CELLS:,} cells (sheet "
                f"'{sheet_name}' alone has {extent.cells:,}), far more than any return or plan."
            )
    for part in parts:
        if part.lower().endswith("sharedstrings.xml"):
            scan.shared_strings += _scan_shared_strings(name, zf, parts[part])
    return scan


def _small_part(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_WORKBOOK_PART_BYTES:
        raise SpreadsheetRejected(
            f"{name} was not read: its part {info.filename} is {info.file_size // 2**20} MB, "
            "where Excel writes a few KB. The file is damaged or was made to break readers."
        )
    return zf.read(info)


def _attributes(tag_body: bytes) -> dict[str, str]:
    return {
        key.decode("utf-8", "replace").rsplit(":", 1)[-1]: html.unescape(
            value.decode("utf-8", "replace")
        )
        for key, value in _ATTRIBUTE.findall(tag_body)
    }


def _worksheets(
    name: str, zf: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo]
) -> list[tuple[str, str]]:
    """(sheet name, part) of each sheet the workbook lists, plus any other worksheet part."""
    found: list[tuple[str, str]] = []
    book = parts.get("xl/workbook.xml")
    rels = parts.get("xl/_rels/workbook.xml.rels")
    targets: dict[str, str] = {}
    if rels is not None:
        for match in _RELATIONSHIP.finditer(_small_part(name, zf, rels)):
            attrs = _attributes(match.group(1))
            target = attrs.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[attrs.get("Id", "")] = part
    if book is not None:
        entries = _SHEET_ENTRY.findall(_small_part(name, zf, book))
        if len(entries) > MAX_SHEETS:
            raise SpreadsheetRejected(
                f"{name} has {len(entries):,} sheets, more than any return or plan "
                f"({MAX_SHEETS} at most); it was not read."
            )
        for entry in entries:
            attrs = _attributes(entry)
            part = targets.get(attrs.get("id", ""), "")
            if part in parts:
                found.append((attrs.get("name", part), part))
    listed = {part for _, part in found}
    # A sheet part nothing lists is still looked at: a reader may find it by its name.
    for part in parts:
        if part.startswith("xl/worksheets/") and part.endswith(".xml") and part not in listed:
            found.append((part.rsplit("/", 1)[-1], part))
    return found


def _pieces(name: str, where: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's XML in pieces of about a megabyte, each ending just after a '>', so no tag is cut.

    Text longer than Excel allows in a cell, or a tag as long, is refused here: it is the
    one thing that could make a piece grow.
    """
    carry = b""
    with zf.open(info) as member:
        while True:
            block = member.read(_CHUNK)
            data = carry + block if carry else block
            if not block:
                if data:
                    yield data
                return
            end = data.rfind(b">") + 1
            piece, carry = data[:end], data[end:]
            if len(carry) > MAX_TEXT_BYTES or _has_long_text(piece):
                raise SpreadsheetRejected(
                    f"{name} was not read: {where} holds more text in one cell than Excel allows "
                    f"({MAX_CELL_CHARACTERS:,} characters)."
                )
            if piece:
                yield piece


def _has_long_text(piece: bytes) -> bool:
    """Whether a run of more than MAX_TEXT_BYTES without markup is in `piece`.

    Such a run covers at least one whole block of half that length, so only blocks free of
    markup are measured; searching bytes for a character runs at memory speed.
    """
    step = MAX_TEXT_BYTES // 2
    for start in range(0, len(piece) - step + 1, step):
        block = piece[start : start + step]
        if b"<" in block or b">" in block:
            continue
        begin = max(piece.rfind(b"<", 0, start), piece.rfind(b">", 0, start)) + 1
        ends = [e for e in (piece.find(b"<", start), piece.find(b">", start)) if e >= 0]
        if min(ends, default=len(piece)) - begin > MAX_TEXT_BYTES:
            return True
    return False


def _scan_sheet(
    name: str, sheet_name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, count_cells: bool
) -> SheetExtent:
    where = f"sheet '{sheet_name}'"
    extent = _quick_extent(name, where, zf, info, count_cells)
    if extent is not None:
        return extent
    # Out of the ordinary, or large enough that the quick bound is not enough: every cell's
    # reference is followed.
    return _exact_extent(name, sheet_name, zf, info)


def _quick_extent(
    name: str, where: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, count_cells: bool
) -> SheetExtent | None:
    """A bound on the extent of a sheet written as Excel writes one, found by searching, not parsing.

    The last row and column are bounded by the longest row number and column letters among
    the cells (a cell in row 1234 bounds the rows by 9999), so the extent may be overstated,
    never understated. None when the sheet is written some other way, or when the bound is
    too loose to decide how to read it: the caller then follows every cell. Cells are
    counted when `count_cells` (when the sheets are big enough to hold too many).
    """
    extent = SheetExtent(where[7:-1], info.filename)
    digits = letters = 0  # most digits of a cell's row number, most letters of its column
    first = True
    for piece in _pieces(name, where, zf, info):
        if first:
            first = False
            head = piece[:_HEAD_BYTES]  # where Excel writes the size and the namespaces
            declared = _DIMENSION.search(head)
            if declared is not None:
                extent.declared = declared.group(1).decode("utf-8", "replace")
                _check_declared(name, where, extent.declared)
            if _PREFIXED.search(head):
                return None
        if _ODD_CELL.search(piece):
            return None  # cells without references: they follow one another
        # Rows are not looked at: with every cell placed by its reference, a row element
        # without cells places nothing. Cells are counted only where enough could fit.
        if count_cells:
            extent.cells += piece.count(b'<c r="')
        at = 0
        while far := _far_cell(letters, digits).search(piece, at):
            ref = _CELL_AT.match(piece, far.start())
            if ref is None:
                return None
            letters = max(letters, len(ref.group(1)))
            digits = max(digits, len(ref.group(2)))
            at = far.end()
        if letters > 1:  # columns past Z: the cells with the longest letters give the last
            found = _QUICK_COLUMNS[letters].findall(piece)
            if found:
                extent.columns = max(extent.columns, max(map(column_number, set(found))))
        if extent.cells > MAX_CELLS or extent.columns > MAX_COLUMNS:
            _check_extent(name, where, extent)  # both exact: every cell has its reference
    if letters == 1:
        extent.columns = 26
    if digits:
        extent.rows = 10**digits - 1
    if extent.rows > MAX_ROWS or extent.area > MAX_DENSE_CELLS:
        return None
    return extent


_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:worksheet|sheetData|row|c)[\s>/]")
# A cell tag not followed straight away by its reference.
_ODD_CELL = re.compile(rb"<c(?:[>/\t\n\r]| (?!r=\"))")
_HEAD_BYTES = 64 * 1024
_CELL_AT = re.compile(rb'<c r="([A-Z]{1,4})(\d{1,10})"')


@functools.lru_cache(maxsize=64)
def _far_cell(letters: int, digits: int) -> re.Pattern[bytes]:
    """Finds a cell whose column has more than `letters` letters or its row more than `digits` digits."""
    return re.compile(
        rb'<c r="(?:[A-Z]{%d}|[A-Z]{1,4}\d{%d})' % (min(letters + 1, 5), min(digits + 1, 11))
    )


# The columns of n letters.
_QUICK_COLUMNS = {n: re.compile(rb'<c r="([A-Z]{%d})\d' % n) for n in (2, 3, 4)}


def _exact_extent(
    name: str, sheet_name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo
) -> SheetExtent:
    extent = SheetExtent(sheet_name, info.filename)
    where = f"sheet '{sheet_name}'"
    row = col = 0  # where the last cell was, for cells and rows written without a reference
    first = True
    for piece in _pieces(name, where, zf, info):
        if first:
            first = False
            declared = _DIMENSION.search(piece)
            if declared is not None:
                extent.declared = declared.group(1).decode("utf-8", "replace")
                _check_declared(name, where, extent.declared)
        cells = _CELL_TAG.findall(piece)
        refs = _CELL_REF.findall(piece)
        row_tags = _ROW_TAG.findall(piece)
        row_numbers = _ROW_NUMBER.findall(piece)
        if len(cells) == len(refs) and len(row_tags) == len(row_numbers):
            extent.cells += len(cells)
            if row_numbers:
                extent.rows = max(extent.rows, max(map(int, row_numbers)))
                row, col = int(row_numbers[-1]), 0
            if refs:
                extent.columns = max(extent.columns, max(map(column_number, {c for c, _ in refs})))
                extent.rows = max(extent.rows, max(map(int, {r for _, r in refs})))
                col = column_number(refs[-1][0])
        else:
            row, col = _follow_cells(piece, extent, row, col)
        _check_extent(name, where, extent)
    return extent


def _follow_cells(piece: bytes, extent: SheetExtent, row: int, col: int) -> tuple[int, int]:
    """Count cells one by one where some have no reference (they follow the one before)."""
    for match in _TOKEN.finditer(piece):
        closing, tag, attrs = match.groups()
        if closing:
            continue
        if tag == b"row":
            number = _ROW_R.search(attrs)
            row, col = (int(number.group(1)) if number else row + 1), 0
            extent.rows = max(extent.rows, row)
            continue
        extent.cells += 1
        ref = _REF.search(attrs)
        cell_row = row
        if ref is not None:
            col, cell_row = column_number(ref.group(1)), int(ref.group(2))
        else:
            col += 1
        extent.columns = max(extent.columns, col)
        extent.rows = max(extent.rows, cell_row)
    return row, col


def _check_declared(name: str, where: str, declared: str) -> None:
    last = _DIMENSION_REF.match(declared.rsplit(":", 1)[-1].strip())
    if last is None:
        return  # a size that is no cell reference: the cells themselves are counted
    if int(last.group(2)) > MAX_ROWS or column_number(last.group(1)) > MAX_COLUMNS:
        raise SpreadsheetRejected(
            f"{name} was not read: {where} says it reaches cell {last.group(0)}, beyond the "
            "last cell Excel allows (XFD1048576). The file is damaged or was not made by Excel."
        )


def _check_extent(name: str, where: str, extent: SheetExtent) -> None:
    if extent.rows > MAX_ROWS:
        raise SpreadsheetRejected(
            f"{name} was not read: {where} has a cell in row {extent.rows:,}, beyond the last "
            f"row Excel allows ({MAX_ROWS:,}). The file is damaged or was not made by Excel."
        )
    if extent.columns > MAX_COLUMNS:
        raise SpreadsheetRejected(
            f"{name} was not read: {where} has a cell in column {extent.columns:,}, beyond the "
            f"last column Excel allows (XFD, the {MAX_COLUMNS:,}th). The file is damaged or was "
            "not made by Excel."
        )
    if extent.cells > MAX_CELLS:
        raise SpreadsheetRejected(
            f"{name} was not read: {where} has more than {MAX_CELLS:,} cells, far more than "
            "any return or plan."
        )


def _scan_shared_strings(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """How many texts the shared list holds; refused when it holds, or claims, too many."""
    count = 0
    first = True
    for piece in _pieces(name, "its list of shared text", zf, info):
        if first:
            first = False
            head = _SST_COUNTS.search(piece)
            for key, value in _COUNT_ATTR.findall(head.group(0) if head else b""):
                claimed = int(value)
                limit = MAX_SHARED_STRINGS if key == b"uniqueCount" else MAX_CELLS
                if claimed > limit:
                    _too_many_strings(name, claimed)
        count += len(_STRING_ITEM.findall(piece))
        if count > MAX_SHARED_STRINGS:
            _too_many_strings(name, count)
    return count


def _too_many_strings(name: str, count: int) -> None:
    raise SpreadsheetRejected(
        f"{name} was not read: its list of shared text says it holds {count:,} entries, where "
        f"a return holds a few thousand (at most {MAX_SHARED_STRINGS:,} are read). The file is "
        "damaged or was made to break spreadsheet readers."
    )
