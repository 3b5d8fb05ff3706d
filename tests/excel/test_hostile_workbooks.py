"""Workbooks made to exhaust a reader: each is refused by name, or read correctly, and never ends the process."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from scp_desktop.excel import isolation
from scp_desktop.excel.grid import read_grid
from scp_desktop.excel.isolation import ReadingCancelled, read_in_worker, values_of
from scp_desktop.excel.limits import MAX_CELLS, MAX_SHEETS
from scp_desktop.excel.safety import SpreadsheetRejected
from scp_desktop.excel.sparse import SparseRows
from tests.hostile_files import (
    cell_xml,
    return_rows_xml,
    sheet_xml,
    write_deeply_nested,
    write_huge_part,
    write_huge_unique_count,
    write_long_text,
    write_lying_dimension,
    write_many_cells,
    write_many_sheets,
    write_raw_workbook,
    write_repeated_row,
    write_stray_value,
    write_value_in_last_cell,
)

ROOT = Path(__file__).resolve().parents[2]
RETURN_ROWS = [
    ["Reference", "Project / initiative", "RAG", "Progress update"],
    ["1.1.1", "Project 1", "Green", "Going well 1"],
    ["1.1.2", "Project 2", "Green", "Going well 2"],
    ["1.1.3", "Project 3", "Green", "Going well 3"],
]


def _refused(path: Path) -> str:
    with pytest.raises(SpreadsheetRejected) as info:
        read_grid(path)
    message = str(info.value)
    assert path.name in message
    return message


def _sheet_of(rows: bytes) -> list[tuple[str, bytes]]:
    return [("Q2", sheet_xml(rows))]


def _cells_beyond_excel(path: Path) -> Path:
    rows = return_rows_xml() + b'<row r="9">' + cell_xml("XFE9", "x") + b"</row>"
    return write_raw_workbook(path, _sheet_of(rows))


def _row_beyond_excel(path: Path) -> Path:
    rows = return_rows_xml() + b'<row r="1048577">' + cell_xml("A1048577", "x") + b"</row>"
    return write_raw_workbook(path, _sheet_of(rows))


def _declared_beyond_excel(path: Path) -> Path:
    return write_raw_workbook(path, [("Q2", sheet_xml(return_rows_xml(), dimension="A1:B2000000"))])


def _too_many_cells(path: Path) -> Path:
    return write_repeated_row(path, rows=MAX_CELLS // 20 + 1, columns=20)


def _too_many_strings(path: Path) -> Path:
    return write_huge_unique_count(path, declared=5_000_000)


def _unnumbered_cells_beyond_excel(path: Path) -> Path:
    # Cells without references follow one another: 16,385 of them run past column XFD.
    row = b"<row>" + b"<c><v>1</v></c>" * 16_385 + b"</row>"
    return write_raw_workbook(path, _sheet_of(row))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (write_huge_unique_count, "says it holds 4,000,000,000 entries"),
        (_too_many_strings, "says it holds 5,000,000 entries"),
        (_too_many_cells, f"sheet 'Data' has more than {MAX_CELLS:,} cells"),
        (lambda p: write_many_sheets(p, MAX_SHEETS + 1), f"has {MAX_SHEETS + 1} sheets"),
        (lambda p: write_long_text(p, 400_000), "more text in one cell than Excel allows"),
        (_cells_beyond_excel, "sheet 'Q2' has a cell in column 16,385, beyond the last column"),
        (_unnumbered_cells_beyond_excel, "sheet 'Q2' has a cell in column 16,385"),
        (_row_beyond_excel, "sheet 'Q2' has a cell in row 1,048,577, beyond the last row"),
        (_declared_beyond_excel, "sheet 'Q2' says it reaches cell B2000000"),
        (lambda p: write_huge_part(p, 60), "looks like a zip bomb"),
    ],
    ids=[
        "unique-count-4e9",
        "unique-count-5e6",
        "too-many-cells",
        "too-many-sheets",
        "cell-text-longer-than-excel-allows",
        "column-beyond-xfd",
        "unnumbered-cells-beyond-xfd",
        "row-beyond-1048576",
        "declared-size-beyond-excel",
        "huge-inflated-part",
    ],
)
def test_hostile_workbooks_are_refused_by_name(
    tmp_path: Path, make: Callable[[Path], Path], expected: str
) -> None:
    path = make(tmp_path / "Return Q2 EP.xlsx")
    message = _refused(path)
    assert expected in message


def test_a_value_in_the_last_cell_excel_allows_is_read_without_ending_the_process(
    tmp_path: Path,
) -> None:
    # The fast reader would ask for 549 GB and abort: the worker reads it cell by cell instead.
    grid = read_grid(write_value_in_last_cell(tmp_path / "last.xlsx"))
    sheet = grid.sheets[0]
    assert isinstance(sheet.rows, SparseRows)
    assert len(sheet.rows) == 1_048_576
    assert [list(r) for r in sheet.rows[:4]] == RETURN_ROWS
    assert sheet.cell(1_048_576, 16_383) == "x"
    assert sheet.cell(1_048_576, 16_382) == ""
    assert sheet.cell(500_000, 2) == ""


def test_a_stray_value_far_away_leaves_the_return_read_as_the_fast_reader_reads_it(
    tmp_path: Path,
) -> None:
    stray = read_grid(write_stray_value(tmp_path / "stray.xlsx")).sheets[0]
    clean = read_grid(write_raw_workbook(tmp_path / "clean.xlsx", _sheet_of(return_rows_xml())))
    assert isinstance(stray.rows, SparseRows)
    assert not isinstance(clean.sheets[0].rows, SparseRows)  # an ordinary sheet: the fast reader
    assert [list(r) for r in stray.rows[:4]] == [list(r) for r in clean.sheets[0].rows]
    assert len(stray.rows) == 200_000
    assert stray.cell(200_000, 701) == 7.0
    assert stray.rows.filled() == 5


def test_sparse_reading_gives_the_fast_readers_values(tmp_path: Path) -> None:
    """Dates, times, numbers, booleans, shared and inline text, as python-calamine gives them."""
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Q2"
    ws.append(["Ref", 5, 2.5, True, dt.date(2022, 9, 30), dt.datetime(2022, 9, 30, 10, 5)])
    ws.append(["=1/0", dt.time(10, 30), "", None, "Going well", False])
    ws["C2"].number_format = "0%"
    ws["A3"] = "x"
    fast_path = tmp_path / "fast.xlsx"
    wb.save(fast_path)
    ws["ZZ200000"] = "stray"
    sparse_path = tmp_path / "sparse.xlsx"
    wb.save(sparse_path)
    fast = read_grid(fast_path).sheets[0].rows
    sparse = read_grid(sparse_path).sheets[0].rows
    assert isinstance(sparse, SparseRows)
    for row in range(3):
        assert _trimmed(sparse[row]) == _trimmed(fast[row]), row


def _trimmed(row: Sequence[object]) -> list[object]:
    """A row without its empty cells at the end (the fast reader pads every row to one width)."""
    values = list(row)
    while values and values[-1] == "":
        values.pop()
    return values


def test_a_lying_dimension_is_read_from_the_cells_themselves(tmp_path: Path) -> None:
    sheet = read_grid(write_lying_dimension(tmp_path / "lying.xlsx")).sheets[0]
    assert not isinstance(sheet.rows, SparseRows)
    assert [list(r) for r in sheet.rows] == RETURN_ROWS


def test_deeply_nested_xml_and_long_legal_text_are_read(tmp_path: Path) -> None:
    nested = read_grid(write_deeply_nested(tmp_path / "nested.xlsx")).sheets[0]
    assert [list(r) for r in nested.rows[:4]] == RETURN_ROWS
    long = read_grid(write_long_text(tmp_path / "long.xlsx", 32_767)).sheets[0]
    assert long.cell(5, 3) == "a" * 32_767


def test_many_sheets_within_the_limit_are_read(tmp_path: Path) -> None:
    grid = read_grid(write_many_sheets(tmp_path / "many.xlsx", 60))
    assert [s.name for s in grid.sheets] == [f"S{n}" for n in range(1, 61)]
    assert grid.sheets[-1].cell(2, 1) == "Project 1"


def test_a_reader_abort_ends_only_that_reading(tmp_path: Path) -> None:
    """The fast reader aborts the process when memory runs out, as on the hostile files: with a
    low cap the worker dies that way, the file is refused by name, and the next file is read."""
    rows = return_rows_xml() + b'<row r="2000">' + cell_xml("BXX2000", 1) + b"</row>"
    path = write_raw_workbook(tmp_path / "wide.xlsx", _sheet_of(rows))
    content = path.read_bytes()
    with pytest.raises(SpreadsheetRejected) as info:
        values_of(path.name, read_in_worker(path.name, content, memory_limit=150 * 2**20))
    # Out of memory the reader aborts, or panics: either way only this reading ends.
    assert str(info.value).startswith("wide.xlsx was not read: ")
    sheets = values_of(path.name, read_in_worker(path.name, content))
    assert len(sheets[0].rows) == 2000 and sheets[0].rows[1999][1999] == 1.0


def _readers() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if p.name == "workbook-reader"]


def test_a_killed_worker_is_reported_by_file_name(tmp_path: Path) -> None:
    path = write_many_cells(tmp_path / "big.xlsx", rows=60_000, columns=10)

    def kill_readers() -> bool:
        for process in _readers():
            if process.pid is not None:
                os.kill(process.pid, signal.SIGKILL)
        return False

    with pytest.raises(SpreadsheetRejected) as info:
        read_in_worker(path.name, path.read_bytes(), cancelled=kill_readers)
    assert str(info.value).startswith("big.xlsx was not read")
    assert read_grid(path).sheets[0].cell(60_000, 9) == 9.0


def test_cancelling_stops_the_worker(tmp_path: Path) -> None:
    path = write_many_cells(tmp_path / "big.xlsx", rows=60_000, columns=10)
    content = path.read_bytes()
    isolation.stop_idle_workers()
    started = time.monotonic()
    with pytest.raises(ReadingCancelled, match=r"Reading big\.xlsx was cancelled"):
        read_in_worker(path.name, content, cancelled=lambda: True)
    assert time.monotonic() - started < 5
    assert _readers() == []  # the worker reading it was ended, none left waiting


def test_a_reading_that_takes_too_long_is_stopped(tmp_path: Path) -> None:
    path = write_many_cells(tmp_path / "big.xlsx", rows=60_000, columns=10)
    with pytest.raises(
        SpreadsheetRejected, match=r"big\.xlsx was not read: reading it took longer"
    ):
        read_in_worker(path.name, path.read_bytes(), time_limit=0.01)


_MEASURE = """
import json, resource, sys
from pathlib import Path
from scp_desktop.excel import isolation
from scp_desktop.excel.grid import read_grid
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sheet = read_grid(Path(sys.argv[1])).sheets[0]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
value = sheet.cell(int(sys.argv[2]), int(sys.argv[3]))
isolation.stop_idle_workers()
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"before": before, "after": after, "worker": worker, "value": value}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX only")
@pytest.mark.parametrize(
    ("make", "row", "col"),
    [(write_stray_value, 200_000, 701), (write_value_in_last_cell, 1_048_576, 16_383)],
    ids=["ZZ200000", "XFD1048576"],
)
def test_memory_follows_the_cells_held_not_the_sheets_extent(
    tmp_path: Path, make: Callable[[Path], Path], row: int, col: int
) -> None:
    """Read in a fresh process, measured from outside: the fast reader took 5.6 GB on ZZ200000."""
    path = make(tmp_path / "sparse.xlsx")
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(row), str(col)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["value"] in (7.0, "x")
    grown_mb = (figures["after"] - figures["before"]) / 1024  # ru_maxrss is in KB on Linux
    assert grown_mb < 40, figures
    assert figures["worker"] / 1024 < 300, figures


