"""Writes a table as the officer sees it (its columns, its rows) to a workbook of one sheet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def _append_text(ws: Any, values: Sequence[str]) -> None:
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        # openpyxl would store "=1 team" as a formula; what the officer typed is text.
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def write_table(
    path: Path,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Headers in bold, frozen under the title row; text cells only. Written to a temporary
    name and renamed, so a failed write leaves no half file under the chosen name."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "View"
    _append_text(ws, [title])
    ws["A1"].font = Font(bold=True, size=12)
    _append_text(ws, headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A3"
    for i, row in enumerate(rows):
        _append_text(ws, row)
        if progress is not None and i % 200 == 0:
            progress(i, len(rows))
    for column, header in enumerate(headers, start=1):
        longest = max([len(header)] + [len(r[column - 1]) for r in rows[:500]])
        ws.column_dimensions[get_column_letter(column)].width = min(max(longest, 6) + 2, 60)
    temporary = path.with_name(path.name + ".part")
    wb.save(temporary)
    temporary.replace(path)
    return path
