"""A framework's column heading in the plan documents."""

from __future__ import annotations

from scp_desktop.domain.frameworks import column_heading, short_heading, sort_codes
from scp_desktop.excel.columns import same_heading


def test_headings() -> None:
    assert column_heading("PFCC", "Police and Crime Plan 2021-2024") == "PFCC priority"
    assert column_heading("ecps", "Essex Crime Prevention Strategy") == "ECPS strand"
    assert column_heading("VRU", "Violence  Reduction Unit") == "Violence Reduction Unit"
    long_name = "The Police, Fire and Crime Commissioner's Plan for Northshire 2024-2028"
    assert column_heading("PFCCP", long_name) == "PFCCP"
    assert short_heading("VRU", "Violence Reduction Unit") == "VRU"


def test_codes_and_matching() -> None:
    assert sort_codes(["OC", "10", "2", "CN"]) == ["2", "10", "CN", "OC"]
    assert same_heading("Violence reduction unit ", "VIOLENCE REDUCTION UNIT")
    assert not same_heading("<&>", "=")  # nothing to compare is no match
