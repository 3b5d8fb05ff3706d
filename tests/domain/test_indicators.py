from decimal import Decimal as D

import pytest

from scp_desktop.domain.indicators import (
    Frequency,
    IndicatorRule,
    PeriodKind,
    Polarity,
    Rollup,
    StatusState,
    TargetKind,
    Thresholds,
    ToleranceKind,
    Trend,
    Unit,
    ValuePoint,
    assess,
    assess_period,
    direction,
    format_value,
    parse_decimal,
    parse_period,
    roll_up,
    sort_periods,
    thresholds_for,
)
from scp_desktop.domain.rag import RAG


def lower(target: str = "95", tol_kind: ToleranceKind = ToleranceKind.PERCENT, tol: str = "5"):
    return IndicatorRule(
        polarity=Polarity.LOWER_BETTER,
        target_kind=TargetKind.ABSOLUTE,
        target_value=D(target),
        tolerance_kind=tol_kind,
        tolerance_value=D(tol) if tol else None,
    )


def higher(target: str = "100", tol: str = "10") -> IndicatorRule:
    return IndicatorRule(
        polarity=Polarity.HIGHER_BETTER,
        target_kind=TargetKind.ABSOLUTE,
        target_value=D(target),
        tolerance_kind=ToleranceKind.ABSOLUTE,
        tolerance_value=D(tol),
    )


def rag_of(rule: IndicatorRule, value: str | None, **kw: object) -> RAG | None:
    v = D(value) if value is not None else None
    return assess(rule, v, quarter_number=2, period_label="Q2 2022-23", **kw).rag  # type: ignore[arg-type]


# --- polarity and tolerance edges -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("90", RAG.GREEN),
        ("95", RAG.GREEN),  # exactly on target: met
        ("95.0001", RAG.AMBER),
        ("99.75", RAG.AMBER),  # exactly on the tolerance edge (95 + 5% of 95): still amber
        ("99.7501", RAG.RED),
        ("120", RAG.RED),
    ],
)
def test_lower_is_better_with_percentage_tolerance(value: str, expected: RAG) -> None:
    assert rag_of(lower(), value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("150", RAG.GREEN),
        ("100", RAG.GREEN),  # on target
        ("99.99", RAG.AMBER),
        ("90", RAG.AMBER),  # on the edge of the absolute band
        ("89.99", RAG.RED),
    ],
)
def test_higher_is_better_with_absolute_tolerance(value: str, expected: RAG) -> None:
    assert rag_of(higher(), value) is expected


def test_same_value_is_judged_oppositely_by_polarity() -> None:
    assert rag_of(higher("100", "0"), "120") is RAG.GREEN
    assert rag_of(lower("100", ToleranceKind.ABSOLUTE, "0"), "120") is RAG.RED


def test_no_amber_band_means_green_or_red_only() -> None:
    rule = lower("10", ToleranceKind.NONE, "")
    assert rag_of(rule, "10") is RAG.GREEN
    assert rag_of(rule, "10.01") is RAG.RED
    assert "no amber band" in thresholds_for(rule, 2).rule_text  # type: ignore[union-attr]


def test_negative_targets_on_percentage_change_measures() -> None:
    # "Reduce by 5%": the measure is itself a % change, the target -5, lower is better.
    rule = lower("-5", ToleranceKind.ABSOLUTE, "2")
    assert rag_of(rule, "-17") is RAG.GREEN
    assert rag_of(rule, "-5") is RAG.GREEN
    assert rag_of(rule, "-3") is RAG.AMBER
    assert rag_of(rule, "-2.9") is RAG.RED


def test_percent_tolerance_of_a_negative_target_widens_the_band_outward() -> None:
    rule = lower("-10", ToleranceKind.PERCENT, "10")
    t = thresholds_for(rule, 1)
    assert t is not None and t.amber_limit == D("-9")


# --- % change targets -----------------------------------------------------------------------


