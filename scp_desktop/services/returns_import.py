"""Importing returned spreadsheets: a preview of every row first, then one transaction that applies it.

`preview_import(db, paths, quarter)` reads the files (no writes) and says, row by row, what would
happen and why. The officer may untick rows, fix a match and choose keep/overwrite; then
`apply_import(db, preview)` writes it all or nothing, recording the file, sheet and row of
every update.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.columns import ColumnMap, Meaning, remembered_mapping
from scp_desktop.excel.grid import Grid, ReadAhead, read_grid
from scp_desktop.excel.return_reader import (
    HeaderNotRecognised,
    ReturnLine,
    ReturnRead,
    SheetRead,
    normalise_reference,
    read_return,
    tidy_narrative,
)
from scp_desktop.excel.safety import SpreadsheetRejected
from scp_desktop.services import activity, import_undo, versions
from scp_desktop.services.bulk import collector_paused
from scp_desktop.services.errors import UserError
from scp_desktop.services.versions import ABSENT
from scp_desktop.storage.backups import backup_before_change
from scp_desktop.storage.database import Database, DatabaseError, sqlite_connection
from scp_desktop.storage.models import (
    Action,
    ActionPartner,
    AuditEntry,
    ImportBatch,
    ImportChange,
    KeyPriority,
    Objective,
    Partner,
    QuarterSignoff,
    QuarterUpdate,
)

MATCH_SURE = 88.0
MATCH_CLOSE = 95.0  # a title match this close needs no confirmation
MATCH_WEAK = 65.0
MATCH_MARGIN = 6.0
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".xls", ".txt", ".tsv"}


class Outcome(StrEnum):
    UPDATE = "update"
    UNCHANGED = "unchanged"
    WARNING = "warning"
    ERROR = "error"
    UNMATCHED = "unmatched"


# ---------------------------------------------------------------- the plan, as plain data
# Named tuples, not dataclasses: a plan of thousands of actions builds one of each per action.


class ExistingUpdate(NamedTuple):
    rag: RAG
    narrative: str
    reported_by: str
    locked: bool
    # The version previewed: Apply writes over it only if it is still this version.
    version: int = 1


class PlanAction(NamedTuple):
    id: int
    reference: str
    title: str
    leads: tuple[str, ...]  # lead agencies' abbreviations (supporting agencies are not needed)
    existing: ExistingUpdate | None


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    abbreviation: str
    name: str
    mapping: dict[str, str]


@dataclass
class PlanIndex:
    """Everything matching needs, read once: actions, agencies, earlier imports."""

    plan_id: int
    quarter: Quarter
    actions: dict[int, PlanAction]
    agencies: dict[str, AgencyInfo]  # upper-case abbreviation → agency
    imported_hashes: dict[str, str]  # content hash → 'NAME on dd/mm/yyyy'
    signed_off: bool
    fuzzy_results: dict[str, list[tuple[float, int]]] = field(default_factory=dict)

    # Our own returns match by the ids they carry: references and titles are only normalised
    # when a row needs them.
    @functools.cached_property
    def by_reference(self) -> dict[str, int]:
        """Normalised reference → the first action that has it."""
        found: dict[str, int] = {}
        for a in self.actions.values():
            if a.reference:
                found.setdefault(normalise_reference(a.reference), a.id)
        return found

    @functools.cached_property
    def titles(self) -> dict[int, str]:
        """Each action's normalised title, in plan order."""
        return {a.id: normalise_title(a.title) for a in self.actions.values()}

    @functools.cached_property
    def by_title(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for action_id, title in self.titles.items():
            found.setdefault(title, []).append(action_id)
        return found

    def agency_named(self, text: str) -> AgencyInfo | None:
        key = text.strip().upper()
        if not key:
            return None
        if key in self.agencies:
            return self.agencies[key]
        return next((a for a in self.agencies.values() if a.name.upper() == key), None)

    @functools.cached_property
    def word_counts(self) -> Counter[str]:
        """In how many of the plan's titles each word appears."""
        counts: Counter[str] = Counter()
        for title in self.titles.values():
            counts.update(set(title.split()))
        return counts

    @functools.cached_property
    def title_list(self) -> tuple[list[int], list[str], list[str]]:
        """Action ids, titles and titles with their words sorted, in plan order, for fuzzy scans."""
        keys = list(self.titles)
        titles = [self.titles[k] for k in keys]
        return keys, titles, [" ".join(sorted(t.split())) for t in titles]


@functools.lru_cache(maxsize=16384)  # a plan of thousands of actions, and the rows' titles
def normalise_title(text: str) -> str:
    """Titles compared without case, spacing, punctuation, '&'/'and', 'Op.'/'Op'/'Operation'."""
    raw = text.lower().replace("&", " and ")
    if "operation" in raw:
        raw = _OPERATION.sub("op", raw)
    # Quotes, curly or straight, and all other punctuation are word breaks.
    return " ".join(_NOT_WORD.sub(" ", raw).split())


_OPERATION = re.compile(r"\boperation\b")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


_RAGS = {r.value: r for r in RAG}


_PLAN_ACTIONS_SQL = """
SELECT action.id, action.reference, action.title
FROM action
JOIN objective ON action.objective_id = objective.id
JOIN key_priority ON objective.priority_id = key_priority.id
WHERE key_priority.plan_id = ?
ORDER BY key_priority.number, objective.position, action.position, action.id
"""
# Every plan's lead links: filtering them by the plan's actions in Python beats joining four tables.
_LEADS_SQL = """
SELECT action_id, partner_id FROM action_partner WHERE role = 'lead'
ORDER BY action_id, position, id
"""
_PARTNERS_SQL = "SELECT id, abbreviation, name, import_mapping FROM partner"
_QUARTER_UPDATES_SQL = """
SELECT action_id, rag, narrative, reported_by, locked, version
FROM quarter_update WHERE quarter = ?
"""


def load_index(db: Database, plan_id: int, quarter: Quarter) -> PlanIndex:
    """The plan's actions, agencies and earlier imports, read once for a whole preview."""
    # Plain rows from the driver: loading thousands of ORM objects, or even ORM column rows,
    # took longer than reading the files themselves.
    with db.session(audit=False) as s:
        cursor = sqlite_connection(s).cursor()
        try:
            rows = cursor.execute(_PLAN_ACTIONS_SQL, (plan_id,)).fetchall()
            links = cursor.execute(_LEADS_SQL).fetchall()
            update_rows = cursor.execute(_QUARTER_UPDATES_SQL, (quarter.code,)).fetchall()
            partners = cursor.execute(_PARTNERS_SQL).fetchall()
        finally:
            cursor.close()
        agencies = {}
        abbreviations: dict[int, str] = {}  # every partner, even two spelled alike but for case
        for partner_id, abbreviation, name, import_mapping in partners:
            abbreviations[partner_id] = abbreviation
            try:
                mapping = json.loads(import_mapping) if import_mapping else {}
            except ValueError:
                mapping = {}
            agencies[abbreviation.upper()] = AgencyInfo(
                partner_id, abbreviation, name, mapping if isinstance(mapping, dict) else {}
            )
        in_plan = {row[0] for row in rows}
        lead_lists: dict[int, list[str]] = {}
        for action_id, partner_id in links:
            if action_id in in_plan:
                lead_lists.setdefault(action_id, []).append(abbreviations[partner_id])
        # Thousands of actions share a few hundred lead agencies: one tuple for each set of leads.
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        leads: dict[int, tuple[str, ...]] = {}
        for action_id, names in lead_lists.items():
            key = tuple(names)
            leads[action_id] = shared.setdefault(key, key)
        rags = _RAGS
        updates = {
            action_id: ExistingUpdate(rags[rag], narrative, reported_by, bool(locked), version)
            for action_id, rag, narrative, reported_by, locked, version in update_rows
            if action_id in in_plan
        }
        no_leads: tuple[str, ...] = ()
        plan_actions: dict[int, PlanAction] = {
            action_id: PlanAction(
                action_id,
                reference,
                title,
                leads.get(action_id, no_leads),
                updates.get(action_id),
            )
            for action_id, reference, title in rows
        }
        hashes = {
            b.content_hash: f"{b.file_name} on {b.imported_at:%d/%m/%Y}"
            for b in s.scalars(select(ImportBatch).order_by(ImportBatch.imported_at))
        }
        signed_off = (
            s.scalar(select(QuarterSignoff.id).where(QuarterSignoff.quarter == quarter.code))
            is not None
        )
    return PlanIndex(plan_id, quarter, plan_actions, agencies, hashes, signed_off)


# ---------------------------------------------------------------- the preview


@dataclass
class Candidate:
    action_id: int
    label: str  # '1.1.2 Op Enlightenment'
    score: float


@dataclass(slots=True)  # one per row read: thousands in a large import
class PreviewRow:
    file: str
    sheet: str
    row: int
    reference: str  # as written in the file
    title: str
    rag: RAG | None
    rag_from_fill: bool
    written: Any  # the progress update cell as read; `narrative` is its tidy text
    reported_by: str
    reported_on: Any  # datetime.date | None
    problems: Sequence[str]
    notes: Sequence[str]
    supporting: bool
    action_id: int | None = None
    match_how: str = ""  # template | reference | title | officer
    match_score: float | None = None
    candidates: Sequence[Candidate] = ()  # the likely actions, best first, when the match is unsure
    outcome: Outcome = Outcome.UNMATCHED
    message: str = ""
    selected: bool = False
    overwrite: bool = True
    has_existing: bool = False
    file_index: int = 0
    rag_text: str = ""  # the RAG cell as written
    rag_rule: str = ""  # how it was read ('“behind schedule” read as Amber'), or why not
    rag_choices: Sequence[RAG] = ()  # 'G/A': the statuses the officer chooses between
    rag_by_officer: bool = False
    # Tidied when first asked for: a dry run compares only the rows whose RAG is unchanged.
    _narrative: str | None = field(default=None, repr=False, compare=False)

    @property
    def narrative(self) -> str:
        if self._narrative is None:
            self._narrative = tidy_narrative(self.written)
        return self._narrative

    def add_note(self, text: str) -> None:
        self.notes = [*self.notes, text]

    @property
    def applicable(self) -> bool:
        """Whether ticking the row can write something.

        A RAG written but not readable still lets the progress update apply over an update
        already held, whose RAG is left as it was.
        """
        return (
            self.action_id is not None
            and not self.problems
            and (self.rag is not None or self.keeps_rag)
        )

    @property
    def keeps_rag(self) -> bool:
        """Applying imports the progress update only: the RAG written could not be read."""
        return self.rag is None and bool(self.rag_text) and self.has_existing

    @property
    def rag_unread(self) -> bool:
        return self.rag is None and bool(self.rag_text)


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
        from scp_desktop.services.returns_export import plan_for_quarter

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
        grid_read = grid() if grid is not None else read_grid(path)
        fp.content_hash = hashlib.sha256(grid_read.content).hexdigest()
        agency = _agency_from_name(index, path.name)
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
            agency, read = _read_with_any_memory(index, grid_read, not_recognised)
    except SpreadsheetRejected as exc:
        fp.status = "rejected"
        fp.error = str(exc)
        if isinstance(exc, HeaderNotRecognised):
            fp.sheets = [_sheet_summary(sheet) for sheet in exc.sheets]
        return fp, []
    except MemoryError:
        fp.status = "rejected"
        fp.error = f"{path.name} is too large to read."
        return fp, []
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        # A file no check foresaw: refuse it alone rather than stop the whole import.
        fp.status = "rejected"
        fp.error = f"{path.name} could not be read ({type(exc).__name__}: {exc})."
        return fp, []
    if choices:
        fp.column_choices = {k: dict(v) for k, v in choices.items()}
        fp.remember_mapping = True
    if fp.content_hash in index.imported_hashes:
        fp.already_imported = index.imported_hashes[fp.content_hash]
        fp.notes.append(f"This file was imported before ({fp.already_imported}).")
    template = read.template
    if template is not None:
        fp.template = True
        if template.plan_id != index.plan_id or template.quarter != index.quarter.code:
            fp.notes.append(
                f"This return was prepared for {_quarter_label(template.quarter)} of the "
                f"{template.plan_year} plan, not {index.quarter.label}: rows are matched by reference and title."
            )
            template = None
        if template is not None and template.agency:
            agency = index.agency_named(template.agency) or agency
    if read.ignored_sheets:
        fp.notes.append("Sheets not read: " + ", ".join(read.ignored_sheets))
    fp.sheets = [_sheet_summary(sheet) for sheet in read.sheets]
    use_template = template is not None
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


def match(index: PlanIndex, row: PreviewRow) -> None:
    """Find the action by reference, else by title (fuzzy, with a score)."""
    if row.reference:
        found = index.by_reference.get(normalise_reference(row.reference))
        if found is not None:
            action = index.actions[found]
            if not row.title or _title_score(index, row.title, found) >= MATCH_WEAK:
                row.action_id, row.match_how, row.match_score = found, "reference", 100.0
                return
            row.add_note(
                f"reference {row.reference} is '{action.title}', which does not look like '{row.title}'"
            )
        else:
            row.add_note(f"no action has reference '{row.reference}'")
    if not row.title:
        return
    query = normalise_title(row.title)
    exact = index.by_title.get(query, [])
    if len(exact) == 1:
        row.action_id, row.match_how, row.match_score = exact[0], "title", 100.0
        return
    results = _title_candidates(index, query)
    row.candidates = [
        Candidate(key, _label(index.actions[key]), round(score, 1)) for score, key in results
    ]
    if not results:
        return
    best_score = results[0][0]
    second = results[1][0] if len(results) > 1 else 0.0
    if best_score >= MATCH_SURE and best_score - second >= MATCH_MARGIN:
        row.action_id, row.match_how, row.match_score = (
            results[0][1],
            "title",
            round(best_score, 1),
        )


def _title_candidates(index: PlanIndex, query: str) -> list[tuple[float, int]]:
    """The three best (score, action id) for a normalised title, best first; computed once per title."""
    cached = index.fuzzy_results.get(query)
    if cached is not None:
        return cached
    keys, titles, sorted_titles = index.title_list
    # token_sort_ratio is the plain ratio of the titles with their words sorted: sorting the
    # plan's titles once, not once per row, makes this scan several times faster. Lists keep
    # the plan order, so ties go to the earlier action as before.
    positions = {
        found[2]
        for found in process.extract(
            " ".join(sorted(query.split())), sorted_titles, scorer=fuzz.ratio, limit=6
        )
    }
    positions.update(
        found[2] for found in process.extract(query, titles, scorer=fuzz.token_set_ratio, limit=6)
    )

    results = sorted(
        ((title_score(index, query, titles[p]), keys[p]) for p in positions),
        key=lambda r: (-r[0], r[1]),
    )[:3]
    index.fuzzy_results[query] = results
    return results


def _scorer(query: str, choice: str, **_: Any) -> float:
    """The fast character-level similarity, used only to find candidates for `title_score`."""
    return max(
        float(fuzz.token_sort_ratio(query, choice)),
        0.95 * float(fuzz.token_set_ratio(query, choice)),
    )


# Words that say nothing about which action is meant.
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "our",
        "its",
    ]
)


