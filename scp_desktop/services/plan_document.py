"""Load a whole partnership (partners, frameworks, plan, indicators, meetings) from a plan document.

The demo plan in `resources/demo` is such a document; `scp-desktop init --plan FILE.json`
reads one the same way. Everything is validated first and written in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scp_desktop.domain.deadlines import parse_deadline
from scp_desktop.domain.money import parse_pounds
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import parse_rag
from scp_desktop.paths import resources_dir
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Acronym,
    Action,
    ActionFrameworkItem,
    ActionOutput,
    ActionPartner,
    AgendaItem,
    Framework,
    FrameworkItem,
    FundingLine,
    FundingStream,
    Indicator,
    IndicatorValue,
    KeyPriority,
    Meeting,
    Objective,
    Partner,
    Partnership,
    Plan,
    QuarterUpdate,
)

FORMAT = "scp-plan/1"
DEMO_FILE_NAME = "scp_2022-23.json"


def demo_file() -> Path:
    """The bundled demo plan (also inside a PyInstaller bundle)."""
    return resources_dir() / "demo" / DEMO_FILE_NAME


@dataclass
class LoadSummary:
    partners: int = 0
    priorities: int = 0
    other_sections: int = 0
    objectives: int = 0
    actions: int = 0
    updates: int = 0
    indicators: int = 0
    meetings: int = 0
    plan_year: str = ""
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"Plan {self.plan_year}: {self.priorities} key priorities"
            + (f" (+{self.other_sections} other section)" if self.other_sections else "")
            + f", {self.objectives} objectives, {self.actions} actions, "
            f"{self.updates} quarterly updates",
            f"{self.partners} partner agencies, {self.indicators} indicators, "
            f"{self.meetings} meeting(s)",
        ]


class _Reader:
    """Walks the document, naming the place of every problem ("plan.priorities[2]...")."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def text(self, obj: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str | int | float):
            self.errors.append(f"{where}.{key}: expected text, found {type(value).__name__}")
            return ""
        text = str(value).strip()
        if required and not text:
            self.errors.append(f"{where}.{key}: required but blank")
        return text

    def items(self, obj: dict[str, Any], key: str, where: str) -> list[Any]:
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.errors.append(f"{where}.{key}: expected a list")
            return []
        return value

    def decimal(self, value: Any, where: str) -> str | None:
        if value is None or value == "":
            return None
        try:
            return str(Decimal(str(value).replace(",", "").strip()))
        except InvalidOperation:
            self.errors.append(f"{where}: '{value}' is not a number")
            return None


def _uk_date(text: str) -> dt.date | None:
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def read_document(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}") from exc
    if len(raw) > 50 * 1024 * 1024:
        raise UserError(f"{path.name} is too large to be a plan document ({len(raw) // 2**20} MB).")
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UserError(f"{path.name} is not UTF-8 text (byte {exc.start}).") from exc
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{path.name} is not a valid plan document: line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UserError(f"{path.name} is not a plan document (format '{FORMAT}' expected).")
    return doc


def load_document(db: Database, doc: dict[str, Any], *, is_demo: bool = False) -> LoadSummary:
    """Validate the whole document, then write it in one transaction; nothing is written on error."""
    with db.session(reason="plan document loaded") as session:
        summary = _load(session, doc, is_demo=is_demo)
    return summary


def _load(session: Session, doc: dict[str, Any], *, is_demo: bool) -> LoadSummary:
    r = _Reader()
    summary = LoadSummary()
    _load_partnership(session, r, doc, is_demo)
    partners = _load_partners(session, r, doc, summary)
    framework_items = _load_frameworks(session, r, doc)
    _load_acronyms(session, r, doc)
    _load_funding_streams(session, r, doc)
    priorities_by_number: dict[int, KeyPriority] = {}
    plan_doc = doc.get("plan")
    if isinstance(plan_doc, dict):
        priorities_by_number = _load_plan(session, r, plan_doc, partners, framework_items, summary)
    for i, item in enumerate(r.items(doc, "indicators", "document")):
        where = f"indicators[{i}]"
        indicator = _indicator(r, item, where, partners, priorities_by_number)
        session.add(indicator)
        summary.indicators += 1
    for i, item in enumerate(r.items(doc, "meetings", "document")):
        meeting = _meeting(r, item, f"meetings[{i}]")
        if meeting is not None:
            session.add(meeting)
            summary.meetings += 1
    _refuse_on_errors(r.errors)
    return summary