def test_percent_change_target_on_baseline() -> None:
    rule = IndicatorRule(
        polarity=Polarity.LOWER_BETTER,
        unit=Unit.COUNT,
        target_kind=TargetKind.PERCENT_CHANGE,
        target_value=D("-5"),
        baseline_value=D("2059"),
        baseline_period="2021-22",
        tolerance_kind=ToleranceKind.PERCENT,
        tolerance_value=D("2"),
    )
    t = thresholds_for(rule, 2)
    assert t is not None
    assert t.target == D("1956.05")
    assert t.amber_limit == D("1956.05") + D("1956.05") * D("0.02")
    assert "5% below the baseline of 2,059 in 2021-22" in t.rule_text
    assert rag_of(rule, "1956.05") is RAG.GREEN
    assert rag_of(rule, "1956.06") is RAG.AMBER
    assert rag_of(rule, str(t.amber_limit)) is RAG.AMBER
    assert rag_of(rule, "2059") is RAG.RED


def test_percent_increase_target_for_higher_is_better() -> None:
    rule = IndicatorRule(
        polarity=Polarity.HIGHER_BETTER,
        target_kind=TargetKind.PERCENT_CHANGE,
        target_value=D("10"),
        baseline_value=D("200"),
    )
    t = thresholds_for(rule, 1)
    assert t is not None and t.target == D("220")
    assert rag_of(rule, "220") is RAG.GREEN
    assert rag_of(rule, "219") is RAG.RED


def test_percent_change_without_baseline_is_not_rated_and_flagged() -> None:
    rule = IndicatorRule(
        polarity=Polarity.LOWER_BETTER,
        target_kind=TargetKind.PERCENT_CHANGE,
        target_value=D("-5"),
    )
    a = assess(rule, D("10"), quarter_number=1, period_label="Q1 2022-23")
    assert a.rag is None and a.state is StatusState.NO_TARGET
    assert "baseline is missing" in a.rule_text
    assert "baseline missing" in a.flags


def test_quarter_profile_overrides_the_annual_target() -> None:
    rule = IndicatorRule(
        polarity=Polarity.HIGHER_BETTER,
        target_kind=TargetKind.ABSOLUTE,
        target_value=D("400"),
        profile={1: D("100"), 2: D("200")},
    )
    assert thresholds_for(rule, 1).target == D("100")  # type: ignore[union-attr]
    assert thresholds_for(rule, 2).target == D("200")  # type: ignore[union-attr]
    assert thresholds_for(rule, 3).target == D("400")  # type: ignore[union-attr]
    assert "Q2 profile" in thresholds_for(rule, 2).rule_text  # type: ignore[union-attr]


# --- no target, no value --------------------------------------------------------------------


def test_no_target_is_never_a_colour() -> None:
    rule = IndicatorRule(polarity=Polarity.LOWER_BETTER)
    a = assess(rule, D("11.3"), quarter_number=2, period_label="Q2 2022-23")
    assert a.rag is None
    assert a.state is StatusState.NO_TARGET
    assert a.status_text == "No target"


def test_polarity_neither_with_target_is_refused_and_not_rated() -> None:
    rule = IndicatorRule(
        polarity=Polarity.NEITHER, target_kind=TargetKind.ABSOLUTE, target_value=D("5")
    )
    assert any("better direction" in p for p in rule.problems())
    assert rag_of(rule, "5") is None


def test_missing_value_is_no_value_not_red() -> None:
    a = assess(lower(), None, quarter_number=2, period_label="Q2 2022-23")
    assert a.rag is None
    assert a.state is StatusState.NO_VALUE
    assert "No value for Q2 2022-23" in a.explanation
    assert a.rule_text.startswith("Lower is better")


def test_rule_text_states_the_bands() -> None:
    text = thresholds_for(lower(), 2).rule_text  # type: ignore[union-attr]
    assert text == (
        "Lower is better. Target 95 (set value). Green if ≤ 95; Amber if ≤ 99.75 "
        "(tolerance 5% of target); Red if > 99.75."
    )


