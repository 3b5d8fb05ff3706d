"""Indicator rules: targets, tolerance bands, computed RAG, direction of travel, monthly roll-up.

Everything is Decimal so that a value exactly on a boundary lands where the rule text says
it does (binary floats would put 95.00000000001 on the wrong side of a 95 target).
Boundaries are inclusive: a value equal to the target is Green, a value equal to the edge
of the tolerance band is Amber, only a value beyond the band is Red.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG


class Polarity(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    NEITHER = "neither"

    @property
    def label(self) -> str:
        return {
            "higher_better": "Higher is better",
            "lower_better": "Lower is better",
            "neither": "Neither (no better direction)",
        }[self.value]


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    RATE_PER_1000 = "rate_per_1000"
    GBP = "gbp"

    @property
    def label(self) -> str:
        return {
            "count": "Count",
            "percent": "Percentage (%)",
            "rate_per_1000": "Rate per 1,000",
            "gbp": "Money (£)",
        }[self.value]


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Rollup(StrEnum):
    """How monthly figures make a quarter: add them up (referrals) or take the last (cohort size)."""

    SUM = "sum"
    LAST = "last"

    @property
    def label(self) -> str:
        return {"sum": "Sum of the months", "last": "Last month's value"}[self.value]


class TargetKind(StrEnum):
    NONE = "none"
    ABSOLUTE = "absolute"
    PERCENT_CHANGE = "percent_change"  # e.g. -5 = reduce by 5% on the baseline

    @property
    def label(self) -> str:
        return {
            "none": "No target",
            "absolute": "A value",
            "percent_change": "% change on baseline",
        }[self.value]


class ToleranceKind(StrEnum):
    NONE = "none"
    PERCENT = "percent"  # a percentage of the target
    ABSOLUTE = "absolute"  # in the indicator's own unit

    @property
    def label(self) -> str:
        return {
            "none": "No amber band",
            "percent": "% of the target",
            "absolute": "Absolute amount",
        }[self.value]


class StatusState(StrEnum):
    RATED = "rated"
    NO_TARGET = "no_target"
    NO_VALUE = "no_value"

    @property
    def label(self) -> str:
        return {"rated": "Rated", "no_target": "No target", "no_value": "No value"}[self.value]


# --- numbers -------------------------------------------------------------------------------

_NUMBER_JUNK = re.compile(r"[,\s£%]")


def parse_decimal(text: object) -> Decimal | None:
    """Read a figure as people type it: '1,071', '11.3%', '£1,200', ' -53.7 '. Blank → None.

    Raises ValueError for text that is not a number, so callers can name the bad cell.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(f"'{text}' is not a number")
    if isinstance(text, int | float | Decimal):
        if isinstance(text, float) and text != text:
            raise ValueError("not a number")
        # Through str() so 0.1 stays 0.1 rather than its binary expansion.
        return _held(Decimal(str(text)), str(text))
    raw = str(text).strip()
    if not raw:
        return None
    cleaned = _NUMBER_JUNK.sub("", raw).replace("−", "-").replace("–", "-")
    if re.fullmatch(r"\(\d+(\.\d+)?\)", cleaned):  # accounting negative: (12.5)
        cleaned = "-" + cleaned[1:-1]
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not a number") from None
    return _held(value, raw)


# Figures from 10^16 up cannot be shown or stored exactly (decimal arithmetic keeps 28 digits,
# and quantities of that size are a typing or file error anyway).
_LARGEST_EXPONENT = 15


def _held(value: Decimal, raw: str) -> Decimal:
    """`value` if it is a finite figure of a size the application can hold; ValueError if not."""
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not a number")
    if value and value.adjusted() > _LARGEST_EXPONENT:
        raise ValueError(f"'{raw}' is too large a number")
    return value


