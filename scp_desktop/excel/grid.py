"""Reading a workbook or CSV into plain grids of cell values, with cell colours and formulas on demand.

Values come from python-calamine (fast, and it returns a formula's saved result), run in a worker
process after the file's limits are checked (isolation.py), so a hostile file cannot end the
application. Colours and formulas are only needed for a few cells (an empty RAG cell that may be coloured in), so openpyxl
reads them lazily, in one streaming pass, only when asked.
"""

from __future__ import annotations

import colorsys
import contextlib
import csv
import datetime as dt
import functools
import io
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as DefusedET
from openpyxl.utils import column_index_from_string, get_column_letter

from scp_desktop.excel.isolation import (
    read_in_worker,
    values_of,
    worker_count_hint,
)
from scp_desktop.excel.plain_text import without_controls
from scp_desktop.excel.safety import (
    SpreadsheetRejected,
    check_zip,
    decode_text,
    read_member,
    sniff,
)

Value = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass
class Sheet:
    name: str
    # rows[0] is spreadsheet row 1; '' for an empty cell. A list of lists, or for a vast sheet
    # with few cells filled, sparse.SparseRows, which stores only those.
    rows: Sequence[Sequence[Any]]
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
    number_format: str = "General"  # '0.0%' for a percentage cell
    error: str | None = None  # '#DIV/0!' for an error cell (calamine reads those as empty)


@dataclass
class Grid:
    """Everything read from one file."""

    path: Path
    kind: str  # 'xlsx' | 'csv'
    sheets: list[Sheet] = field(default_factory=list)
    content: bytes = b""
    parts: dict[str, zipfile.ZipInfo] = field(default_factory=dict, repr=False)  # as checked

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)

    def details(
        self, sheet_name: str, cells: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], CellDetail]:
        """Fill colour, formula and number format of the given (1-based row, 0-based column) cells."""
        wanted = set(cells)
        if self.kind != "xlsx" or not wanted:
            return {}
        found = _read_fills(self.content, sheet_name, wanted, self.parts)
        if found is None:
            # A formula among the cells, or XML written in an unusual way: openpyxl reads it.
            return _read_details(self.content, sheet_name, wanted, self.parts)
        return found


def read_grid(path: Path, *, cancelled: Callable[[], bool] | None = None) -> Grid:
    """Read every sheet of a workbook or a CSV file; raises SpreadsheetRejected with a clear message.

    A workbook is read in a worker process; `cancelled` is asked while it reads, and stops it
    (raising isolation.ReadingCancelled).
    """
    return _parse(path, cancelled).grid()


# Characters no sheet name made by Excel holds (it refuses them): control characters (C0, DEL,
# C1), which a terminal would obey, and the direction marks that make a name read backwards.
_NOT_IN_SHEET_NAMES = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)


def shown_sheet_name(name: str) -> str:
    """A sheet's name as shown, stored and matched: without the characters Excel never puts
    in one, which a crafted file can hold."""
    return _NOT_IN_SHEET_NAMES.sub("", name)


@dataclass
class _Parsed:
    """A file parsed but not yet made into Python values (see `ReadAhead`)."""

    path: Path
    content: bytes
    payload: bytes = b""  # the worker's answer, made into values by `grid`
    parts: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    done: Grid | None = None  # a CSV file, read whole

    def grid(self) -> Grid:
        if self.done is not None:
            return self.done
        sheets = [
            Sheet(shown_sheet_name(values.name), values.rows, values.hidden)
            for values in values_of(self.path.name, self.payload)
        ]
        return Grid(self.path, "xlsx", sheets, self.content, self.parts)


def _parse(path: Path, cancelled: Callable[[], bool] | None = None) -> _Parsed:
    sniffed = sniff(path, check_package=False)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise SpreadsheetRejected(f"{path.name} could not be read: {exc.strerror or exc}.") from exc
    if sniffed.kind == "csv":
        return _Parsed(path, content, done=Grid(path, "csv", [_read_csv(path, content)], content))
    parts = check_zip(path, content)  # the package as read, not the file read again
    return _Parsed(path, content, read_in_worker(path.name, content, cancelled=cancelled), parts)


