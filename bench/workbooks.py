"""Partner return workbooks filled in as partners would: one per lead agency, a row per action.

Templates come from the product's own return exporter when the build has one, so the import is
measured on the files it will really meet; otherwise the same layout is written here with
openpyxl. Either way the partner's answers (RAG, progress update, reported by, date) are filled
in from a seeded generator, so the files are the same on every run.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from bench.generate import LEAD_AGENCIES, NAMES, Spec, _Maker

RETURN_QUARTER = "2022-23-Q4"
PREVIOUS_QUARTER = "2022-23-Q3"
HEADER_ROW = 4
LABELS = {"R": "Red", "A": "Amber", "G": "Green", "B": "Blue"}
HEADERS = (
    "Reference",
    "Project / initiative",
    "Lead agency",
    "By when",
    "Last quarter RAG (Q3 2022-23)",
    "Last quarter progress update (Q3 2022-23)",
    "RAG Q4 2022-23",
    "Progress update Q4 2022-23",
    "Reported by",
    "Date",
)


@dataclass
class ReturnSet:
    folder: Path
    files: list[Path]
    rows: int
    made_with: str
    notes: list[str] = field(default_factory=list)


@dataclass
class _Row:
    reference: str
    title: str
    by_when: str
    previous_rag: str
    previous_narrative: str


def _lead_rows(db_path: Path) -> dict[str, list[_Row]]:
    conn = sqlite3.connect(db_path)
    try:
        found: dict[str, list[_Row]] = {}
        for abbr, ref, title, by_when, rag, narrative in conn.execute(
            """
            SELECT p.abbreviation, a.reference, a.title, a.deadline_text, u.rag, u.narrative
            FROM action a
            JOIN action_partner ap ON ap.action_id = a.id AND ap.role = 'lead'
            JOIN partner p ON p.id = ap.partner_id
            LEFT JOIN quarter_update u ON u.action_id = a.id AND u.quarter = ?
            ORDER BY p.id, a.id
            """,
            (PREVIOUS_QUARTER,),
        ):
            found.setdefault(abbr, []).append(_Row(ref, title, by_when, rag or "", narrative or ""))
        return found
    finally:
        conn.close()


def _answers(spec: Spec, abbr: str, count: int) -> list[tuple[str, str, str, dt.datetime]]:
    mk = _Maker(spec)
    mk.rnd = random.Random(f"{spec.seed}-{spec.actions}-{abbr}")
    out = []
    for _ in range(count):
        rag = mk.rnd.choices(("G", "A", "R", "B"), weights=(50, 25, 12, 13))[0]
        # Partners write RAG their own way; the importer has to read all of these.
        spelled = mk.rnd.choice(
            {
                "G": ("G", "Green", "green ", "G"),
                "A": ("A", "Amber", "AMBER"),
                "R": ("R", "Red"),
                "B": ("B", "Blue", "Complete"),
            }[rag]
        )
        day = dt.datetime(2023, 4, mk.rnd.randint(3, 21))
        out.append((spelled, mk.narrative(abbr), f"{mk.rnd.choice(NAMES)} ({abbr})", day))
    return out


def _header_map(ws: object) -> tuple[int, dict[str, int]] | None:
    """Find the template's header row and the columns partners fill in."""
    for row in ws.iter_rows(min_row=1, max_row=30):  # type: ignore[attr-defined]
        cols = fill_columns({str(c.value).strip().lower(): c.column for c in row if c.value})
        if cols is not None:
            return row[0].row, cols
    return None


def _is_progress(name: str) -> bool:
    return (
        ("progress" in name or "update" in name) and "last" not in name and "previous" not in name
    )


def fill_columns(names: dict[str, int]) -> dict[str, int] | None:
    """The columns a partner fills in (reference, this quarter's RAG and progress, who and
    when), by their lower-case headings; None when the row is not the header."""
    rag = [col for name, col in names.items() if "rag" in name and "last" not in name]
    progress = [col for name, col in names.items() if _is_progress(name)]
    ref = [col for name, col in names.items() if name.startswith("ref")]
    if not (rag and progress and ref):
        return None
    cols = {"ref": ref[0], "rag": max(rag), "progress": max(progress)}
    for name, col in names.items():
        if "reported by" in name or name in {"name", "completed by"}:
            cols["by"] = col
        elif name.startswith("date"):
            cols["date"] = col
    return cols


