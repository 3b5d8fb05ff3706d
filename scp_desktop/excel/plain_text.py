"""Text read from a spreadsheet without the invisible control characters a crafted file can
carry (Excel writes them as _x001B_ and readers decode them): a terminal printing a reference
or title would obey an Escape sequence, and no field of a plan or return has a use for one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# C0 and C1 control characters and DEL, except tab, line feed and carriage return, which
# cells and CSV files hold as ordinary text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    return _CONTROL.sub("", text)


def clean_rows(rows: Sequence[Any]) -> None:
    """Take the control characters out of the text cells of `rows` (lists), in place."""
    search = _CONTROL.search
    sub = _CONTROL.sub
    for row in rows:
        if not isinstance(row, list):
            continue
        for i, value in enumerate(row):
            if type(value) is str and search(value):
                row[i] = sub("", value)