AHEAD = 8  # grids read ahead per reading thread: enough to cover the plan's loading
AHEAD_BYTES = 48 * 1024 * 1024  # ...unless the files waiting are this big on disk together


class ReadAhead:
    """Reads files into grids on a few threads, ahead of the caller working through them in order.

    Each thread waits on a worker process (isolation.py), so while one file's rows are being
    matched the next files are already being parsed, on as many cores as the laptop has;
    `get` makes the parsed cells into Python values. A few files wait in memory, fewer when
    they are large. A file's error is raised by `get` for that file alone. `cancelled` is
    asked while files are read; closing stops the readings under way.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        workers: int | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self._paths = list(paths)
        self._closed = False
        self._cancelled = cancelled
        count = workers if workers is not None else self.default_workers()
        self._workers = max(0, min(count, len(self._paths) - 1))
        self._ahead = max(1, self._workers) * AHEAD
        # One file, or no core to spare: read each file when it is asked for.
        self._pool = (
            ThreadPoolExecutor(self._workers, thread_name_prefix="read-ahead")
            if self._workers > 0
            else None
        )
        self._futures: dict[int, Future[_Parsed]] = {}
        self._sizes: dict[int, int] = {}
        self._submitted = 0
        self._fill(0)

    @staticmethod
    def default_workers() -> int:
        """Reading threads when none are asked for: one per core, up to four (on two cores,
        two readers beside the matching thread measured faster than one)."""
        return worker_count_hint()

    def _stop(self) -> bool:
        return self._closed or (self._cancelled is not None and self._cancelled())

    def _fill(self, current: int) -> None:
        if self._pool is None:
            return
        while self._submitted < len(self._paths) and self._submitted < current + self._ahead:
            path = self._paths[self._submitted]
            try:
                size = path.stat().st_size
            except OSError:
                size = 0  # reading it will say what is wrong
            if self._futures and sum(self._sizes.values()) + size > AHEAD_BYTES:
                return
            self._sizes[self._submitted] = size
            self._futures[self._submitted] = self._pool.submit(_parse, path, self._stop)
            self._submitted += 1

    def get(self, index: int) -> Grid:
        """The grid of the index-th file (read now if it was not read ahead)."""
        future = self._futures.pop(index, None)
        self._sizes.pop(index, None)
        self._submitted = max(self._submitted, index + 1)  # read here if not read ahead
        self._fill(index + 1)
        if future is None:
            return read_grid(self._paths[index], cancelled=self._stop)
        # Values are made here, not on the reading thread: making them holds the interpreter
        # lock, and a reader holding it would stall this thread (and its plan queries, which
        # give the lock up at every row) far longer than the making takes.
        return future.result().grid()

    def close(self) -> None:
        """Stop reading: files not yet started are dropped, those being read are stopped."""
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._futures.clear()
        self._sizes.clear()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _read_csv(path: Path, content: bytes) -> Sheet:
    text = without_controls(decode_text(content))
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


_CELL = re.compile(rb"<c\b([^>]*?)(/>|>(.*?)</c>)", re.DOTALL)
_REF_ATTR = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_ATTR = re.compile(rb'\b(r|s|t)="([^"]*)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _read_fills(
    content: bytes,
    sheet_name: str,
    wanted: set[tuple[int, int]],
    parts: dict[str, zipfile.ZipInfo] | None = None,
) -> dict[tuple[int, int], CellDetail] | None:
    """Fill colours of the wanted cells read straight from the sheet's XML, or None to use openpyxl.

    Loading a whole workbook in openpyxl to learn the colour of a few empty cells cost more
    than reading every value of the file; the package parts needed are small or scanned once.
    """
    try:
        with _Package(content, parts or {}) as zf:
            rels = zf.read(_WORKBOOK_RELS)
            sheet_part = _sheet_part(zf, sheet_name, rels)
            if sheet_part is None:
                return None
            styles = _cell_styles(zf, rels)
            data = zf.read(sheet_part)
    except (KeyError, ValueError, zipfile.BadZipFile, ET.ParseError, OSError, zlib.error):
        return None
    if b"<c " not in data and b"<c>" not in data and b":c " in data:
        return None  # prefixed element names: leave them to openpyxl
    found: dict[tuple[int, int], CellDetail] = {}
    columns: dict[int, list[int]] = {}  # wanted row → its wanted columns
    for r, c in wanted:
        columns.setdefault(r, []).append(c)
    for row_number, body in _wanted_rows(data, set(columns)):
        if row_number is not None and b'<c r="' in body:
            # Cells carry their reference first, as Excel writes them: go straight to each one.
            for col in columns[row_number]:
                at = body.find(b'<c r="%s%d"' % (_letters(col), row_number))
                match = _CELL.match(body, at) if at >= 0 else None
                if match is not None and not _known_cell_detail(
                    match, (row_number, col), styles, found
                ):
                    return None
            continue
        for match in _CELL.finditer(body):
            if not _cell_detail(match, row_number, wanted, styles, found):
                return None
    return found


@functools.lru_cache(maxsize=256)
def _letters(col: int) -> bytes:
    letters: str = get_column_letter(col + 1)
    return letters.encode("ascii")


def _wanted_rows(data: bytes, rows: set[int]) -> list[tuple[int | None, bytes]]:
    """The XML of the sheet rows that hold wanted cells, or the whole sheet when rows are unnumbered.

    Excel and every library seen write a row's number as its first attribute and rows in
    order, so each wanted row is found by a forward search from the one before; anything
    else falls back to checking the whole sheet cell by cell.
    """
    chosen: list[tuple[int | None, bytes]] = []
    at = 0
    for number in sorted(rows):
        tag = b'<row r="%d"' % number
        start = data.find(tag, at)
        if start < 0:
            start = data.find(tag)  # rows out of order: rare, but allowed to be read
        if start < 0:
            if data.find(b'<row r="', at) < 0 and data.find(b'<row r="') < 0:
                return [(None, data)]  # rows without numbers: count cells as openpyxl does
            continue  # no such row in the XML: its cells are empty and unstyled
        head_end = data.find(b">", start)
        if head_end < 0:
            return [(None, data)]
        if data[head_end - 1 : head_end] == b"/":
            at = head_end + 1
            continue  # an empty row
        end = data.find(b"</row>", head_end)
        if end < 0:
            return [(None, data)]
        chosen.append((number, data[head_end + 1 : end]))
        at = end
    return chosen


def _cell_detail(
    match: re.Match[bytes],
    row_number: int | None,
    wanted: set[tuple[int, int]],
    styles: tuple[tuple[str | None, str], ...],
    found: dict[tuple[int, int], CellDetail],
) -> bool:
    """Record one cell's detail when it is wanted; False when the XML needs openpyxl instead."""
    head = match.group(1)
    ref = _REF_ATTR.search(head)
    if ref is None:
        return False  # cells without references: positions must be counted, as openpyxl does
    row = int(ref.group(2))
    if row_number is not None and row != row_number:
        return False
    key = (row, column_index_from_string(ref.group(1).decode("ascii")) - 1)
    if key not in wanted:
        return True
    return _known_cell_detail(match, key, styles, found)


