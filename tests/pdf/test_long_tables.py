"""A long table laid out a page at a time prints what ReportLab's own table prints."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate

from scp_desktop.pdf.base import PlainText, RowTable, Styles, _grid, table


def _rows_and_commands() -> tuple[list[list[object]], list[tuple[object, ...]]]:
    rows: list[list[object]] = [["Ref", "Title", "Progress"]]
    extra: list[tuple[object, ...]] = []
    for group in range(12):
        r = len(rows)
        rows.append([f"Objective {group}", "", ""])
        extra += [("SPAN", (0, r), (-1, r)), ("NOSPLIT", (0, r), (-1, r + 1))]
        for k in range(10):
            i = len(rows)
            words = " ".join(f"word{n}" for n in range((group * 7 + k * 13) % 90 + 5))
            rows.append([f"{group}.{k}", f"Action {group}.{k}", PlainText((words, Styles.cell))])
            if k % 3 == 0:
                extra.append(("BACKGROUND", (0, i), (0, i), colors.red))
    last = len(rows) - 1
    # Where commands style the same cell the later wins: a cell's alignment overridden by the
    # whole column's, and another cell's overriding it.
    extra += [
        ("ALIGN", (0, 3), (0, 3), "CENTER"),
        ("ALIGN", (0, 1), (0, last), "RIGHT"),
        ("ALIGN", (0, 5), (0, 5), "CENTER"),
    ]
    extra.append(("LINEABOVE", (0, last), (-1, last), 1.2, colors.black))
    return rows, extra


def _pages(flowable: Flowable) -> list[str]:
    out = io.BytesIO()
    SimpleDocTemplate(out).build([flowable])
    return [page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages]


def test_windowed_table_breaks_pages_where_the_whole_table_does() -> None:
    rows, extra = _rows_and_commands()
    widths = [30 * mm, 40 * mm, 90 * mm]
    windowed = table(rows, widths, extra=extra)
    assert isinstance(windowed, RowTable)
    whole = _grid(rows, widths, 1, extra, False)
    windowed_pages, whole_pages = _pages(windowed), _pages(whole)
    assert len(whole_pages) > 3
    assert windowed_pages == whole_pages


def test_window_styles_follow_the_commands_order() -> None:
    rows, extra = _rows_and_commands()
    windowed = table(rows, [30 * mm, 40 * mm, 90 * mm], extra=extra)
    assert isinstance(windowed, RowTable)
    windowed.wrap(160 * mm, 250 * mm)
    window = windowed._window
    assert window is not None
    # The first window's rows are the table's first rows (the header is row 0 in both).
    alignments = [row[0].alignment for row in window._cellStyles]
    assert alignments[1:7] == ["RIGHT", "RIGHT", "RIGHT", "RIGHT", "CENTER", "RIGHT"]
