"""Printed reports: gather a document's data from the database and build it as a PDF.

Each `*_data` function reads in one session and returns plain values (scp_desktop.domain.reports);
`build_report` hands them to the PDF builders, which never see the database.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scp_desktop.domain.deadlines import deadline_from_storage
from scp_desktop.domain.frameworks import column_heading, short_heading, sort_codes
from scp_desktop.domain.indicators import parse_period
from scp_desktop.domain.meetings import item_number
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG, direction_of_travel
from scp_desktop.domain.reports import (
    AcronymEntry,
    ActionFunding,
    ActionLine,
    ActionYear,
    AgendaEntry,
    DocumentInfo,
    FundingRow,
    IndicatorPoint,
    IndicatorStats,
    MeetingPack,
    ObjectiveBlock,
    PackPaper,
    PlanDocument,
    PlanPriority,
    PlanRow,
    PrioritySection,
    QuarterlyReport,
    QuarterStory,
    YearEndReport,
)
from scp_desktop.pdf import build as pdf_build
from scp_desktop.pdf.base import Cancelled, Progress
from scp_desktop.pdf.build import AttachmentError
from scp_desktop.services import activity
from scp_desktop.services import indicators as indicator_rules
from scp_desktop.services.errors import UserError
from scp_desktop.services.profile import profile_in
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Acronym,
    Action,
    ActionFrameworkItem,
    ActionPartner,
    AgendaItem,
    Framework,
    FundingLine,
    FundingStream,
    Indicator,
    KeyPriority,
    Meeting,
    Objective,
    Partner,
    Plan,
    QuarterUpdate,
)

ReportKind = Literal["quarterly", "plan", "year-end", "pack"]
REPORT_KINDS: dict[str, str] = {
    "quarterly": "Quarterly performance report",
    "plan": "Annual Partnership Plan",
    "year-end": "Year-end report",
    "pack": "Meeting pack",
}

__all__ = ["REPORT_KINDS", "Cancelled", "MeetingInfo", "Progress", "build_report"]


@dataclass(frozen=True)
class MeetingInfo:
    id: int
    body: str
    date: dt.date
    venue: str

    @property
    def label(self) -> str:
        return f"{self.body}, {self.date.strftime('%d/%m/%Y')}"


def list_meetings(db: Database) -> list[MeetingInfo]:
    with db.session(audit=False) as s:
        return [
            MeetingInfo(m.id, m.body, m.date, m.venue)
            for m in s.scalars(select(Meeting).order_by(Meeting.date.desc(), Meeting.id))
        ]


def quarters_of_plan(db: Database, plan_id: int) -> list[str]:
    """The plan year's four quarter codes, for choosing a report's quarter."""
    with db.session(audit=False) as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise UserError(f"Plan {plan_id} no longer exists.")
        return [q.code for q in FinancialYear.parse(plan.year).quarters]


def plan_for_quarter(db: Database, quarter: str) -> int:
    """The plan whose financial year holds `quarter` (command line: --quarter picks the plan)."""
    q = _quarter(quarter)
    with db.session(audit=False) as s:
        plan = s.scalars(select(Plan).where(Plan.year == q.year.label)).first()
        if plan is None:
            raise UserError(f"There is no plan for {q.year.label} (the year of {q.label}).")
        return plan.id


def _single_plan(db: Database) -> int | None:
    with db.session(audit=False) as s:
        ids = list(s.scalars(select(Plan.id)))
    return ids[0] if len(ids) == 1 else None


def _only_plan(db: Database) -> int:
    with db.session(audit=False) as s:
        ids = list(s.scalars(select(Plan.id)))
    if len(ids) != 1:
        raise UserError("Choose a quarter (e.g. 2022-23-Q2) or a plan.")
    return ids[0]


# --- gathering ----------------------------------------------------------------------------


def _quarter(code: str) -> Quarter:
    try:
        return Quarter.parse(code)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def _info(s: Session, title: str, subtitle: str, today: dt.date) -> DocumentInfo:
    p = profile_in(s)
    if p is None:
        return DocumentInfo("Community Safety Partnership", "", "", title, subtitle, today)
    return DocumentInfo(
        p.name,
        p.area,
        p.prepared_by,
        title,
        subtitle,
        today,
        contact=p.contact,
        footer=p.footer,
        logo=p.logo,
        rag=p.rag,
        demo=p.is_demo,
    )


def _acronyms(s: Session) -> tuple[AcronymEntry, ...]:
    """The glossary's candidates: the acronym list, and each partner agency's abbreviation
    (lead agencies are printed by abbreviation, so a reader needs them explained too)."""
    found = {
        a.abbreviation: AcronymEntry(a.abbreviation, a.meaning) for a in s.scalars(select(Acronym))
    }
    for abbreviation, name in s.execute(select(Partner.abbreviation, Partner.name)):
        short, full = (abbreviation or "").strip(), (name or "").strip()
        # A short name that is a plain word ("Garrison", "Firstsite") needs no explaining.
        capitals = sum(1 for c in short if c.isupper() or c.isdigit())
        if capitals >= 2 and full and short != full and short not in found:
            found[short] = AcronymEntry(short, full)
    return tuple(sorted(found.values(), key=lambda a: a.abbreviation))


@dataclass(frozen=True)
class _ActionRow:
    """What the reports print of an action, read as columns rather than as ORM objects:
    a plan of hundreds of actions with their partners, codes and funding is thousands of rows,
    and making an ORM object of each costs more than the rest of reading the plan."""

    id: int
    reference: str
    title: str
    about: str
    outcome: str
    deadline_kind: str
    deadline_date: dt.date | None
    deadline_text: str
    status: str
    carried_from_id: int | None
    lead: str
    framework_items: tuple[int, ...]
    funding: tuple[tuple[str, int | None, str], ...]  # source, amount, note


@dataclass(frozen=True)
class _Update:
    rag: str
    rag_illustrative: bool
    narrative: str
    reported_by: str


@dataclass(frozen=True)
class _PlanTree:
    """The plan with its key priorities and objectives, and each objective's actions in order."""

    plan: Plan
    actions: dict[int, list[_ActionRow]]  # objective id → its actions

    def of(self, objective: Objective) -> list[_ActionRow]:
        return self.actions.get(objective.id, [])

    def all_actions(self) -> list[_ActionRow]:
        return [a for kp in self.plan.priorities for o in kp.objectives for a in self.of(o)]


