"""A partnership's own plan spreadsheet, as one kept outside this product would look.

Banner rows merged across the sheet, the objective merged down its rows, columns of its own
wording ("What is it?", "Partners", "Notes", a measure column nobody planned for), no key-priority
column, the sheet named "APP 2024-25".
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

BANNER = "Safer Tendring Partnership — Annual Partnership Plan 2024-25"
HEADER = [
    "Objective",
    "Ref",
    "Project",
    "What is it?",
    "Outcomes",
    "Where",
    "Lead",
    "Partners",
    "Funding",
    "By when",
    "PFCC Priority",
    "ECPS Strand",
    "Status",
    "Notes",
    "How we will measure it",
]
# Data rows; None is a cell under a merged objective.
ROWS: list[list[object]] = [
    [
        "Reduce serious violence",
        "T1",
        "Knife surrender bins",
        "Surrender bins at three sites in the district",
        "Fewer knives carried\nMore weapons surrendered",
        "Clacton, Harwich",
        "Essex Police",
        "Tendring CVS, Tendring District Council",
        "PFCC grant £5,000",
        "Mar 2025",
        "4",
        "Serious Violence",
        "Active",
        "Bins emptied monthly by the police",
        "Knives surrendered per quarter",
    ],
    [
        None,
        "T2",
        "Street pastors",
        "Volunteers out on Friday and Saturday nights",
        "Safer night-time economy",
        "Clacton town centre",
        "Tendring CVS",
        "Essex Police",
        "CSP budget £2,500",
        "Ongoing",
        "4, 7",
        "Vulnerabilities",
        "Active",
        "Needs ten more volunteers by summer",
        "Nights covered",
    ],
    [
        "Tackle anti-social behaviour",
        "T3",
        "Youth diversion football",
        "Friday evening football sessions with coaching",
        "Fewer ASB reports near the leisure centre",
        "Jaywick",
        "Tendring District Council",
        "Open Road; Essex Police",
        "Community Safety Fund £1,200",
        "Sept 2024",
        "7",
        "Complex Needs",
        "Complete",
        "Ran all summer; 40 young people took part",
        "",
    ],
    [
        None,
        "T4",
        "Mobile CCTV",
        "Redeployable camera at hotspots",
        "Evidence for enforcement",
        "Walton-on-the-Naze",
        "TDC",
        "Essex Police",
        "",
        "TBC",
        "",
        "Serious Violence",
        "Active",
        "",
        "Incidents captured",
    ],
]
AGENCIES = {
    "Essex Police": "EP",
    "Tendring CVS": "TCVS",
    "Tendring District Council": "TDC",
    "Open Road": "OR",
}


def tendring_plan(
    path: Path, *, banner: str = BANNER, sheet: str = "APP 2024-25", flat: bool = False
) -> Path:
    """Write the plan; `flat` leaves out the objective column too (a bare list of projects)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    header = HEADER[1:] if flat else HEADER
    rows = [r[1:] for r in ROWS] if flat else ROWS
    last = openpyxl.utils.get_column_letter(len(header))
    ws.append([banner])
    ws.merge_cells(f"A1:{last}1")
    ws.append(["Agreed by the partnership board, March 2024"])
    ws.merge_cells(f"A2:{last}2")
    ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    if not flat:
        ws.merge_cells("A5:A6")
        ws.merge_cells("A7:A8")
    wb.save(path)
    return path


def source_cells() -> list[tuple[str, str]]:
    """(column header, cell text) for every filled data cell of the spreadsheet."""
    cells = []
    current_objective = ""
    for row in ROWS:
        for header, value in zip(HEADER, row, strict=True):
            if header == "Objective":
                current_objective = str(value) if value else current_objective
                value = current_objective
            if value not in (None, ""):
                cells.append((header, str(value)))
    return cells