def decimal_text(value: Decimal | None) -> str:
    """Plain text of a Decimal for storage and editing: no exponent, no trailing zeros."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    text = format(value.normalize(), "f")
    return text


def format_value(value: Decimal | None, unit: Unit | str, *, exact: bool = False) -> str:
    """A figure for people: '1,071', '11.3%', '97.1 per 1,000', '£1,200'.

    Rounded to 2 decimal places unless `exact`: thresholds are shown exactly, so that a value
    on the edge is never judged against a number other than the one printed.
    """
    if value is None:
        return "–"
    unit = Unit(unit)
    shown = value
    exponent = value.as_tuple().exponent
    if not exact and isinstance(exponent, int) and exponent < -2:
        shown = value.quantize(Decimal("0.01"))
    text = decimal_text(shown)
    whole, _, frac = text.lstrip("-").partition(".")
    grouped = f"{int(whole):,}" + (f".{frac}" if frac else "")
    sign = "-" if shown < 0 else ""
    if unit is Unit.PERCENT:
        return f"{sign}{grouped}%"
    if unit is Unit.RATE_PER_1000:
        return f"{sign}{grouped} per 1,000"
    if unit is Unit.GBP:
        return f"{sign}£{grouped}"
    return f"{sign}{grouped}"


# --- periods -------------------------------------------------------------------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FULL_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_NAMES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
)


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    OTHER = "other"  # free text kept as found ("As reported 14/09/2021")


@dataclass(frozen=True, slots=True)
class Period:
    """A period an indicator value belongs to.

    Codes: '2022-23-Q2' (quarter), '2022-23' (financial year), '2022-23-M07' (a calendar
    month, here July 2022, inside its financial year). Anything else is kept as free text.
    """

    kind: PeriodKind
    code: str
    year: FinancialYear | None = None
    quarter_number: int | None = None
    month: int | None = None  # calendar month 1..12

    @property
    def quarter(self) -> Quarter | None:
        if self.year is None:
            return None
        if self.kind is PeriodKind.QUARTER and self.quarter_number:
            return Quarter(self.year, self.quarter_number)
        if self.kind is PeriodKind.MONTH and self.month:
            return Quarter(self.year, _quarter_of_month(self.month))
        return None

    @property
    def calendar_year(self) -> int | None:
        if self.year is None or self.month is None:
            return None
        return self.year.start + (1 if self.month <= 3 else 0)

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.QUARTER and self.quarter is not None:
            return self.quarter.label
        if self.kind is PeriodKind.YEAR and self.year is not None:
            return f"Year {self.year.label}"
        if self.kind is PeriodKind.MONTH and self.month is not None:
            return f"{_MONTH_NAMES[self.month - 1]} {self.calendar_year}"
        return self.code

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        """Chronological: months sort inside their quarter, a year after its Q4."""
        if self.year is None:
            return (9999, 99, 99, self.code)
        if self.kind is PeriodKind.YEAR:
            return (self.year.start, 5, 0, "")
        if self.kind is PeriodKind.QUARTER and self.quarter_number:
            return (self.year.start, self.quarter_number, 9, "")
        assert self.month is not None
        index = (self.month - 4) % 12  # April = 0
        return (self.year.start, index // 3 + 1, index % 3, "")


def _quarter_of_month(month: int) -> int:
    return ((month - 4) % 12) // 3 + 1


def month_period(year: int, month: int) -> Period:
    fy = FinancialYear(year if month >= 4 else year - 1)
    return Period(PeriodKind.MONTH, f"{fy.label}-M{month:02d}", fy, month=month)


def quarter_period(quarter: Quarter) -> Period:
    return Period(PeriodKind.QUARTER, quarter.code, quarter.year, quarter_number=quarter.number)


def year_period(year: FinancialYear) -> Period:
    return Period(PeriodKind.YEAR, year.label, year)


def months_of(quarter: Quarter) -> tuple[Period, Period, Period]:
    first = quarter.first_day
    periods = [month_period(first.year, first.month + i) for i in range(3)]
    return (periods[0], periods[1], periods[2])


def parse_period(text: str) -> Period:
    """Read a period from its code or from how people write it.

    Understood: '2022-23-Q2', 'Q2 2022-23', '2022/23 Q2', '2022-23', '2022/23', '2022-23-M07',
    'Jul 2022', 'July 2022', '07/2022'. Anything else becomes an OTHER period with the text
    as its code, so an imported or typed note like 'As reported 14/09/2021' is never lost.
    """
    raw = " ".join(str(text).split())
    if not raw:
        raise ValueError("the period is blank")
    m = re.fullmatch(r"(\d{4}-\d{2})-M(\d{2})", raw.upper())
    if m:
        fy = FinancialYear.parse(m.group(1))
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"'{text}': month {month} does not exist")
        return Period(PeriodKind.MONTH, f"{fy.label}-M{month:02d}", fy, month=month)
    try:
        q = Quarter.parse(raw)
        return quarter_period(q)
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}\s*[-/–]\s*(\d{2}|\d{4})", raw):
        return year_period(FinancialYear.parse(raw))
    m = re.fullmatch(r"([A-Za-z]{3,9})\.?\s+(\d{4})", raw)
    if m and m.group(1)[:3].lower() in _MONTHS:
        name = m.group(1).lower()
        month = _MONTHS.index(name[:3]) + 1
        full = _FULL_MONTHS[month - 1]
        if name in (full, full[:3], "sept") or full.startswith(name):
            return month_period(int(m.group(2)), month)
    m = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{4})", raw)
    if m and 1 <= int(m.group(1)) <= 12:
        return month_period(int(m.group(2)), int(m.group(1)))
    return Period(PeriodKind.OTHER, raw)


def sort_periods(codes: Sequence[str]) -> list[str]:
    return sorted(codes, key=lambda c: parse_period(c).sort_key)


# --- the rule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRule:
    """What an indicator's definition says about judging it."""

    polarity: Polarity = Polarity.NEITHER
    unit: Unit = Unit.COUNT
    target_kind: TargetKind = TargetKind.NONE
    target_value: Decimal | None = None
    baseline_value: Decimal | None = None
    baseline_period: str = ""
    tolerance_kind: ToleranceKind = ToleranceKind.NONE
    tolerance_value: Decimal | None = None
    # Per-quarter targets (quarter number 1..4 → value of the same kind as target_value).
    profile: Mapping[int, Decimal] = field(default_factory=dict)
    trend_rule: bool = False

    def problems(self) -> list[str]:
        """Why this rule cannot be saved as it stands (empty when it can)."""
        out: list[str] = []
        has_target = self.target_kind is not TargetKind.NONE
        if has_target and self.target_value is None and not self.profile:
            out.append("Give the target value, or choose 'No target'.")
        if has_target and self.polarity is Polarity.NEITHER:
            out.append(
                "A target needs a better direction: choose 'Higher is better' or "
                "'Lower is better' (or 'No target')."
            )
        if self.tolerance_kind is not ToleranceKind.NONE:
            if self.tolerance_value is None:
                out.append("Give the tolerance, or choose 'No amber band'.")
            elif self.tolerance_value < 0:
                out.append("The tolerance cannot be negative.")
        if any(q not in (1, 2, 3, 4) for q in self.profile):
            out.append("A target profile has one value per quarter, Q1 to Q4.")
        return out