def _word_weights(index: PlanIndex, words: Sequence[str]) -> list[float]:
    # A word many of the plan's titles share ('awareness', 'week', 'project', 'op') tells
    # little; a word no title has tells most. Years and numbers say little either way.
    counts = index.word_counts
    total = len(index.titles) + 1
    out = []
    for w in words:
        if w in _STOP_WORDS:
            out.append(0.0)
        elif w.isdigit():
            out.append(0.5)
        else:
            out.append(math.log(total / (counts.get(w, 0) + 1)) + 1.0)
    return out


@functools.lru_cache(maxsize=65536)  # the same few thousand words meet again and again
def _word_credit(a: str, b: str) -> float:
    """How far word `a` is word `b`: 1 the same, less for a typo or an abbreviation, else 0."""
    if a == b:
        return 1.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and long.startswith(short):
        return 0.9  # 'dom' for 'domestic', 'support' for 'supporting', 'educ' for 'education'
    if len(short) >= 4:
        ratio = fuzz.ratio(a, b)
        if ratio >= 80:
            return ratio / 100  # 'enlightment' for 'enlightenment', 'visit' for 'visits'
    if len(short) >= 3 and short[0] == long[0] and len(short) >= 0.4 * len(long):
        letters = iter(long)
        if all(ch in letters for ch in short):
            return 0.8  # 'trng' for 'training', 'mgmt' for 'management'
    return 0.0