def test_a_sheet_named_with_control_characters_is_read_under_a_clean_name(
    tmp_path: Path,
) -> None:
    """A terminal would obey the escape in the name, and the direction mark would make it read
    backwards: neither is shown or stored."""
    path = write_raw_workbook(
        tmp_path / "Return Q2 EP.xlsx",
        [("Q2&#x1;&#x7;&#x1b;[31m\u202egpj", sheet_xml(return_rows_xml(3)))],
    )
    grid = read_grid(path)
    assert [s.name for s in grid.sheets] == ["Q2[31mgpj"]
    sheet = grid.sheet("Q2[31mgpj")
    assert sheet is not None and list(sheet.rows[1][:4]) == [
        "1.1.1",
        "Project 1",
        "Green",
        "Going well 1",
    ]


def test_a_package_with_two_parts_of_one_name_is_refused(tmp_path: Path) -> None:
    """Which of the two a reader takes differs between readers: the sheet read could be empty
    while Excel shows the officer a full one."""
    import warnings
    import zipfile

    path = write_raw_workbook(tmp_path / "Return Q2 EP.xlsx", _sheet_of(return_rows_xml(3)))
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as zf:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it is told to write
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml(b""))
    message = _refused(path)
    assert "two parts named xl/worksheets/sheet1.xml" in message


