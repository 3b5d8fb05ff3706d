"""RAG given as a theme colour fill: read in the workbook's own theme, with Excel's tints applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl.styles import PatternFill

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.grid import _read_fills, read_grid
from scp_desktop.services.returns.matching import Outcome, PreviewRow
from scp_desktop.services.returns.preview import preview_import
from scp_desktop.storage.database import Database
from tests.themed_workbooks import (
    CORPORATE,
    OFFICE_2013,
    theme_fill,
    theme_xml,
    write_coloured_return,
)

Q2 = Quarter.parse("2022-23-Q2")

# scenario → how the workbook's theme part is left, and each fill with the RAG it must give
SCENARIOS: dict[str, tuple[dict[str, object], list[tuple[PatternFill, RAG | None]]]] = {
    # Excel's own palette: "Green, Accent 6" and its shades
    "office theme": (
        {"theme": theme_xml(OFFICE_2013)},
        [
            (theme_fill(9, 0.7999816888943144), None),  # Lighter 80%: a table's banding
            (theme_fill(9, 0.3999755851924192), RAG.GREEN),  # Lighter 40%
            (theme_fill(9, -0.249977111117893), RAG.GREEN),  # Darker 25%
            (theme_fill(4), RAG.BLUE),
        ],
    ),
    # What openpyxl (and so the product's own return templates) writes: Office 2007's colours,
    # where Accent 2 is red and Accent 6 orange.
    "the workbook's theme as written": (
        {},
        [
            (theme_fill(5, -0.25), RAG.RED),  # Red, Accent 2, Darker 25%
            (theme_fill(6, 0.4), RAG.GREEN),  # Olive Green, Accent 3, Lighter 40%
            (theme_fill(9, 0.8), None),  # banding
            (theme_fill(9), RAG.AMBER),
        ],
    ),
    "corporate theme": (
        {"theme": theme_xml(CORPORATE)},
        [
            (theme_fill(4), RAG.RED),  # Accent 1 is the council's red, not Office's blue
            (theme_fill(4, -0.25), RAG.RED),
            (theme_fill(6, 0.4), RAG.GREEN),
            (theme_fill(9), None),  # purple is no status
        ],
    ),
    "theme part missing": (
        {"remove_theme": True},
        [
            (theme_fill(9, 0.8), None),
            (theme_fill(9, 0.4), RAG.GREEN),  # Office's palette serves
            (theme_fill(4), RAG.BLUE),
        ],
    ),
    "theme part not XML": (
        {"theme": b"<a:theme xmlns:a='x'><a:themeElements><a:clrScheme>\x00\xff"},
        [(theme_fill(9, 0.8), None), (theme_fill(9, 0.4), RAG.GREEN), (theme_fill(4), RAG.BLUE)],
    ),
    "theme part without colours": (
        {"theme": b'<?xml version="1.0"?><a:theme xmlns:a="urn:x"><a:themeElements/></a:theme>'},
        [(theme_fill(9, 0.8), None), (theme_fill(9, 0.4), RAG.GREEN), (theme_fill(4), RAG.BLUE)],
    ),
}


@pytest.mark.parametrize("via", ["cell XML", "openpyxl"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_rag_from_theme_fills(demo_db: Database, tmp_path: Path, scenario: str, via: str) -> None:
    how, cases = SCENARIOS[scenario]
    path = tmp_path / "EP Q2 return.xlsx"
    coloured = write_coloured_return(
        path,
        [fill for fill, _ in cases],
        uncalculated_formula=via == "openpyxl",
        **how,  # type: ignore[arg-type]
    )
    grid = read_grid(path)
    wanted = {(row, 2) for _, row in coloured}
    # A formula among the cells wanted sends the whole sheet to openpyxl's reading.
    if via == "openpyxl":
        assert _read_fills(grid.content, "Q2", wanted | {(len(cases) + 2, 2)}, grid.parts) is None
    else:
        assert _read_fills(grid.content, "Q2", wanted, grid.parts) is not None

    preview = preview_import(demo_db, [path], Q2)

    (file,) = preview.files
    assert file.status == "ok", file.error  # a theme that cannot be read never refuses the file
    rows: dict[int, PreviewRow] = {r.row: r for r in preview.rows}
    for (reference, row), (_, expected) in zip(coloured, cases, strict=True):
        got = rows[row]
        action = preview.index.actions[got.action_id] if got.action_id else None
        assert action is not None and action.reference == reference
        assert got.rag is expected, f"row {row}: {got.rag} ({got.message})"
        if expected is None:
            assert not got.rag_from_fill
            assert got.outcome is Outcome.ERROR and "no RAG" in got.message, got.message
        else:
            assert got.rag_from_fill and f"colour of cell C{row}" in got.message
    if via == "openpyxl":
        formula_row = rows[len(cases) + 2]
        assert formula_row.outcome is Outcome.ERROR and "no saved result" in formula_row.message
