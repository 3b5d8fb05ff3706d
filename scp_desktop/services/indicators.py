"""Performance indicators: definitions, values, computed and frozen statuses, quarter sign-off.

A plan's indicators are those linked to one of its key priorities plus those linked to none
(partnership-wide statistics such as recorded crime). Statuses are computed from the
definition's rule every time they are read, except in a signed-off quarter, where the status
and the thresholds frozen at sign-off are shown: changing a target later never recolours
the past.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from scp_desktop.domain.indicators import (
    Assessment,
    Frequency,
    IndicatorRule,
    Period,
    PeriodKind,
    Polarity,
    Rollup,
    StatusState,
    TargetKind,
    Thresholds,
    ToleranceKind,
    Unit,
    ValuePoint,
    assess_period,
    assessment_period,
    decimal_text,
    months_of,
    parse_decimal,
    parse_period,
    quarter_period,
    rate_from,
    year_period,
)
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.services import versions
from scp_desktop.services.errors import ConflictError, UserError
from scp_desktop.services.versions import ABSENT
from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.storage.models import (
    Action,
    AuditEntry,
    Indicator,
    IndicatorAction,
    IndicatorStatus,
    IndicatorValue,
    KeyPriority,
    Objective,
    Partner,
    Plan,
    QuarterSignoff,
    QuarterUpdate,
    utcnow,
)

# --- plain data handed to the interface ----------------------------------------------------


@dataclass
class IndicatorDefinition:
    """Everything the definition form edits. Numbers travel as text, exactly as typed."""

    id: int | None = None
    name: str = ""
    description: str = ""
    definition_notes: str = ""
    unit: Unit = Unit.COUNT
    polarity: Polarity = Polarity.NEITHER
    source_partner_id: int | None = None
    frequency: Frequency = Frequency.QUARTERLY
    rollup: Rollup = Rollup.SUM
    priority_id: int | None = None
    baseline_value: str = ""
    baseline_period: str = ""
    target_kind: TargetKind = TargetKind.NONE
    target_value: str = ""
    target_profile: dict[int, str] = field(default_factory=dict)
    tolerance_kind: ToleranceKind = ToleranceKind.NONE
    tolerance_value: str = ""
    trend_rule: bool = False
    numerator_label: str = ""
    denominator_label: str = ""
    action_ids: tuple[int, ...] = ()
    # The version read (None for a new indicator, or a save that does not check).
    version: int | None = None

    def rule(self) -> IndicatorRule:
        """The domain rule; raises UserError naming the field that is not a number."""
        return IndicatorRule(
            polarity=self.polarity,
            unit=self.unit,
            target_kind=self.target_kind,
            target_value=_number(self.target_value, "Target"),
            baseline_value=_number(self.baseline_value, "Baseline value"),
            baseline_period=self.baseline_period.strip(),
            tolerance_kind=self.tolerance_kind,
            tolerance_value=_number(self.tolerance_value, "Tolerance"),
            profile={
                q: v
                for q, text in self.target_profile.items()
                if (v := _number(text, f"Q{q} target")) is not None
            },
            trend_rule=self.trend_rule,
        )


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class DefinitionChoices:
    partners: list[Choice]
    priorities: list[Choice]
    actions: list[Choice]


@dataclass(frozen=True)
class IndicatorSummary:
    id: int
    name: str
    unit: Unit
    polarity: Polarity
    priority_id: int | None
    priority_label: str
    source: str
    assessment: Assessment


@dataclass(frozen=True)
class ValueRow:
    period: str
    label: str
    kind: PeriodKind
    value: str
    comparator: str
    comparator_label: str
    previous_year: str
    note: str
    provisional: bool
    data_lag: bool
    baseline_missing: bool
    numerator: str
    denominator: str
    locked: bool
    stored: bool  # False for an empty row offered for typing
    # Set when the value cell is blank but numerator and denominator give the rate.
    derived_value: str
    # Status of the quarter (or year) this row completes; None for rows that are not judged.
    assessment: Assessment | None
    assessed_label: str = ""
    # The version read (0: nothing stored): an edit says it, refused if it changed since.
    version: int = 0


@dataclass(frozen=True)
class ValuesGrid:
    indicator_id: int
    name: str
    unit: Unit
    polarity: Polarity
    frequency: Frequency
    rollup: Rollup
    rows: list[ValueRow]


EDITABLE_FIELDS = (
    "value",
    "comparator",
    "comparator_label",
    "previous_year",
    "note",
    "provisional",
    "data_lag",
    "baseline_missing",
    "numerator",
    "denominator",
)
_NUMBER_FIELDS = {"value", "comparator", "previous_year", "numerator", "denominator"}
_FLAG_FIELDS = {"provisional", "data_lag", "baseline_missing"}
_FIELD_LABELS = {
    "value": "Value",
    "comparator": "Comparator",
    "comparator_label": "Comparator is",
    "previous_year": "Previous year",
    "note": "Note",
    "provisional": "Provisional",
    "data_lag": "Data lag",
    "baseline_missing": "Baseline missing",
    "numerator": "Numerator",
    "denominator": "Denominator",
}


@dataclass(frozen=True)
class ValueEdit:
    """New text for some fields of one period's value; fields left out are unchanged."""

    period: str
    fields: dict[str, str | bool]
    where: str = ""  # e.g. "row 3" — used in error messages
    # The version of the period's value the editor showed (0: none stored); None: not checked.
    expected_version: int | None = None


