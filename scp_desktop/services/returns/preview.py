"""The import preview: returned spreadsheets read, row by row, with nothing written.

`preview_import(db, paths, quarter)` reads the files and says, row by row, what would
happen and why. The officer may untick rows, fix a match and choose keep/overwrite before
`apply.apply_import` writes it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.columns import Meaning
from scp_desktop.excel.grid import Grid, ReadAhead, read_grid
from scp_desktop.excel.return_reader import (
    HeaderNotRecognised,
    ReturnLine,
    ReturnRead,
    SheetRead,
    read_return,
)
from scp_desktop.excel.safety import SpreadsheetRejected
from scp_desktop.services import activity
from scp_desktop.services.bulk import collector_paused
from scp_desktop.services.edit_inputs import ActionFields
from scp_desktop.services.editing import create_action
from scp_desktop.services.errors import UserError
from scp_desktop.services.returns.index import (
    AgencyInfo,
    PlanAction,
    PlanIndex,
    action_label,
    load_index,
    plan_for_quarter,
)
from scp_desktop.services.returns.matching import Candidate, Outcome, PreviewRow, evaluate, match
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import KeyPriority, Objective

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".xls", ".txt", ".tsv"}


@dataclass
class SheetSummary:
    name: str
    header_row: int | None
    headers: list[str]
    meanings: dict[int, Meaning]
    note: str = ""


@dataclass
class FilePreview:
    path: Path
    name: str
    status: str  # ok | rejected
    error: str | None = None
    content_hash: str = ""
    agency: str = ""  # abbreviation, when known
    template: bool = False
    already_imported: str = ""
    notes: list[str] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)
    column_choices: dict[str, dict[int, Meaning]] = field(default_factory=dict)
    remember_mapping: bool = False


@dataclass
class ImportPreview:
    quarter: Quarter
    plan_id: int
    files: list[FilePreview]
    rows: list[PreviewRow]
    index: PlanIndex
    cancelled: bool = False
    skipped: list[str] = field(default_factory=list)  # files in a folder that are not spreadsheets

    def rows_of(self, file_index: int) -> list[PreviewRow]:
        return [r for r in self.rows if r.file_index == file_index]

    def counts(self) -> Counter[Outcome]:
        return Counter(r.outcome for r in self.rows)

    def to_json(self) -> dict[str, Any]:
        """The document printed by `scp-desktop import --json`."""
        files = []
        for i, f in enumerate(self.files):
            rows = []
            for r in self.rows_of(i):
                action = self.index.actions.get(r.action_id) if r.action_id else None
                rows.append(
                    {
                        "sheet": r.sheet,
                        "row": r.row,
                        "action_ref": action.reference if action else None,
                        "action_title": action.title if action else None,
                        "rag": r.rag.value if r.rag else None,
                        "outcome": r.outcome.value,
                        "message": r.message or None,
                    }
                )
            files.append({"file": f.name, "status": f.status, "error": f.error, "rows": rows})
        return {"files": files}


Progress = Callable[[int, int, str], None]


def collect_paths(paths: Sequence[Path], skipped: list[str] | None = None) -> list[Path]:
    """Files as given, and the spreadsheets inside any folder given (not its sub-folders).

    Other files in a folder (email drafts, PDFs, Excel's '~$' lock files) are left out; their
    names go into `skipped` when a list is passed.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(path.iterdir()):
                if not p.is_file():
                    continue
                if p.suffix.lower() in SPREADSHEET_SUFFIXES and not p.name.startswith("~$"):
                    found.append(p)
                elif skipped is not None:
                    skipped.append(p.name)
        else:
            found.append(path)
    return found


def preview_import(
    db: Database,
    paths: Sequence[Path],
    quarter: Quarter,
    *,
    plan_id: int | None = None,
    column_choices: Mapping[str, Mapping[str, Mapping[int, Meaning]]] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportPreview:
    """Read the files and say what importing them would do; nothing is written.

    `column_choices` holds the officer's column meanings per file name and sheet.
    """
    started = time.perf_counter()
    if plan_id is None:
        plan_id = plan_for_quarter(db, quarter)
    skipped: list[str] = []
    files = collect_paths(paths, skipped)
    # The files are read on other threads while the plan loads and earlier files are matched.
    with collector_paused(), ReadAhead(files, cancelled=cancelled) as grids:
        index = load_index(db, plan_id, quarter)
        preview = ImportPreview(quarter, plan_id, [], [], index, skipped=skipped)
        for n, path in enumerate(files):
            if cancelled is not None and cancelled():
                preview.cancelled = True
                break
            if progress is not None:
                progress(n, len(files), path.name)
            choices = (column_choices or {}).get(path.name)
            file_preview, rows = read_one(
                index, path, choices, grid=functools.partial(grids.get, n)
            )
            if file_preview.status == "rejected" and cancelled is not None and cancelled():
                preview.cancelled = True  # this file's reading was stopped part way
                break
            file_index = len(preview.files)
            for row in rows:
                row.file_index = file_index
            preview.files.append(file_preview)
            preview.rows += rows
    if progress is not None and not preview.cancelled:
        progress(len(files), len(files), "")
    mark_duplicates(preview)
    activity.import_previewed(
        len(preview.files),
        sum(f.status != "ok" for f in preview.files),
        Counter(r.outcome.value for r in preview.rows),
        preview.cancelled,
        time.perf_counter() - started,
    )
    return preview


def read_one(
    index: PlanIndex,
    path: Path,
    choices: Mapping[str, Mapping[int, Meaning]] | None = None,
    *,
    grid: Callable[[], Grid] | None = None,
) -> tuple[FilePreview, list[PreviewRow]]:
    """Preview one file; a refused file comes back with status 'rejected' and no rows.

    `grid` gives the file already read (or raises what reading it raised); by default it is read here.
    """
    fp = FilePreview(path, path.name, "ok")
    try:
        agency, read = _read_file(index, fp, choices, grid)
    # A file no check foresaw: refuse it alone rather than stop the whole import.
    except (
        SpreadsheetRejected,
        MemoryError,
        OSError,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
    ) as exc:
        fp.status = "rejected"
        fp.error, fp.sheets = refusal(path.name, exc)
        return fp, []
    if choices:
        fp.column_choices = {k: dict(v) for k, v in choices.items()}
        fp.remember_mapping = True
    if fp.content_hash in index.imported_hashes:
        fp.already_imported = index.imported_hashes[fp.content_hash]
        fp.notes.append(f"This file was imported before ({fp.already_imported}).")
    use_template, agency = _template_in_use(index, fp, read, agency)
    if read.ignored_sheets:
        fp.notes.append("Sheets not read: " + ", ".join(read.ignored_sheets))
    fp.sheets = [_sheet_summary(sheet) for sheet in read.sheets]
    rows = [
        _preview_row(index, fp.name, line, use_template=use_template)
        for sheet in read.sheets
        for line in sheet.lines
    ]
    if agency is None:
        agency = _agency_from_rows(index, read.lead_values, rows)
    fp.agency = agency.abbreviation if agency else ""
    for row in rows:
        evaluate(index, row, file_agency=fp.agency)
    if not rows:
        fp.notes.append("No rows to import were found.")
    return fp, rows


def _read_file(
    index: PlanIndex,
    fp: FilePreview,
    choices: Mapping[str, Mapping[int, Meaning]] | None,
    grid: Callable[[], Grid] | None,
) -> tuple[AgencyInfo | None, ReturnRead]:
    """The file read as a return, and whose it is when its name or remembered columns say."""
    grid_read = grid() if grid is not None else read_grid(fp.path)
    fp.content_hash = hashlib.sha256(grid_read.content).hexdigest()
    agency = _agency_from_name(index, fp.name)
    try:
        read = read_return(
            grid_read,
            quarter_number=index.quarter.number,
            remembered=agency.mapping if agency else None,
            column_choices=choices,
        )
    except SpreadsheetRejected as not_recognised:
        # The file name does not say whose it is: an agency's remembered columns may fit it.
        if agency is not None or choices:
            raise
        return _read_with_any_memory(index, grid_read, not_recognised)
    return agency, read


def refusal(name: str, exc: BaseException) -> tuple[str, list[SheetSummary]]:
    """Why a file is refused, in words, and the sheets whose headings were looked at."""
    if isinstance(exc, SpreadsheetRejected):
        sheets = exc.sheets if isinstance(exc, HeaderNotRecognised) else []
        return str(exc), [_sheet_summary(sheet) for sheet in sheets]
    if isinstance(exc, MemoryError):
        return f"{name} is too large to read.", []
    return f"{name} could not be read ({type(exc).__name__}: {exc}).", []


def _template_in_use(
    index: PlanIndex, fp: FilePreview, read: ReturnRead, agency: AgencyInfo | None
) -> tuple[bool, AgencyInfo | None]:
    """Whether the rows keep the action ids of our own return, and the agency it was made for."""
    template = read.template
    if template is None:
        return False, agency
    fp.template = True
    if template.plan_id != index.plan_id or template.quarter != index.quarter.code:
        fp.notes.append(
            f"This return was prepared for {_quarter_label(template.quarter)} of the "
            f"{template.plan_year} plan, not {index.quarter.label}: rows are matched by reference and title."
        )
        return False, agency
    if template.agency:
        agency = index.agency_named(template.agency) or agency
    return True, agency


def _sheet_summary(sheet: SheetRead) -> SheetSummary:
    return SheetSummary(
        sheet.name,
        sheet.columns.header_row if sheet.columns else None,
        list(sheet.columns.headers) if sheet.columns else [],
        dict(sheet.columns.meanings) if sheet.columns else {},
        sheet.note,
    )


def _read_with_any_memory(
    index: PlanIndex, grid: Grid, not_recognised: SpreadsheetRejected
) -> tuple[AgencyInfo, ReturnRead]:
    for agency in index.agencies.values():
        if not agency.mapping:
            continue
        try:
            read = read_return(grid, quarter_number=index.quarter.number, remembered=agency.mapping)
        except SpreadsheetRejected:
            continue
        if any(sheet.lines for sheet in read.sheets):
            return agency, read
    raise not_recognised


def _quarter_label(code: str) -> str:
    try:
        return Quarter.parse(code).label
    except ValueError:
        return code or "another quarter"


def _agency_from_name(index: PlanIndex, name: str) -> AgencyInfo | None:
    words = {w.upper() for w in re.split(r"[^A-Za-z0-9]+", Path(name).stem) if w}
    hits = [a for key, a in index.agencies.items() if key in words]
    if len(hits) == 1:
        return hits[0]
    low = name.lower()
    named = [a for a in index.agencies.values() if len(a.name) > 4 and a.name.lower() in low]
    return named[0] if len(named) == 1 else None


def _agency_from_rows(
    index: PlanIndex, lead_values: list[str], rows: list[PreviewRow]
) -> AgencyInfo | None:
    counts: Counter[str] = Counter()
    for value, times in Counter(lead_values).items():
        for part in re.split(r"[,;/&\n]|\band\b", value):
            agency = index.agency_named(part)
            if agency:
                counts[agency.abbreviation.upper()] += times
    if not counts:
        for row in rows:
            action = index.actions.get(row.action_id) if row.action_id else None
            if action:
                counts.update(lead.upper() for lead in action.leads)
    if not counts:
        return None
    top = counts.most_common(2)
    if len(top) > 1 and top[0][1] == top[1][1]:
        return None  # a return covering several agencies
    return index.agencies.get(top[0][0])


def _preview_row(
    index: PlanIndex, file_name: str, line: ReturnLine, *, use_template: bool
) -> PreviewRow:
    row = PreviewRow(
        file_name,
        line.sheet,
        line.row,
        line.reference,
        line.title,
        line.rag,
        line.rag_from_fill,
        line.written,
        line.reported_by,
        line.reported_on,
        line.problems,  # the line is read only to make this row: its findings pass to it
        line.notes,
        line.supporting,
    )
    if line.rag_text:
        row.rag_text, row.rag_rule, row.rag_choices = line.rag_text, line.rag_rule, line.rag_choices
    if use_template and line.template_action_id in index.actions:
        row.action_id = line.template_action_id
        row.match_how = "template"
        row.match_score = 100.0
        return row
    match(index, row)
    return row


def mark_duplicates(preview: ImportPreview) -> None:
    """An action given twice: the first ticked row applies; an identical repeat is unchanged."""
    first: dict[int, PreviewRow] = {}
    candidates = [
        r
        for r in preview.rows
        if r.action_id is not None
        and r.outcome in (Outcome.UPDATE, Outcome.WARNING)
        and r.rag is not None
    ]
    # Ticked rows claim their action first, so a supporting agency's note never hides the lead's return.
    ticked_first = [r for r in candidates if r.selected] + [r for r in candidates if not r.selected]
    for row in ticked_first:
        assert row.action_id is not None
        earlier = first.get(row.action_id)
        if earlier is None:
            first[row.action_id] = row
            continue
        where = f"{earlier.file}, sheet {earlier.sheet}, row {earlier.row}"
        if earlier.rag == row.rag and earlier.narrative.strip() == row.narrative.strip():
            row.outcome = Outcome.UNCHANGED
            row.message = f"Same as {where}"
        else:
            row.outcome = Outcome.WARNING
            row.message = (
                f"This action is also in {where}, with a different update: tick the one to apply"
            )
        row.selected = False


def choose_action(preview: ImportPreview, row: PreviewRow, action_id: int | None) -> None:
    """The officer's fix of a match (None: not this plan's action); re-evaluates the row."""
    if action_id is not None and action_id not in preview.index.actions:
        raise UserError("That action is not in this plan.")
    row.action_id = action_id
    row.match_how = "officer" if action_id is not None else ""
    row.match_score = None
    row.notes = [
        n for n in row.notes if not n.startswith(("no action has reference", "reference "))
    ]
    agency = preview.files[row.file_index].agency if row.file_index < len(preview.files) else ""
    evaluate(preview.index, row, file_agency=agency)
    if action_id is not None and row.applicable:
        row.selected = True


def set_rag(preview: ImportPreview, row: PreviewRow, rag: RAG) -> None:
    """The officer's RAG for a row (the return's could not be read, or was wrong); re-evaluates it."""
    row.rag = rag
    row.rag_from_fill = False
    row.rag_by_officer = True
    written = f" (the return says “{row.rag_text}”)" if row.rag_text else ""
    row.rag_rule = f"{rag.label}, set by you{written}"
    agency = preview.files[row.file_index].agency if row.file_index < len(preview.files) else ""
    evaluate(preview.index, row, file_agency=agency)
    if row.applicable and row.outcome in (Outcome.UPDATE, Outcome.WARNING):
        row.selected = row.overwrite or not row.has_existing
    mark_duplicates(preview)


def set_overwrite(preview: ImportPreview, row: PreviewRow, overwrite: bool) -> None:
    row.overwrite = overwrite
    agency = preview.files[row.file_index].agency if row.file_index < len(preview.files) else ""
    was_officer = row.match_how == "officer"
    evaluate(preview.index, row, file_agency=agency)
    if was_officer and row.applicable:
        row.selected = overwrite or not row.has_existing


def set_file_agency(preview: ImportPreview, file_index: int, abbreviation: str) -> None:
    """The officer says whose return a file is ('' for none); its rows are checked again."""
    fp = preview.files[file_index]
    if abbreviation and abbreviation.upper() not in preview.index.agencies:
        raise UserError(f"There is no partner agency '{abbreviation}'.")
    agency = preview.index.agencies.get(abbreviation.upper()) if abbreviation else None
    fp.agency = agency.abbreviation if agency else ""
    for row in preview.rows_of(file_index):
        was_officer = row.match_how == "officer"
        evaluate(preview.index, row, file_agency=fp.agency)
        if was_officer and row.applicable:
            row.selected = row.overwrite or not row.has_existing
    mark_duplicates(preview)


def agency_abbreviations(preview: ImportPreview) -> list[str]:
    return sorted((a.abbreviation for a in preview.index.agencies.values()), key=str.lower)


def action_choices(preview: ImportPreview) -> list[Candidate]:
    """Every action of the plan, for the 'fix the match' list."""
    return [Candidate(a.id, action_label(a), 0.0) for a in preview.index.actions.values()]


@dataclass(frozen=True)
class ObjectiveChoice:
    id: int
    label: str  # '2.3 Reduce anti-social behaviour'


def objective_choices(db: Database, plan_id: int) -> list[ObjectiveChoice]:
    """The plan's objectives in plan order, for 'add as a new action under…'."""
    with db.session(audit=False) as s:
        rows = s.execute(
            select(KeyPriority.number, Objective.id, Objective.position, Objective.title)
            .join(Objective, Objective.priority_id == KeyPriority.id)
            .where(KeyPriority.plan_id == plan_id)
            .order_by(KeyPriority.number, Objective.position, Objective.id)
        ).all()
    return [
        ObjectiveChoice(objective_id, f"{number}.{position} {title}".strip())
        for number, objective_id, position, title in rows
    ]


def add_row_as_action(
    db: Database,
    preview: ImportPreview,
    row: PreviewRow,
    objective_id: int,
    *,
    title: str,
    reference: str = "",
) -> int:
    """Add the row's work to the plan as a new action under the objective; the row is matched
    to it (and applies as any matched row). The file's agency, when known, leads it."""
    title = " ".join(title.split())
    if not title:
        raise UserError("The new action needs a title.")
    if objective_id not in {o.id for o in objective_choices(db, preview.plan_id)}:
        raise UserError("That objective is not in this plan.")
    agency_name = (
        preview.files[row.file_index].agency if row.file_index < len(preview.files) else ""
    )
    agency = preview.index.agencies.get(agency_name.upper()) if agency_name else None
    action_id = create_action(
        db,
        objective_id,
        ActionFields(
            title=title[:300],
            reference=reference.strip()[:30],
            lead_ids=(agency.id,) if agency is not None else (),
        ),
    )
    leads = (agency.abbreviation,) if agency is not None else ()
    preview.index.actions[action_id] = PlanAction(action_id, reference.strip(), title, leads, None)
    # The matching tables were made from the plan before this action: made again when next asked.
    for name in ("by_reference", "titles", "by_title", "title_list", "word_counts"):
        preview.index.__dict__.pop(name, None)
    preview.index.fuzzy_results.clear()
    choose_action(preview, row, action_id)
    return action_id
