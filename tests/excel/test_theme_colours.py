"""Theme colour fills: the workbook's own theme, Excel's tints, and both ways of reading cells agreeing."""

from __future__ import annotations

import itertools
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from scp_desktop.excel.grid import (
    _OFFICE_THEME,
    _read_details,
    _read_fills,
    _theme_colours,
    _tinted,
    read_grid,
)
from scp_desktop.excel.safety import SpreadsheetRejected
from tests.themed_workbooks import (
    CORPORATE,
    OFFICE_2013,
    THEME_PART,
    replace_part,
    theme_fill,
    theme_xml,
)

# Excel 365's own swatches for Office's Green, Accent 6 (70AD47) and its palette shades.
EXCEL_SHADES = [
    (0.7999816888943144, "E2EFDA"),
    (0.5999938962981048, "C6E0B4"),
    (0.3999755851924192, "A9D08E"),
    (-0.249977111117893, "548235"),
    (-0.499984740745262, "375623"),
]


@pytest.mark.parametrize(("tint", "shown"), EXCEL_SHADES)
def test_tints_lighten_and_darken_as_excel_shows_them(tint: float, shown: str) -> None:
    got = _tinted("70AD47", tint)
    # Excel works in whole steps of 1/255 of lightness; a channel may differ by one.
    assert all(abs(int(got[i : i + 2], 16) - int(shown[i : i + 2], 16)) <= 1 for i in (0, 2, 4))


def test_tint_leaves_what_is_no_colour_alone() -> None:
    assert _tinted("70AD47", 0.0) == "70AD47"
    assert _tinted("FFFFFF", 0.5) == "FFFFFF"
    assert _tinted("000000", -0.5) == "000000"
    assert _tinted("ZZ0000", 0.5) == "ZZ0000"
    assert _tinted("70AD47", float("nan")) == "70AD47"
    assert _tinted("70AD47", 5.0) == "FFFFFF"  # out of range: as far as Excel goes


FILLS = [
    theme_fill(index, tint)
    for index, tint in itertools.product(range(12), (0.0, 0.8, 0.4, -0.25, -0.5))
] + [
    PatternFill("solid", fgColor="FFFF0000"),
    PatternFill("solid", fgColor=openpyxl.styles.Color(rgb="FF00B050", tint=0.8)),
    PatternFill("solid", fgColor=openpyxl.styles.Color(indexed=10)),
]


def _workbook(path: Path) -> set[tuple[int, int]]:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Reference", "RAG"])
    for n, fill in enumerate(FILLS, start=2):
        ws.cell(n, 1, f"1.{n}")
        ws.cell(n, 2).fill = fill
    wb.save(path)
    return {(n, 1) for n in range(2, len(FILLS) + 2)}


# A DTD behind a long comment: the package check finds it and refuses the file; the theme
# reader refuses it too, on its own.
ENTITY_THEME = (
    b'<?xml version="1.0"?><!--' + b" " * 1100 + b'--><!DOCTYPE a:theme [<!ENTITY r "C00000">]>'
    b'<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:themeElements>'
    b'<a:clrScheme name="x"><a:accent1><a:srgbClr val="&r;"/></a:accent1></a:clrScheme>'
    b"</a:themeElements></a:theme>"
)


@pytest.mark.parametrize(
    ("theme", "accent1", "light2", "accent6_lighter_80"),
    [
        pytest.param(theme_xml(OFFICE_2013), "4472C4", "E7E6E6", "E2F0D9", id="office"),
        pytest.param(theme_xml(CORPORATE), "C00000", "F2F2F2", "E3D1F1", id="corporate"),
        pytest.param(None, "4F81BD", "EEECE1", "FDEADA", id="as openpyxl writes it"),
        pytest.param(b"", "4472C4", "E7E6E6", "E2F0D9", id="missing"),
        pytest.param(b"\x00garbage<<", "4472C4", "E7E6E6", "E2F0D9", id="not XML"),
    ],
)
def test_both_ways_of_reading_fills_agree(
    tmp_path: Path, theme: bytes | None, accent1: str, light2: str, accent6_lighter_80: str
) -> None:
    path = tmp_path / "fills.xlsx"
    wanted = _workbook(path)
    if theme is not None:
        replace_part(path, THEME_PART, theme or None)
    grid = read_grid(path)

    fast = _read_fills(grid.content, "Sheet", wanted, grid.parts)
    slow = _read_details(grid.content, "Sheet", wanted, grid.parts)
    also_slow = _read_details(grid.content, "Sheet", wanted)  # parts not known: zipfile reads

    assert fast is not None
    assert {k: d.fill_rgb for k, d in fast.items()} == {k: d.fill_rgb for k, d in slow.items()}
    assert {k: d.fill_rgb for k, d in also_slow.items()} == {k: d.fill_rgb for k, d in slow.items()}
    by_fill = {FILLS[row - 2]: fast[(row, col)].fill_rgb for row, col in wanted}
    assert by_fill[theme_fill(4)] == accent1
    assert by_fill[theme_fill(9, 0.8)] == accent6_lighter_80
    assert by_fill[theme_fill(0)] == "FFFFFF"  # Light 1: Excel's index puts light before dark
    assert by_fill[theme_fill(2)] == light2
    assert by_fill[FILLS[-3]] == "FF0000"
    assert by_fill[FILLS[-2]] == _tinted("00B050", 0.8)  # a tint applies to any colour
    assert by_fill[FILLS[-1]] == "FF0000"


def test_a_theme_declaring_entities_behind_a_comment_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fills.xlsx"
    _workbook(path)
    replace_part(path, THEME_PART, ENTITY_THEME)
    with pytest.raises(SpreadsheetRejected, match=r"entity declarations \(xl/theme/theme1.xml\)"):
        read_grid(path)
    assert _theme_colours(ENTITY_THEME) == _OFFICE_THEME