def _known_cell_detail(
    match: re.Match[bytes],
    key: tuple[int, int],
    styles: tuple[tuple[str | None, str], ...],
    found: dict[tuple[int, int], CellDetail],
) -> bool:
    """Record the detail of a wanted cell already found by its reference."""
    head = match.group(1)
    attrs = dict(_ATTR.findall(head))
    body = match.group(3) or b""
    if b"<f" in body:
        return False
    style = int(attrs.get(b"s", b"0") or 0)
    fill, number_format = styles[style] if 0 <= style < len(styles) else (None, "General")
    if attrs.get(b"t") == b"e":
        shown = _VALUE.search(body)
        error = shown.group(1).decode("utf-8", "replace") if shown else "#VALUE!"
        found[key] = CellDetail(fill, None, number_format, error)
    else:
        found[key] = _styled(fill, number_format)
    return True


@functools.lru_cache(maxsize=256)
def _styled(fill: str | None, number_format: str) -> CellDetail:
    # Cells share a few styles; the detail is immutable, so one object serves them all.
    return CellDetail(fill, None, number_format)


class _Package:
    """A package's parts by name: inflated straight from its bytes when its parts are known."""

    def __init__(self, content: bytes, parts: dict[str, zipfile.ZipInfo]) -> None:
        self._content, self._parts = content, parts
        self._zip: zipfile.ZipFile | None = None

    def read(self, name: str) -> bytes:
        info = self._parts.get(name)
        data = read_member(self._content, info) if info is not None else None
        if data is None:
            data = self._opened().read(name)
        return data

    def size(self, name: str) -> int | None:
        """A part's inflated size as its package declares it, None when there is no such part."""
        if self._parts:
            info = self._parts.get(name)
        else:
            try:
                info = self._opened().getinfo(name)
            except KeyError:
                info = None
        return None if info is None else info.file_size

    def _opened(self) -> zipfile.ZipFile:
        if self._zip is None:  # not checked, or read oddly: zipfile reads it, or says why not
            self._zip = zipfile.ZipFile(io.BytesIO(self._content))
        return self._zip

    def __enter__(self) -> _Package:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._zip is not None:
            self._zip.close()


