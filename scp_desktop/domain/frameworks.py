"""How a partnership's cross-reference frameworks head their columns in the plan documents."""

from __future__ import annotations

# The Essex plans' own column wording for the two frameworks every Essex partnership cites;
# the plan spreadsheets read back recognise these headings too.
_KNOWN_HEADINGS = {"PFCC": "PFCC priority", "ECPS": "ECPS strand"}
# A name longer than this would stand taller than the rows under it in a narrow column.
LONGEST_NAME_HEADING = 40


def column_heading(code: str, name: str) -> str:
    """A framework's column heading in the printed plan and the plan workbook: the Essex
    wording for PFCC and ECPS, else the framework's own name, or its code when the name is
    too long for a column."""
    known = _KNOWN_HEADINGS.get(code.strip().upper())
    if known is not None:
        return known
    name = " ".join(name.split())
    if name and len(name) <= LONGEST_NAME_HEADING:
        return name
    return code.strip() or name


def short_heading(code: str, name: str) -> str:
    """A framework's column heading in the published plan (a nine-column table): its code."""
    return code.strip() or " ".join(name.split())


def sort_codes(codes: list[str]) -> list[str]:
    """Item codes as printed: numbers in number order ('2' before '10'), then the rest."""

    def key(c: str) -> tuple[int, str]:
        return (int(c), "") if c.isdigit() else (10**6, c)

    return sorted(codes, key=key)
