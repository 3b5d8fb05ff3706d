"""Property tests: the normalisers read anything people type without an exception escaping,
and what they return is well formed (it prints and reads back as the same value)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from scp_desktop.domain.deadlines import DeadlineKind, parse_deadline
from scp_desktop.domain.indicators import decimal_text, format_value, parse_decimal, parse_period
from scp_desktop.domain.money import format_pounds, parse_pounds
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG, parse_rag, rag_from_rgb

FAST = settings(max_examples=150, deadline=None)

rag_texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["R", "amber ", "GREEN", "Complete", "Red - off track", "RAG: amber", "b"]),
    st.builds(
        lambda word, pad: f"{pad}{word}{pad}",
        st.sampled_from(["red", "Amber", "on track", "at risk", "Blue (complete)"]),
        st.text(" \t\n-_:()", max_size=3),
    ),
)


@given(st.one_of(rag_texts, st.none(), st.integers(), st.floats()))
@FAST
def test_rag_words(text: object) -> None:
    rag = parse_rag(text)
    assert rag is None or isinstance(rag, RAG)
    if rag is not None:
        # Whatever was read prints as a letter and a word that read back as the same status.
        assert parse_rag(rag.value) is rag
        assert parse_rag(rag.label) is rag
        assert parse_rag(f" {rag.label.upper()} - {rag.meaning} ") is rag


@given(
    st.one_of(
        st.text(max_size=12), st.from_regex(r"#?([0-9A-Fa-f]{2})?[0-9A-Fa-f]{6}", fullmatch=True)
    )
)
@FAST
def test_rag_from_any_colour_text(text: str) -> None:
    assert rag_from_rgb(text) in (None, *RAG)


deadline_texts = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\s*[A-Za-z]{3,9}\.?[ \-/']{0,2}[0-9]{2,4}\s*", fullmatch=True),
    st.from_regex(r"[0-9]{1,4}[/.\-][0-9]{1,4}([/.\-][0-9]{1,5})?", fullmatch=True),
    st.sampled_from(["Ongoing", "TBC", "??", "Dec 2014", "Mar 15", "Sept 2022", "31/03/2023"]),
)


@given(st.one_of(deadline_texts, st.dates(), st.datetimes(), st.none(), st.integers(), st.floats()))
@FAST
def test_deadlines(text: object) -> None:
    deadline = parse_deadline(text)
    assert deadline.display and deadline.explanation
    if deadline.kind in (DeadlineKind.DATE, DeadlineKind.MONTH):
        assert deadline.day is not None
        again = parse_deadline(deadline.display)
        assert (again.kind, again.day) == (deadline.kind, deadline.day)
    else:
        assert deadline.day is None
    if isinstance(text, str) and deadline.kind is DeadlineKind.UNKNOWN:
        assert deadline.text == text.strip()  # nothing the officer typed is lost


quarter_texts = st.one_of(
    st.text(max_size=24),
    st.from_regex(r"\s*(Q[1-4] ?)?[0-9]{4} ?[-/–] ?[0-9]{2,4}( ?-?Q[1-4])?\s*", fullmatch=True),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
)


@given(quarter_texts)
@FAST
def test_quarters_and_years(text: str) -> None:
    try:
        quarter = Quarter.parse(text)
    except ValueError:
        pass
    else:
        assert Quarter.parse(quarter.code) == quarter == Quarter.parse(quarter.label)
        assert quarter.first_day <= quarter.last_day
        assert quarter.next().previous() == quarter
        assert Quarter.containing(quarter.first_day) == quarter
    try:
        year = FinancialYear.parse(text)
    except ValueError:
        return
    assert FinancialYear.parse(year.label) == year
    assert year.first_day < year.last_day
    assert year.next().previous() == year
    assert [q.code for q in year.quarters] == [f"{year.label}-Q{n}" for n in (1, 2, 3, 4)]


money = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"£?-?[0-9,]{1,12}(\.[0-9]{1,3})?[kKmM]?", fullmatch=True),
    st.integers(),
    st.floats(),
    st.decimals(),
)


@given(money)
@FAST
def test_money(value: object) -> None:
    try:
        pence = parse_pounds(value)
    except ValueError:
        return
    assert isinstance(pence, int)
    assert abs(pence) < 2**63  # fits the database's whole numbers
    assert parse_pounds(format_pounds(pence, pennies=True)) == pence


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.decimals(), st.none()))
@FAST
def test_figures(value: object) -> None:
    try:
        figure = parse_decimal(value)
    except ValueError:
        return
    if figure is None:
        return
    assert figure.is_finite()
    text = decimal_text(figure)
    assert parse_decimal(text) == figure.normalize() or Decimal(text) == figure
    for unit in ("count", "percent", "rate_per_1000", "gbp"):
        assert format_value(figure, unit)


@given(st.text(max_size=20))
@FAST
def test_periods(text: str) -> None:
    try:
        period = parse_period(text)
    except ValueError:
        return
    assert parse_period(period.code) == period


def test_examples_the_properties_found() -> None:
    # A spreadsheet number cell can hold an infinity, NaN or 1e26: refused, not a crash.
    for value in (float("inf"), Decimal("Infinity"), Decimal("NaN"), 1e26, "9" * 40):
        try:
            parse_pounds(value)
        except ValueError:
            continue
        raise AssertionError(f"{value!r} was accepted")
    for value in (float("inf"), Decimal("-Infinity"), "1e30"):
        try:
            parse_decimal(value)
        except ValueError:
            continue
        raise AssertionError(f"{value!r} was accepted")
    # Years that could not print or read back the same are not years.
    for text in ("0000-01-Q1", "9999-00", "009୯/00", "٢٠٢٢-٢٣"):
        try:
            FinancialYear.parse(text)
        except ValueError:
            continue
        raise AssertionError(f"{text!r} was read as a year")
    assert parse_deadline("001/").kind is DeadlineKind.UNKNOWN
    assert parse_deadline("1/0100").kind is DeadlineKind.UNKNOWN
    assert parse_deadline("Mar 15").day == dt.date(2015, 3, 31)