@dataclass(frozen=True)
class SignoffInfo:
    quarter: str
    signed_off: bool
    signed_off_at: dt.datetime | None
    signed_off_by: str
    unlocked_at: dt.datetime | None
    unlock_reason: str


@dataclass(frozen=True)
class SignoffResult:
    quarter: str
    statuses_frozen: int
    updates_locked: int
    values_locked: int


@dataclass(frozen=True)
class TileIndicator:
    id: int
    name: str
    assessment: Assessment


@dataclass(frozen=True)
class PriorityTile:
    priority_id: int | None
    number: int | None
    title: str
    counts: dict[RAG, int]
    no_target: int
    no_value: int
    indicators: list[TileIndicator]

    @property
    def total(self) -> int:
        return len(self.indicators)


# --- helpers -------------------------------------------------------------------------------


def _number(text: str, label: str) -> Decimal | None:
    try:
        return parse_decimal(text)
    except ValueError:
        raise UserError(f"{label}: '{text}' is not a number.") from None


def _dec(text: str | None) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return parse_decimal(text)
    except ValueError:
        return None


def _quarter(code: str) -> Quarter:
    try:
        return Quarter.parse(code)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def _rule(ind: Indicator) -> IndicatorRule:
    profile: dict[int, Decimal] = {}
    if ind.target_profile:
        try:
            raw = json.loads(ind.target_profile)
        except ValueError:
            raw = {}
        for key, text in (raw or {}).items():
            value = _dec(str(text))
            if value is not None and str(key) in {"1", "2", "3", "4"}:
                profile[int(key)] = value
    return IndicatorRule(
        polarity=Polarity(ind.polarity),
        unit=Unit(ind.unit),
        target_kind=TargetKind(ind.target_kind),
        target_value=_dec(ind.target_value),
        baseline_value=_dec(ind.baseline_value),
        baseline_period=ind.baseline_period,
        tolerance_kind=ToleranceKind(ind.tolerance_kind),
        tolerance_value=_dec(ind.tolerance_value),
        profile=profile,
        trend_rule=ind.trend_rule,
    )


def _effective(v: IndicatorValue, unit: Unit) -> tuple[Decimal | None, bool]:
    """The value judged: as typed, or for a rate left blank, worked out from its parts."""
    value = _dec(v.value)
    if value is not None:
        return value, False
    derived = rate_from(_dec(v.numerator), _dec(v.denominator), unit)
    return derived, derived is not None


def _points(ind: Indicator) -> dict[str, ValuePoint]:
    unit = Unit(ind.unit)
    points: dict[str, ValuePoint] = {}
    for v in ind.values:
        value, derived = _effective(v, unit)
        points[v.period] = ValuePoint(
            period=v.period,
            value=value,
            previous_year=_dec(v.previous_year),
            provisional=v.provisional,
            data_lag=v.data_lag,
            baseline_missing=v.baseline_missing,
            derived=derived,
        )
    return points


def _signed_off(s: Session, quarter_code: str) -> QuarterSignoff | None:
    row = s.scalars(select(QuarterSignoff).where(QuarterSignoff.quarter == quarter_code)).first()
    if row is None or row.unlocked_at is not None:
        return None
    return row


def signed_off_quarters(s: Session) -> set[str]:
    """Codes of the quarters signed off and not unlocked since."""
    return set(
        s.scalars(select(QuarterSignoff.quarter).where(QuarterSignoff.unlocked_at.is_(None)))
    )


def get_plan(s: Session, plan_id: int) -> Plan:
    plan = s.get(Plan, plan_id)
    if plan is None:
        raise UserError(f"Plan {plan_id} no longer exists.")
    return plan


def plan_indicators(s: Session, plan_id: int) -> list[Indicator]:
    priority_ids = select(KeyPriority.id).where(KeyPriority.plan_id == plan_id)
    return list(
        s.scalars(
            select(Indicator)
            .where(or_(Indicator.priority_id.in_(priority_ids), Indicator.priority_id.is_(None)))
            .options(selectinload(Indicator.values), selectinload(Indicator.priority))
            .order_by(Indicator.id)
        )
    )


def _frozen(s: Session, indicator_id: int, period: str) -> IndicatorStatus | None:
    return s.scalars(
        select(IndicatorStatus).where(
            IndicatorStatus.indicator_id == indicator_id, IndicatorStatus.period == period
        )
    ).first()


def _live(ind: Indicator, period: Period, thresholds: Thresholds | None = None) -> Assessment:
    return assess_period(
        _rule(ind),
        Frequency(ind.frequency),
        Rollup(ind.rollup),
        _points(ind),
        period,
        thresholds=thresholds,
    )