def _load_plan(s: Session, plan_id: int) -> _PlanTree:
    plan = s.get(
        Plan,
        plan_id,
        options=[selectinload(Plan.priorities).selectinload(KeyPriority.objectives)],
    )
    if plan is None:
        raise UserError(f"Plan {plan_id} no longer exists.")
    in_plan = (
        select(Action.id)
        .join(Objective, Action.objective_id == Objective.id)
        .join(KeyPriority, Objective.priority_id == KeyPriority.id)
        .where(KeyPriority.plan_id == plan_id)
    )
    leads: dict[int, list[str]] = {}
    for action_id, abbreviation in s.execute(
        select(ActionPartner.action_id, Partner.abbreviation)
        .join(Partner, ActionPartner.partner_id == Partner.id)
        .where(ActionPartner.action_id.in_(in_plan), ActionPartner.role == "lead")
        .order_by(ActionPartner.action_id, ActionPartner.position, ActionPartner.id)
    ):
        leads.setdefault(action_id, []).append(abbreviation)
    items: dict[int, list[int]] = {}
    for action_id, item_id in s.execute(
        select(ActionFrameworkItem.action_id, ActionFrameworkItem.item_id).where(
            ActionFrameworkItem.action_id.in_(in_plan)
        )
    ):
        items.setdefault(action_id, []).append(item_id)
    funding: dict[int, list[tuple[str, int | None, str]]] = {}
    for action_id, source, amount, note in s.execute(
        select(
            FundingLine.action_id, FundingLine.source, FundingLine.amount_pence, FundingLine.note
        )
        .where(FundingLine.action_id.in_(in_plan))
        .order_by(FundingLine.action_id, FundingLine.position, FundingLine.id)
    ):
        funding.setdefault(action_id, []).append((source, amount, note))
    actions: dict[int, list[_ActionRow]] = {}
    for row in s.execute(
        select(
            Action.objective_id,
            Action.id,
            Action.reference,
            Action.title,
            Action.about,
            Action.outcome,
            Action.deadline_kind,
            Action.deadline_date,
            Action.deadline_text,
            Action.status,
            Action.carried_from_id,
        )
        .where(Action.id.in_(in_plan))
        .order_by(Action.objective_id, Action.position, Action.id)
    ):
        action_id = row.id
        actions.setdefault(row.objective_id, []).append(
            _ActionRow(
                id=action_id,
                reference=row.reference,
                title=row.title,
                about=row.about,
                outcome=row.outcome,
                deadline_kind=row.deadline_kind,
                deadline_date=row.deadline_date,
                deadline_text=row.deadline_text,
                status=row.status,
                carried_from_id=row.carried_from_id,
                lead=", ".join(leads.get(action_id, ())),
                framework_items=tuple(items.get(action_id, ())),
                funding=tuple(funding.get(action_id, ())),
            )
        )
    return _PlanTree(plan, actions)