def _refuse_on_errors(errors: list[str]) -> None:
    """Every problem found, the first twenty listed, in one message."""
    if errors:
        shown = "\n".join(f"- {e}" for e in errors[:20])
        more = f"\n… and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise UserError(
            f"The plan document has {len(errors)} problem(s); nothing was loaded:\n{shown}{more}"
        )


def _load_partnership(session: Session, r: _Reader, doc: dict[str, Any], is_demo: bool) -> None:
    p = doc.get("partnership") or {}
    existing = session.scalars(select(Partnership)).first()
    if existing is None:
        session.add(
            Partnership(
                name=r.text(p, "name", "partnership", required=True),
                abbreviation=r.text(p, "abbreviation", "partnership"),
                area=r.text(p, "area", "partnership"),
                prepared_by=r.text(p, "prepared_by", "partnership"),
                is_demo=is_demo,
            )
        )


def _load_partners(
    session: Session, r: _Reader, doc: dict[str, Any], summary: LoadSummary
) -> dict[str, Partner]:
    """The partners already there and those added, by upper-case abbreviation."""
    partners: dict[str, Partner] = {
        partner.abbreviation.upper(): partner for partner in session.scalars(select(Partner))
    }
    for i, item in enumerate(r.items(doc, "partners", "document")):
        where = f"partners[{i}]"
        abbr = r.text(item, "abbreviation", where, required=True)
        if not abbr or abbr.upper() in partners:
            continue
        partner = Partner(
            abbreviation=abbr,
            name=r.text(item, "name", where, required=True),
            statutory=bool(item.get("statutory", False)),
            contact_name=r.text(item, "contact", where),
            contact_email=r.text(item, "email", where),
        )
        session.add(partner)
        partners[abbr.upper()] = partner
        summary.partners += 1
    return partners


def _load_frameworks(
    session: Session, r: _Reader, doc: dict[str, Any]
) -> dict[tuple[str, str], FrameworkItem]:
    """Every framework item, by upper-case framework code and item code."""
    framework_items: dict[tuple[str, str], FrameworkItem] = {}
    for fw in session.scalars(select(Framework)):
        for fi in fw.items:
            framework_items[(fw.code.upper(), fi.code.upper())] = fi
    for i, item in enumerate(r.items(doc, "frameworks", "document")):
        where = f"frameworks[{i}]"
        code = r.text(item, "code", where, required=True)
        if any(key[0] == code.upper() for key in framework_items):
            continue
        fw = Framework(code=code, name=r.text(item, "name", where, required=True))
        for j, sub in enumerate(r.items(item, "items", where)):
            fi = FrameworkItem(
                code=r.text(sub, "code", f"{where}.items[{j}]", required=True),
                title=r.text(sub, "title", f"{where}.items[{j}]", required=True),
                position=j,
            )
            fw.items.append(fi)
            framework_items[(code.upper(), fi.code.upper())] = fi
        session.add(fw)
    return framework_items


def _load_acronyms(session: Session, r: _Reader, doc: dict[str, Any]) -> None:
    known_acronyms = set(session.scalars(select(Acronym.abbreviation)))
    for i, item in enumerate(r.items(doc, "acronyms", "document")):
        abbr = r.text(item, "abbreviation", f"acronyms[{i}]", required=True)
        if abbr and abbr not in known_acronyms:
            session.add(
                Acronym(
                    abbreviation=abbr,
                    meaning=r.text(item, "meaning", f"acronyms[{i}]", required=True),
                )
            )
            known_acronyms.add(abbr)


def _load_funding_streams(session: Session, r: _Reader, doc: dict[str, Any]) -> None:
    for i, item in enumerate(r.items(doc, "funding_streams", "document")):
        where = f"funding_streams[{i}]"
        try:
            pence = parse_pounds(r.text(item, "amount", where, required=True))
        except ValueError as exc:
            r.errors.append(f"{where}.amount: {exc}")
            continue
        session.add(
            FundingStream(
                source=r.text(item, "source", where, required=True),
                amount_pence=pence,
                year=r.text(item, "year", where),
                funds=r.text(item, "funds", where),
            )
        )