def _from_frozen(live: Assessment, row: IndicatorStatus) -> Assessment:
    """The stored status of a signed-off quarter; directions of travel come from the values,
    which are locked with the quarter."""
    thresholds = Thresholds.from_json(row.thresholds)
    rag = RAG(row.rag) if row.rag else None
    if rag is not None:
        state = StatusState.RATED
    elif thresholds is None:
        state = StatusState.NO_TARGET
    else:
        state = StatusState.NO_VALUE
    when = row.frozen_at.strftime("%d/%m/%Y")
    return Assessment(
        state=state,
        rag=rag,
        value=_dec(row.value),
        thresholds=thresholds,
        rule_text=row.rule,
        explanation=f"{row.explanation} (Frozen at sign-off on {when}.)",
        vs_previous=live.vs_previous,
        vs_last_year=live.vs_last_year,
        flags=live.flags,
        frozen=True,
    )


def _assessment(
    s: Session, ind: Indicator, quarter: Quarter, *, signed_off: bool | None = None
) -> Assessment:
    """`signed_off`: whether `quarter` is signed off, when the caller has asked already (a
    loop over a plan's indicators asks once, not once per indicator)."""
    period = assessment_period(Frequency(ind.frequency), quarter)
    live = _live(ind, period)
    if signed_off is None:
        signed_off = _signed_off(s, quarter.code) is not None
    if signed_off and _freezes(ind, quarter):
        row = _frozen(s, ind.id, period.code)
        if row is not None:
            return _from_frozen(live, row)
    return live


def assessment_in_session(s: Session, ind: Indicator, quarter: Quarter) -> Assessment:
    """The status a report prints for `quarter`: frozen at sign-off, else computed now."""
    return _assessment(s, ind, quarter)


def _freezes(ind: Indicator, quarter: Quarter) -> bool:
    """Annual indicators are frozen with Q4, when the year is complete."""
    return Frequency(ind.frequency) is not Frequency.ANNUAL or quarter.number == 4


def lock_quarter(period: Period) -> Quarter | None:
    """The quarter whose sign-off locks a period: its own, or Q4 for a financial year."""
    if period.kind is PeriodKind.YEAR and period.year is not None:
        return period.year.quarter(4)
    return period.quarter


def _locked_periods(quarter: Quarter) -> set[str]:
    periods = {quarter.code} | {m.code for m in months_of(quarter)}
    if quarter.number == 4:
        periods.add(quarter.year.label)
    return periods


# --- definitions ---------------------------------------------------------------------------


def definition_choices(db: Database, plan_id: int) -> DefinitionChoices:
    with db.session(audit=False) as s:
        get_plan(s, plan_id)
        partners = [
            Choice(p.id, f"{p.abbreviation} – {p.name}")
            for p in s.scalars(select(Partner).order_by(Partner.abbreviation))
        ]
        priorities = [
            Choice(kp.id, f"{kp.number}. {kp.title}" if kp.kind == "key" else kp.title)
            for kp in s.scalars(
                select(KeyPriority)
                .where(KeyPriority.plan_id == plan_id)
                .order_by(KeyPriority.number)
            )
        ]
        actions = [
            Choice(a.id, f"{a.reference} {a.title}".strip())
            for a in s.scalars(
                select(Action)
                .join(Objective)
                .join(KeyPriority)
                .where(KeyPriority.plan_id == plan_id)
                .order_by(KeyPriority.number, Objective.position, Action.position)
            )
        ]
        return DefinitionChoices(partners, priorities, actions)


def get_definition(db: Database, indicator_id: int) -> IndicatorDefinition:
    with db.session(audit=False) as s:
        ind = s.get(Indicator, indicator_id)
        if ind is None:
            raise UserError("That indicator no longer exists.")
        profile: dict[int, str] = {}
        if ind.target_profile:
            try:
                raw = json.loads(ind.target_profile)
                profile = {int(k): str(v) for k, v in raw.items() if str(k) in {"1", "2", "3", "4"}}
            except (ValueError, AttributeError):
                profile = {}
        return IndicatorDefinition(
            id=ind.id,
            name=ind.name,
            description=ind.description,
            definition_notes=ind.definition_notes,
            unit=Unit(ind.unit),
            polarity=Polarity(ind.polarity),
            source_partner_id=ind.source_partner_id,
            frequency=Frequency(ind.frequency),
            rollup=Rollup(ind.rollup),
            priority_id=ind.priority_id,
            baseline_value=ind.baseline_value,
            baseline_period=ind.baseline_period,
            target_kind=TargetKind(ind.target_kind),
            target_value=ind.target_value,
            target_profile=profile,
            tolerance_kind=ToleranceKind(ind.tolerance_kind),
            tolerance_value=ind.tolerance_value,
            trend_rule=ind.trend_rule,
            numerator_label=ind.numerator_label,
            denominator_label=ind.denominator_label,
            action_ids=tuple(sorted(link.action_id for link in ind.action_links)),
            version=ind.version,
        )