_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


def _sheet_part(zf: _Package, sheet_name: str, rels: bytes) -> str | None:
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rel_id = next(
        (
            sheet.get(f"{_REL_NS}id")
            for sheet in book.iter(f"{_MAIN_NS}sheet")
            if shown_sheet_name(sheet.get("name") or "") == sheet_name
        ),
        None,
    )
    if rel_id is None:
        return None
    return _relationships(rels).parts.get(rel_id)


class _Relationships(NamedTuple):
    parts: dict[str, str]  # part by relationship id; read-only, as it is shared
    theme: str | None  # the workbook's theme part


def _relationships(rels: bytes) -> _Relationships:
    # Returns made from one template share the same part: read once per batch, unless odd
    # and huge (each kept is a cache key).
    return (
        _read_relationships(rels) if len(rels) < 1 << 20 else _read_relationships.__wrapped__(rels)
    )


@functools.lru_cache(maxsize=32)
def _read_relationships(xml: bytes) -> _Relationships:
    parts: dict[str, str] = {}
    theme: str | None = None
    for rel in ET.fromstring(xml).iter(f"{_PKG_REL_NS}Relationship"):
        target = rel.get("Target") or ""
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        rel_id = rel.get("Id")
        if rel_id is not None and rel_id not in parts:
            parts[rel_id] = part
        if (
            theme is None
            and (rel.get("Type") or "").endswith("/theme")
            and rel.get("TargetMode") != "External"
        ):
            theme = part
    return _Relationships(parts, theme)


_BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}  # the built-in formats that matter: percentages


def _cell_styles(zf: _Package, rels: bytes | None) -> tuple[tuple[str | None, str], ...]:
    """Fill colour and number format of each cell style (by index), as openpyxl would report them."""
    try:
        xml = zf.read("xl/styles.xml")
    except KeyError:
        return ()
    # Read once per workbook, not per cell, and only when a fill is a theme colour.
    theme = _workbook_theme(zf, rels) if _fills_name_theme(xml) else _OFFICE_THEME
    if len(xml) > 1 << 20:
        return _styles_of.__wrapped__(xml, theme)  # an odd, huge styles part is not kept
    return _styles_of(xml, theme)


def _fills_name_theme(xml: bytes) -> bool:
    """Whether a fill of the styles part may be a theme colour (fonts nearly always are)."""
    start = xml.find(b"<fills")
    end = xml.find(b"</fills>", start) if start >= 0 else -1
    if end < 0:
        return b"theme=" in xml  # written some other way: read the theme to be sure
    return b"theme=" in xml[start:end]