def _updates(s: Session, plan_id: int, quarters: list[str]) -> dict[tuple[int, str], _Update]:
    rows = s.execute(
        select(
            QuarterUpdate.action_id,
            QuarterUpdate.quarter,
            QuarterUpdate.rag,
            QuarterUpdate.rag_illustrative,
            QuarterUpdate.narrative,
            QuarterUpdate.reported_by,
        )
        .join(Action, QuarterUpdate.action_id == Action.id)
        .join(Objective, Action.objective_id == Objective.id)
        .join(KeyPriority, Objective.priority_id == KeyPriority.id)
        .where(KeyPriority.plan_id == plan_id, QuarterUpdate.quarter.in_(quarters))
    )
    return {
        (action_id, quarter): _Update(rag, bool(illustrative), narrative, reported_by)
        for action_id, quarter, rag, illustrative, narrative, reported_by in rows
    }


def _carried_updates(s: Session, tree: _PlanTree, quarter: Quarter | None) -> dict[int, _Update]:
    """Last year's Q4 updates of the actions rolled over into this plan, by new action id."""
    # Q1's "last quarter" is Q4 of last year's plan: rolled-over actions keep their history on
    # the action they were carried from.
    carried: dict[int, _Update] = {}
    if quarter is None or quarter.number != 1:
        return carried
    sources = {a.carried_from_id: a.id for a in tree.all_actions() if a.carried_from_id is not None}
    if sources:
        for action_id, letter, illustrative, narrative, reported_by in s.execute(
            select(
                QuarterUpdate.action_id,
                QuarterUpdate.rag,
                QuarterUpdate.rag_illustrative,
                QuarterUpdate.narrative,
                QuarterUpdate.reported_by,
            ).where(
                QuarterUpdate.action_id.in_(sources),
                QuarterUpdate.quarter == quarter.previous().code,
            )
        ):
            carried[sources[action_id]] = _Update(
                letter, bool(illustrative), narrative, reported_by
            )
    return carried


@dataclass(frozen=True)
class _ActionUpdates:
    """What an action line is read from: the report's quarter, the updates of the plan year
    and of the quarters asked for, and those carried from last year's plan."""

    quarter: Quarter | None
    updates: dict[tuple[int, str], _Update]
    carried: dict[int, _Update]
    quarters: tuple[Quarter, ...]


def _action_line(a: _ActionRow, read: _ActionUpdates) -> tuple[ActionLine, bool]:
    """An action's line of the report, and whether any RAG on it is illustrative."""
    quarter, updates, carried = read.quarter, read.updates, read.carried
    now = updates.get((a.id, quarter.code)) if quarter else None
    before = updates.get((a.id, quarter.previous().code)) or carried.get(a.id) if quarter else None
    path_updates = [updates.get((a.id, q.code)) for q in read.quarters]
    path = tuple(RAG(u.rag) if u else None for u in path_updates)
    latest_i = max((i for i, u in enumerate(path_updates) if u), default=None)
    latest = path_updates[latest_i] if latest_i is not None else None
    shown = now if quarter is not None else latest
    illustrative = any(u.rag_illustrative for u in path_updates if u) or bool(
        now is not None and now.rag_illustrative
    )
    rag = RAG(now.rag) if now else None
    previous = RAG(before.rag) if before else None
    deadline = deadline_from_storage(a.deadline_kind, a.deadline_date, a.deadline_text)
    line = ActionLine(
        id=a.id,
        reference=a.reference,
        title=a.title,
        about=a.about,
        lead=a.lead,
        deadline=deadline.display,
        deadline_day=deadline.day,
        status=a.status,
        rag=rag,
        previous_rag=previous,
        travel=direction_of_travel(previous, rag),
        narrative=shown.narrative if shown else "",
        reported_by=shown.reported_by if shown else "",
        path=(path[0], path[1], path[2], path[3]),
        latest_quarter=read.quarters[latest_i].label if latest_i is not None else "",
    )
    return line, illustrative