def validate_definition(definition: IndicatorDefinition) -> list[str]:
    """Problems that stop the definition being saved, in the form's words."""
    problems: list[str] = []
    if not definition.name.strip():
        problems.append("Give the indicator a name.")
    try:
        rule = definition.rule()
    except UserError as exc:
        return [*problems, str(exc)]
    problems.extend(rule.problems())
    if rule.target_kind is TargetKind.PERCENT_CHANGE and rule.baseline_value is None:
        problems.append("A % change target needs a baseline value.")
    if definition.baseline_period.strip():
        period = parse_period(definition.baseline_period)
        if period.kind is PeriodKind.OTHER:
            problems.append(
                f"Baseline period '{definition.baseline_period}' is not a quarter, month or "
                "financial year (e.g. Q2 2021-22, 2021-22, Jul 2021)."
            )
    return problems


def save_definition(
    db: Database, definition: IndicatorDefinition, *, overwrite: bool = False
) -> int:
    """Create or change an indicator; returns its id. Signed-off statuses are not touched.

    A change is saved only over `definition.version` when given (ConflictError if the
    indicator changed since it was read).
    """
    problems = validate_definition(definition)
    if problems:
        raise UserError(" ".join(problems))
    rule = definition.rule()
    reason = "indicator definition changed" if definition.id else "indicator created"
    if overwrite:
        reason += ", over a newer change knowingly"
    what = f"The indicator {definition.name.strip()[:60]}"
    with (
        versions.stale_is_conflict(db, Indicator, definition.id, definition.version, what=what),
        db.session(reason=reason) as s,
        s.no_autoflush,
    ):
        if definition.id is None:
            ind = Indicator(name=definition.name.strip())
            s.add(ind)
        else:
            found = s.get(Indicator, definition.id)
            versions.check(
                s,
                found,
                definition.version,
                what=what,
                entity="indicator",
                entity_id=definition.id,
            )
            if found is None:
                raise UserError("That indicator no longer exists.")
            ind = found
        if (
            definition.priority_id is not None
            and s.get(KeyPriority, definition.priority_id) is None
        ):
            raise UserError("The chosen key priority no longer exists.")
        if (
            definition.source_partner_id is not None
            and s.get(Partner, definition.source_partner_id) is None
        ):
            raise UserError("The chosen source agency no longer exists.")
        baseline_period = definition.baseline_period.strip()
        if baseline_period:
            baseline_period = parse_period(baseline_period).code
        ind.name = definition.name.strip()
        ind.description = definition.description.strip()
        ind.definition_notes = definition.definition_notes.strip()
        ind.unit = definition.unit.value
        ind.polarity = definition.polarity.value
        ind.source_partner_id = definition.source_partner_id
        ind.frequency = definition.frequency.value
        ind.rollup = definition.rollup.value
        ind.priority_id = definition.priority_id
        ind.baseline_value = decimal_text(rule.baseline_value)
        ind.baseline_period = baseline_period
        ind.target_kind = rule.target_kind.value
        ind.target_value = decimal_text(rule.target_value)
        ind.target_profile = (
            json.dumps({str(q): decimal_text(v) for q, v in sorted(rule.profile.items())})
            if rule.profile
            else ""
        )
        ind.tolerance_kind = rule.tolerance_kind.value
        ind.tolerance_value = decimal_text(rule.tolerance_value)
        ind.trend_rule = definition.trend_rule
        ind.numerator_label = definition.numerator_label.strip()
        ind.denominator_label = definition.denominator_label.strip()
        wanted = set(definition.action_ids)
        for link in list(ind.action_links):
            if link.action_id not in wanted:
                ind.action_links.remove(link)
        have = {link.action_id for link in ind.action_links}
        for action_id in sorted(wanted - have):
            if s.get(Action, action_id) is None:
                raise UserError("One of the linked actions no longer exists.")
            ind.action_links.append(IndicatorAction(action_id=action_id))
        if definition.id is not None and s.is_modified(ind):
            # One save, one version, even when only the linked actions changed.
            ind.version = ind.version + 1
        s.flush()
        return ind.id


def delete_indicator(db: Database, indicator_id: int) -> None:
    """Delete an indicator and its values; refused while it has values in a signed-off quarter."""
    with db.session(reason="indicator deleted") as s:
        ind = s.get(Indicator, indicator_id)
        if ind is None:
            raise UserError("That indicator no longer exists.")
        locked = sorted(v.period for v in ind.values if v.locked)
        if locked:
            labels = ", ".join(parse_period(p).label for p in locked[:4])
            raise UserError(
                f"'{ind.name}' has values in signed-off periods ({labels}), so it cannot be "
                "deleted. Unlock those quarters first if it really must go."
            )
        s.delete(ind)


# --- lists and statuses --------------------------------------------------------------------


def _summary(s: Session, ind: Indicator, quarter: Quarter) -> IndicatorSummary:
    kp = ind.priority
    label = ""
    if kp is not None:
        label = f"{kp.number}. {kp.title}" if kp.kind == "key" else kp.title
    return IndicatorSummary(
        id=ind.id,
        name=ind.name,
        unit=Unit(ind.unit),
        polarity=Polarity(ind.polarity),
        priority_id=ind.priority_id,
        priority_label=label,
        source=ind.source_partner.abbreviation if ind.source_partner else "",
        assessment=_assessment(s, ind, quarter),
    )


