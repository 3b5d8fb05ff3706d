"""Writing cell values safely: text stays text (never a formula) and illegal characters are dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

EXCEL_CELL_LIMIT = 32767


def put(ws: Worksheet, row: int, col: int, value: Any) -> Any:
    """Write a value; strings starting with = + - @ are stored as text, never run as formulas."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_CELL_LIMIT]
        cell.value = text
        cell.data_type = "s"
    elif isinstance(value, dt.datetime | dt.date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
    else:
        cell.value = value
    return cell


def estimated_height(
    texts: Sequence[tuple[str, float]], *, line_points: float = 15.0
) -> float | None:
    """Row height that shows wrapped text: (text, column width in characters) pairs.

    openpyxl cannot measure text, and Excel does not re-fit rows of a generated file, so the
    height is estimated from the longest wrapped cell.
    """
    lines = 1
    for text, width in texts:
        if not text:
            continue
        per_line = max(int(width * 1.1), 10)
        count = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
        lines = max(lines, count)
    if lines <= 1:
        return None
    return min(lines * line_points, 409.0)