def _sections(
    s: Session, tree: _PlanTree, quarter: Quarter | None, year: FinancialYear
) -> tuple[tuple[PrioritySection, ...], bool]:
    """The plan's sections with each action's RAG this quarter, last quarter and across the year."""
    plan = tree.plan
    quarters = year.quarters
    year_codes = [q.code for q in quarters]
    codes = list(year_codes)
    if quarter is not None:
        codes += [quarter.code, quarter.previous().code]
    updates = _updates(s, plan.id, sorted(set(codes)))
    carried = _carried_updates(s, tree, quarter)
    illustrative = False
    sections = []
    for kp in plan.priorities:
        blocks = []
        for obj in kp.objectives:
            lines = []
            for a in tree.of(obj):
                line, line_illustrative = _action_line(
                    a, _ActionUpdates(quarter, updates, carried, quarters)
                )
                illustrative = illustrative or line_illustrative
                lines.append(line)
            blocks.append(ObjectiveBlock(obj.title, tuple(lines)))
        sections.append(
            PrioritySection(
                kp.number,
                kp.kind,
                kp.title,
                tuple(c.strip() for c in kp.commitments.splitlines() if c.strip()),
                tuple(blocks),
            )
        )
    return tuple(sections), illustrative


def _number(text: str | None) -> float | None:
    if text is None or text == "":
        return None
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def _format_value(text: str | None, unit: str) -> str:
    if text is None or text == "":
        return ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if unit == "gbp":
        return f"£{value:,.2f}".replace(".00", "")
    shown = f"{value:,f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:,}"
    if unit == "percent":
        return f"{shown}%"
    return shown


def _target_text(ind: Indicator) -> str:
    if ind.target_kind in ("", "none") or not ind.target_value:
        return ""
    value = _format_value(ind.target_value, ind.unit)
    labels = {
        "at_least": f"at least {value}",
        "at_most": f"at most {value}",
        "min": f"at least {value}",
        "max": f"at most {value}",
        "change_percent": f"{ind.target_value}% change on previous year",
        "reduce_percent": f"reduce by {ind.target_value}%",
        "increase_percent": f"increase by {ind.target_value}%",
        "value": value,
        "exact": value,
    }
    return labels.get(ind.target_kind, f"{ind.target_kind.replace('_', ' ')} {value}")


def indicator_statistics(s: Session, quarter: Quarter) -> tuple[IndicatorStats, ...]:
    """Every indicator with its values, target and comparator for the quarterly report.

    Status comes from the indicator rules: the one frozen at sign-off for this quarter when
    there is one, else computed from the target and tolerance; the rule is printed with it.
    """
    indicators = s.scalars(
        select(Indicator)
        .options(
            selectinload(Indicator.values),
            selectinload(Indicator.source_partner),
            selectinload(Indicator.priority),
        )
        .order_by(Indicator.id)
    ).all()
    found = []
    for ind in indicators:
        points = tuple(
            IndicatorPoint(
                period=_period_label(v.period),
                value=_number(v.value),
                value_text=_format_value(v.value, ind.unit),
                comparator=_number(v.comparator),
                comparator_text=_format_value(v.comparator, ind.unit),
                previous_year_text=_format_value(v.previous_year, ind.unit),
                note=v.note,
                provisional=v.provisional,
            )
            for v in sorted(ind.values, key=lambda v: v.id)
        )
        labels = {v.comparator_label for v in ind.values if v.comparator_label}
        assessed = indicator_rules.assessment_in_session(s, ind, quarter)
        priority = ""
        if ind.priority is not None:
            priority = (
                "Other work"
                if ind.priority.kind == "other"
                else f"Key priority {ind.priority.number}"
            )
        found.append(
            IndicatorStats(
                name=ind.name,
                description=ind.description,
                unit=ind.unit,
                polarity=ind.polarity,
                source=ind.source_partner.abbreviation if ind.source_partner else "",
                priority=priority,
                target=_target_text(ind),
                comparator_label=", ".join(sorted(labels)) or "Comparator",
                status=assessed.rag,
                status_rule=(f"Rule: {assessed.rule_text}" if assessed.rag else assessed.rule_text),
                points=points,
            )
        )
    return tuple(found)