def _load_plan(
    session: Session,
    r: _Reader,
    plan_doc: dict[str, Any],
    partners: dict[str, Partner],
    framework_items: dict[tuple[str, str], FrameworkItem],
    summary: LoadSummary,
) -> dict[int, KeyPriority]:
    """The plan with its priorities, objectives and actions; its priorities by number."""
    year_text = r.text(plan_doc, "year", "plan", required=True)
    try:
        year = FinancialYear.parse(year_text).label
    except ValueError as exc:
        r.errors.append(f"plan.year: {exc}")
        year = year_text
    if session.scalars(select(Plan).where(Plan.year == year)).first() is not None:
        raise UserError(f"There is already a plan for {year}; nothing was loaded.")
    summary.plan_year = year
    plan = Plan(
        year=year,
        title=r.text(plan_doc, "title", "plan") or f"Annual Partnership Plan {year}",
        status=r.text(plan_doc, "status", "plan") or "draft",
    )
    session.add(plan)
    priorities_by_number: dict[int, KeyPriority] = {}
    for pi, pd in enumerate(r.items(plan_doc, "priorities", "plan")):
        pwhere = f"plan.priorities[{pi}]"
        priority = _priority(r, pd, pwhere, pi)
        plan.priorities.append(priority)
        priorities_by_number[priority.number] = priority
        if priority.kind == "key":
            summary.priorities += 1
        else:
            summary.other_sections += 1
        for oi, od in enumerate(r.items(pd, "objectives", pwhere)):
            owhere = f"{pwhere}.objectives[{oi}]"
            objective = Objective(title=r.text(od, "title", owhere, required=True), position=oi)
            priority.objectives.append(objective)
            summary.objectives += 1
            for ai, ad in enumerate(r.items(od, "actions", owhere)):
                action = _action(
                    r, ad, f"{owhere}.actions[{ai}]", ai, partners, framework_items, summary
                )
                if action is not None:
                    objective.actions.append(action)
                    summary.actions += 1
    return priorities_by_number


def _priority(r: _Reader, pd: dict[str, Any], pwhere: str, index: int) -> KeyPriority:
    """A priority (or other section) without its objectives; its number is its place
    when not given as a whole number."""
    number = pd.get("number", index + 1)
    if not isinstance(number, int):
        r.errors.append(f"{pwhere}.number: expected a whole number")
        number = index + 1
    kind = r.text(pd, "kind", pwhere) or "key"
    if kind not in {"key", "other"}:
        r.errors.append(f"{pwhere}.kind: '{kind}' is not 'key' or 'other'")
        kind = "key"
    return KeyPriority(
        number=number,
        kind=kind,
        title=r.text(pd, "title", pwhere, required=True),
        commitments="\n".join(str(c).strip() for c in r.items(pd, "commitments", pwhere)),
        evidence=r.text(pd, "evidence", pwhere),
    )


def _meeting(r: _Reader, item: dict[str, Any], where: str) -> Meeting | None:
    """A meeting with its agenda; None when its date is missing or not a date."""
    try:
        day = _uk_date(r.text(item, "date", where, required=True))
    except ValueError:
        r.errors.append(f"{where}.date: '{item.get('date')}' is not a date (dd/mm/yyyy)")
        return None
    if day is None:
        return None
    meeting = Meeting(
        body=r.text(item, "body", where, required=True),
        date=day,
        venue=r.text(item, "venue", where),
    )
    for j, ai in enumerate(r.items(item, "items", where)):
        kind = r.text(ai, "kind", f"{where}.items[{j}]") or "item"
        number = r.text(ai, "number", f"{where}.items[{j}]")
        meeting.items.append(
            AgendaItem(
                position=j,
                # A number that is just the item's place is kept as "by place", so it
                # follows the item when the agenda is reordered.
                number="" if number == str(j + 1) else number,
                title=r.text(ai, "title", f"{where}.items[{j}]", required=True),
                kind=kind if kind in {"item", "report", "minutes", "attachment"} else "item",
                report_kind=r.text(ai, "report_kind", f"{where}.items[{j}]"),
                report_quarter=r.text(ai, "report_quarter", f"{where}.items[{j}]"),
            )
        )
    return meeting