def list_indicators(db: Database, plan_id: int, quarter_code: str) -> list[IndicatorSummary]:
    """The plan's indicators with their status for the quarter (frozen if signed off)."""
    quarter = _quarter(quarter_code)
    with db.session(audit=False) as s:
        get_plan(s, plan_id)
        return [_summary(s, ind, quarter) for ind in plan_indicators(s, plan_id)]


def indicators_for_action(
    db: Database, action_id: int, quarter_code: str
) -> list[IndicatorSummary]:
    """Indicators linked to an action, with their status, for the action's own view."""
    quarter = _quarter(quarter_code)
    with db.session(audit=False) as s:
        linked = s.scalars(
            select(Indicator)
            .join(IndicatorAction, IndicatorAction.indicator_id == Indicator.id)
            .where(IndicatorAction.action_id == action_id)
            .options(selectinload(Indicator.values), selectinload(Indicator.priority))
            .order_by(Indicator.name)
        )
        return [_summary(s, ind, quarter) for ind in linked]


def indicator_status(db: Database, indicator_id: int, quarter_code: str) -> Assessment:
    quarter = _quarter(quarter_code)
    with db.session(audit=False) as s:
        ind = s.get(Indicator, indicator_id)
        if ind is None:
            raise UserError("That indicator no longer exists.")
        return _assessment(s, ind, quarter)


def priority_tiles(db: Database, plan_id: int, quarter_code: str) -> list[PriorityTile]:
    """One tile per key priority: how its indicators stand this quarter. Indicators linked to
    no key priority (or to the 'other' section) make a last tile, when there are any."""
    quarter = _quarter(quarter_code)
    with db.session(audit=False) as s:
        get_plan(s, plan_id)
        priorities = list(
            s.scalars(
                select(KeyPriority)
                .where(KeyPriority.plan_id == plan_id)
                .order_by(KeyPriority.number)
            )
        )
        by_priority: dict[int | None, list[TileIndicator]] = {}
        signed_off = _signed_off(s, quarter.code) is not None
        for ind in plan_indicators(s, plan_id):
            kp = ind.priority
            key = ind.priority_id if kp is not None and kp.kind == "key" else None
            by_priority.setdefault(key, []).append(
                TileIndicator(ind.id, ind.name, _assessment(s, ind, quarter, signed_off=signed_off))
            )
        tiles = [
            _tile(kp.id, kp.number, kp.title, by_priority.get(kp.id, []))
            for kp in priorities
            if kp.kind == "key"
        ]
        if by_priority.get(None):
            tiles.append(_tile(None, None, "Partnership-wide", by_priority[None]))
        return tiles


def _tile(
    pid: int | None, number: int | None, title: str, items: list[TileIndicator]
) -> PriorityTile:
    counts = {rag: 0 for rag in (RAG.RED, RAG.AMBER, RAG.GREEN)}
    no_target = no_value = 0
    for item in items:
        a = item.assessment
        if a.rag is not None:
            counts[a.rag] = counts.get(a.rag, 0) + 1
        elif a.state is StatusState.NO_VALUE:
            no_value += 1
        else:
            no_target += 1
    # Worst first, so a committee sees the Reds before the Greens.
    order = {RAG.RED: 0, RAG.AMBER: 1, RAG.GREEN: 2}
    items = sorted(
        items,
        key=lambda i: (order.get(i.assessment.rag, 3) if i.assessment.rag else 3, i.name.lower()),
    )
    return PriorityTile(pid, number, title, counts, no_target, no_value, items)


# --- values grid ---------------------------------------------------------------------------


def _grid_periods(ind: Indicator, year: FinancialYear) -> list[Period]:
    """Rows offered: every stored period, plus the plan year and the year before in the
    indicator's own frequency (so last year's same quarter can be typed in too)."""
    frequency = Frequency(ind.frequency)
    periods: dict[str, Period] = {}
    for fy in (year.previous(), year):
        if frequency is Frequency.ANNUAL:
            p = year_period(fy)
            periods[p.code] = p
        for q in fy.quarters:
            if frequency is Frequency.MONTHLY:
                for m in months_of(q):
                    periods[m.code] = m
            elif frequency is Frequency.QUARTERLY:
                periods[q.code] = quarter_period(q)
    for v in ind.values:
        periods.setdefault(v.period, parse_period(v.period))
    return sorted(periods.values(), key=lambda p: p.sort_key)


def _row_assessment(
    s: Session, ind: Indicator, period: Period, signed: set[str]
) -> tuple[Assessment | None, str]:
    """The status a grid row shows: quarterly and annual rows their own; for a monthly
    indicator, the last month of each quarter shows the quarter's rolled-up status."""
    frequency = Frequency(ind.frequency)
    judged: Period | None = None
    quarter: Quarter | None = None
    if frequency is Frequency.QUARTERLY and period.kind is PeriodKind.QUARTER:
        judged, quarter = period, period.quarter
    elif frequency is Frequency.ANNUAL and period.kind is PeriodKind.YEAR:
        assert period.year is not None
        judged, quarter = period, period.year.quarter(4)
    elif frequency is Frequency.MONTHLY and period.kind is PeriodKind.MONTH:
        q = period.quarter
        assert q is not None
        if months_of(q)[-1].code == period.code:
            judged, quarter = quarter_period(q), q
    if judged is None or quarter is None:
        return None, ""
    live = _live(ind, judged)
    if quarter.code in signed:
        row = _frozen(s, ind.id, judged.code)
        if row is not None:
            live = _from_frozen(live, row)
    return live, judged.label