def _covered(words: Sequence[str], other: Sequence[str]) -> list[float]:
    """Each word's best credit against the other title, an acronym counting for the words it spells."""
    credits = [max((_word_credit(w, o) for o in other), default=0.0) for w in words]
    # 'TCAP' in one title spells 'Town Centre Action Plan' in the other, 'CSEOs' 'Community
    # Safety and Engagement Officers': both count (little words may be left out of an acronym).
    telling = [i for i, w in enumerate(words) if w not in _STOP_WORDS]
    for o in other:
        for i in _spelt_by(o, words, telling):
            credits[i] = 1.0
    other_telling = [i for i, w in enumerate(other) if w not in _STOP_WORDS]
    for i, w in enumerate(words):
        if credits[i] < 1.0 and _spelt_by(w, other, other_telling):
            credits[i] = 1.0
    # 'Boxsmart' for 'Box Smart', 'web site' for 'website': a word written as two, or two as one.
    joined = {a + b for a, b in itertools.pairwise(other)}
    for i, w in enumerate(words):
        if w in joined:
            credits[i] = 1.0
        if i + 1 < len(words) and w + words[i + 1] in other:
            credits[i] = credits[i + 1] = 1.0
    return credits


def _spelt_by(acronym: str, words: Sequence[str], telling: Sequence[int]) -> list[int]:
    """The positions of the words whose initials `acronym` is ('cseos': plural too), or []."""
    if len(acronym) < 2 or acronym.isdigit():
        return []
    for letters in (acronym, acronym[:-1] if len(acronym) > 3 and acronym.endswith("s") else ""):
        n = len(letters)
        if n < 2:
            continue
        for start in range(len(telling) - n + 1):
            run = telling[start : start + n]
            if "".join(words[i][0] for i in run) == letters:
                return list(range(run[0], run[-1] + 1))
    return []