@functools.lru_cache(maxsize=32)
def _styles_of(xml: bytes, theme: tuple[str, ...]) -> tuple[tuple[str | None, str], ...]:
    # Returns made from one template share their styles and theme parts: read once per batch.
    styles = ET.fromstring(xml)
    fill_colours: list[str | None] = []
    fills = styles.find(f"{_MAIN_NS}fills")
    for fill in fills if fills is not None else []:
        pattern = fill.find(f"{_MAIN_NS}patternFill")
        if pattern is None or pattern.get("patternType") in (None, "none"):
            fill_colours.append(None)
            continue
        colour = pattern.find(f"{_MAIN_NS}fgColor")
        fill_colours.append(_colour_rgb(colour, theme))
    formats = {
        int(fmt.get("numFmtId", "-1") or -1): fmt.get("formatCode") or "General"
        for fmt in styles.iter(f"{_MAIN_NS}numFmt")
    }
    xfs = styles.find(f"{_MAIN_NS}cellXfs")
    result: list[tuple[str | None, str]] = []
    for xf in xfs if xfs is not None else []:
        fill_id = int(xf.get("fillId", "0") or 0)
        format_id = int(xf.get("numFmtId", "0") or 0)
        result.append(
            (
                fill_colours[fill_id] if 0 <= fill_id < len(fill_colours) else None,
                formats.get(format_id) or _BUILTIN_FORMATS.get(format_id, "General"),
            )
        )
    return tuple(result)


def _colour_rgb(colour: ET.Element | None, theme: tuple[str, ...]) -> str | None:
    if colour is None:
        return "000000"  # openpyxl's default colour for a pattern fill without one
    rgb: str | None
    if colour.get("rgb") is not None:
        rgb = (colour.get("rgb") or "")[-6:].upper()
    elif colour.get("indexed") is not None:
        rgb = _INDEXED.get(int(colour.get("indexed") or -1))
    elif colour.get("theme") is not None:
        index = int(colour.get("theme") or -1)
        rgb = theme[index] if 0 <= index < len(theme) else None
    else:
        return None
    try:
        tint = float(colour.get("tint") or 0)
    except ValueError:
        tint = 0.0
    return _tinted(rgb, tint) if rgb and tint else rgb


@functools.lru_cache(maxsize=256)
def _tinted(rgb: str, tint: float) -> str:
    """A colour lightened (tint > 0) or darkened (tint < 0) as Excel draws it: in HLS lightness.

    The palette's "Lighter 80%" banding shades are an accent colour tinted towards white, so
    pale that they are no status; reading the accent untinted would invent one.
    """
    if not _HEX_COLOUR.fullmatch(rgb) or not math.isfinite(tint):
        return rgb  # not a colour (rag_from_rgb says so), or a tint that is no number
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    tint = max(-1.0, min(1.0, tint))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    channels = colorsys.hls_to_rgb(hue, lightness, saturation)
    return "".join(f"{round(min(1.0, max(0.0, v)) * 255):02X}" for v in channels)


# Excel numbers theme colours with each dark/light pair the other way round from the theme part.
_THEME_SLOTS = (
    "lt1",
    "dk1",
    "lt2",
    "dk2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
)
_SYSTEM_COLOURS = {"windowText": "000000", "window": "FFFFFF"}
_HEX_COLOUR = re.compile(r"[0-9A-Fa-f]{6}")
MAX_THEME_BYTES = 1 << 20  # Office's own theme part is under 10 KB
_DEFAULT_THEME_PART = "xl/theme/theme1.xml"  # where Excel and openpyxl put it


def _workbook_theme(zf: _Package, rels: bytes | None) -> tuple[str, ...]:
    """The workbook's theme colours by Excel's index; Office's when its theme is missing or damaged.

    A council's corporate theme can put red where Office has blue, so a fill given as
    "Accent 1" means whatever this workbook's theme says it means.
    """
    try:
        part = _DEFAULT_THEME_PART
        if rels is not None:
            with contextlib.suppress(ET.ParseError):  # damaged relationships: the usual part
                part = _relationships(rels).theme or part
        size = zf.size(part)
        if size is None and part != _DEFAULT_THEME_PART:  # a relationship to nothing
            part, size = _DEFAULT_THEME_PART, zf.size(_DEFAULT_THEME_PART)
        if size is None or size > MAX_THEME_BYTES:
            return _OFFICE_THEME
        xml = zf.read(part)
        # Only themes of ordinary size are kept (each held is a cache key).
        return _theme_colours(xml) if len(xml) < 1 << 16 else _theme_colours.__wrapped__(xml)
    except Exception:  # a theme that cannot be read never costs the file: Office's colours serve
        return _OFFICE_THEME