def _derived_text(v: IndicatorValue | None, unit: Unit) -> str:
    if v is None:
        return ""
    value, derived = _effective(v, unit)
    return decimal_text(value) if derived else ""


def _value_row(
    period: Period,
    v: IndicatorValue | None,
    unit: Unit,
    locked: bool,
    assessment: Assessment | None,
    judged: str,
) -> ValueRow:
    """A grid row for a period, blank when nothing is stored for it."""
    return ValueRow(
        period=period.code,
        label=period.label,
        kind=period.kind,
        value=v.value or "" if v else "",
        comparator=v.comparator or "" if v else "",
        comparator_label=v.comparator_label if v else "",
        previous_year=v.previous_year or "" if v else "",
        note=v.note if v else "",
        provisional=bool(v and v.provisional),
        data_lag=bool(v and v.data_lag),
        baseline_missing=bool(v and v.baseline_missing),
        numerator=v.numerator or "" if v else "",
        denominator=v.denominator or "" if v else "",
        locked=locked,
        stored=v is not None,
        derived_value=_derived_text(v, unit),
        assessment=assessment,
        assessed_label=judged,
        version=v.version if v else ABSENT,
    )


def values_grid(db: Database, indicator_id: int, plan_year: str) -> ValuesGrid:
    try:
        year = FinancialYear.parse(plan_year)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    with db.session(audit=False) as s:
        ind = s.get(Indicator, indicator_id, options=[selectinload(Indicator.values)])
        if ind is None:
            raise UserError("That indicator no longer exists.")
        signed = signed_off_quarters(s)
        stored = {v.period: v for v in ind.values}
        rows: list[ValueRow] = []
        for period in _grid_periods(ind, year):
            v = stored.get(period.code)
            assessment, judged = _row_assessment(s, ind, period, signed)
            quarter = lock_quarter(period)
            locked = bool(v and v.locked) or (quarter is not None and quarter.code in signed)
            rows.append(_value_row(period, v, Unit(ind.unit), locked, assessment, judged))
        return ValuesGrid(
            ind.id,
            ind.name,
            Unit(ind.unit),
            Polarity(ind.polarity),
            Frequency(ind.frequency),
            Rollup(ind.rollup),
            rows,
        )


def apply_value_edit(s: Session, ind: Indicator, edit: ValueEdit, signed: set[str]) -> None:
    where = f"{edit.where}: " if edit.where else ""
    try:
        period = parse_period(edit.period)
    except ValueError as exc:
        raise UserError(f"{where}{exc}.") from exc
    quarter = lock_quarter(period)
    if quarter is not None and quarter.code in signed:
        raise UserError(
            f"{where}{quarter.label} is signed off, so its values are locked. "
            "Unlock the quarter (with a reason) to change them."
        )
    existing = next((v for v in ind.values if v.period == period.code), None)
    if edit.expected_version is not None:
        versions.check(
            s,
            existing,
            edit.expected_version,
            what=f"{where}The {period.label} value of {ind.name}",
            entity="indicator_value",
            entity_id=existing.id if existing is not None else _deleted_value_id(s, period.code),
        )
    if existing is None and period.kind is PeriodKind.OTHER:
        # Free-text periods come only from documents that had them; a typo such as
        # "Q5 2022-23" must not quietly become a new one.
        raise UserError(
            f"{where}'{edit.period}' is not a period: write a quarter (Q2 2022-23), "
            "a month (Jul 2022) or a financial year (2022-23)."
        )
    if existing is not None and existing.locked:
        raise UserError(f"{where}the value for {period.label} is locked.")
    clean = _clean_fields(edit, where, period)
    if existing is None:
        if all(v in (None, "", False) for v in clean.values()):
            return
        existing = IndicatorValue(period=period.code)
        ind.values.append(existing)
    for name, new in clean.items():
        setattr(existing, name, "" if new is None and name in {"note", "comparator_label"} else new)
    if _is_empty(existing):
        ind.values.remove(existing)


def _is_empty(v: IndicatorValue) -> bool:
    """True when a stored value has nothing left in it, so it is removed."""
    return (
        v.value is None
        and v.comparator is None
        and v.previous_year is None
        and v.numerator is None
        and v.denominator is None
        and not v.note
        and not v.comparator_label
    )


def _clean_fields(edit: ValueEdit, where: str, period: Period) -> dict[str, str | bool | None]:
    """The edit's fields as stored: flags as booleans, numbers as their plain text (None
    when blank), text stripped; UserError naming the field when one cannot be read."""
    clean: dict[str, str | bool | None] = {}
    for name, raw in edit.fields.items():
        if name not in EDITABLE_FIELDS:
            raise UserError(f"{where}'{name}' cannot be edited.")
        label = _FIELD_LABELS[name]
        if name in _FLAG_FIELDS:
            clean[name] = _flag(raw, f"{where}{label} for {period.label}")
        elif name in _NUMBER_FIELDS:
            try:
                number = parse_decimal(raw if isinstance(raw, str) else str(raw))
            except ValueError:
                raise UserError(
                    f"{where}{label} for {period.label}: '{raw}' is not a number."
                ) from None
            clean[name] = decimal_text(number) if number is not None else None
        else:
            clean[name] = str(raw).strip()
    return clean


