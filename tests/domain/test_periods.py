import datetime as dt

import pytest

from scp_desktop.domain.periods import FinancialYear, Quarter


def test_financial_year_forms() -> None:
    for text in ("2022-23", "2022/23", "2022-2023", "2022 / 2023", "2022"):
        assert FinancialYear.parse(text).label == "2022-23"
    assert FinancialYear.parse("1999-00").label == "1999-00"


@pytest.mark.parametrize("bad", ["2022-24", "22-23", "twenty", ""])
def test_financial_year_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        FinancialYear.parse(bad)


def test_quarter_dates_and_labels() -> None:
    q2 = Quarter.parse("2022-23-Q2")
    assert q2.label == "Q2 2022-23"
    assert (q2.first_day, q2.last_day) == (dt.date(2022, 7, 1), dt.date(2022, 9, 30))
    q4 = Quarter.parse("Q4 2022-23")
    assert (q4.first_day, q4.last_day) == (dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    assert Quarter.parse("2022-23-Q1").previous().code == "2021-22-Q4"
    assert q4.next().code == "2023-24-Q1"
    assert q2.same_quarter_last_year().code == "2021-22-Q2"


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2022, 4, 1), "2022-23-Q1"),
        (dt.date(2022, 9, 30), "2022-23-Q2"),
        (dt.date(2022, 12, 31), "2022-23-Q3"),
        (dt.date(2023, 3, 31), "2022-23-Q4"),
    ],
)
def test_quarter_containing(day: dt.date, code: str) -> None:
    assert Quarter.containing(day).code == code


def test_bad_quarter() -> None:
    with pytest.raises(ValueError):
        Quarter.parse("2022-23-Q5")