def _period_label(period: str) -> str:
    """Period codes print as 'Q2 2022-23', 'Jul 2022', 'Year 2022-23'; free text as written."""
    try:
        return parse_period(period).label
    except ValueError:
        return period


def _funding(
    s: Session, tree: _PlanTree
) -> tuple[tuple[FundingRow, ...], tuple[ActionFunding, ...]]:
    streams = tuple(
        FundingRow(f.source, f.year, f.funds, f.amount_pence)
        for f in s.scalars(select(FundingStream).order_by(FundingStream.year, FundingStream.id))
    )
    lines = tuple(
        ActionFunding(a.reference, a.title, source, amount, note)
        for a in tree.all_actions()
        for source, amount, note in a.funding
    )
    return streams, lines


def quarterly_data(
    db: Database, plan_id: int, quarter_code: str, today: dt.date
) -> QuarterlyReport:
    quarter = _quarter(quarter_code)
    with db.session(audit=False) as s:
        tree = _load_plan(s, plan_id)
        plan = tree.plan
        year = FinancialYear.parse(plan.year)
        if quarter.year != year:
            raise UserError(f"{quarter.label} is not a quarter of the {plan.year} plan.")
        sections, illustrative = _sections(s, tree, quarter, year)
        streams, lines = _funding(s, tree)
        return QuarterlyReport(
            info=_info(
                s,
                "Quarterly performance report",
                f"{quarter.label} ({quarter.months})",
                today,
            ),
            plan_title=plan.title,
            quarter_label=quarter.label,
            previous_label=quarter.previous().label,
            quarter_end=quarter.last_day,
            priorities=sections,
            indicators=indicator_statistics(s, quarter),
            streams=streams,
            action_funding=lines,
            acronyms=_acronyms(s),
            illustrative_rags=illustrative,
        )


def plan_data(db: Database, plan_id: int, today: dt.date) -> PlanDocument:
    with db.session(audit=False) as s:
        tree = _load_plan(s, plan_id)
        plan = tree.plan
        year = FinancialYear.parse(plan.year)
        sections, _ = _sections(s, tree, None, year)
        outcomes = _outcomes(s, tree)
        cited = _cited_frameworks(s, tree)
        priorities = tuple(
            PlanPriority(
                sec.heading,
                sec.commitments,
                tuple(
                    PlanRow(
                        objective=block.title,
                        reference=a.reference,
                        title=a.title,
                        about=a.about,
                        outcomes=outcomes.get(a.id, ""),
                        lead=a.lead,
                        deadline=a.deadline,
                        cross_references=cited.codes(a.id),
                    )
                    for block in sec.objectives
                    for a in block.actions
                ),
            )
            for sec in sections
        )
        frameworks = tuple(
            (fw.name, tuple((i.code, i.title) for i in fw.items)) for fw in cited.frameworks
        )
        return PlanDocument(
            info=_info(s, "Annual Partnership Plan", plan.year, today),
            plan_title=plan.title,
            priorities=priorities,
            frameworks=frameworks,
            acronyms=_acronyms(s),
            columns=tuple(
                (column_heading(fw.code, fw.name), short_heading(fw.code, fw.name))
                for fw in cited.frameworks
            ),
        )


@dataclass(frozen=True)
class _CitedFrameworks:
    """The frameworks a plan's actions cite, in the order they were set up, and each
    action's codes under each of them."""

    frameworks: tuple[Framework, ...]
    by_action: dict[int, tuple[str, ...]]

    def codes(self, action_id: int) -> tuple[str, ...]:
        return self.by_action.get(action_id, ("",) * len(self.frameworks))


def _cited_frameworks(s: Session, tree: _PlanTree) -> _CitedFrameworks:
    every = list(
        s.scalars(select(Framework).options(selectinload(Framework.items)).order_by(Framework.id))
    )
    item_of = {item.id: (fw.id, item.code) for fw in every for item in fw.items}
    actions = tree.all_actions()
    cited = {item_of[i][0] for a in actions for i in a.framework_items if i in item_of}
    used = tuple(fw for fw in every if fw.id in cited)
    by_action: dict[int, tuple[str, ...]] = {}
    for a in actions:
        picked = [item_of[i] for i in a.framework_items if i in item_of]
        by_action[a.id] = tuple(
            ", ".join(sort_codes([code for fw_id, code in picked if fw_id == fw.id])) for fw in used
        )
    return _CitedFrameworks(used, by_action)


