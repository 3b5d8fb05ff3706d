"""A new plan from the spreadsheet officers already keep: a preview first, then one transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scp_desktop.domain.deadlines import DeadlineKind, parse_deadline
from scp_desktop.domain.frameworks import column_heading
from scp_desktop.domain.money import parse_pounds
from scp_desktop.domain.periods import FinancialYear
from scp_desktop.excel.columns import Meaning, normalise_header, same_heading
from scp_desktop.excel.grid import read_grid
from scp_desktop.excel.plan_columns import PlanColumns, plan_identity
from scp_desktop.excel.plan_workbook import PlanLine, PlanRead, read_plan_rows, read_plan_sheet
from scp_desktop.excel.safety import SpreadsheetRejected
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_agencies import (
    KNOWN,
    MAX_ABBREVIATION,
    NEW,
    SIMILAR,
    AgencyChoice,
    AgencyDirectory,
    KnownAgency,
    propose,
)
from scp_desktop.services.plan_document import LoadSummary
from scp_desktop.storage.backups import backup_before_change
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Action,
    ActionFrameworkItem,
    ActionOutput,
    ActionPartner,
    Framework,
    FrameworkItem,
    FundingLine,
    KeyPriority,
    Objective,
    Partner,
    Partnership,
    Plan,
)

Progress = Callable[[int, int, str], None]  # lines done, lines in all, the line being written

CANCELLED = "Creating the plan was cancelled; nothing was written."
# The section a plan kept as a flat list (no key priorities) goes under, until the officer names it.
DEFAULT_SECTION = "Partnership plan actions"
_PLACEHOLDER_PARTNERSHIP = "Community Safety Partnership"


class YearNotKnown(UserError):
    """The plan's financial year is in neither the spreadsheet nor what the officer gave."""


@dataclass
class PlanPreview:
    path: Path
    year: str
    sheet: str
    lines: list[PlanLine]
    problems: list[str] = field(default_factory=list)  # rows skipped, codes not understood
    unknown_agencies: list[str] = field(default_factory=list)  # as written; to be created
    priorities: int = 0
    objectives: int = 0
    year_from: str = ""  # where the year was read: 'banner row 1', "the sheet's name"…
    partnership: str = ""  # the partnership the plan is stored under (the officer confirms it)
    partnership_from: str = ""
    read_partnership: str = ""  # what the spreadsheet itself names
    existing_partnership: str = ""  # the partnership this database file already holds
    prepared_by: str = ""  # '' keeps the file's own
    section_title: str = DEFAULT_SECTION  # for rows with no key priority above them
    columns: PlanColumns | None = None
    agencies: list[AgencyChoice] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list, repr=False)
    known: list[KnownAgency] = field(default_factory=list, repr=False)
    banners: list[tuple[int, str]] = field(default_factory=list)
    without_priority: int = 0  # actions put under `section_title`
    without_objective: int = 0
    # The headings that name the partnership's own frameworks (see framework_headings).
    framework_headings: list[str] = field(default_factory=list, repr=False)
    # The workbook's key to its cross-references: (framework, code, title), for new frameworks.
    key: list[tuple[str, str, str]] = field(default_factory=list, repr=False)

    def lines_text(self) -> list[str]:
        out = [
            f"{self.path.name}, sheet {self.sheet}: plan {self.year or '(year not known)'} with "
            f"{self.priorities} priorities, {self.objectives} objectives, {len(self.lines)} actions"
        ]
        out.append(
            f"Partnership: {self.partnership or '(not known)'}"
            + (f" (read from {self.partnership_from})" if self.partnership_from else "")
        )
        if self.year:
            out.append(
                f"Financial year: {self.year}"
                + (f" (read from {self.year_from})" if self.year_from else "")
            )
        out += self._columns_text()
        if self.without_priority:
            out.append(self.section_note())
        out += self._agencies_text()
        out += [f"note: {p}" for p in self.problems]
        return out

    def _columns_text(self) -> list[str]:
        """The columns kept as notes and those left out, when there are any."""
        if self.columns is None:
            return []
        out = []
        ignored = [c.name for c in self.columns.of(Meaning.IGNORE)]
        kept = [c.name for c in self.columns.of(Meaning.NOTES)]
        cited = [c.name for c in self.columns.of(Meaning.FRAMEWORK)]
        if cited:
            out.append("Cross-references to the framework each heading names: " + ", ".join(cited))
        if kept:
            out.append("Kept as notes on each action: " + ", ".join(kept))
        if ignored:
            out.append("Not used (left out): " + ", ".join(ignored))
        return out

    def _agencies_text(self) -> list[str]:
        """The agencies to be created, and those matched only by a similar name."""
        out = []
        new = {(a.abbreviation, a.name): a for a in self.agencies if a.is_new}
        if new:
            out.append(
                "Agencies not yet known (will be created): "
                + ", ".join(f"{abbreviation} – {name}" for abbreviation, name in new)
            )
        similar = [a for a in self.agencies if a.status == SIMILAR]
        if similar:
            out.append(
                "Matched by a similar name (check): "
                + ", ".join(f"'{a.text}' as {a.abbreviation}" for a in similar)
            )
        return out

    def section_note(self) -> str:
        title = self.section_title.strip() or DEFAULT_SECTION
        return (
            f"{self.without_priority} action(s) have no key priority above them: they go under "
            f"one section, '{title}'"
        )