def _fill_exported(path: Path, spec: Spec, abbr: str) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    filled = 0
    # Only the sheet of actions the agency leads: that is the return partners fill in.
    for ws in wb.worksheets[:2]:
        if ws.sheet_state != "visible":
            continue
        found = _header_map(ws)
        if found is None:
            continue
        header_row, cols = found
        rows = [
            r
            for r in range(header_row + 1, ws.max_row + 1)
            if ws.cell(r, cols["ref"]).value not in (None, "")
        ]
        for r, (rag, text, by, day) in zip(rows, _answers(spec, abbr, len(rows)), strict=True):
            ws.cell(r, cols["rag"]).value = rag
            ws.cell(r, cols["progress"]).value = text
            if "by" in cols:
                ws.cell(r, cols["by"]).value = by
            if "date" in cols:
                ws.cell(r, cols["date"]).value = day
        filled += len(rows)
        break
    wb.save(path)
    return filled


def _write_own(path: Path, spec: Spec, abbr: str, name: str, rows: list[_Row]) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Actions you lead"
    ws["A1"] = f"Quarterly return Q4 2022-23: {name} ({abbr})"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Synthetic Community Safety Partnership · Annual Partnership Plan 2022-23"
    header_row = HEADER_ROW
    for c, title in enumerate(HEADERS, start=1):
        cell = ws.cell(header_row, c, title)
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, (row, (rag, text, by, day)) in enumerate(
        zip(rows, _answers(spec, abbr, len(rows)), strict=True), start=header_row + 1
    ):
        values = (
            row.reference,
            row.title,
            abbr,
            row.by_when,
            LABELS.get(row.previous_rag, "Not reported"),
            row.previous_narrative,
            rag,
            text,
            by,
            day,
        )
        for c, value in enumerate(values, start=1):
            cell = ws.cell(i, c, value)
            # Text beginning "=" would be a formula; nothing here does, but keep it text anyway.
            if isinstance(value, str):
                cell.data_type = "s"
                cell.alignment = wrap
        ws.cell(i, 10).number_format = "DD/MM/YYYY"
    for col, width in zip("ABCDEFGHIJ", (10, 38, 12, 11, 12, 48, 12, 60, 18, 12), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    wb.save(path)
    return len(rows)


def make_returns(db_path: Path, spec: Spec, folder: Path) -> ReturnSet:
    """One filled-in return per lead agency (20 files) covering every action of the plan."""
    from bench import features

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files: list[Path] = []
    total = 0
    notes: list[str] = []
    try:
        exported, how = features.export_returns(db_path, RETURN_QUARTER, folder)
    except features.Unavailable as exc:
        exported, how = [], ""
        notes.append(str(exc))
    if exported:
        made_with = f"the product's return exporter ({how}), filled in with openpyxl"
        for path in sorted(exported):
            abbr = path.stem.rsplit(" ", 1)[-1]
            total += _fill_exported(path, spec, abbr)
            files.append(path)
        for extra in folder.iterdir():
            if extra not in files:
                extra.unlink()
        return ReturnSet(folder=folder, files=files, rows=total, made_with=made_with, notes=notes)

    made_with = "this suite's own openpyxl writer (the return template's columns)"
    leads = _lead_rows(db_path)
    conn = sqlite3.connect(db_path)
    try:
        names = dict(conn.execute("SELECT abbreviation, name FROM partner"))
    finally:
        conn.close()
    for abbr in list(leads)[:LEAD_AGENCIES]:
        path = folder / f"Return {RETURN_QUARTER} {abbr}.xlsx"
        total += _write_own(path, spec, abbr, names[abbr], leads[abbr])
        files.append(path)
    return ReturnSet(folder=folder, files=files, rows=total, made_with=made_with, notes=notes)
