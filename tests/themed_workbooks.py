"""Builders for workbooks whose fills are theme colours: their own theme, tints, missing or broken themes."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Color, PatternFill
from openpyxl.writer.theme import theme_xml as openpyxl_theme_xml

THEME_PART = "xl/theme/theme1.xml"

# The colour schemes as a theme part lists them (dark/light pairs first, then accents, links).
OFFICE_2013 = {
    "dk1": "000000",
    "lt1": "FFFFFF",
    "dk2": "44546A",
    "lt2": "E7E6E6",
    "accent1": "4472C4",
    "accent2": "ED7D31",
    "accent3": "A5A5A5",
    "accent4": "FFC000",
    "accent5": "5B9BD5",
    "accent6": "70AD47",
    "hlink": "0563C1",
    "folHlink": "954F72",
}
# A council's corporate theme: red first, as its brand guide has it.
CORPORATE = {
    "dk1": "1A1A1A",
    "lt1": "FFFFFF",
    "dk2": "2B2B2B",
    "lt2": "F2F2F2",
    "accent1": "C00000",
    "accent2": "FFC000",
    "accent3": "00B050",
    "accent4": "0070C0",
    "accent5": "7F7F7F",
    "accent6": "7030A0",
    "hlink": "0563C1",
    "folHlink": "954F72",
}


def theme_xml(scheme: dict[str, str]) -> bytes:
    """A whole theme part (openpyxl's, fonts and effects kept) with the given colour scheme."""
    slots = "".join(
        f'<a:{slot}><a:sysClr val="{"windowText" if slot == "dk1" else "window"}" '
        f'lastClr="{colour}"/></a:{slot}>'
        if slot in ("dk1", "lt1")
        else f'<a:{slot}><a:srgbClr val="{colour}"/></a:{slot}>'
        for slot, colour in scheme.items()
    )
    xml, count = re.subn(
        r"<a:clrScheme name=\"Office\">.*?</a:clrScheme>",
        f'<a:clrScheme name="Custom">{slots}</a:clrScheme>',
        openpyxl_theme_xml,
        flags=re.DOTALL,
    )
    assert count == 1
    return xml.encode("utf-8")


def theme_fill(theme: int, tint: float = 0.0) -> PatternFill:
    """A solid fill picked from Excel's theme palette ("Accent 6, Lighter 80%" is theme 9, tint 0.8)."""
    return PatternFill("solid", fgColor=Color(theme=theme, tint=tint))


def replace_part(path: Path, name: str, data: bytes | None) -> None:
    """Rewrite one part of a saved package; None takes it out."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, content in parts:
            if info.filename != name:
                zf.writestr(info, content)
            elif data is not None:
                zf.writestr(info, data)


def write_coloured_return(
    path: Path,
    fills: Sequence[PatternFill],
    *,
    theme: bytes | None = None,
    remove_theme: bool = False,
    uncalculated_formula: bool = False,
) -> list[tuple[str, int]]:
    """An Essex Police return whose RAG cells are left empty and coloured in, one row per fill.

    Returns each coloured row's (reference, row). With `uncalculated_formula` a last row's RAG
    is a formula without a saved result, which only openpyxl can tell apart from an empty cell.
    """
    references = ["1.1.2", "2.2.2", "1.3.2", "2.3.1", "1.3.1", "3.2.3", "2.3.8"]
    assert len(fills) < len(references)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Q2"
    ws.append(["Reference", "Project / initiative", "RAG", "Progress update"])
    rows: list[tuple[str, int]] = []
    for reference, fill in zip(references, fills, strict=False):
        ws.append([reference, "", None, f"Progress on {reference} this quarter"])
        ws.cell(ws.max_row, 3).fill = fill
        rows.append((reference, ws.max_row))
    if uncalculated_formula:
        ws.append(["3.4.1", "", '=IF(1=1,"Green","Red")', "Formula never calculated"])
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    if remove_theme:
        replace_part(path, THEME_PART, None)
    elif theme is not None:
        replace_part(path, THEME_PART, theme)
    return rows