def title_score(index: PlanIndex, query: str, title: str) -> float:
    """How surely a (normalised) title a return holds is a (normalised) title of the plan, 0–100.

    The share of each title's telling words found in the other, weighted by how rare each
    word is in the plan: retyped titles, typos, abbreviations and acronyms score high; titles
    that only share the plan's common words ('awareness week', 'project') score low.
    """
    if query == title or query.replace(" ", "") == title.replace(" ", ""):
        return 100.0
    q, t = query.split(), title.split()
    if not q or not t:
        return 0.0
    wq, wt = _word_weights(index, q), _word_weights(index, t)
    if not any(wq):
        wq = [1.0] * len(q)  # a title of little words only: each counts
    if not any(wt):
        wt = [1.0] * len(t)
    cq = _covered(q, t)
    ct = _covered(t, q)
    of_query = sum(w * c for w, c in zip(wq, cq, strict=True)) / sum(wq)
    of_title = sum(w * c for w, c in zip(wt, ct, strict=True)) / sum(wt)
    # What the partner wrote matters most: a shortened title is still the action.
    if _all_found(wq, cq) or _all_found(wt, ct):
        # Every word of one title is in the other: a title shortened or added to
        # ('Mobile CCTV', 'Crucial Crew event'), scored by how much was left out or added.
        score = CONTAINED_FLOOR + (1 - CONTAINED_FLOOR) * min(of_query, of_title)
    else:
        score = 0.6 * of_query + 0.4 * of_title
    # A telling word on each side that the other lacks is a different thing, not a retyping:
    # 'Fire station open day' is not 'Police station open day'.
    if _has_unmatched(wq, cq) and _has_unmatched(wt, ct):
        score *= SUBSTITUTION_FACTOR
    return round(100.0 * score, 1)