@dataclass(frozen=True)
class Thresholds:
    """The numbers a status was judged against; stored with every signed-off status."""

    polarity: Polarity
    unit: Unit
    target: Decimal
    amber_limit: Decimal  # the far edge of the amber band (== target when there is no band)
    target_text: str  # how the target was set, e.g. "5% below the baseline of 100 (2021-22)"
    tolerance_text: str
    trend_rule: bool

    def to_json(self) -> str:
        return json.dumps(
            {
                "polarity": self.polarity.value,
                "unit": self.unit.value,
                "target": decimal_text(self.target),
                "amber_limit": decimal_text(self.amber_limit),
                "target_text": self.target_text,
                "tolerance_text": self.tolerance_text,
                "trend_rule": self.trend_rule,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Thresholds | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(
                polarity=Polarity(data["polarity"]),
                unit=Unit(data.get("unit", "count")),
                target=Decimal(data["target"]),
                amber_limit=Decimal(data["amber_limit"]),
                target_text=str(data.get("target_text", "")),
                tolerance_text=str(data.get("tolerance_text", "")),
                trend_rule=bool(data.get("trend_rule", False)),
            )
        except (ValueError, KeyError, TypeError, InvalidOperation):
            return None

    @property
    def rule_text(self) -> str:
        """The rule in words, shown beside every status computed with it."""
        t = format_value(self.target, self.unit, exact=True)
        edge = format_value(self.amber_limit, self.unit, exact=True)
        if self.polarity is Polarity.HIGHER_BETTER:
            green, amber, red = f"≥ {t}", f"≥ {edge}", f"< {edge}"
        else:
            green, amber, red = f"≤ {t}", f"≤ {edge}", f"> {edge}"
        parts = [f"{self.polarity.label}. Target {t} ({self.target_text})."]
        if self.amber_limit == self.target:
            parts.append(f"Green if {green}; Red otherwise (no amber band).")
        else:
            parts.append(
                f"Green if {green}; Amber if {amber} ({self.tolerance_text}); Red if {red}."
            )
        if self.trend_rule:
            parts.append("Red only if beyond tolerance and not improving on the previous quarter.")
        return " ".join(parts)


def thresholds_for(rule: IndicatorRule, quarter_number: int | None) -> Thresholds | None:
    """The target and amber edge that apply in a quarter, or None when there is no target.

    Raises nothing: a rule that cannot give a target (no baseline for a % change target,
    polarity 'neither') simply has none, and `why_no_target` says why.
    """
    if why_no_target(rule, quarter_number):
        return None
    raw = rule.target_value
    profiled = quarter_number is not None and quarter_number in rule.profile
    if profiled:
        assert quarter_number is not None
        raw = rule.profile[quarter_number]
    assert raw is not None
    profile_note = f", Q{quarter_number} profile" if profiled else ""
    if rule.target_kind is TargetKind.PERCENT_CHANGE:
        assert rule.baseline_value is not None
        target = rule.baseline_value * (Decimal(100) + raw) / Decimal(100)
        direction = "below" if raw < 0 else "above"
        base = format_value(rule.baseline_value, rule.unit)
        when = ""
        if rule.baseline_period:
            try:
                bp = parse_period(rule.baseline_period)
                name = bp.year.label if bp.kind is PeriodKind.YEAR and bp.year else bp.label
            except ValueError:
                name = rule.baseline_period
            when = f" in {name}"
        pct = decimal_text(abs(raw))
        target_text = f"{pct}% {direction} the baseline of {base}{when}{profile_note}"
    else:
        target = raw
        target_text = f"set value{profile_note}"
    band = Decimal(0)
    tolerance_text = ""
    if rule.tolerance_kind is ToleranceKind.PERCENT and rule.tolerance_value is not None:
        band = abs(target) * rule.tolerance_value / Decimal(100)
        tolerance_text = f"tolerance {decimal_text(rule.tolerance_value)}% of target"
    elif rule.tolerance_kind is ToleranceKind.ABSOLUTE and rule.tolerance_value is not None:
        band = rule.tolerance_value
        tolerance_text = f"tolerance {format_value(rule.tolerance_value, rule.unit)}"
    edge = target - band if rule.polarity is Polarity.HIGHER_BETTER else target + band
    return Thresholds(
        polarity=rule.polarity,
        unit=rule.unit,
        target=target,
        amber_limit=edge,
        target_text=target_text,
        tolerance_text=tolerance_text,
        trend_rule=rule.trend_rule,
    )


def why_no_target(rule: IndicatorRule, quarter_number: int | None) -> str:
    """Empty when the rule gives a target for the quarter; otherwise the reason, in words."""
    if rule.target_kind is TargetKind.NONE:
        return "No target is set for this indicator, so it is not rated."
    if rule.polarity is Polarity.NEITHER:
        return "No better direction is set for this indicator, so it is not rated."
    has_value = rule.target_value is not None or (
        quarter_number is not None and quarter_number in rule.profile
    )
    if not has_value:
        return "No target value is set for this quarter, so it is not rated."
    if rule.target_kind is TargetKind.PERCENT_CHANGE and rule.baseline_value is None:
        return "The target is a % change on a baseline, but the baseline is missing."
    return ""


# --- direction of travel -------------------------------------------------------------------


class Trend(StrEnum):
    """A value's movement between two periods, judged by the indicator's polarity."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    SAME = "same"
    UP = "up"  # polarity 'neither': the movement is reported, not judged
    DOWN = "down"

    @property
    def word(self) -> str:
        return {
            "improved": "better",
            "worsened": "worse",
            "same": "no change",
            "up": "up",
            "down": "down",
        }[self.value]


@dataclass(frozen=True)
class Direction:
    travel: Trend
    rose: bool | None  # True up, False down, None unchanged
    change: Decimal
    against: str  # label of the period compared with

    @property
    def arrow(self) -> str:
        """The arrow shows which way the value moved; the word says whether that is good."""
        if self.rose is None:
            return "→"
        return "↑" if self.rose else "↓"

    @property
    def text(self) -> str:
        if self.travel is Trend.SAME:
            return f"→ no change on {self.against}"
        word = "" if self.travel in (Trend.UP, Trend.DOWN) else f" ({self.travel.word})"
        return f"{self.arrow}{word} on {self.against}"


def direction(
    polarity: Polarity, current: Decimal | None, previous: Decimal | None, against: str
) -> Direction | None:
    """Direction of travel from `previous` to `current`; None when either is missing."""
    if current is None or previous is None:
        return None
    change = current - previous
    if change == 0:
        return Direction(Trend.SAME, None, change, against)
    rose = change > 0
    if polarity is Polarity.NEITHER:
        travel = Trend.UP if rose else Trend.DOWN
    elif rose == (polarity is Polarity.HIGHER_BETTER):
        travel = Trend.IMPROVED
    else:
        travel = Trend.WORSENED
    return Direction(travel, rose, change, against)


# --- monthly roll-up -----------------------------------------------------------------------


@dataclass(frozen=True)
class RolledUp:
    value: Decimal | None
    months_present: int
    complete: bool
    note: str  # data-quality remark, empty when the quarter is complete


def roll_up(months: Sequence[Decimal | None], rollup: Rollup) -> RolledUp:
    """A quarter's value from its three months, in order (missing months are None).

    Sum: the total only counts as the quarter's value when all three months are in, since a
    partial total would look like a fall. Last: the latest month reported, flagged when it is
    not the quarter's final month.
    """
    present = [(i, v) for i, v in enumerate(months) if v is not None]
    count = len(present)
    if count == 0:
        return RolledUp(None, 0, False, "")
    total = len(months)
    if rollup is Rollup.SUM:
        subtotal = sum((v for _, v in present), Decimal(0))
        if count == total:
            return RolledUp(subtotal, count, True, "")
        return RolledUp(
            None,
            count,
            False,
            f"incomplete quarter: {count} of {total} months in (subtotal {decimal_text(subtotal)})",
        )
    last_index, last_value = present[-1]
    if last_index == total - 1:
        return RolledUp(last_value, count, True, "")
    return RolledUp(
        last_value,
        count,
        False,
        f"partial quarter: latest month is month {last_index + 1} of {total}",
    )


# --- assessment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """The computed status of one indicator in one period, with the rule it came from."""

    state: StatusState
    rag: RAG | None
    value: Decimal | None
    thresholds: Thresholds | None
    rule_text: str
    explanation: str
    vs_previous: Direction | None = None
    vs_last_year: Direction | None = None
    flags: tuple[str, ...] = ()
    frozen: bool = False

    @property
    def status_text(self) -> str:
        """Letter and word, never colour alone: 'A Amber', 'No target', 'No value'."""
        if self.rag is not None:
            return f"{self.rag.value} {self.rag.label}"
        return self.state.label


def assess(
    rule: IndicatorRule | None,
    value: Decimal | None,
    *,
    quarter_number: int | None,
    period_label: str,
    previous: Decimal | None = None,
    previous_label: str = "previous quarter",
    last_year: Decimal | None = None,
    last_year_label: str = "same quarter last year",
    thresholds: Thresholds | None = None,
    flags: Sequence[str] = (),
) -> Assessment:
    """Judge `value` by the rule (or by `thresholds` frozen earlier, which take precedence).

    Green when the target is met, Amber when within the tolerance band, Red beyond it; with
    the trend rule a Red that is improving on the previous period is shown Amber instead.
    """
    polarity = thresholds.polarity if thresholds else (rule.polarity if rule else Polarity.NEITHER)
    vs_prev = direction(polarity, value, previous, previous_label)
    vs_year = direction(polarity, value, last_year, last_year_label)
    all_flags = list(flags)
    if thresholds is None and rule is not None:
        reason = why_no_target(rule, quarter_number)
        if reason and "baseline is missing" in reason:
            all_flags.append("baseline missing")
        thresholds = thresholds_for(rule, quarter_number) if not reason else None
    else:
        reason = ""
    if thresholds is None:
        text = reason or "No target is set for this indicator, so it is not rated."
        state = StatusState.NO_TARGET
        explanation = text
        if value is None:
            explanation = f"No value for {period_label}. {text}"
        return Assessment(
            state, None, value, None, text, explanation, vs_prev, vs_year, tuple(all_flags)
        )
    rule_text = thresholds.rule_text
    if value is None:
        return Assessment(
            StatusState.NO_VALUE,
            None,
            None,
            thresholds,
            rule_text,
            f"No value for {period_label}, so it is not rated.",
            vs_prev,
            vs_year,
            tuple(all_flags),
        )
    unit = thresholds.unit
    shown = format_value(value, unit, exact=True)
    higher = thresholds.polarity is Polarity.HIGHER_BETTER
    meets = value >= thresholds.target if higher else value <= thresholds.target
    within = value >= thresholds.amber_limit if higher else value <= thresholds.amber_limit
    if meets:
        rag = RAG.GREEN
        explanation = (
            f"{shown} meets the target of {format_value(thresholds.target, unit, exact=True)}."
        )
    elif within:
        rag = RAG.AMBER
        explanation = (
            f"{shown} misses the target of {format_value(thresholds.target, unit, exact=True)} "
            f"but is within tolerance (edge "
            f"{format_value(thresholds.amber_limit, unit, exact=True)})."
        )
    else:
        rag = RAG.RED
        explanation = f"{shown} is beyond the tolerance edge of {format_value(thresholds.amber_limit, unit, exact=True)}."
        if thresholds.trend_rule:
            if vs_prev is not None and vs_prev.travel is Trend.IMPROVED:
                rag = RAG.AMBER
                explanation += (
                    f" It is improving on {previous_label} "
                    f"({format_value(previous, unit)}), so Amber under the trend rule."
                )
            elif vs_prev is None:
                explanation += f" No value for {previous_label} to show improvement."
            else:
                explanation += f" It is not improving on {previous_label}."
    return Assessment(
        StatusState.RATED,
        rag,
        value,
        thresholds,
        rule_text,
        explanation,
        vs_prev,
        vs_year,
        tuple(all_flags),
    )


# --- rates ---------------------------------------------------------------------------------


def rate_from(numerator: Decimal | None, denominator: Decimal | None, unit: Unit) -> Decimal | None:
    """A rate from its parts: per 1,000 for rates, per 100 for percentages, else the ratio.

    Rounded to 2 decimal places, the precision the partnership's reports use; None when a
    part is missing or the denominator is zero.
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    scale = {Unit.RATE_PER_1000: Decimal(1000), Unit.PERCENT: Decimal(100)}.get(unit, Decimal(1))
    return (numerator * scale / denominator).quantize(Decimal("0.01"))


# --- a whole series ------------------------------------------------------------------------


@dataclass(frozen=True)
class ValuePoint:
    """One stored value with its data-quality flags."""

    period: str
    value: Decimal | None
    previous_year: Decimal | None = None
    provisional: bool = False
    data_lag: bool = False
    baseline_missing: bool = False
    derived: bool = False  # value worked out from numerator and denominator

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if self.derived:
            out.append("computed from numerator and denominator")
        if self.provisional:
            out.append("provisional / unaudited")
        if self.data_lag:
            out.append("data lag")
        if self.baseline_missing:
            out.append("baseline missing")
        return tuple(out)


@dataclass(frozen=True)
class PeriodFigure:
    value: Decimal | None
    flags: tuple[str, ...]
    previous_year: Decimal | None  # as recorded alongside the value, if any


def figure_for(
    frequency: Frequency, rollup: Rollup, points: Mapping[str, ValuePoint], period: Period
) -> PeriodFigure:
    """The value of a quarter (or year) for judging, rolling months up where the indicator is
    monthly; `period` is a quarter for monthly/quarterly indicators, a year for annual ones."""
    if frequency is Frequency.MONTHLY and period.kind is PeriodKind.QUARTER:
        quarter = period.quarter
        assert quarter is not None
        month_points = [points.get(m.code) for m in months_of(quarter)]
        rolled = roll_up([p.value if p else None for p in month_points], rollup)
        flags: list[str] = []
        for p in month_points:
            if p:
                flags.extend(f for f in p.flags if f not in flags)
        if rolled.note:
            flags.append(rolled.note)
        prev_parts = [p.previous_year if p else None for p in month_points]
        prev_rolled = roll_up(prev_parts, rollup)
        return PeriodFigure(rolled.value, tuple(flags), prev_rolled.value)
    point = points.get(period.code)
    if point is None:
        return PeriodFigure(None, (), None)
    return PeriodFigure(point.value, point.flags, point.previous_year)


def assessment_period(frequency: Frequency, quarter: Quarter) -> Period:
    """The period judged for a quarter's status: the quarter itself, or for an annual
    indicator the financial year it falls in."""
    if frequency is Frequency.ANNUAL:
        return year_period(quarter.year)
    return quarter_period(quarter)


def assess_period(
    rule: IndicatorRule,
    frequency: Frequency,
    rollup: Rollup,
    points: Mapping[str, ValuePoint],
    period: Period,
    *,
    thresholds: Thresholds | None = None,
) -> Assessment:
    """Status of a quarter (or of a year, for an annual indicator), with both directions of
    travel: against the previous period and against the same period a year earlier."""
    current = figure_for(frequency, rollup, points, period)
    if period.kind is PeriodKind.YEAR:
        assert period.year is not None
        before = year_period(period.year.previous())
        previous = figure_for(frequency, rollup, points, before)
        previous_value = previous.value if previous.value is not None else current.previous_year
        return assess(
            rule,
            current.value,
            quarter_number=None,
            period_label=period.label,
            previous=previous_value,
            previous_label=before.label,
            thresholds=thresholds,
            flags=current.flags,
        )
    quarter = period.quarter
    if quarter is None:
        return Assessment(
            StatusState.NO_TARGET,
            None,
            current.value,
            None,
            "Only quarters and years are rated; this period is not one.",
            f"'{period.code}' is not a quarter or a financial year, so it is not rated.",
            flags=current.flags,
        )
    prev_q = quarter_period(quarter.previous())
    year_q = quarter_period(quarter.same_quarter_last_year())
    previous = figure_for(frequency, rollup, points, prev_q)
    last_year = figure_for(frequency, rollup, points, year_q)
    last_year_value = last_year.value if last_year.value is not None else current.previous_year
    return assess(
        rule,
        current.value,
        quarter_number=quarter.number,
        period_label=quarter.label,
        previous=previous.value,
        previous_label=prev_q.label,
        last_year=last_year_value,
        last_year_label=year_q.label,
        thresholds=thresholds,
        flags=current.flags,
    )