def _outcomes(s: Session, tree: _PlanTree) -> dict[int, str]:
    """The 'Outcomes' column: the outcome sought, else the latest progress update of the year."""
    plan = tree.plan
    year = FinancialYear.parse(plan.year)
    updates = _updates(s, plan.id, [q.code for q in year.quarters])
    latest: dict[int, tuple[str, str]] = {}
    for (action_id, code), u in updates.items():
        if u.narrative and (action_id not in latest or code > latest[action_id][0]):
            latest[action_id] = (code, u.narrative)
    return {a.id: a.outcome or latest.get(a.id, ("", ""))[1] for a in tree.all_actions()}


def year_end_data(db: Database, plan_id: int, today: dt.date) -> YearEndReport:
    with db.session(audit=False) as s:
        tree = _load_plan(s, plan_id)
        plan = tree.plan
        year = FinancialYear.parse(plan.year)
        sections, illustrative = _sections(s, tree, None, year)
        labels = tuple(q.label for q in year.quarters)
        updates = _updates(s, plan.id, [q.code for q in year.quarters])
        years = tuple(
            ActionYear(
                a.id,
                tuple(
                    QuarterStory(q.label, RAG(u.rag), u.narrative, u.reported_by)
                    for q in year.quarters
                    if (u := updates.get((a.id, q.code))) is not None
                ),
            )
            for a in tree.all_actions()
        )
        streams, lines = _funding(s, tree)
        return YearEndReport(
            info=_info(s, "Year-end performance report", year.label, today),
            year=year.label,
            quarter_labels=(labels[0], labels[1], labels[2], labels[3]),
            priorities=sections,
            acronyms=_acronyms(s),
            indicators=indicator_statistics(s, year.quarters[3]),
            years=years,
            streams=tuple(f for f in streams if f.year == year.label),
            action_funding=lines,
            illustrative_rags=illustrative,
        )


def meeting_pack_data(
    db: Database,
    meeting_id: int,
    plan_id: int | None,
    quarter_code: str,
    today: dt.date,
    *,
    public: bool = False,
) -> MeetingPack:
    """The meeting with each agenda item's papers and generated documents gathered.

    A 'report' item prints the generated document its report_kind names, for its own quarter
    (and that quarter's plan) or else the pack's; with no kind it carries the quarterly report
    and the plan as Appendix A, as the partnership's report to the Crime and Disorder
    Committee does. A public pack leaves out the papers of Part B (exempt) items.
    """
    with db.session(audit=False) as s:
        meeting = s.get(
            Meeting,
            meeting_id,
            options=[selectinload(Meeting.items).selectinload(AgendaItem.attachments)],
        )
        if meeting is None:
            raise UserError(f"There is no meeting {meeting_id}.")
        info = _info(
            s,
            f"{meeting.body} – meeting pack",
            meeting.date.strftime("%A %d %B %Y"),
            today,
        )
        acronyms = _acronyms(s)
        body, date, venue, time = meeting.body, meeting.date, meeting.venue, meeting.time
        # Part A before Part B whatever the stored order: the public part is taken first.
        read: list[_PackItem] = []
        for it in sorted(meeting.items, key=lambda it: (it.part == "B", it.position)):
            withheld = public and it.part == "B"
            papers = tuple(PackPaper(a.title, a.file_name, a.content) for a in it.attachments)
            entry = AgendaEntry(
                item_number(it.number, it.position),
                it.title,
                it.kind,
                papers=() if withheld else papers,
                description=it.description,
                presenter=it.presenter,
                part=it.part,
                exemption=it.exemption,
                withheld=withheld,
            )
            kinds = () if withheld else tuple(_report_kinds(it))
            read.append(
                _PackItem(entry, kinds, it.report_quarter or quarter_code, it.report_quarter)
            )
    entries = []
    for item in read:
        number, title = item.entry.number, item.entry.title
        docs: list[QuarterlyReport | PlanDocument | YearEndReport] = []
        for k in item.kinds:
            q = item.quarter
            if k == "quarterly" and not q:
                # Only a pack that prints a quarterly report needs to know which quarter.
                raise UserError(
                    f"Agenda item {number} '{title}' carries the quarterly report: "
                    "choose its quarter (e.g. 2022-23-Q2)."
                )
            # An item naming its own quarter reports on that quarter's plan.
            own = item.own_quarter or k == "quarterly"
            item_plan = plan_for_quarter(db, q) if own else plan_id
            if item_plan is None:
                raise UserError(
                    f"Agenda item {number} '{title}' carries the {_CARRIED[k]}: choose its "
                    "quarter (e.g. 2022-23-Q2), which says which plan."
                )
            if k == "quarterly":
                docs.append(quarterly_data(db, item_plan, q, today))
            elif k == "plan":
                docs.append(plan_data(db, item_plan, today))
            elif k == "year-end":
                docs.append(year_end_data(db, item_plan, today))
        entries.append(replace(item.entry, documents=tuple(docs)))
    return MeetingPack(info, body, date, venue, tuple(entries), acronyms, time=time, public=public)