def _deleted_value_id(s: Session, period_code: str) -> int | None:
    """The id the period's value had when last deleted, to say who deleted it."""
    return s.scalar(
        select(AuditEntry.entity_id)
        .where(
            AuditEntry.entity == "indicator_value",
            AuditEntry.operation == "delete",
            AuditEntry.old_value == period_code,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def _flag(raw: str | bool, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = raw.strip().lower()
    if text in {"", "n", "no", "false", "0", "-"}:
        return False
    if text in {"y", "yes", "true", "1", "x", "✓"}:
        return True
    raise UserError(f"{label}: '{raw}' should be yes or no.")


def write_values(db: Database, indicator_id: int, edits: Sequence[ValueEdit]) -> int:
    """Write a block of edits (typed or pasted) in one transaction: all or nothing."""
    save_values(db, indicator_id, edits)
    return len(edits)


def save_values(
    db: Database, indicator_id: int, edits: Sequence[ValueEdit], *, overwrite: bool = False
) -> dict[str, int]:
    """Write a block of edits in one transaction, each over the version its editor read;
    ConflictError (nothing written) when any of them changed since. Returns each edited
    period's version after the write (0 when its value was removed), for undo."""
    reason = "indicator values edited" + (", over a newer change knowingly" if overwrite else "")
    try:
        with db.session(reason=reason) as s:
            ind = s.get(Indicator, indicator_id, options=[selectinload(Indicator.values)])
            if ind is None:
                raise UserError("That indicator no longer exists.")
            signed = signed_off_quarters(s)
            codes = []
            for edit in edits:
                apply_value_edit(s, ind, edit, signed)
                codes.append(parse_period(edit.period).code)
            s.flush()
            now = {v.period: v.version for v in ind.values}
            return {code: now.get(code, ABSENT) for code in codes}
    except (StaleDataError, DatabaseError) as exc:
        # Lost a race after the checks: a row changed, or a value for the same period was
        # added, between this transaction's read and its write.
        if isinstance(exc, DatabaseError) and not (
            isinstance(exc.__cause__, IntegrityError) and "UNIQUE" in str(exc.__cause__)
        ):
            raise
        raise ConflictError(
            "Another change to these values was saved at the same moment. Nothing of yours "
            "was saved; the grid shows the values as they are now.",
            what="The indicator's values",
            read_version=ABSENT,
            current_version=ABSENT,
        ) from None


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    label: str
    value: Decimal | None
    comparator: Decimal | None
    rag: RAG | None
    target: Decimal | None
    amber_limit: Decimal | None


@dataclass(frozen=True)
class ChartSeries:
    name: str
    unit: Unit
    polarity: Polarity
    comparator_label: str
    points: list[SeriesPoint]


def _quarter_point(
    row: ValueRow, stored: dict[str, IndicatorValue]
) -> tuple[SeriesPoint | None, str]:
    """A monthly indicator's point for the quarter a month row completes (None on the
    other months), and the comparator's name from its months when it has a comparator."""
    a = row.assessment
    if a is None:
        return None, ""
    t = a.thresholds
    quarter = parse_period(row.period).quarter
    assert quarter is not None
    months = [stored[m.code] for m in months_of(quarter) if m.code in stored]
    known = [c for c in (_dec(m.comparator) for m in months) if c is not None]
    label = next((m.comparator_label for m in months if m.comparator_label), "") if known else ""
    point = SeriesPoint(
        period=row.period,
        label=row.assessed_label,
        value=a.value,
        # Latest month's comparator, matching how rolling figures are reported.
        comparator=known[-1] if known else None,
        rag=a.rag,
        target=t.target if t else None,
        amber_limit=t.amber_limit if t else None,
    )
    return point, label


def _period_point(row: ValueRow, v: IndicatorValue | None) -> tuple[SeriesPoint | None, str]:
    """A period's point (None when it has neither a value stored nor a target), and the
    comparator's name stored with it."""
    a = row.assessment
    t = a.thresholds if a else None
    label = v.comparator_label if v is not None else ""
    if v is None and t is None:
        return None, label
    point = SeriesPoint(
        period=row.period,
        label=row.label,
        value=_dec(row.value or row.derived_value),
        comparator=_dec(row.comparator),
        rag=a.rag if a else None,
        target=t.target if t else None,
        amber_limit=t.amber_limit if t else None,
    )
    return point, label


def chart_series(db: Database, indicator_id: int, plan_year: str) -> ChartSeries:
    """Values over time with the target band of each judged period, for drawing."""
    grid = values_grid(db, indicator_id, plan_year)
    points: list[SeriesPoint] = []
    comparator_label = ""
    with db.session(audit=False) as s:
        ind = s.get(Indicator, indicator_id, options=[selectinload(Indicator.values)])
        assert ind is not None
        stored = {v.period: v for v in ind.values}
    monthly = grid.frequency is Frequency.MONTHLY
    for row in grid.rows:
        if row.kind is PeriodKind.OTHER and not row.stored:
            continue
        if monthly and row.kind is PeriodKind.MONTH:
            # Targets are per quarter, so a monthly indicator is drawn by its quarters.
            point, label = _quarter_point(row, stored)
        else:
            point, label = _period_point(row, stored.get(row.period))
        comparator_label = comparator_label or label
        if point is not None:
            points.append(point)
    return ChartSeries(grid.name, grid.unit, grid.polarity, comparator_label, points)


# --- sign-off ------------------------------------------------------------------------------


def signoff_state(db: Database, quarter_code: str) -> SignoffInfo:
    quarter = _quarter(quarter_code)
    with db.session(audit=False) as s:
        row = s.scalars(
            select(QuarterSignoff).where(QuarterSignoff.quarter == quarter.code)
        ).first()
        if row is None:
            return SignoffInfo(quarter.code, False, None, "", None, "")
        return SignoffInfo(
            quarter.code,
            row.unlocked_at is None,
            row.signed_off_at,
            row.signed_off_by,
            row.unlocked_at,
            row.unlock_reason,
        )


def sign_off_quarter(
    db: Database, quarter_code: str, *, refreeze_thresholds: bool = False
) -> SignoffResult:
    """Freeze every indicator's status for the quarter and lock its updates and values.

    Signing off again after an unlock recomputes with the corrected values but keeps the
    thresholds frozen the first time, unless `refreeze_thresholds` says the target itself
    was what needed correcting.
    """
    quarter = _quarter(quarter_code)
    with db.session(reason=f"{quarter.label} signed off") as s:
        row = s.scalars(
            select(QuarterSignoff).where(QuarterSignoff.quarter == quarter.code)
        ).first()
        if row is not None and row.unlocked_at is None:
            raise UserError(f"{quarter.label} is already signed off.")
        user = str(s.info.get("user", ""))
        if row is None:
            s.add(QuarterSignoff(quarter=quarter.code, signed_off_by=user))
        else:
            row.signed_off_at = utcnow()
            row.signed_off_by = user
            row.unlocked_at = None
            row.unlocked_by = ""
            row.unlock_reason = ""
        frozen = 0
        indicators = s.scalars(select(Indicator).options(selectinload(Indicator.values)))
        for ind in indicators:
            if not _freezes(ind, quarter):
                continue
            period = assessment_period(Frequency(ind.frequency), quarter)
            previous = _frozen(s, ind.id, period.code)
            if previous is not None and not refreeze_thresholds:
                kept = Thresholds.from_json(previous.thresholds)
                if kept is None:
                    # It had no target when first signed off: it stays unrated.
                    live = _live(ind, period)
                    a = Assessment(
                        StatusState.NO_TARGET,
                        None,
                        live.value,
                        None,
                        previous.rule,
                        previous.explanation,
                    )
                else:
                    a = _live(ind, period, kept)
            else:
                a = _live(ind, period)
            status = previous or IndicatorStatus(indicator_id=ind.id, period=period.code)
            status.rag = a.rag.value if a.rag else None
            status.rule = a.rule_text
            status.thresholds = a.thresholds.to_json() if a.thresholds else ""
            status.value = decimal_text(a.value) if a.value is not None else None
            status.explanation = a.explanation
            status.frozen_at = utcnow()
            if previous is None:
                s.add(status)
            frozen += 1
        updates = list(
            s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == quarter.code))
        )
        for u in updates:
            u.locked = True
        values = list(
            s.scalars(
                select(IndicatorValue).where(IndicatorValue.period.in_(_locked_periods(quarter)))
            )
        )
        for v in values:
            v.locked = True
        return SignoffResult(quarter.code, frozen, len(updates), len(values))


def unlock_quarter(db: Database, quarter_code: str, reason: str) -> SignoffInfo:
    """Open a signed-off quarter again. The reason is required and goes into the audit log
    beside every change the unlock makes."""
    quarter = _quarter(quarter_code)
    reason = reason.strip()
    if len(reason) < 5:
        raise UserError(
            f"Say why {quarter.label} is being unlocked (at least a few words); "
            "the reason is kept in the audit log."
        )
    with db.session(reason=f"{quarter.label} unlocked: {reason}") as s:
        row = _signed_off(s, quarter.code)
        if row is None:
            raise UserError(f"{quarter.label} is not signed off, so there is nothing to unlock.")
        row.unlocked_at = utcnow()
        row.unlocked_by = str(s.info.get("user", ""))
        row.unlock_reason = reason
        for u in s.scalars(select(QuarterUpdate).where(QuarterUpdate.quarter == quarter.code)):
            u.locked = False
        for v in s.scalars(
            select(IndicatorValue).where(IndicatorValue.period.in_(_locked_periods(quarter)))
        ):
            v.locked = False
        return SignoffInfo(
            quarter.code, False, row.signed_off_at, row.signed_off_by, row.unlocked_at, reason
        )