SUBSTITUTION_FACTOR = 0.8
CONTAINED_FLOOR = 0.8


def _all_found(weights: Sequence[float], credits: Sequence[float]) -> bool:
    return all(c == 1.0 for w, c in zip(weights, credits, strict=True) if w > 0)


def _has_unmatched(weights: Sequence[float], credits: Sequence[float]) -> bool:
    return any(w > 0.5 and c == 0.0 for w, c in zip(weights, credits, strict=True))


def _title_score(index: PlanIndex, title: str, action_id: int) -> float:
    return title_score(index, normalise_title(title), index.titles[action_id])


def _label(action: PlanAction) -> str:
    return f"{action.reference} {action.title}".strip()


def evaluate(index: PlanIndex, row: PreviewRow, *, file_agency: str = "") -> None:
    """Decide the row's outcome and message from its match and values (again after any fix)."""
    action = index.actions.get(row.action_id) if row.action_id is not None else None
    row.has_existing = bool(action and action.existing)
    if action is None:
        row.outcome = Outcome.UNMATCHED
        row.selected = False
        weak = [c for c in row.candidates if c.score >= MATCH_WEAK]
        if weak:
            best = weak[0]
            row.outcome = Outcome.WARNING
            ambiguous = len(weak) > 1 and weak[0].score - weak[1].score < MATCH_MARGIN
            row.message = (
                f"'{row.title}' could be {best.label} ({best.score:.0f}%)"
                + (f" or {weak[1].label} ({weak[1].score:.0f}%)" if ambiguous else "")
                + ": choose the action to apply it"
            )
        else:
            what = f"reference '{row.reference}'" if row.reference else ""
            what += (" or " if what else "") + (
                f"a title like '{_short(row.title)}'" if row.title else ""
            )
            row.message = f"No action of the plan has {what}"
        return
    if row.problems:
        row.outcome = Outcome.ERROR
        row.selected = False
        row.message = "; ".join(row.problems)
        return
    if row.rag is None and not row.rag_text:
        if row.narrative:
            row.outcome = Outcome.ERROR
            row.selected = False
            row.message = "A progress update but no RAG: set it (R, A, G or B)"
        else:
            row.outcome = Outcome.UNCHANGED
            row.selected = False
            row.message = "Left blank in the return: nothing to import"
        return
    existing = action.existing
    if index.signed_off or (existing is not None and existing.locked):
        row.outcome = Outcome.ERROR
        row.selected = False
        row.message = f"{index.quarter.label} is signed off: its updates are locked"
        return
    if row.rag is None:
        _evaluate_unread_rag(row, existing)
        return
    if existing is not None and (
        existing.rag == row.rag
        and existing.narrative.strip() == row.narrative.strip()
        and (not row.reported_by or existing.reported_by == row.reported_by)
    ):
        row.outcome = Outcome.UNCHANGED
        row.selected = False
        row.message = f"Same as the update already held for {index.quarter.label}"
        return
    if existing is not None and not row.overwrite:
        row.outcome = Outcome.UNCHANGED
        row.selected = False
        row.message = (
            f"Keep the existing update ({existing.rag.label}): the return's row is not applied"
        )
        return
    match_how = row.match_how
    warnings: list[str] = []
    note = ""  # at most one of: a close title match, the officer's own choice
    if match_how == "title" and row.match_score is not None and row.match_score < 100:
        if row.match_score < MATCH_CLOSE:
            warnings.append(
                f"matched by title at {row.match_score:.0f}%: check it is the right action"
            )
        else:
            note = f"matched by title ({row.match_score:.0f}%)"
    elif match_how == "officer":
        note = "match chosen by you"
    if row.supporting:
        warnings.append(f"from a supporting agency's sheet (lead: {', '.join(action.leads)})")
    elif (
        file_agency
        and action.leads
        and match_how != "template"
        and match_how != "officer"
        and file_agency.upper() not in {x.upper() for x in action.leads}
    ):
        warnings.append(
            f"{file_agency} does not lead this action (lead: {', '.join(action.leads)})"
        )
    change = _CHANGES[(existing.rag if existing is not None else None, row.rag)]
    if warnings or row.notes or note:
        row.message = "; ".join([change, *warnings, *row.notes, *([note] if note else [])])
    else:
        row.message = change
    if warnings:
        row.outcome = Outcome.WARNING
        row.selected = match_how == "officer"
    else:
        row.outcome = Outcome.UPDATE
        row.selected = existing is None or row.overwrite