@functools.lru_cache(maxsize=32)
def _theme_colours(xml: bytes) -> tuple[str, ...]:
    # Returns made from one template share their theme: it is parsed once per batch.
    try:
        root = DefusedET.fromstring(xml)
    except Exception:  # not XML, or XML defusedxml refuses: Office's colours serve
        return _OFFICE_THEME
    scheme = next((e for e in root.iter() if _local(e.tag) == "clrScheme"), None)
    if scheme is None:
        return _OFFICE_THEME
    slots = {_local(e.tag): e for e in scheme}
    return tuple(
        _scheme_colour(slots.get(slot)) or office
        for slot, office in zip(_THEME_SLOTS, _OFFICE_THEME, strict=True)
    )


def _local(tag: object) -> str:
    # Local names: strict Open XML files put the same elements in another namespace.
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _scheme_colour(slot: ET.Element | None) -> str | None:
    """'RRGGBB' of one colour of a theme's scheme (`a:srgbClr val=` or `a:sysClr lastClr=`)."""
    for colour in slot if slot is not None else ():
        kind = _local(colour.tag)
        if kind == "srgbClr":
            value = colour.get("val")
        elif kind == "sysClr":
            value = colour.get("lastClr") or _SYSTEM_COLOURS.get(colour.get("val") or "")
        else:
            continue  # colours given some other way: Office's colour for this slot serves
        if value and _HEX_COLOUR.fullmatch(value):
            return value.upper()
    return None


def _package_theme(content: bytes, parts: dict[str, zipfile.ZipInfo]) -> tuple[str, ...]:
    try:
        with _Package(content, parts) as zf:
            try:
                rels: bytes | None = zf.read(_WORKBOOK_RELS)
            except Exception:
                rels = None
            return _workbook_theme(zf, rels)
    except Exception:
        return _OFFICE_THEME


def _read_details(
    content: bytes,
    sheet_name: str,
    wanted: set[tuple[int, int]],
    parts: dict[str, zipfile.ZipInfo] | None = None,
) -> dict[tuple[int, int], CellDetail]:
    import openpyxl  # imported here: only files with coloured-in or formula cells need it

    found: dict[tuple[int, int], CellDetail] = {}
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        return found
    try:
        named = {shown_sheet_name(n): n for n in reversed(wb.sheetnames)}
        if sheet_name not in named:
            return found
        ws = wb[named[sheet_name]]
        rows = sorted({r for r, _ in wanted})
        cols = {c for _, c in wanted}
        theme = _package_theme(content, parts or {})  # as the fast path reads it
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
                error = str(value) if getattr(cell, "data_type", None) == "e" else None
                found[(r, c - 1)] = CellDetail(
                    _fill_rgb(cell, theme),
                    formula,
                    str(getattr(cell, "number_format", "")),
                    error,
                )
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
# Office's default theme (2013 onwards), by Excel's index: the colours of a workbook whose own
# theme is missing or cannot be read.
_OFFICE_THEME = (
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
    "0563C1",
    "954F72",
)


def _fill_rgb(cell: Any, theme: tuple[str, ...]) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or getattr(fill, "fill_type", None) in (None, "none"):
        return None
    colour = getattr(fill, "fgColor", None)
    if colour is None:
        return None
    kind = getattr(colour, "type", None)
    rgb: str | None = None
    if kind == "rgb" and isinstance(colour.rgb, str):
        rgb = colour.rgb[-6:].upper()
    elif kind == "indexed" and isinstance(colour.indexed, int):
        rgb = _INDEXED.get(colour.indexed)
    elif kind == "theme" and isinstance(colour.theme, int) and 0 <= colour.theme < len(theme):
        rgb = theme[colour.theme]
    tint = getattr(colour, "tint", 0.0)
    return _tinted(rgb, float(tint)) if rgb and isinstance(tint, int | float) and tint else rgb


EXCEL_EPOCH = dt.date(1899, 12, 30)


def excel_serial_to_date(value: float) -> dt.date | None:
    """A date typed into a cell formatted as a number (a 'serial'), when it is plausible."""
    if 30000 <= value <= 80000:  # 1982 to 2119
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    return None
