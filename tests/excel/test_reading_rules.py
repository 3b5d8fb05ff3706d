"""The small rules plan sheets, indicator sheets and workbook packages are read by."""

from __future__ import annotations

import zipfile

import pytest

from scp_desktop.excel.columns import (
    Meaning,
    _group_over_subheadings,
    _joined_headings,
    _two_row_header,
)
from scp_desktop.excel.indicator_values import CellRef, ReadResult, _period_columns
from scp_desktop.excel.plan_columns import (
    PlanColumn,
    _apply_overrides,
    _column_cells,
    _header_candidates,
    _keep_first_of_each,
)
from scp_desktop.excel.plan_workbook import PlanRead, _Place, _plan_line, _read_banners, _RowCells
from scp_desktop.excel.safety import (
    MAX_MEMBERS,
    SpreadsheetRejected,
    _check_kind,
    _check_parts,
)

GROUP = ["Project", "Agencies", "", "Timescale"]
SUBS = ["", "Lead", "Support", ""]


def test_group_headings_over_subheadings() -> None:
    assert _group_over_subheadings(GROUP, SUBS)
    assert not _group_over_subheadings(["Plan 2024-25", "", ""], SUBS)  # a title row
    assert not _group_over_subheadings(GROUP, ["", "Lead", 12, ""])  # a number is data
    # Every sub-heading sits under a heading of its own: two ordinary rows, not a group.
    assert not _group_over_subheadings(["Ref", "Title"], ["1.1", "Patrols"])


def test_joined_headings_carry_a_group_right() -> None:
    assert _joined_headings(GROUP, SUBS) == [
        "Project",
        "Agencies Lead",
        "Agencies Support",
        "Timescale",
    ]
    # A group over one sub-heading of the same words says it once.
    assert _joined_headings(["Lead", "x"], ["Lead", "y"]) == ["Lead", "x y"]
    assert _two_row_header(GROUP, SUBS) == _joined_headings(GROUP, SUBS)


def test_header_candidates_add_each_pair_of_rows() -> None:
    rows = [["Plan"], GROUP, SUBS]
    candidates = _header_candidates(rows)
    assert [n for n, _ in candidates] == [1, 2, 3, 3]
    assert candidates[-1][1][1] == "Agencies Lead"


def test_column_cells() -> None:
    header = ["  Title ", None]
    below = [["Patrols", 3], ["", None], ["Knife arches"]]
    assert _column_cells(header, below, 0) == ("Title", ["Patrols", "Knife arches"])
    assert _column_cells(header, below, 1) == ("", ["3"])
    assert _column_cells(header, below, 5) == ("", [])


def test_a_meaning_named_twice_keeps_the_first() -> None:
    chosen = {0: Meaning.TITLE, 1: Meaning.TITLE, 2: Meaning.NOTES, 3: Meaning.NOTES}
    _keep_first_of_each(chosen)
    assert chosen == {0: Meaning.TITLE, 1: Meaning.NOTES, 2: Meaning.NOTES, 3: Meaning.NOTES}


def test_overrides_displace_and_skip_empty_columns() -> None:
    chosen = {0: Meaning.TITLE, 1: Meaning.ABOUT}
    _apply_overrides(chosen, {1: Meaning.TITLE, 7: Meaning.LEAD})
    assert chosen == {0: Meaning.NOTES, 1: Meaning.TITLE}
    _apply_overrides(chosen, {0: Meaning.IGNORE, 1: Meaning.IGNORE})
    assert chosen == {0: Meaning.IGNORE, 1: Meaning.IGNORE}  # repeatable: nothing displaced


def test_period_columns() -> None:
    result = ReadResult()
    header = ["Indicator", "Q1 2022-23", "Notes", "Essex", "Rating", "", None]
    headings = ["indicator", "q1 2022-23", "notes", "essex", "rating", "", ""]
    periods = _period_columns(header, headings, 0, CellRef("Data", 3, 1), result)
    assert periods == {1: "2022-23-Q1"}
    assert len(result.warnings) == 1
    assert "sheet 'Data', row 3, column E" in result.warnings[0]
    assert "'Rating' is not a period" in result.warnings[0]


def test_place_under_banners_and_priority_cells() -> None:
    place = _Place()
    place.banner("Priority 2: Violence")
    assert (place.number, place.title, place.objective) == (2, "Violence", "")
    place.objective = "Fewer assaults"
    place.priority_cell("Priority 2: Violence")  # the same priority again
    assert place.objective == "Fewer assaults"
    place.priority_cell("Priority 3: Exploitation")
    assert (place.number, place.title, place.objective) == (3, "Exploitation", "")


def test_row_cells_and_plan_line() -> None:
    col = {m: None for m in Meaning} | {Meaning.TITLE: 0, Meaning.LEAD: 1, Meaning.DEADLINE: 2}
    cells = _RowCells(col, [" Patrols ", "EP, CBC"])
    assert cells.text(Meaning.TITLE) == "Patrols"
    assert cells.text(Meaning.ABOUT) == ""
    assert cells.raw(Meaning.DEADLINE) == ""  # beyond the row's last cell
    place = _Place(1, "Violence", "key", "Fewer assaults")
    kept = [PlanColumn(1, "Lead", Meaning.NOTES, 1)]
    line = _plan_line("Plan", 6, cells, place, kept)
    assert (line.row, line.title, line.lead, line.objective) == (
        6,
        "Patrols",
        ["EP", "CBC"],
        "Fewer assaults",
    )
    assert line.notes == [("Lead", "EP, CBC")]


def test_banners_give_the_year() -> None:
    read = PlanRead(sheet="Plan", columns=None, rows=[])  # type: ignore[arg-type]
    _read_banners(read, [["Safer Tendring", None], [], ["Annual plan", "2024-25"]])
    assert read.banners == [(1, "Safer Tendring"), (3, "Annual plan 2024-25")]
    assert read.year_hint == "2024-25"


def info(name: str, size: int = 10, compressed: int = 10) -> zipfile.ZipInfo:
    part = zipfile.ZipInfo(name)
    part.file_size, part.compress_size = size, compressed
    return part


def test_package_parts() -> None:
    _check_parts("r.xlsx", [info("xl/workbook.xml"), info("[Content_Types].xml")])
    with pytest.raises(SpreadsheetRejected, match=r"two parts named xl/a\.xml"):
        _check_parts("r.xlsx", [info("xl/a.xml"), info("xl/b.xml"), info("xl/a.xml")])
    with pytest.raises(SpreadsheetRejected, match="zip bomb"):
        _check_parts("r.xlsx", [info("xl/a.xml", 300 * 2**20, 2**20)])
    with pytest.raises(SpreadsheetRejected, match="far more than any workbook"):
        _check_parts("r.xlsx", [info(f"p{i}") for i in range(MAX_MEMBERS + 1)])
    with pytest.raises(SpreadsheetRejected, match="far beyond any return"):
        _check_parts("r.xlsx", [info(f"p{i}", 110 * 2**20, 100 * 2**20) for i in range(4)])


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"word/document.xml"}, "a Word document"),
        ({"content.xml"}, "an OpenDocument file"),
        ({"a.txt"}, "a zip file, not an Excel workbook"),
        ({"xl/workbook.xml", "EncryptedPackage"}, "protected with a password"),
    ],
)
def test_package_kind(parts: set[str], message: str) -> None:
    with pytest.raises(SpreadsheetRejected, match=message):
        _check_kind("r.xlsx", parts)


def test_a_workbook_package_passes() -> None:
    _check_kind("r.xlsx", {"xl/workbook.xml", "[Content_Types].xml"})