def _evaluate_unread_rag(row: PreviewRow, existing: ExistingUpdate | None) -> None:
    """A RAG written but not read: the officer sets it, or imports the progress update alone."""
    why = row.rag_rule or f"RAG “{row.rag_text}” is not Red, Amber, Green or Blue"
    row.selected = False
    if existing is None:
        row.outcome = Outcome.ERROR
        row.message = f"{why}: set the RAG (R, A, G or B) to import this row"
    elif existing.narrative.strip() == row.narrative.strip() or not row.narrative:
        row.outcome = Outcome.UNCHANGED
        row.message = f"{why}; the progress update is the one already held"
    elif not row.overwrite:
        row.outcome = Outcome.UNCHANGED
        row.message = (
            f"Keep the existing update ({existing.rag.label}): the return's row is not applied"
        )
    else:
        row.outcome = Outcome.WARNING
        row.message = (
            f"{why}: set the RAG (R, A, G or B), or tick the row to import its progress update "
            f"with the RAG left {existing.rag.label}"
        )


# What an applicable row does, by (RAG held, RAG returned): the start of every row's message.
_CHANGES: dict[tuple[RAG | None, RAG], str] = {
    (old, new): (
        f"New update: {new.label}"
        if old is None
        else f"RAG change {old.label} → {new.label}"
        if old is not new
        else f"RAG stays {new.label}; progress update replaced"
    )
    for old in (None, *RAG)
    for new in RAG
}


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


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
    return [Candidate(a.id, _label(a), 0.0) for a in preview.index.actions.values()]


# ---------------------------------------------------------------- applying


@dataclass
class AgencyReturn:
    abbreviation: str
    name: str
    email: str
    lead_actions: int
    updated_actions: int
    returned: bool
    files: list[str] = field(default_factory=list)


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    kept: int = 0
    batches: int = 0
    status: list[AgencyReturn] = field(default_factory=list)
    # Rows not applied because their update changed after the preview: who changed what.
    conflicts: list[str] = field(default_factory=list)
    # Every row read but not applied, and why ('book.xlsx, sheet Q2 row 7 (1.2): …').
    skipped: list[str] = field(default_factory=list)
    import_id: int | None = None  # the first file's batch: what Undo names
    action_ids: list[int] = field(default_factory=list)  # the actions whose updates were written

    def lines(self) -> list[str]:
        out = [
            f"{self.created} new update(s), {self.updated} replaced, {self.kept} kept as they were, "
            f"from {self.batches} file(s)"
        ]
        if self.conflicts:
            out[0] += (
                f"; {len(self.conflicts)} not applied because the update changed after the "
                "preview (see below)"
            )
        returned = [a.abbreviation for a in self.status if a.returned]
        missing = [a.abbreviation for a in self.status if not a.returned]
        out.append(f"Returned: {', '.join(returned) or 'none'}")
        out.append(f"Not returned: {', '.join(missing) or 'none'}")
        out.extend(f"Not applied: {c}" for c in self.conflicts)
        return out


def skipped_rows(preview: ImportPreview) -> list[str]:
    """Each row that Apply leaves out, with why: the officer's list of what did not go in."""
    out = []
    for r in preview.rows:
        if r.selected:
            continue
        name = r.reference or _short(r.title) or "no reference or title"
        why = r.message or _OUTCOME_WORDS[r.outcome]
        if r.applicable and r.outcome in (Outcome.UPDATE, Outcome.WARNING):
            why = f"not ticked ({why})"
        out.append(f"{r.file}, sheet {r.sheet} row {r.row} ({name}): {why}")
    return out


