"""Property tests: header matching and cell cleaning take any cells a workbook can hold."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scp_desktop.excel.columns import Meaning, detect_header, meaning_of, normalise_header
from scp_desktop.excel.return_reader import cell_text, normalise_reference, tidy_narrative

FAST = settings(max_examples=150, deadline=None)

HEADINGS = [
    "Ref",
    "Project / initiative",
    "RAG Q2",
    "Progress update Q2",
    "Reported by",
    "Date",
    "Lead agency",
    "Last quarter RAG (Q1)",
    "By when",
    "Q2 update",
    "Comments",
]
cells = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(HEADINGS),
    st.text(max_size=150),
)
grids = st.lists(st.lists(cells, max_size=8), max_size=8)


@given(grids, st.one_of(st.none(), st.integers(1, 4)))
@settings(max_examples=100, deadline=None)
def test_any_grid_gives_a_header_that_fits_it(rows: list[list[Any]], quarter: int | None) -> None:
    found = detect_header(rows, quarter_number=quarter)
    if found is None:
        return
    assert 1 <= found.header_row <= len(rows)
    assert all(0 <= column < len(found.headers) for column in found.meanings)
    assert found.has(Meaning.TITLE) or found.has(Meaning.REFERENCE)
    assert all(isinstance(h, str) for h in found.headers)


@given(st.permutations(HEADINGS[:7]), st.integers(0, 5), st.integers(1, 4))
@FAST
def test_a_header_below_banner_rows_is_found_in_any_order(
    headings: list[str], banners: int, quarter: int
) -> None:
    rows: list[list[Any]] = [[f"Safer Colchester Partnership {n}"] for n in range(banners)]
    rows.append(list(headings))
    rows.append(["1.1", "A project", "Green", "Going well", "Jo", "01/10/2022", "CBC"])
    found = detect_header(rows, quarter_number=quarter)
    assert found is not None
    assert found.header_row == banners + 1
    assert headings[found.column(Meaning.TITLE) or 0] == "Project / initiative"
    assert headings[found.column(Meaning.REFERENCE) or 0] == "Ref"


@given(cells, st.one_of(st.none(), st.integers(1, 4)))
@FAST
def test_header_cells(cell: object, quarter: int | None) -> None:
    key = normalise_header(cell)
    assert normalise_header(key) == key
    assert key == key.strip() and "  " not in key and key == key.lower()
    assert meaning_of(cell, quarter_number=quarter) in (None, *Meaning)


@given(st.text(max_size=60), st.from_regex(r"[A-Za-z0-9.\- ]{1,12}", fullmatch=True))
@FAST
def test_references(text: str, reference: str) -> None:
    key = normalise_reference(text)
    assert normalise_reference(key) == key
    # As partners retype a reference: other case, spaces, a full stop at the end.
    retyped = f"  {reference.upper().replace('.', ' . ')} . "
    assert normalise_reference(retyped) == normalise_reference(reference.lower())


@given(cells)
@FAST
def test_cell_text_and_narratives(cell: object) -> None:
    assert isinstance(cell_text(cell), str)
    narrative = tidy_narrative(cell)
    assert tidy_narrative(narrative) == narrative
    assert narrative == narrative.strip(" ")