def test_control_characters_in_cells_are_not_read(tmp_path: Path) -> None:
    """Excel writes a control character in text as _x001B_ and readers decode it: a title
    holding an Escape sequence would be obeyed by a terminal printing it. Tabs and line
    breaks are ordinary text and stay."""
    rows = (
        b'<row r="1">'
        + cell_xml("A1", "Reference")
        + cell_xml("B1", "Project / initiative")
        + b'</row><row r="2">'
        + cell_xml("A2", "1.1.1_x001B_[2J")
        + cell_xml("B2", "Crucial_x001B_]0;owned_x0007_ Crew_x0009_one\ntwo")
        + b"</row>"
    )
    grid = read_grid(write_raw_workbook(tmp_path / "Plan.xlsx", _sheet_of(rows)))
    assert list(grid.sheets[0].rows[1][:2]) == ["1.1.1[2J", "Crucial]0;owned Crew\tone\ntwo"]

    csv_path = tmp_path / "Return.csv"
    # A few such characters in an otherwise ordinary file (more are refused as binary data).
    ordinary = b"".join(b"1.2.%d,An ordinary progress update\r\n" % n for n in range(20))
    csv_path.write_bytes(
        b'Reference,Progress update\r\n1.1.1\x1b[2J,"Going\x07 well\tstill\r\nyes"\r\n' + ordinary
    )
    sheet = read_grid(csv_path).sheets[0]
    assert list(sheet.rows[1]) == ["1.1.1[2J", "Going well\tstill\r\nyes"]
    assert len(sheet.rows) == 22