def _known_agencies(s: Session) -> list[KnownAgency]:
    return [KnownAgency(p.abbreviation, p.name) for p in s.scalars(select(Partner))]


def _agency_lookup(s: Session) -> dict[str, Partner]:
    found: dict[str, Partner] = {}
    for p in s.scalars(select(Partner)):
        found[p.abbreviation.upper()] = p
        found.setdefault(p.name.upper(), p)
    return found


def _financial_year(text: str) -> str:
    try:
        return FinancialYear.parse(text).label
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def preview_plan_spreadsheet(
    db: Database,
    path: Path,
    *,
    year: str | None = None,
    partnership: str | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PlanPreview:
    """Read the spreadsheet and say what the plan would be; nothing is written. `cancelled`
    stops the read."""
    with db.session(audit=False) as s:
        headings = framework_headings(s)
    try:
        read = read_plan_sheet(read_grid(path, cancelled=cancelled), frameworks=headings)
    except SpreadsheetRejected as exc:
        raise UserError(str(exc)) from exc
    identity = plan_identity(read.banners, read.sheet, path.stem)
    label, year_from = "", ""
    if year:
        label, year_from = _financial_year(year), "what you gave"
    elif identity.year:
        label, year_from = _financial_year(identity.year), identity.year_from
    with db.session(audit=False) as s:
        known = _known_agencies(s)
        existing = s.scalars(select(Partnership)).first()
        existing_name = existing.name if existing is not None else ""
    preview = PlanPreview(
        path,
        label,
        read.sheet,
        [],
        year_from=year_from,
        read_partnership=identity.partnership,
        existing_partnership=existing_name,
        rows=read.rows,
        known=known,
        banners=read.banners,
        framework_headings=read.framework_headings,
        key=read.key,
    )
    if partnership:
        preview.partnership, preview.partnership_from = partnership.strip(), "what you gave"
    elif existing_name and existing_name != _PLACEHOLDER_PARTNERSHIP:
        preview.partnership, preview.partnership_from = existing_name, "this plan file"
    else:
        preview.partnership = identity.partnership
        preview.partnership_from = identity.partnership_from
    _interpret(preview, read)
    return preview


def remap_plan_preview(preview: PlanPreview, choices: Mapping[int, Meaning]) -> PlanPreview:
    """The same sheet read again with the officer's column meanings (column index → meaning);
    what the officer has confirmed (year, partnership, section, agencies) is kept."""
    read = read_plan_rows(preview.sheet, preview.rows, choices, preview.framework_headings)
    if read is None:
        raise UserError(
            "One column must hold the project / initiative title: choose it in the Columns list."
        )
    again = replace(preview, lines=[], problems=[], unknown_agencies=[])
    _interpret(again, read)
    return again


def set_agency(preview: PlanPreview, text: str, abbreviation: str, name: str) -> AgencyChoice:
    """The officer's abbreviation and full name for an agency as the spreadsheet writes it; an
    abbreviation already known means that agency."""
    abbreviation, name = abbreviation.strip(), re.sub(r"\s+", " ", name).strip()
    choice = next((a for a in preview.agencies if a.text == text), None)
    if choice is None:
        raise UserError(f"'{text}' is not an agency of this spreadsheet.")
    if not abbreviation:
        raise UserError(f"'{text}' needs an abbreviation (e.g. {choice.abbreviation}).")
    if len(abbreviation) > MAX_ABBREVIATION:
        raise UserError(
            f"The abbreviation '{abbreviation}' is longer than {MAX_ABBREVIATION} characters."
        )
    if len(name) > 200:
        raise UserError(f"The full name of '{text}' is longer than 200 characters.")
    known = AgencyDirectory(preview.known).by_abbreviation(abbreviation)
    if known is not None:
        choice.abbreviation, choice.name = known.abbreviation, known.name
        choice.status, choice.how = KNOWN, "chosen"
    else:
        choice.abbreviation, choice.name = abbreviation, name or abbreviation
        choice.status, choice.how = NEW, "chosen"
    preview.unknown_agencies = [a.text for a in preview.agencies if a.is_new]
    return choice


def _interpret(preview: PlanPreview, read: PlanRead) -> None:
    preview.sheet = read.sheet
    preview.columns = read.columns
    preview.lines = read.lines
    preview.problems = list(read.problems)
    if not read.lines:
        raise UserError(
            f"{preview.path.name} has a plan header but no projects / initiatives under it."
        )
    directory = AgencyDirectory(preview.known)
    order, uses = _agency_uses(read.lines, directory)
    for line in read.lines:
        if not line.lead:
            preview.problems.append(
                f"{line.sheet} row {line.row}: '{line.title}' has no lead agency"
            )
    chosen = {a.text: a for a in preview.agencies if a.how == "chosen"}
    taken = {_abbreviation_key(k.abbreviation) for k in preview.known}
    decided = _decide_agencies(order, uses, chosen, directory, taken)
    choices = {name: decided[name] for name in order}
    preview.agencies = list(choices.values())
    preview.unknown_agencies = [a.text for a in preview.agencies if a.is_new]
    sections = {(x.priority_number, x.priority_title) for x in read.lines}
    preview.priorities = len(sections)
    preview.objectives = len({(x.priority_title, x.objective) for x in read.lines})
    preview.without_priority = sum(1 for x in read.lines if not x.priority_title)
    preview.without_objective = sum(1 for x in read.lines if not x.objective)
    if preview.without_objective:
        preview.problems.append(
            f"{preview.without_objective} action(s) have no objective: each goes under an "
            "objective named like its key priority"
        )
    if _other_partnership(preview):
        preview.problems.append(
            f"The spreadsheet names {preview.read_partnership}; this plan file is "
            f"{preview.existing_partnership}'s"
        )


def _other_partnership(preview: PlanPreview) -> bool:
    """True when the spreadsheet names a partnership other than the one the file holds."""
    return bool(
        preview.read_partnership
        and preview.existing_partnership
        and preview.read_partnership != preview.existing_partnership
        and preview.existing_partnership != _PLACEHOLDER_PARTNERSHIP
    )


def _agency_uses(
    lines: list[PlanLine], directory: AgencyDirectory
) -> tuple[list[str], dict[str, int]]:
    """Each line's lead and supporting agencies split into names; the distinct names in the
    order the sheet first gives them, and how many times each is named."""
    order: list[str] = []
    uses: dict[str, int] = {}
    for line in lines:
        line.lead = directory.split(line.lead_text)
        line.support = directory.split(line.support_text)
        for name in line.lead + line.support:
            if name not in uses:
                order.append(name)
            uses[name] = uses.get(name, 0) + 1
    return order, uses


def _decide_agencies(
    order: list[str],
    uses: dict[str, int],
    chosen: dict[str, AgencyChoice],
    directory: AgencyDirectory,
    taken: set[str],
) -> dict[str, AgencyChoice]:
    """The agency each name means: the officer's choice, a known agency, a new agency
    already proposed under the same abbreviation, or a new one proposed."""
    decided: dict[str, AgencyChoice] = {}
    new_by_abbreviation: dict[str, AgencyChoice] = {}
    # Full names first, so 'TDC' further up the sheet is found to be 'Tendring District
    # Council' proposed as TDC, rather than an agency of its own.
    for name in sorted(order, key=lambda n: " " not in n.strip()):
        choice = chosen.get(name)
        if choice is None:
            same = new_by_abbreviation.get(_abbreviation_key(name))
            if same is not None and directory.find(name) is None:
                choice = AgencyChoice(
                    name, same.abbreviation, same.name, NEW, f"same as '{same.text}'"
                )
            else:
                choice = _choice(directory, name, taken)
        if choice.is_new:
            key = _abbreviation_key(choice.abbreviation)
            taken.add(key)
            new_by_abbreviation.setdefault(key, choice)
        choice.uses = uses[name]
        decided[name] = choice
    return decided


def _partners_by_text(s: Session, preview: PlanPreview, summary: LoadSummary) -> dict[str, Partner]:
    """The partner each agency name of the sheet means, those not yet known created."""
    agencies = _agency_lookup(s)
    by_text: dict[str, Partner] = {}
    for choice in preview.agencies:
        key = choice.abbreviation.upper()
        partner = agencies.get(key)
        if partner is None:
            partner = Partner(abbreviation=choice.abbreviation, name=choice.name)
            s.add(partner)
            agencies[key] = partner
            summary.partners += 1
        by_text[choice.text] = partner
    return by_text


def _link_partners(action: Action, line: PlanLine, by_text: dict[str, Partner]) -> None:
    """Lead agencies, then supporting ones; an agency named twice is linked once."""
    seen: set[int] = set()
    for role, names in (("lead", line.lead), ("support", line.support)):
        for k, name in enumerate(names):
            partner = by_text[name]
            if id(partner) in seen:
                continue
            seen.add(id(partner))
            action.partners.append(ActionPartner(partner=partner, role=role, position=k))


class _Sections:
    """The plan's priorities and objectives, made as the sheet's lines first name them."""

    def __init__(self, plan: Plan, section_title: str, summary: LoadSummary) -> None:
        self.plan = plan
        self.section_title = section_title  # for lines with no key priority above them
        self.summary = summary
        self.priorities: dict[tuple[int | None, str], KeyPriority] = {}
        self.objectives: dict[tuple[int, str], Objective] = {}
        self.used_numbers: set[int] = set()

    def place(self, line: PlanLine) -> tuple[KeyPriority, Objective]:
        """The priority and objective a line's action goes under."""
        priority = self._priority(line)
        objective_title = line.objective or priority.title
        okey = (id(priority), objective_title)
        objective = self.objectives.get(okey)
        if objective is None:
            objective = Objective(title=objective_title, position=len(priority.objectives))
            priority.objectives.append(objective)
            self.objectives[okey] = objective
            self.summary.objectives += 1
        return priority, objective

    def _priority(self, line: PlanLine) -> KeyPriority:
        # A number missing or used twice in the sheet becomes the next free one.
        priority_title = line.priority_title or self.section_title
        pkey = (line.priority_number, priority_title)
        priority = self.priorities.get(pkey)
        if priority is not None:
            return priority
        number = line.priority_number
        if number is None or number in self.used_numbers:
            number = max(self.used_numbers, default=0) + 1
        self.used_numbers.add(number)
        priority = KeyPriority(number=number, kind=line.priority_kind, title=priority_title)
        self.plan.priorities.append(priority)
        self.priorities[pkey] = priority
        if line.priority_kind == "key":
            self.summary.priorities += 1
        else:
            self.summary.other_sections += 1
        return priority


def _abbreviation_key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "", text).upper()