@dataclass(frozen=True)
class _PackItem:
    """An agenda item read for the pack, before its generated documents are gathered."""

    entry: AgendaEntry
    kinds: tuple[str, ...]
    quarter: str  # its own quarter, else the pack's
    own_quarter: str


_CARRIED = {"plan": "Annual Partnership Plan", "year-end": "year-end report"}


def _report_kinds(item: AgendaItem) -> list[str]:
    if item.kind != "report":
        return []
    kind = item.report_kind.strip().lower().replace("_", "-")
    if kind in ("", "quarterly+plan"):
        return ["quarterly", "plan"]
    if kind not in ("quarterly", "plan", "year-end"):
        raise UserError(
            f"Agenda item {item_number(item.number, item.position)} '{item.title}' asks for a "
            f"report of kind '{item.report_kind}' (expected quarterly, plan or year-end)."
        )
    return [kind]


# --- building -----------------------------------------------------------------------------


def _plan_report_data(db: Database, kind: str, plan_id: int, quarter: str, day: dt.date) -> object:
    """A quarterly, plan or year-end report's content."""
    if kind == "quarterly":
        return quarterly_data(db, plan_id, quarter, day)
    if kind == "plan":
        return plan_data(db, plan_id, day)
    return year_end_data(db, plan_id, day)


def _pack_data(
    db: Database,
    meeting_id: int | None,
    plan_id: int | None,
    quarter: str,
    day: dt.date,
    *,
    public: bool,
) -> object:
    """A meeting pack's content; the meeting may be left out when there is only one."""
    if meeting_id is None:
        meetings = list_meetings(db)
        if len(meetings) != 1:
            raise UserError("Choose the meeting for the pack (--meeting ID).")
        meeting_id = meetings[0].id
    return meeting_pack_data(db, meeting_id, plan_id, quarter, day, public=public)


def build_report(
    db: Database,
    kind: str,
    out: Path,
    *,
    plan_id: int | None = None,
    quarter: str = "",
    meeting_id: int | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    public: bool = False,
) -> int:
    """Gather and build one document into `out`; returns its page count.

    `progress(fraction, message)` is called as work proceeds; raising `Cancelled` from it stops
    the build and leaves no file behind. `public` (packs) leaves out Part B papers.
    """
    started = time.perf_counter()
    report: Callable[[float, str], None] = progress or (lambda _f, _m: None)
    day = today or dt.date.today()
    if kind not in REPORT_KINDS:
        raise UserError(f"Unknown report '{kind}' (expected {', '.join(REPORT_KINDS)}).")
    pack_plan = plan_id
    if plan_id is None and kind == "pack":
        # A pack needs a plan only for an item printing the plan without naming its quarter.
        pack_plan = plan_for_quarter(db, quarter) if quarter else _single_plan(db)
    if plan_id is None and kind != "pack":
        plan_id = _only_plan(db) if not quarter else plan_for_quarter(db, quarter)
    if kind == "quarterly" and not quarter:
        raise UserError("Choose a quarter (e.g. 2022-23-Q2).")
    report(0.02, "Reading the plan…")
    data: object
    if kind == "pack":
        data = _pack_data(db, meeting_id, pack_plan, quarter, day, public=public)
    else:
        assert plan_id is not None
        data = _plan_report_data(db, kind, plan_id, quarter, day)
    report(0.1, "Laying out pages…")
    try:
        pages = pdf_build.write(data, out, progress=report)
        activity.report_written(kind, pages, out.stat().st_size, time.perf_counter() - started)
        return pages
    except AttachmentError as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"Could not write {out}: {exc.strerror or exc}") from exc