_OUTCOME_WORDS = {
    Outcome.UPDATE: "not ticked",
    Outcome.UNCHANGED: "nothing to change",
    Outcome.WARNING: "to check",
    Outcome.ERROR: "cannot be applied",
    Outcome.UNMATCHED: "not matched to an action",
}


def apply_import(db: Database, preview: ImportPreview) -> ApplyResult:
    """Write the ticked rows in one transaction; nothing is written if any row cannot apply.

    A row whose update changed after the preview (typed in another window, another import)
    is not written: it is listed in the result's conflicts with who changed it and when,
    and the other rows apply.
    """
    try:
        return _apply_import(db, preview)
    except StaleDataError:
        raise UserError(
            "Another change to these updates was saved while the returns were being applied. "
            "Nothing was written; read the returns again to see it."
        ) from None
    except DatabaseError as exc:
        if isinstance(exc.__cause__, IntegrityError) and "UNIQUE" in str(exc.__cause__):
            raise UserError(
                "Another import or edit saved an update for the same action and quarter while "
                "these returns were being applied. Nothing was written; read the returns again "
                "to see it."
            ) from None
        raise


def _expected_version(preview: ImportPreview, action_id: int) -> int:
    action = preview.index.actions.get(action_id)
    if action is None or action.existing is None:
        return ABSENT
    return action.existing.version


def _apply_import(db: Database, preview: ImportPreview) -> ApplyResult:
    started = time.perf_counter()
    quarter = preview.quarter
    chosen = [r for r in preview.rows if r.selected]
    for r in chosen:
        if not r.applicable:
            raise UserError(
                f"{r.file}, sheet {r.sheet}, row {r.row} cannot be applied ({r.message}). "
                "Untick it or fix it; nothing was written."
            )
    seen: dict[int, PreviewRow] = {}
    for r in chosen:
        assert r.action_id is not None
        if r.action_id in seen:
            other = seen[r.action_id]
            raise UserError(
                f"Two ticked rows update the same action ({r.file} row {r.row} and {other.file} "
                f"row {other.row}): untick one; nothing was written."
            )
        seen[r.action_id] = r
    result = ApplyResult(skipped=skipped_rows(preview))
    backup_before_change(db.path, "import")
    with db.session(reason=f"returns imported for {quarter.label}") as s:
        if (
            s.scalar(select(QuarterSignoff.id).where(QuarterSignoff.quarter == quarter.code))
            is not None
        ):
            raise UserError(
                f"{quarter.label} is signed off: its updates are locked. Nothing was written."
            )
        partners = {p.abbreviation.upper(): p for p in s.scalars(select(Partner))}
        existing = {
            u.action_id: u
            for u in s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.quarter == quarter.code, QuarterUpdate.action_id.in_(list(seen))
                )
            )
        }
        written: list[tuple[ImportBatch, int, str | None, QuarterUpdate]] = []
        for file_index, fp in enumerate(preview.files):
            rows = [r for r in chosen if r.file_index == file_index]
            partner = partners.get(fp.agency.upper()) if fp.agency else None
            if fp.remember_mapping and partner is not None and fp.sheets:
                partner.import_mapping = json.dumps(_mapping_to_remember(fp), sort_keys=True)
            if fp.status != "ok":
                continue
            # Every file read is recorded, even with nothing to apply: the agency has returned.
            batch = ImportBatch(
                file_name=fp.name[:500],
                content_hash=fp.content_hash,
                quarter=quarter.code,
                partner_id=partner.id if partner else None,
                kind="return",
                imported_by=db.user,
            )
            s.add(batch)
            s.flush()
            if result.import_id is None:
                result.import_id = batch.id
            batch.applied_with = result.import_id
            applied = 0
            for r in rows:
                assert r.action_id is not None
                if s.get(Action, r.action_id) is None:
                    raise UserError(
                        f"The action for {fp.name} row {r.row} was deleted since the preview; nothing was written."
                    )
                update = existing.get(r.action_id)
                expected = _expected_version(preview, r.action_id)
                if versions.version_of(update) != expected:
                    result.conflicts.append(
                        _conflict_line(s, quarter, fp.name, r, update, expected)
                    )
                    continue
                if update is not None and update.locked:
                    raise UserError(
                        f"The {quarter.label} update of {r.reference or r.title} is locked; nothing was written."
                    )
                if update is not None and not r.overwrite:
                    result.kept += 1
                    continue
                if update is None and r.rag is None:
                    raise UserError(
                        f"{fp.name} row {r.row} has no RAG that could be read and the action has "
                        f"no update for {quarter.label} to keep one from; nothing was written."
                    )
                before = None if update is None else import_undo.snapshot(update)
                if update is None:
                    update = QuarterUpdate(action_id=r.action_id, quarter=quarter.code)
                    s.add(update)
                    existing[r.action_id] = update
                    result.created += 1
                else:
                    result.updated += 1
                if r.rag is not None:  # else the RAG held stays: the return's was not readable
                    update.rag = r.rag.value
                update.narrative = r.narrative
                update.reported_by = r.reported_by[:200]
                update.reported_on = r.reported_on
                update.rag_illustrative = False
                update.source = "import"
                update.import_batch_id = batch.id
                update.source_sheet = r.sheet[:200]
                update.source_row = r.row
                update.edited_by = ""
                update.edited_at = None
                written.append((batch, r.action_id, before, update))
                applied += 1
            batch.rows_applied = applied
            result.batches += 1
        # What each update was and became, with the version the import left: Undo needs them.
        s.flush()
        for batch, action_id, before, update in written:
            s.add(
                ImportChange(
                    batch_id=batch.id,
                    action_id=action_id,
                    quarter=quarter.code,
                    before=before,
                    after=import_undo.snapshot(update),
                    version_after=update.version,
                    version_undone=0,
                )
            )
            result.action_ids.append(action_id)
    result.status = return_status(db, preview.plan_id, quarter)
    activity.import_applied(
        result.created, result.updated, result.kept, result.batches, time.perf_counter() - started
    )
    return result