# --- trend rule -----------------------------------------------------------------------------


def test_trend_rule_softens_red_when_improving() -> None:
    rule = IndicatorRule(
        polarity=Polarity.LOWER_BETTER,
        target_kind=TargetKind.ABSOLUTE,
        target_value=D("100"),
        tolerance_kind=ToleranceKind.ABSOLUTE,
        tolerance_value=D("10"),
        trend_rule=True,
    )
    improving = assess(rule, D("130"), quarter_number=2, period_label="Q2", previous=D("140"))
    assert improving.rag is RAG.AMBER
    assert "trend rule" in improving.explanation
    assert "not improving" in improving.rule_text
    worsening = assess(rule, D("130"), quarter_number=2, period_label="Q2", previous=D("120"))
    assert worsening.rag is RAG.RED
    flat = assess(rule, D("130"), quarter_number=2, period_label="Q2", previous=D("130"))
    assert flat.rag is RAG.RED
    unknown = assess(rule, D("130"), quarter_number=2, period_label="Q2", previous=None)
    assert unknown.rag is RAG.RED
    # The trend rule never lifts an amber to green.
    assert assess(rule, D("105"), quarter_number=2, period_label="Q2", previous=D("140")).rag is (
        RAG.AMBER
    )


def test_without_trend_rule_improving_red_stays_red() -> None:
    assert rag_of(lower(), "130", previous=D("140")) is RAG.RED


# --- direction of travel --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "current", "previous", "trend", "arrow"),
    [
        (Polarity.HIGHER_BETTER, "10", "8", Trend.IMPROVED, "↑"),
        (Polarity.HIGHER_BETTER, "8", "10", Trend.WORSENED, "↓"),
        (Polarity.LOWER_BETTER, "8", "10", Trend.IMPROVED, "↓"),
        (Polarity.LOWER_BETTER, "10", "8", Trend.WORSENED, "↑"),
        (Polarity.NEITHER, "10", "8", Trend.UP, "↑"),
        (Polarity.NEITHER, "8", "10", Trend.DOWN, "↓"),
        (Polarity.LOWER_BETTER, "8.0", "8", Trend.SAME, "→"),
    ],
)
def test_direction_of_travel_uses_polarity(
    polarity: Polarity, current: str, previous: str, trend: Trend, arrow: str
) -> None:
    d = direction(polarity, D(current), D(previous), "Q1 2022-23")
    assert d is not None
    assert d.travel is trend
    assert d.arrow == arrow
    assert "Q1 2022-23" in d.text


def test_direction_needs_both_values() -> None:
    assert direction(Polarity.HIGHER_BETTER, None, D(1), "x") is None
    assert direction(Polarity.HIGHER_BETTER, D(1), None, "x") is None


def test_assess_period_compares_previous_quarter_and_same_quarter_last_year() -> None:
    points = {
        "2021-22-Q2": ValuePoint("2021-22-Q2", D("155")),
        "2022-23-Q1": ValuePoint("2022-23-Q1", D("173")),
        "2022-23-Q2": ValuePoint("2022-23-Q2", D("160"), provisional=True),
    }
    rule = IndicatorRule(polarity=Polarity.HIGHER_BETTER)
    a = assess_period(rule, Frequency.QUARTERLY, Rollup.SUM, points, parse_period("2022-23-Q2"))
    assert a.vs_previous is not None and a.vs_previous.travel is Trend.WORSENED
    assert a.vs_previous.against == "Q1 2022-23"
    assert a.vs_last_year is not None and a.vs_last_year.travel is Trend.IMPROVED
    assert a.vs_last_year.against == "Q2 2021-22"
    assert "provisional / unaudited" in a.flags