def _choice(directory: AgencyDirectory, name: str, taken: set[str]) -> AgencyChoice:
    found = directory.find(name)
    if found is not None:
        agency, status, how = found
        return AgencyChoice(name, agency.abbreviation, agency.name, status, how)
    abbreviation, full = propose(name, taken)
    return AgencyChoice(name, abbreviation, full, NEW, "proposed")


def load_plan_spreadsheet(
    db: Database,
    preview: PlanPreview,
    *,
    create_agencies: bool = True,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> LoadSummary:
    """Write the previewed plan in one transaction; agencies not yet known are created if allowed.

    `progress` hears of each action line written; `cancelled` is asked between lines, and a
    cancel raises UserError inside the transaction, so the plan is written whole or not at all.
    """
    if not preview.year:
        raise YearNotKnown(
            f"The plan's financial year cannot be read from {preview.path.name} (not in its "
            f"banner rows, its sheet's name '{preview.sheet}' or its file name): give it "
            "(e.g. 2024-25)."
        )
    new_agencies = [a for a in preview.agencies if a.is_new]
    if new_agencies and not create_agencies:
        raise UserError(
            "These agencies are not known: "
            + ", ".join(a.text for a in new_agencies)
            + ". Nothing was loaded."
        )
    summary = LoadSummary(plan_year=preview.year, warnings=list(preview.problems))
    if preview.without_priority:
        summary.warnings.insert(0, preview.section_note())
    section_title = preview.section_title.strip() or DEFAULT_SECTION
    backup_before_change(db.path, "plan-from-spreadsheet")
    with db.session(reason=f"plan loaded from {preview.path.name}") as s:
        if s.scalar(select(Plan.id).where(Plan.year == preview.year)) is not None:
            raise UserError(f"There is already a plan for {preview.year}; nothing was loaded.")
        _partnership(s, preview)
        by_text = _partners_by_text(s, preview, summary)
        frameworks = _Frameworks(s, preview.columns, preview.key)
        plan = Plan(
            year=preview.year, title=f"Annual Partnership Plan {preview.year}", status="draft"
        )
        s.add(plan)
        sections = _Sections(plan, section_title, summary)
        total = len(preview.lines)
        for done, line in enumerate(preview.lines):
            _check_cancelled(cancelled)
            if progress is not None:
                progress(done, total, _line_label(line))
            priority, objective = sections.place(line)
            action = _action(line, priority, objective, summary)
            _link_partners(action, line, by_text)
            frameworks.link(action, line)
            objective.actions.append(action)
            summary.actions += 1
        # A cancel during the last line still leaves nothing: the commit has not happened yet.
        _check_cancelled(cancelled)
        if progress is not None:
            progress(total, total, "")
        summary.warnings += frameworks.warnings()
    return summary


def _partnership(s: Session, preview: PlanPreview) -> None:
    """The partnership the plan belongs to: named as the officer confirmed it."""
    found = s.scalars(select(Partnership)).first()
    name = preview.partnership.strip()[:200]
    if found is None:
        s.add(
            Partnership(
                name=name or _PLACEHOLDER_PARTNERSHIP, prepared_by=preview.prepared_by[:200]
            )
        )
        return
    if name and found.name != name:
        found.name = name
    if preview.prepared_by.strip():
        found.prepared_by = preview.prepared_by.strip()[:200]


_STATUS_WORDS = (
    ("complete", r"^(complete|completed|done|finished|achieved|closed|delivered|blue)\b"),
    (
        "dropped",
        r"^(dropped|cancell?ed|withdrawn|stopped|ceased|abandoned|not (being )?progressed)\b",
    ),
    (
        "active",
        r"^(active|ongoing|on going|in progress|live|open|started|not (yet )?started|planned"
        r"|new|on track|under ?way|continuing|current)\b",
    ),
)


def action_status(text: str) -> str | None:
    """'active', 'complete' or 'dropped' for a plan's status wording; None when not understood."""
    low = text.strip().lower()
    if not low:
        return "active"
    for status, pattern in _STATUS_WORDS:
        if re.match(pattern, low):
            return status
    return None


_POUNDS = re.compile(r"£\s*\d[\d,]*(?:\.\d+)?\s*[km]?\b", re.IGNORECASE)


def funding_lines(text: str) -> list[tuple[str, int | None]]:
    """(source, pence) per line or ';'-separated part: 'PFCC grant £5,000' → ('PFCC grant', 500000)."""
    found: list[tuple[str, int | None]] = []
    for part in re.split(r"[;\n]+", text):
        part = part.strip()
        if not part:
            continue
        try:
            found.append(("", parse_pounds(part)))
            continue
        except ValueError:
            pass
        m = _POUNDS.search(part)
        amount = None
        if m is not None:
            try:
                amount = parse_pounds(m.group(0))
                part = (part[: m.start()] + " " + part[m.end() :]).strip(" -–:,()")
                part = re.sub(r"\s+", " ", part)
            except ValueError:
                amount = None
        found.append((part, amount))
    return found


_PLAIN_NOTES = ("notes", "note", "comments", "comment", "remarks")


def _action(
    line: PlanLine, priority: KeyPriority, objective: Objective, summary: LoadSummary
) -> Action:
    # A column headed "Notes" reads as it is; any other kept column is named before its text.
    notes = [
        text if normalise_header(column) in _PLAIN_NOTES else f"{column}: {text}"
        for column, text in line.notes
    ]

    def fitted(label: str, text: str, limit: int) -> str:
        # What does not fit the column is kept whole in the notes, never cut silently.
        if len(text) <= limit:
            return text
        notes.append(f"{label} (in full): {text}")
        summary.warnings.append(
            f"{line.sheet} row {line.row}: the {label.lower()} is longer than {limit} characters; "
            "kept whole in the action's notes"
        )
        return text[: limit - 1] + "…"

    deadline = parse_deadline(line.by_when)
    if deadline.kind is DeadlineKind.UNKNOWN and deadline.text:
        # Kept as written ("31/02/2023", "end of term"), never dropped, and said: it is never
        # overdue until the officer gives it a date the form can read.
        summary.warnings.append(
            f"{line.sheet} row {line.row}, By when: '{deadline.text}' is not a date or month "
            "SCP Desktop can read; kept as written (correct it in the action's form)"
        )
    status = action_status(line.status)
    if status is None:
        summary.warnings.append(
            f"{line.sheet} row {line.row}: status '{line.status}' not understood; the action is "
            "active and the status is kept in its notes"
        )
    if line.status and (status is None or line.status.strip().lower() != status):
        notes.append(f"Status: {line.status}")
    position = len(objective.actions)
    action = Action(
        reference=fitted("Reference", line.reference, 30)
        or f"{priority.number}.{len(priority.objectives)}.{position + 1}",
        title=line.title,
        about=line.about,
        target_area=fitted("Target area", line.target_area, 300),
        deadline_kind=deadline.kind.value,
        deadline_date=deadline.day,
        deadline_text=fitted("By when", deadline.text, 100),
        status=status or "active",
        position=position,
    )
    for k, text in enumerate(line.outcomes):
        action.outputs.append(ActionOutput(text=text, position=k))
    for k, (source, amount) in enumerate(funding_lines(line.funding)):
        action.funding.append(
            FundingLine(source=fitted("Funding", source, 300), amount_pence=amount, position=k)
        )
    action.notes = "\n".join(notes)
    return action


class _Frameworks:
    """Cross-references (PFCC priorities, ECPS strands) linked to the items the file knows; for a
    framework the file does not have yet, its items are created as the spreadsheet names them."""

    def __init__(
        self, s: Session, columns: PlanColumns | None, key: list[tuple[str, str, str]]
    ) -> None:
        self.s = s
        self.key = key
        self.items = _framework_items(s)
        self.frameworks = {fw.code.upper(): fw for fw in s.scalars(select(Framework))}
        self.headers = {
            "PFCC": (
                columns.of(Meaning.PFCC)[0].name if columns and columns.has(Meaning.PFCC) else ""
            ),
            "ECPS": (
                columns.of(Meaning.ECPS)[0].name if columns and columns.has(Meaning.ECPS) else ""
            ),
        }
        self.created: dict[str, Framework] = {}
        self.unknown: dict[str, list[str]] = {}

    def link(self, action: Action, line: PlanLine) -> None:
        linked: set[int] = set()
        not_linked: list[str] = []
        cited = [("PFCC", line.pfcc), ("ECPS", line.ecps)]
        cited += [(self._named(heading), codes) for heading, codes in line.cross_references]
        for fw, codes in cited:
            for code in codes:
                item = self.items.get((fw, code.upper())) or self._new_item(fw, code)
                if item is None:
                    seen = self.unknown.setdefault(fw, [])
                    if code not in seen:
                        seen.append(code)
                    not_linked.append(f"{self.headers.get(fw) or fw} (not linked): {code}")
                    continue
                if id(item) not in linked:
                    linked.add(id(item))
                    action.framework_items.append(ActionFrameworkItem(item=item))
        if not_linked:
            action.notes = "\n".join(filter(None, [action.notes, *not_linked]))

    def _named(self, heading: str) -> str:
        """The code of the framework a column's heading names; a heading naming none is a
        framework new to the file, its code made of the heading's initials."""
        for key, fw in self.frameworks.items():
            if any(same_heading(heading, h) for h in _headings_of(fw)):
                self.headers.setdefault(key, heading)
                return key
        for key, named in self.headers.items():
            if key not in ("PFCC", "ECPS") and same_heading(heading, named):
                return key  # new to the file, named by an earlier row
        words = re.findall(r"[A-Za-z0-9]+", heading)
        base = ("".join(w[0] for w in words) if len(words) > 1 else "".join(words)).upper()
        base = base[:30] or "FRAMEWORK"
        code, n = base, 2
        while code in self.frameworks or code in self.headers:
            code, n = f"{base[:27]}{n}", n + 1
        self.headers[code] = heading
        return code

    def _new_item(self, fw: str, text: str) -> FrameworkItem | None:
        framework = self.frameworks.get(fw)
        if framework is not None and fw not in self.created:
            return None  # the file's own list of this framework: an unknown code is a mistake
        if framework is None:
            framework = Framework(code=fw, name=(self.headers.get(fw) or fw)[:200])
            self.s.add(framework)
            self.frameworks[fw] = framework
            self.created[fw] = framework
        short = " " not in text.strip() and len(text) <= 30
        code = text if short else "".join(w[0] for w in re.findall(r"[A-Za-z0-9]+", text)).upper()
        code = code[:30] or text[:30]
        taken = {i.code.upper() for i in framework.items}
        base, n = code, 2
        while code.upper() in taken:
            code, n = f"{base[:27]}{n}", n + 1
        item = FrameworkItem(
            code=code, title=self._title(fw, text)[:300], position=len(framework.items)
        )
        framework.items.append(item)
        for key in (code.upper(), text.upper()):
            self.items.setdefault((fw, key), item)
        return item

    def _title(self, fw: str, code: str) -> str:
        """What the workbook's key says the code stands for; else the code as written."""
        heading = self.headers.get(fw, "")
        for name, key_code, title in self.key:
            if title and key_code == code and same_heading(name, heading):
                return title
        return code

    def warnings(self) -> list[str]:
        out = [
            f"{fw} codes not known in this database, so not linked (kept in the action's notes): "
            + ", ".join(codes)
            for fw, codes in self.unknown.items()
        ]
        for fw, framework in self.created.items():
            out.append(
                f"{fw} ({framework.name}) was new to this file: its items were created as the "
                "spreadsheet names them: " + ", ".join(i.title for i in framework.items)
            )
        return out


def _check_cancelled(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise UserError(CANCELLED)


def _line_label(line: PlanLine) -> str:
    title = line.title if len(line.title) <= 60 else line.title[:59] + "…"
    return f"{line.reference} {title}".strip()


def framework_headings(s: Session) -> list[str]:
    """What may head a column of each of the partnership's own frameworks: its name, its code
    and its heading in the plan workbook. PFCC and ECPS are read by the built-in meanings."""
    found: list[str] = []
    for fw in s.scalars(select(Framework).order_by(Framework.id)):
        if fw.code.strip().upper() in ("PFCC", "ECPS"):
            continue
        found += [h for h in _headings_of(fw) if h.strip() and h not in found]
    return found


def _headings_of(fw: Framework) -> tuple[str, str, str]:
    return (fw.name, fw.code, column_heading(fw.code, fw.name))


def _framework_items(s: Session) -> dict[tuple[str, str], FrameworkItem]:
    """Framework items by code, by title and by the title's initials ('Serious Violence' → SV)."""
    found: dict[tuple[str, str], FrameworkItem] = {}
    for fw in s.scalars(select(Framework)):
        code = fw.code.upper()
        for item in fw.items:
            initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", item.title)).upper()
            for key in (item.title.upper(), initials):
                found.setdefault((code, key), item)
        for item in fw.items:
            found[(code, item.code.upper())] = item
    return found