def _conflict_line(
    s: Session,
    quarter: Quarter,
    file_name: str,
    r: PreviewRow,
    update: QuarterUpdate | None,
    expected: int,
) -> str:
    """One skipped row, in words: which row, and the change that came after the preview."""
    entity_id = update.id if update is not None else None
    if entity_id is None:
        entity_id = s.scalar(
            select(AuditEntry.entity_id)
            .where(
                AuditEntry.entity == "quarter_update",
                AuditEntry.action_id == r.action_id,
                AuditEntry.operation == "delete",
                AuditEntry.old_value == quarter.code,
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
    changes = (
        versions.changes_since(s, "quarter_update", entity_id, expected)
        if entity_id is not None
        else ()
    )
    name = r.reference or _short(r.title)
    where = f"{file_name}, sheet {r.sheet} row {r.row} ({name})"
    if not changes:
        return f"{where}: the update was changed after the preview"
    return f"{where}: the update was " + versions.describe_change(changes[-1])


def _mapping_to_remember(fp: FilePreview) -> dict[str, str]:
    merged: dict[str, str] = {}
    for sheet in fp.sheets:
        if sheet.header_row is None:
            continue
        merged.update(
            remembered_mapping(ColumnMap(sheet.header_row, sheet.headers, sheet.meanings))
        )
    return merged


def return_status(db: Database, plan_id: int, quarter: Quarter) -> list[AgencyReturn]:
    """Per lead agency: has its return for the quarter come back? (The chase list is the 'no's.)"""
    with db.session(audit=False) as s:
        leads = s.execute(
            select(Partner, ActionPartner.action_id)
            .join(ActionPartner, ActionPartner.partner_id == Partner.id)
            .join(Action, Action.id == ActionPartner.action_id)
            .join(Objective, Action.objective_id == Objective.id)
            .join(KeyPriority, Objective.priority_id == KeyPriority.id)
            .where(
                KeyPriority.plan_id == plan_id,
                ActionPartner.role == "lead",
                Action.status == "active",
            )
        ).all()
        imported = {
            u.action_id
            for u in s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.quarter == quarter.code, QuarterUpdate.source == "import"
                )
            )
        }
        batches: dict[int, list[str]] = {}
        for b in s.scalars(select(ImportBatch).where(ImportBatch.quarter == quarter.code)):
            if b.partner_id is not None:
                batches.setdefault(b.partner_id, []).append(b.file_name)
        per: dict[int, AgencyReturn] = {}
        for partner, action_id in leads:
            entry = per.setdefault(
                partner.id,
                AgencyReturn(
                    partner.abbreviation,
                    partner.name,
                    partner.contact_email,
                    0,
                    0,
                    False,
                    batches.get(partner.id, []),
                ),
            )
            entry.lead_actions += 1
            if action_id in imported:
                entry.updated_actions += 1
        for entry in per.values():
            # A file from the agency counts; so does a combined return that covered all its actions.
            entry.returned = bool(entry.files) or entry.updated_actions == entry.lead_actions
    return sorted(per.values(), key=lambda a: (a.returned, a.abbreviation.lower()))


# ---------------------------------------------------------------- a row that is a new action


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
    from scp_desktop.services.editing import create_action
    from scp_desktop.services.workspace import ActionFields

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