def test_previous_year_field_stands_in_when_last_year_has_no_row() -> None:
    points = {"2022-23-Q2": ValuePoint("2022-23-Q2", D("10"), previous_year=D("12"))}
    a = assess_period(
        IndicatorRule(polarity=Polarity.LOWER_BETTER),
        Frequency.QUARTERLY,
        Rollup.SUM,
        points,
        parse_period("2022-23-Q2"),
    )
    assert a.vs_last_year is not None and a.vs_last_year.travel is Trend.IMPROVED


# --- monthly roll-up ------------------------------------------------------------------------


def test_roll_up_sum_of_three_months() -> None:
    r = roll_up([D(40), D(50), D("60.5")], Rollup.SUM)
    assert r.value == D("150.5") and r.complete and r.note == ""


def test_roll_up_sum_with_a_missing_month_gives_no_value() -> None:
    r = roll_up([D(40), None, D(60)], Rollup.SUM)
    assert r.value is None
    assert not r.complete
    assert "2 of 3 months" in r.note and "subtotal 100" in r.note


def test_roll_up_last_takes_the_final_month() -> None:
    assert roll_up([D(121), D(129), D(130)], Rollup.LAST).value == D(130)


def test_roll_up_last_with_only_early_months_is_flagged_partial() -> None:
    r = roll_up([D(121), None, None], Rollup.LAST)
    assert r.value == D(121) and not r.complete
    assert "partial quarter" in r.note


def test_roll_up_of_nothing() -> None:
    r = roll_up([None, None, None], Rollup.SUM)
    assert r.value is None and r.months_present == 0


def test_monthly_indicator_is_judged_on_its_rolled_up_quarter() -> None:
    rule = higher("150", "15")
    points = {
        code: ValuePoint(code, D(v))
        for code, v in (("2022-23-M07", "40"), ("2022-23-M08", "50"), ("2022-23-M09", "55"))
    }
    q2 = parse_period("2022-23-Q2")
    a = assess_period(rule, Frequency.MONTHLY, Rollup.SUM, points, q2)
    assert a.value == D(145) and a.rag is RAG.AMBER
    last = assess_period(rule, Frequency.MONTHLY, Rollup.LAST, points, q2)
    assert last.value == D(55) and last.rag is RAG.RED
    del points["2022-23-M08"]
    gap = assess_period(rule, Frequency.MONTHLY, Rollup.SUM, points, q2)
    assert gap.rag is None and gap.state is StatusState.NO_VALUE
    assert any("incomplete quarter" in f for f in gap.flags)


def test_annual_indicator_compares_with_the_previous_year() -> None:
    points = {"2007-08": ValuePoint("2007-08", D(3)), "2008-09": ValuePoint("2008-09", D(-17))}
    a = assess_period(
        lower("-5", ToleranceKind.NONE, ""),
        Frequency.ANNUAL,
        Rollup.SUM,
        points,
        parse_period("2008-09"),
    )
    assert a.rag is RAG.GREEN
    assert a.vs_previous is not None and a.vs_previous.against == "Year 2007-08"


# --- frozen thresholds ----------------------------------------------------------------------


def test_frozen_thresholds_round_trip_and_take_precedence_over_a_new_rule() -> None:
    t = thresholds_for(lower("95"), 2)
    assert t is not None
    kept = Thresholds.from_json(t.to_json())
    assert kept == t
    stricter = lower("50")
    now = assess(stricter, D("96"), quarter_number=2, period_label="Q2")
    then = assess(stricter, D("96"), quarter_number=2, period_label="Q2", thresholds=kept)
    assert now.rag is RAG.RED
    assert then.rag is RAG.AMBER
    assert Thresholds.from_json("") is None
    assert Thresholds.from_json("{broken") is None


