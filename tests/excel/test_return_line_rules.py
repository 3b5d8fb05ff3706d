"""The rules that pick a returned sheet's lines, each checked on plain rows."""

from __future__ import annotations

from scp_desktop.excel.columns import ColumnMap, Meaning
from scp_desktop.excel.return_reader import LineColumns, not_a_line, placed_action

COLUMNS = LineColumns.of(
    ColumnMap(
        1,
        ["Ref", "Title", "Ref again", "RAG", "Progress"],
        {
            0: Meaning.REFERENCE,
            1: Meaning.TITLE,
            2: Meaning.REFERENCE,
            3: Meaning.RAG,
            4: Meaning.PROGRESS,
        },
    )
)


def test_a_sheets_columns_are_the_first_of_each_meaning() -> None:
    assert (COLUMNS.reference, COLUMNS.title, COLUMNS.rag, COLUMNS.progress) == (0, 1, 3, 4)
    assert COLUMNS.lead is None and COLUMNS.reported_on is None
    # reference, title, RAG, lead, reported by: a missing one reads as an empty cell
    assert COLUMNS.texts() == [0, 1, 3, -1, -1]


def test_empty_rows_and_banners_are_not_lines() -> None:
    assert not_a_line(["", None, "  "], COLUMNS)
    assert not_a_line(["Priority 1: Reduce violence", "", ""], COLUMNS)  # a banner
    assert not_a_line(["", "", "", "", "", "a note beside the table"], COLUMNS)
    assert not_a_line(["x" * 31, "", ""], COLUMNS)  # too long for a reference
    assert not not_a_line(["1.2", "", ""], COLUMNS)
    assert not not_a_line(["", "Op Enlightenment", ""], COLUMNS)
    assert not not_a_line(["1.2", "Op Enlightenment", ""], COLUMNS)


def test_our_own_returns_row_keeps_its_action_while_the_reference_is_the_same() -> None:
    assert placed_action((42, "1.2"), "1.2") == 42
    assert placed_action((42, "1.2"), "1.3") is None
    assert placed_action(None, "1.2") is None
