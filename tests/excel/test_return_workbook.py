"""The return workbook: layout a partner sees, protection, and the metadata the importer relies on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from scp_desktop.domain.rag import RAG
from scp_desktop.excel.columns import Meaning, detect_header, meaning_of
from scp_desktop.excel.grid import read_grid
from scp_desktop.excel.return_reader import is_blank, tidy_narrative
from scp_desktop.excel.return_workbook import (
    META_SHEET,
    ReturnRow,
    ReturnSpec,
    template_info,
    write_return,
)


def _spec() -> ReturnSpec:
    rows = [
        ReturnRow(11, "1.1.2", "Op Enlightenment", "EP", "Ongoing", RAG.GREEN, "Going well " * 40),
        ReturnRow(12, "1.2.1", '=HYPERLINK("http://x")', "EP", "Sept 2022", None, "@risk +1 -2"),
    ]
    return ReturnSpec(
        partnership="Safer Colchester Partnership",
        plan_id=1,
        plan_year="2022-23",
        quarter_code="2022-23-Q2",
        quarter_label="Q2 2022-23",
        previous_label="Q1 2022-23",
        agency_abbreviation="EP",
        agency_name="Essex Police",
        lead_rows=rows,
        support_rows=[ReturnRow(13, "2.2.4", "Ask for Angela", "BID", "Ongoing", None, "")],
        return_by="14/10/2022",
        generated_on=dt.date(2022, 10, 1),
    )


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    path = tmp_path / "EP.xlsx"
    write_return(_spec(), path)
    return path


def test_layout_protection_and_print_setup(workbook_path: Path) -> None:
    wb = openpyxl.load_workbook(workbook_path)
    assert wb.sheetnames == ["Actions you lead", "Actions you support", "Instructions", META_SHEET]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    ws = wb["Actions you lead"]
    assert ws["A4"].value == "Reference"
    assert ws["G4"].value == "RAG Q2 2022-23"
    assert ws["E4"].value == "Last quarter RAG (Q1 2022-23)"
    assert ws.freeze_panes == "C5"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.protection.sheet
    assert ws["F5"].protection.locked and not ws["G5"].protection.locked
    assert not ws["H5"].protection.locked
    assert ws["B5"].alignment.wrap_text
    assert ws.row_dimensions[5].height and ws.row_dimensions[5].height > 30
    assert ws.column_dimensions["H"].width == 60
    # last quarter's RAG is written as a word on its colour
    assert ws["E5"].value == "Green" and ws["E5"].fill.fgColor.rgb.endswith("2E7D32")
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"Red,Amber,Green,Blue"'
    assert str(validations[0].sqref) == "G5:G6"
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) == 4 and any('="R"' in rule.formula[0] for rule in rules)
    assert "Instructions" in wb.sheetnames and "RAG means:" in [
        c.value for c in wb["Instructions"]["A"]
    ]


def test_text_that_looks_like_a_formula_stays_text(workbook_path: Path) -> None:
    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["Actions you lead"]
    assert ws["B6"].data_type == "s"
    assert ws["B6"].value == '=HYPERLINK("http://x")'
    assert ws["F6"].value == "@risk +1 -2"


def test_metadata_and_header_are_recognised(workbook_path: Path) -> None:
    grid = read_grid(workbook_path)
    info = template_info(grid)
    assert info is not None
    assert (info.plan_id, info.quarter, info.agency, info.template_version) == (
        1,
        "2022-23-Q2",
        "EP",
        "1",
    )
    assert info.rows[("Actions you lead", 5)] == (11, "1.1.2")
    assert info.rows[("Actions you support", 5)] == (13, "2.2.4")
    sheet = grid.sheets[0]
    columns = detect_header(sheet.rows, quarter_number=2)
    assert columns is not None and columns.header_row == 4
    assert columns.column(Meaning.RAG) == 6 and columns.column(Meaning.PROGRESS) == 7
    assert columns.meanings[4] is Meaning.PREVIOUS and columns.meanings[5] is Meaning.PREVIOUS


@pytest.mark.parametrize(
    ("header", "meaning"),
    [
        ("Status (RAG)", Meaning.RAG),
        ("Comments / progress this quarter", Meaning.PROGRESS),
        ("Lead Agency or Person", Meaning.LEAD),
        ("Initiative", Meaning.TITLE),
        ("Project / initiative", Meaning.TITLE),
        ("Ref.", Meaning.REFERENCE),
        ("By When", Meaning.DEADLINE),
        ("Date of update", Meaning.REPORTED_ON),
        ("Completed by", Meaning.REPORTED_BY),
        ("Q1 RAG", Meaning.PREVIOUS),
        ("Q2 RAG", Meaning.RAG),
        ("Previous update", Meaning.PREVIOUS),
        ("PFCC Priority", Meaning.PFCC),
        ("ECPS Strand", Meaning.ECPS),
        ("Supporting partners", Meaning.SUPPORT),
        ("Key priority", Meaning.PRIORITY),
        ("Objective", Meaning.OBJECTIVE),
        ("Colour of the sky", None),
    ],
)
def test_header_meanings(header: str, meaning: Meaning | None) -> None:
    assert meaning_of(header, quarter_number=2) is meaning


def test_remembered_mapping_wins() -> None:
    assert meaning_of("Notes", overrides={"notes": "ignore"}) is Meaning.IGNORE
    assert meaning_of("Colour", overrides={"colour": "rag"}) is Meaning.RAG


def test_two_row_header_with_a_merged_group_heading() -> None:
    rows = [
        ["CBH return", "", "", ""],
        ["Project", "Lead", "Q2 2022-23 update", ""],
        ["", "", "RAG", "Comments"],
        ["Box Smart", "CBH", "Green", "Running"],
    ]
    columns = detect_header(rows, quarter_number=2)
    assert columns is not None and columns.header_row == 3
    assert columns.column(Meaning.TITLE) == 0 and columns.column(Meaning.LEAD) == 1
    assert columns.column(Meaning.RAG) == 2 and columns.column(Meaning.PROGRESS) == 3
    # a plain one-row header is not confused by the data row under it
    plain = detect_header([["Ref", "Title", "RAG", "Update"], ["1.1.1", "Crucial Crew", "G", "ok"]])
    assert plain is not None and plain.header_row == 1


def test_a_first_data_row_is_never_taken_for_sub_headings() -> None:
    rows = [
        ["Ref", "Scheme", "Colour", "What happened"],
        ["1.1.2", "Op Enlightenment", "Amber", "Progress is good"],
    ]
    columns = detect_header(rows)
    assert columns is not None and columns.header_row == 1


def test_metadata_edited_as_text_still_places_every_row(workbook_path: Path) -> None:
    """Row numbers and ids typed back as text (or left short) read as the numbers written."""
    wb = openpyxl.load_workbook(workbook_path)
    meta = wb[META_SHEET]
    edited = 0
    for row in meta.iter_rows(min_row=11):
        if isinstance(row[1].value, int):
            row[1].value = f" {row[1].value} "
            row[2].value = f"{row[2].value}.0"
            edited += 1
    assert edited == 3
    short = meta.max_row + 1
    meta.cell(short, 1).value = "Actions you lead"  # a line cut short: no row, id or reference
    wb.save(workbook_path)
    info = template_info(read_grid(workbook_path))
    assert info is not None
    assert info.rows == {
        ("Actions you lead", 5): (11, "1.1.2"),
        ("Actions you lead", 6): (12, "1.2.1"),
        ("Actions you support", 5): (13, "2.2.4"),
    }


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "\t\n",
        "\u00a0\u2003",
        "x",
        "  x  ",
        "a\n\n b",
        "\x00",
        None,
        0,
        0.5,
        True,
        dt.date(2022, 9, 30),
    ],
)
def test_a_blank_update_is_one_that_tidies_to_nothing(value: object) -> None:
    assert is_blank(value) == (not tidy_narrative(value))
