"""The printed plan's column widths adapt to the frameworks it cites and always fill the page."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from scp_desktop.pdf.plan import WIDTH, headings, widths


def test_an_essex_plan_keeps_its_widths() -> None:
    essex = widths(["PFCC priority", "ECPS strand"])
    assert essex[:6] == [40 * mm, 38 * mm, 66 * mm, 60 * mm, 17 * mm, 17 * mm]


@pytest.mark.parametrize(
    "frameworks",
    [
        [],
        ["CSS"],
        ["Community Safety Strategy", "Violence Reduction Unit", "Youth Justice Plan"],
        [f"Commissioner's Neighbourhood Plan {n}" for n in range(8)],
        ["Supercalifragilisticexpialidocious-Partnership-Framework"],
    ],
)
def test_the_columns_fill_the_page_and_leave_room_to_read(frameworks: list[str]) -> None:
    found = widths(frameworks)
    assert len(found) == 5 + len(frameworks)
    assert sum(found) == pytest.approx(WIDTH)
    assert found[2] >= 40 * mm and found[3] >= 35 * mm  # About and Outcomes stay readable
    assert all(w >= 8 * mm for w in found[4:])
    assert found[-1] == pytest.approx(widths(["PFCC priority", "ECPS strand"])[-1])


def test_a_long_word_in_a_heading_widens_its_column() -> None:
    narrow, wide = widths(["VRU", "Community Safety Strategy"])[4:6]
    assert narrow == 17 * mm and 17 * mm < wide <= 30 * mm


def test_a_name_that_would_be_cut_is_printed_as_its_code() -> None:
    many = [(f"Commissioner's Neighbourhood Plan {n}", f"CNP{n}") for n in range(8)]
    assert headings(many) == [f"CNP{n}" for n in range(8)]
    fits = [("Community Safety Strategy", "CSS"), ("PFCC priority", "PFCC")]
    assert headings(fits) == ["Community Safety Strategy", "PFCC priority"]
