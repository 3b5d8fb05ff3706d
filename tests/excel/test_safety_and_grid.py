"""Refusing files before parsing, and reading grids (values, hidden sheets, fills, formulas, CSV)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from scp_desktop.excel.grid import ReadAhead, read_grid
from scp_desktop.excel.safety import (
    SpreadsheetRejected,
    _prolog,
    check_zip,
    decode_text,
    read_member,
    sniff,
)
from tests.hostile_files import (
    small_workbook_bytes,
    write_encrypted,
    write_entity_trick,
    write_hidden_entity_trick,
    write_old_xls,
    write_truncated,
    write_zip_bomb,
)


def _refused(path: Path) -> str:
    with pytest.raises(SpreadsheetRejected) as info:
        read_grid(path)
    return str(info.value)


def test_a_real_workbook_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(small_workbook_bytes())
    assert sniff(path).kind == "xlsx"
    grid = read_grid(path)
    assert grid.sheets[0].rows[1][:3] == ["1.1.2", "Op Enlightenment", "Green"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.xlsx", b"", "is empty"),
        (
            "picture.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
            "is not a spreadsheet (it is a picture)",
        ),
        ("notes.pdf", b"%PDF-1.4\n%...", "is not a spreadsheet (it is a PDF document)"),
        ("page.xlsx", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "web page"),
        ("renamed.xlsx", b"Reference,Title\n1.1.1,Crucial Crew\n", "not really an Excel workbook"),
        ("letter.docx", b"hello", "is not a spreadsheet"),
    ],
)
def test_wrong_types_are_refused_with_the_file_named(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    message = _refused(path)
    assert name in message
    assert expected in message


def test_old_xls_says_to_resave_as_xlsx(tmp_path: Path) -> None:
    message = _refused(write_old_xls(tmp_path / "old.xls"))
    assert "97-2003" in message and ".xlsx" in message


def test_encrypted_workbook_is_refused(tmp_path: Path) -> None:
    assert "password" in _refused(write_encrypted(tmp_path / "secret.xlsx"))


def test_truncated_workbook_is_damaged(tmp_path: Path) -> None:
    assert "damaged" in _refused(write_truncated(tmp_path / "half.xlsx"))


def test_a_member_lying_about_its_size_is_not_inflated_past_it() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/styles.xml", b"<x>" + b" " * (8 * 2**20) + b"</x>")
    content = bytes(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/styles.xml")
    assert read_member(content, info) == b"<x>" + b" " * (8 * 2**20) + b"</x>"
    # The directory now says the part is 100 bytes: it is refused, not inflated to 8 MB.
    info.file_size = 100
    assert read_member(content, info) is None


def test_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    message = _refused(write_zip_bomb(tmp_path / "bomb.xlsx"))
    assert "zip bomb" in message


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    assert "entity" in _refused(write_entity_trick(tmp_path / "lol.xlsx"))


@pytest.mark.parametrize(
    ("part", "padding", "utf16"),
    [
        ("xl/worksheets/sheet1.xml", 2000, False),
        ("xl/workbook.xml", 40_000, False),
        ("xl/_rels/workbook.xml.rels", 0, True),
        ("xl/styles.xml", 3000, True),
    ],
    ids=["after-a-comment", "far-in", "utf-16", "utf-16-after-a-comment"],
)
def test_entity_declarations_are_found_behind_comments_and_in_utf16(
    tmp_path: Path, part: str, padding: int, utf16: bool
) -> None:
    path = write_hidden_entity_trick(tmp_path / "lol.xlsx", part, padding=padding, utf16=utf16)
    message = _refused(path)
    assert "entity declarations" in message and part in message and "lol.xlsx" in message


def test_a_part_that_never_starts_its_xml_is_refused(tmp_path: Path) -> None:
    path = write_hidden_entity_trick(
        tmp_path / "long.xlsx", "xl/worksheets/sheet1.xml", padding=70_000
    )
    message = _refused(path)
    assert "does not begin within 64 KB" in message and "xl/worksheets/sheet1.xml" in message


def test_a_comment_before_the_root_is_no_reason_to_refuse(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(small_workbook_bytes())) as src:
        parts = {info.filename: src.read(info.filename) for info in src.infolist()}
    head, _, rest = parts["xl/workbook.xml"].partition(b"?>")
    parts["xl/workbook.xml"] = head + b"?><!--" + b" made by hand " * 200 + b"-->" + rest
    path = tmp_path / "commented.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert read_grid(path).sheets


def test_word_document_in_a_zip_is_named(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    assert "Word document" in _refused(path)


def test_csv_encodings(tmp_path: Path) -> None:
    assert decode_text("£5 “x”".encode()) == "£5 “x”"
    assert decode_text(b"\xef\xbb\xbfRef") == "Ref"
    assert decode_text("£5 “x”".encode("cp1252")) == "£5 “x”"
    path = tmp_path / "r.csv"
    path.write_bytes("Ref;Title;RAG\n1.1.1;Crucial Crew;Green £\n".encode("cp1252"))
    grid = read_grid(path)
    assert grid.kind == "csv"
    assert grid.sheets[0].rows[1] == ["1.1.1", "Crucial Crew", "Green £"]


def test_hidden_sheets_dates_fills_and_formulas(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "RAG"
    ws["A2"].fill = PatternFill("solid", fgColor="FF00B050")
    ws["A3"] = '=IF(1=1,"Green","Red")'  # no cached value: openpyxl never calculates
    ws["B2"] = dt.date(2022, 9, 30)
    hidden = wb.create_sheet("Old")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "x"
    path = tmp_path / "f.xlsx"
    wb.save(path)
    grid = read_grid(path)
    assert [(s.name, s.hidden) for s in grid.sheets] == [("Sheet", False), ("Old", True)]
    sheet = grid.sheets[0]
    assert sheet.cell(2, 1) == dt.date(2022, 9, 30)
    assert sheet.cell(3, 0) == ""
    details = grid.details("Sheet", [(2, 0), (3, 0)])
    assert details[(2, 0)].fill_rgb == "00B050"
    assert details[(3, 0)].formula is not None and details[(3, 0)].formula.startswith("=IF")


def _rewrite_sheet_xml(path: Path, change: Callable[[bytes], bytes]) -> None:
    """Rewrite the first sheet's XML in place, as other programs lay it out."""
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _rows_reversed(xml: bytes) -> bytes:
    rows = re.findall(rb"<row\b.*?</row>", xml, re.DOTALL)
    start, end = xml.index(rows[0]), xml.index(rows[-1]) + len(rows[-1])
    return xml[:start] + b"".join(reversed(rows)) + xml[end:]


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param(lambda xml: xml, id="as written"),
        pytest.param(lambda xml: re.sub(rb'<row r="[0-9]+"', b"<row", xml), id="rows unnumbered"),
        pytest.param(_rows_reversed, id="rows out of order"),
    ],
)
def test_fill_colours_of_empty_cells_far_down_a_sheet(
    tmp_path: Path, layout: Callable[[bytes], bytes]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Reference", "RAG", "Progress update"])
    for n in range(2, 300):
        ws.append([f"1.{n}", None if n in (17, 170, 299) else "Green", "text"])
    ws["B17"].fill = PatternFill("solid", fgColor="FFFF0000")
    ws["B170"].fill = PatternFill("solid", fgColor="FFFFC000")
    ws["C170"].fill = PatternFill("solid", fgColor="FF00B050")
    path = tmp_path / "long.xlsx"
    wb.save(path)
    _rewrite_sheet_xml(path, layout)
    details = read_grid(path).details("Sheet", [(17, 1), (170, 1), (299, 1), (1, 1)])
    assert details[(17, 1)].fill_rgb == "FF0000"
    assert details[(170, 1)].fill_rgb == "FFC000"  # not C170's colour, nor row 17's
    assert (299, 1) not in details or details[(299, 1)].fill_rgb is None
    assert details[(1, 1)].fill_rgb is None


def test_damaged_variants_are_refused_never_raised(tmp_path: Path) -> None:
    import random

    source = small_workbook_bytes()
    rng = random.Random(11)
    outcomes = set()
    for i in range(45):
        data = bytearray(source)
        if i % 3 == 0:
            for _ in range(6):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif i % 3 == 1:
            data = data[: rng.randrange(50, len(data))]
        else:
            at = rng.randrange(len(data) - 100)
            data[at : at + 100] = bytes(rng.randrange(256) for _ in range(100))
        path = tmp_path / f"v{i}.xlsx"
        path.write_bytes(bytes(data))
        try:
            read_grid(path)
            outcomes.add("read")
        except SpreadsheetRejected as exc:
            assert f"v{i}.xlsx" in str(exc)
            outcomes.add("refused")
    assert "refused" in outcomes


def test_reading_ahead_gives_each_file_in_order_and_its_own_error(tmp_path: Path) -> None:
    paths = []
    for n in range(7):
        path = tmp_path / f"r{n}.xlsx"
        if n == 3:
            path.write_bytes(b"PK\x03\x04 not really a workbook")
        else:
            wb = openpyxl.Workbook()
            ws = wb.active
            assert ws is not None
            ws["A1"] = f"file {n}"
            wb.save(path)
        paths.append(path)
    with ReadAhead(paths, workers=3) as grids:
        for n, path in enumerate(paths):
            if n == 3:
                with pytest.raises(SpreadsheetRejected, match=r"r3\.xlsx"):
                    grids.get(n)
                continue
            grid = grids.get(n)
            assert grid.path == path
            assert grid.sheets[0].cell(1, 0) == f"file {n}"


def test_reading_ahead_holds_back_when_files_are_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scp_desktop.excel import grid as grid_module

    monkeypatch.setattr(grid_module, "AHEAD_BYTES", 10)  # every file counts as large
    paths = [tmp_path / f"r{n}.csv" for n in range(9)]
    for n, path in enumerate(paths):
        path.write_text(f"Reference,RAG\n1.{n},Green\n", encoding="utf-8")
    with ReadAhead(paths, workers=3) as grids:
        for n in range(len(paths)):
            assert grids.get(n).sheets[0].rows[1] == [f"1.{n}", "Green"]
            assert len(grids._futures) <= 1  # one file waits at a time, none twice


def test_reading_ahead_can_stop_early(tmp_path: Path) -> None:
    paths = [tmp_path / f"r{n}.csv" for n in range(20)]
    for n, path in enumerate(paths):
        path.write_text(f"Reference,RAG\n1.{n},Green\n", encoding="utf-8")
    with ReadAhead(paths, workers=2) as grids:
        assert grids.get(0).sheets[0].rows[1] == ["1.0", "Green"]
    # Closed: a file asked for afterwards is still read, on the caller's thread.
    assert grids.get(19).sheets[0].rows[1] == ["1.19", "Green"]


def _workbook_with_parts(path: Path, *, stored: bool) -> Path:
    """A real workbook written again, its parts deflated or stored, with an entity in one part."""
    with zipfile.ZipFile(io.BytesIO(small_workbook_bytes())) as src:
        parts = {info.filename: src.read(info.filename) for info in src.infolist()}
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("stored", [False, True], ids=["deflated", "stored"])
def test_the_start_of_each_part_is_read_as_zipfile_reads_it(tmp_path: Path, stored: bool) -> None:
    path = _workbook_with_parts(tmp_path / "w.xlsx", stored=stored)
    content = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            with zf.open(info) as member:
                assert _prolog(content, info) == member.read(1024), info.filename
    check_zip(path, content)  # a sound package passes from its bytes as from its path


def test_entity_declarations_are_refused_from_the_bytes_read(tmp_path: Path) -> None:
    path = write_entity_trick(tmp_path / "lol.xlsx")
    with pytest.raises(SpreadsheetRejected, match="entity declarations"):
        check_zip(path, path.read_bytes())


def test_a_part_whose_local_header_disagrees_is_left_to_zipfile(tmp_path: Path) -> None:
    path = _workbook_with_parts(tmp_path / "w.xlsx", stored=False)
    content = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/workbook.xml")
    name_at = info.header_offset + 30
    broken = content[:name_at] + b"X" + content[name_at + 1 :]  # 'xl/...' renamed 'Xl/...'
    assert _prolog(broken, info) is None
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(broken)
    assert "damaged" in _refused(damaged)


def test_fills_are_found_whatever_the_order_of_the_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.title = "First"
    second = wb.create_sheet("Second")
    for ws, colour in ((first, "FFFF0000"), (second, "FF00B050")):
        ws.append(["Reference", "RAG"])
        for n in range(2, 6):
            ws.append([f"1.{n}", None])
            ws.cell(n, 2).fill = PatternFill("solid", fgColor=colour)
    wb.move_sheet("Second", offset=-1)  # parts and relationships no longer in sheet order
    path = tmp_path / "moved.xlsx"
    wb.save(path)
    grid = read_grid(path)
    assert [s.name for s in grid.sheets] == ["Second", "First"]
    for name, rgb in (("First", "FF0000"), ("Second", "00B050")):
        details = grid.details(name, [(n, 1) for n in range(2, 6)])
        assert {d.fill_rgb for d in details.values()} == {rgb}, name
        assert len(details) == 4


@pytest.mark.parametrize("stored", [False, True], ids=["deflated", "stored"])
def test_whole_parts_are_read_as_zipfile_reads_them(tmp_path: Path, stored: bool) -> None:
    path = _workbook_with_parts(tmp_path / "w.xlsx", stored=stored)
    content = path.read_bytes()
    parts = check_zip(path, content)
    with zipfile.ZipFile(path) as zf:
        assert sorted(parts) == sorted(zf.namelist())
        for name, info in parts.items():
            assert read_member(content, info) == zf.read(name), name
    # A part whose bytes do not match its checksum is left to zipfile, which refuses it.
    info = parts["xl/styles.xml"]
    start = content.index(b"PK\x03\x04", info.header_offset)
    data_at = start + 30 + len(info.filename.encode())
    flipped = bytearray(content)
    flipped[data_at + info.compress_size // 2] ^= 0xFF
    assert read_member(bytes(flipped), info) is None