# --- reading numbers and periods ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,071", D(1071)),
        ("11.3%", D("11.3")),
        ("£1,200.50", D("1200.50")),
        (" -53.7 ", D("-53.7")),
        ("(12.5)", D("-12.5")),
        (0.1, D("0.1")),
        (7, D(7)),
        ("", None),
        (None, None),
    ],
)
def test_parse_decimal(text: object, expected: D | None) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["twelve", "1.2.3", "n/a", "NaN", "inf", True])
def test_parse_decimal_refuses_words(text: object) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "code", "kind", "label"),
    [
        ("2022-23-Q2", "2022-23-Q2", PeriodKind.QUARTER, "Q2 2022-23"),
        ("Q2 2022/23", "2022-23-Q2", PeriodKind.QUARTER, "Q2 2022-23"),
        ("2022/23", "2022-23", PeriodKind.YEAR, "Year 2022-23"),
        ("2022-23-M07", "2022-23-M07", PeriodKind.MONTH, "Jul 2022"),
        ("July 2022", "2022-23-M07", PeriodKind.MONTH, "Jul 2022"),
        ("Sept 2022", "2022-23-M09", PeriodKind.MONTH, "Sept 2022"),
        ("Jan 2023", "2022-23-M01", PeriodKind.MONTH, "Jan 2023"),
        ("03/2023", "2022-23-M03", PeriodKind.MONTH, "Mar 2023"),
        (
            "As reported 14/09/2021",
            "As reported 14/09/2021",
            PeriodKind.OTHER,
            "As reported 14/09/2021",
        ),
    ],
)
def test_parse_period(text: str, code: str, kind: PeriodKind, label: str) -> None:
    p = parse_period(text)
    assert (p.code, p.kind, p.label) == (code, kind, label)


def test_months_belong_to_their_financial_quarter() -> None:
    assert parse_period("Jan 2023").quarter.code == "2022-23-Q4"  # type: ignore[union-attr]
    assert parse_period("Apr 2022").quarter.code == "2022-23-Q1"  # type: ignore[union-attr]


def test_periods_sort_chronologically() -> None:
    codes = ["2022-23", "2022-23-Q2", "free text", "2022-23-M04", "2021-22-Q4", "2022-23-M01"]
    assert sort_periods(codes) == [
        "2021-22-Q4",
        "2022-23-M04",
        "2022-23-Q2",
        "2022-23-M01",
        "2022-23",
        "free text",
    ]


def test_format_value_by_unit() -> None:
    assert format_value(D("1071"), Unit.COUNT) == "1,071"
    assert format_value(D("11.3"), Unit.PERCENT) == "11.3%"
    assert format_value(D("-53.7"), Unit.PERCENT) == "-53.7%"
    assert format_value(D("97.1"), Unit.RATE_PER_1000) == "97.1 per 1,000"
    assert format_value(D("1200"), Unit.GBP) == "£1,200"
    assert format_value(D("1956.0500"), Unit.COUNT) == "1,956.05"
    assert format_value(D("1.23456"), Unit.COUNT) == "1.23"
    assert format_value(None, Unit.COUNT) == "–"


def test_rule_text_prints_the_exact_edge_not_a_rounded_one() -> None:
    rule = lower("99.75", ToleranceKind.PERCENT, "5")  # edge 104.7375
    t = thresholds_for(rule, 2)
    assert t is not None
    assert "Amber if ≤ 104.7375" in t.rule_text
    assert rag_of(rule, "104.7375") is RAG.AMBER
    assert rag_of(rule, "104.74") is RAG.RED


def test_rate_from_numerator_and_denominator() -> None:
    from scp_desktop.domain.indicators import rate_from

    assert rate_from(D(18906), D(194706), Unit.RATE_PER_1000) == D("97.10")
    assert rate_from(D(58), D(100), Unit.PERCENT) == D("58.00")
    assert rate_from(D(3), D(4), Unit.COUNT) == D("0.75")
    assert rate_from(D(3), D(0), Unit.RATE_PER_1000) is None
    assert rate_from(None, D(4), Unit.PERCENT) is None