def _action(
    r: _Reader,
    ad: dict[str, Any],
    where: str,
    position: int,
    partners: dict[str, Partner],
    framework_items: dict[tuple[str, str], FrameworkItem],
    summary: LoadSummary,
) -> Action | None:
    deadline = parse_deadline(r.text(ad, "deadline", where))
    action = Action(
        reference=r.text(ad, "ref", where),
        title=r.text(ad, "title", where, required=True),
        about=r.text(ad, "about", where),
        outcome=r.text(ad, "outcome", where),
        target_area=r.text(ad, "target_area", where),
        deadline_kind=deadline.kind.value,
        deadline_date=deadline.day,
        deadline_text=deadline.text,
        status=r.text(ad, "status", where) or "active",
        position=position,
    )
    for k, text in enumerate(r.items(ad, "outputs", where)):
        action.outputs.append(ActionOutput(text=str(text), position=k))
    for k, fl in enumerate(r.items(ad, "funding", where)):
        amount = r.text(fl, "amount", f"{where}.funding[{k}]")
        try:
            pence = parse_pounds(amount) if amount else None
        except ValueError as exc:
            r.errors.append(f"{where}.funding[{k}].amount: {exc}")
            pence = None
        action.funding.append(
            FundingLine(
                source=r.text(fl, "source", f"{where}.funding[{k}]", required=True),
                amount_pence=pence,
                note=r.text(fl, "note", f"{where}.funding[{k}]"),
                position=k,
            )
        )
    seen: set[str] = set()
    for role in ("lead", "support"):
        for k, abbr in enumerate(r.items(ad, role, where)):
            key = str(abbr).strip().upper()
            if key in seen:
                continue
            partner = partners.get(key)
            if partner is None:
                r.errors.append(f"{where}.{role}[{k}]: no partner with abbreviation '{abbr}'")
                continue
            seen.add(key)
            action.partners.append(ActionPartner(partner=partner, role=role, position=k))
    if not any(ap.role == "lead" for ap in action.partners):
        r.errors.append(f"{where}: '{action.title}' has no lead agency")
    for fw_code, key in (("PFCC", "pfcc"), ("ECPS", "ecps")):
        for code in r.items(ad, key, where):
            item = framework_items.get((fw_code, str(code).strip().upper()))
            if item is None:
                r.errors.append(f"{where}.{key}: unknown {fw_code} item '{code}'")
                continue
            action.framework_items.append(ActionFrameworkItem(item=item))
    _updates(r, ad, where, action, summary)
    return action


def _updates(
    r: _Reader, ad: dict[str, Any], where: str, action: Action, summary: LoadSummary
) -> None:
    """The action's quarterly updates, at most one a quarter."""
    quarters: set[str] = set()
    for k, ud in enumerate(r.items(ad, "updates", where)):
        uwhere = f"{where}.updates[{k}]"
        try:
            quarter = Quarter.parse(r.text(ud, "quarter", uwhere, required=True)).code
        except ValueError as exc:
            r.errors.append(f"{uwhere}.quarter: {exc}")
            continue
        rag = parse_rag(ud.get("rag"))
        if rag is None:
            r.errors.append(f"{uwhere}.rag: '{ud.get('rag')}' is not Red, Amber, Green or Blue")
            continue
        if quarter in quarters:
            r.errors.append(f"{uwhere}: a second update for {quarter}")
            continue
        quarters.add(quarter)
        try:
            reported_on = _uk_date(r.text(ud, "date", uwhere))
        except ValueError:
            r.errors.append(f"{uwhere}.date: '{ud.get('date')}' is not a date (dd/mm/yyyy)")
            reported_on = None
        action.updates.append(
            QuarterUpdate(
                quarter=quarter,
                rag=rag.value,
                narrative=r.text(ud, "narrative", uwhere),
                reported_by=r.text(ud, "reported_by", uwhere),
                reported_on=reported_on,
                rag_illustrative=bool(ud.get("rag_illustrative", False)),
                source="demo" if ud.get("rag_illustrative") else "typed",
            )
        )
        summary.updates += 1


