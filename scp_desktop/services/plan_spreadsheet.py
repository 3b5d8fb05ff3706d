"""A new plan from the spreadsheet officers already keep: a preview first, then one transaction."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scp_desktop.domain.deadlines import parse_deadline
from scp_desktop.domain.periods import FinancialYear
from scp_desktop.excel.grid import read_grid
from scp_desktop.excel.plan_workbook import PlanLine, read_plan_sheet
from scp_desktop.excel.safety import SpreadsheetRejected
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_document import LoadSummary
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Action,
    ActionFrameworkItem,
    ActionOutput,
    ActionPartner,
    Framework,
    FrameworkItem,
    KeyPriority,
    Objective,
    Partner,
    Partnership,
    Plan,
)

Progress = Callable[[int, int, str], None]  # lines done, lines in all, the line being written

CANCELLED = "Creating the plan was cancelled; nothing was written."


@dataclass
class PlanPreview:
    path: Path
    year: str
    sheet: str
    lines: list[PlanLine]
    problems: list[str] = field(default_factory=list)  # rows skipped, codes not understood
    unknown_agencies: list[str] = field(default_factory=list)
    priorities: int = 0
    objectives: int = 0

    def lines_text(self) -> list[str]:
        out = [
            f"{self.path.name}, sheet {self.sheet}: plan {self.year or '(year not known)'} with "
            f"{self.priorities} priorities, {self.objectives} objectives, {len(self.lines)} actions"
        ]
        if self.unknown_agencies:
            out.append(
                "Agencies not yet known (will be created): " + ", ".join(self.unknown_agencies)
            )
        out += [f"note: {p}" for p in self.problems]
        return out


def _agency_lookup(s: Session) -> dict[str, Partner]:
    found: dict[str, Partner] = {}
    for p in s.scalars(select(Partner)):
        found[p.abbreviation.upper()] = p
        found.setdefault(p.name.upper(), p)
    return found


def preview_plan_spreadsheet(
    db: Database,
    path: Path,
    *,
    year: str | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PlanPreview:
    """Read a plan spreadsheet and say what creating the plan would write; `cancelled` stops the read."""
    try:
        read = read_plan_sheet(read_grid(path, cancelled=cancelled))
    except SpreadsheetRejected as exc:
        raise UserError(str(exc)) from exc
    label = ""
    try:
        label = (
            FinancialYear.parse(year).label
            if year
            else (FinancialYear.parse(read.year_hint).label if read.year_hint else "")
        )
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    preview = PlanPreview(path, label, read.sheet, read.lines, list(read.problems))
    if not read.lines:
        raise UserError(f"{path.name} has a plan header but no projects / initiatives under it.")
    with db.session(audit=False) as s:
        known = _agency_lookup(s)
    unknown: list[str] = []
    for line in read.lines:
        for name in line.lead + line.support:
            if name.upper() not in known and name not in unknown:
                unknown.append(name)
        if not line.lead:
            preview.problems.append(
                f"{line.sheet} row {line.row}: '{line.title}' has no lead agency"
            )
    preview.unknown_agencies = unknown
    preview.priorities = len({(x.priority_number, x.priority_title) for x in read.lines})
    preview.objectives = len({(x.priority_title, x.objective) for x in read.lines})
    return preview


def _abbreviation_for(name: str, taken: set[str]) -> str:
    if len(name) <= 20 and " " not in name:
        base = name
    else:
        base = "".join(w[0] for w in re.findall(r"[A-Za-z0-9]+", name)).upper()[:12] or "AGENCY"
    candidate, n = base, 2
    while candidate.upper() in taken:
        candidate = f"{base}{n}"
        n += 1
    return candidate


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
        raise UserError(
            f"The plan's financial year cannot be read from {preview.path.name}: give it (e.g. 2022-23)."
        )
    if preview.unknown_agencies and not create_agencies:
        raise UserError(
            "These agencies are not known: "
            + ", ".join(preview.unknown_agencies)
            + ". Nothing was loaded."
        )
    summary = LoadSummary(plan_year=preview.year, warnings=list(preview.problems))
    with db.session(reason=f"plan loaded from {preview.path.name}") as s:
        if s.scalar(select(Plan.id).where(Plan.year == preview.year)) is not None:
            raise UserError(f"There is already a plan for {preview.year}; nothing was loaded.")
        if s.scalars(select(Partnership)).first() is None:
            s.add(Partnership(name="Community Safety Partnership"))
        agencies = _agency_lookup(s)
        taken = {p.abbreviation.upper() for p in s.scalars(select(Partner))}
        for name in preview.unknown_agencies:
            abbreviation = _abbreviation_for(name, taken)
            partner = Partner(abbreviation=abbreviation, name=name)
            s.add(partner)
            taken.add(abbreviation.upper())
            agencies[name.upper()] = partner
            agencies[abbreviation.upper()] = partner
            summary.partners += 1
        items = _framework_items(s)
        plan = Plan(
            year=preview.year, title=f"Annual Partnership Plan {preview.year}", status="draft"
        )
        s.add(plan)
        priorities: dict[tuple[int | None, str], KeyPriority] = {}
        objectives: dict[tuple[int, str], Objective] = {}
        used_numbers: set[int] = set()
        unknown_codes: dict[str, list[str]] = {}
        total = len(preview.lines)
        for done, line in enumerate(preview.lines):
            _check_cancelled(cancelled)
            if progress is not None:
                progress(done, total, _line_label(line))
            pkey = (line.priority_number, line.priority_title)
            priority = priorities.get(pkey)
            if priority is None:
                number = line.priority_number
                if number is None or number in used_numbers:
                    number = max(used_numbers, default=0) + 1
                used_numbers.add(number)
                priority = KeyPriority(
                    number=number, kind=line.priority_kind, title=line.priority_title
                )
                plan.priorities.append(priority)
                priorities[pkey] = priority
                if line.priority_kind == "key":
                    summary.priorities += 1
                else:
                    summary.other_sections += 1
            okey = (id(priority), line.objective)
            objective = objectives.get(okey)
            if objective is None:
                objective = Objective(title=line.objective, position=len(priority.objectives))
                priority.objectives.append(objective)
                objectives[okey] = objective
                summary.objectives += 1
            deadline = parse_deadline(line.by_when)
            position = len(objective.actions)
            action = Action(
                reference=line.reference[:30]
                or f"{priority.number}.{len(priority.objectives)}.{position + 1}",
                title=line.title,
                about=line.about,
                target_area=line.target_area[:300],
                deadline_kind=deadline.kind.value,
                deadline_date=deadline.day,
                deadline_text=deadline.text[:100],
                position=position,
            )
            for k, text in enumerate(line.outcomes):
                action.outputs.append(ActionOutput(text=text, position=k))
            seen: set[int] = set()
            for role, names in (("lead", line.lead), ("support", line.support)):
                for k, name in enumerate(names):
                    partner = agencies[name.upper()]
                    if id(partner) in seen:
                        continue
                    seen.add(id(partner))
                    action.partners.append(ActionPartner(partner=partner, role=role, position=k))
            linked: set[int] = set()
            for fw, codes in (("PFCC", line.pfcc), ("ECPS", line.ecps)):
                for code in codes:
                    item = items.get((fw, code.upper()))
                    if item is None:
                        codes_seen = unknown_codes.setdefault(fw, [])
                        if code not in codes_seen:
                            codes_seen.append(code)
                        continue
                    if id(item) not in linked:
                        linked.add(id(item))
                        action.framework_items.append(ActionFrameworkItem(item=item))
            objective.actions.append(action)
            summary.actions += 1
        # A cancel during the last line still leaves nothing: the commit has not happened yet.
        _check_cancelled(cancelled)
        if progress is not None:
            progress(total, total, "")
        for fw, codes in unknown_codes.items():
            summary.warnings.append(
                f"{fw} codes not known in this database, so not linked: {', '.join(codes)}"
            )
    return summary


def _check_cancelled(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise UserError(CANCELLED)


def _line_label(line: PlanLine) -> str:
    title = line.title if len(line.title) <= 60 else line.title[:59] + "…"
    return f"{line.reference} {title}".strip()


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
