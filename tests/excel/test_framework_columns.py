"""Columns of a partnership's own frameworks in a plan spreadsheet: recognised by their
headings, before the built-in rules, and read as that framework's codes."""

from __future__ import annotations

from scp_desktop.excel.columns import Meaning
from scp_desktop.excel.plan_columns import plan_columns, plan_meaning_of
from scp_desktop.excel.plan_workbook import read_plan_rows

HEADER = ["Project / initiative", "Lead agency", "By when", "Police and Crime Plan", "VRU"]
ROWS = [
    HEADER,
    ["Street pastors", "ABC", "Mar 26", "1; 3", "V1, V2"],
    ["Taxi marshals", "NP", "Ongoing", "", "V2"],
]


def test_a_framework_heading_wins_over_the_built_in_rules() -> None:
    assert plan_meaning_of("Police and Crime Plan") is Meaning.PFCC
    assert plan_meaning_of("Police and Crime Plan", ["police and crime plan"]) is Meaning.FRAMEWORK
    assert plan_meaning_of("PFCC Priority", ["Police and Crime Plan"]) is Meaning.PFCC
    assert plan_meaning_of("Notes", ["Police and Crime Plan"]) is Meaning.NOTES


def test_every_framework_column_is_kept_with_its_heading() -> None:
    columns = plan_columns(ROWS, frameworks=["Police and Crime Plan", "VRU"])
    assert columns is not None
    assert [c.name for c in columns.of(Meaning.FRAMEWORK)] == ["Police and Crime Plan", "VRU"]
    read = read_plan_rows("Plan", ROWS, frameworks=["Police and Crime Plan", "VRU"])
    assert read is not None
    assert [line.cross_references for line in read.lines] == [
        [("Police and Crime Plan", ["1", "3"]), ("VRU", ["V1", "V2"])],
        [("VRU", ["V2"])],
    ]
    assert [line.pfcc for line in read.lines] == [[], []]


def test_without_the_partnership_s_frameworks_the_sheet_reads_as_before() -> None:
    read = read_plan_rows("Plan", ROWS)
    assert read is not None and read.columns is not None
    assert read.columns.of(Meaning.FRAMEWORK) == []
    assert read.lines[0].pfcc == ["1", "3"]
    assert read.lines[0].notes == [("VRU", "V1, V2")]  # kept whole as a note, not lost


def test_the_officer_may_say_a_column_holds_a_framework() -> None:
    read = read_plan_rows("Plan", ROWS, {4: Meaning.FRAMEWORK})
    assert read is not None
    assert read.lines[1].cross_references == [("VRU", ["V2"])]