def _indicator(
    r: _Reader,
    item: dict[str, Any],
    where: str,
    partners: dict[str, Partner],
    priorities: dict[int, KeyPriority],
) -> Indicator:
    source = partners.get(r.text(item, "source", where).upper())
    priority_number = item.get("priority")
    priority = priorities.get(priority_number) if isinstance(priority_number, int) else None
    target = item.get("target") or {}
    tolerance = item.get("tolerance") or {}
    baseline = item.get("baseline") or {}
    indicator = Indicator(
        name=r.text(item, "name", where, required=True),
        description=r.text(item, "description", where),
        unit=r.text(item, "unit", where) or "count",
        polarity=r.text(item, "polarity", where) or "neither",
        frequency=r.text(item, "frequency", where) or "quarterly",
        rollup=r.text(item, "rollup", where) or "sum",
        source_partner=source,
        priority=priority,
        baseline_value=r.decimal(baseline.get("value"), f"{where}.baseline.value") or "",
        baseline_period=str(baseline.get("period", "") or ""),
        target_kind=str(target.get("kind", "none") or "none"),
        target_value=r.decimal(target.get("value"), f"{where}.target.value") or "",
        tolerance_kind=str(tolerance.get("kind", "none") or "none"),
        tolerance_value=r.decimal(tolerance.get("value"), f"{where}.tolerance.value") or "",
        definition_notes=r.text(item, "definition_notes", where),
        trend_rule=bool(item.get("trend_rule", False)),
        numerator_label=r.text(item, "numerator_label", where),
        denominator_label=r.text(item, "denominator_label", where),
    )
    _profile_and_choices(r, where, indicator, target)
    _indicator_values(r, item, where, indicator)
    return indicator


def _profile_and_choices(
    r: _Reader, where: str, indicator: Indicator, target: dict[str, Any]
) -> None:
    """The target's profile by quarter, and a check of the unit and polarity named."""
    profile = target.get("profile") or {}
    if isinstance(profile, dict) and profile:
        clean = {str(q): r.decimal(v, f"{where}.target.profile.{q}") for q, v in profile.items()}
        indicator.target_profile = json.dumps({q: v for q, v in clean.items() if v is not None})
    if indicator.unit not in {"count", "percent", "rate_per_1000", "gbp"}:
        r.errors.append(
            f"{where}.unit: '{indicator.unit}' is not count, percent, rate_per_1000 or gbp"
        )
    if indicator.polarity not in {"higher_better", "lower_better", "neither"}:
        r.errors.append(
            f"{where}.polarity: '{indicator.polarity}' is not higher_better, lower_better or neither"
        )


def _indicator_values(r: _Reader, item: dict[str, Any], where: str, indicator: Indicator) -> None:
    """The indicator's values, one per period."""
    periods: set[str] = set()
    for k, vd in enumerate(r.items(item, "values", where)):
        vwhere = f"{where}.values[{k}]"
        period = r.text(vd, "period", vwhere, required=True)
        if period in periods:
            r.errors.append(f"{vwhere}: a second value for {period}")
            continue
        periods.add(period)
        indicator.values.append(
            IndicatorValue(
                period=period,
                value=r.decimal(vd.get("value"), f"{vwhere}.value"),
                comparator=r.decimal(vd.get("comparator"), f"{vwhere}.comparator"),
                comparator_label=r.text(vd, "comparator_label", vwhere),
                previous_year=r.decimal(vd.get("previous_year"), f"{vwhere}.previous_year"),
                note=r.text(vd, "note", vwhere),
                provisional=bool(vd.get("provisional", False)),
                data_lag=bool(vd.get("data_lag", False)),
                baseline_missing=bool(vd.get("baseline_missing", False)),
                numerator=r.decimal(vd.get("numerator"), f"{vwhere}.numerator"),
                denominator=r.decimal(vd.get("denominator"), f"{vwhere}.denominator"),
            )
        )
