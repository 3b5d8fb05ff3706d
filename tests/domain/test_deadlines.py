import datetime as dt

import pytest

from scp_desktop.domain.deadlines import DeadlineKind, parse_deadline


@pytest.mark.parametrize(
    ("text", "kind", "day", "display"),
    [
        ("Mar 2023", DeadlineKind.MONTH, dt.date(2023, 3, 31), "Mar 2023"),
        ("Mar 15", DeadlineKind.MONTH, dt.date(2015, 3, 31), "Mar 2015"),
        ("Sept 2022", DeadlineKind.MONTH, dt.date(2022, 9, 30), "Sept 2022"),
        ("December 2014", DeadlineKind.MONTH, dt.date(2014, 12, 31), "Dec 2014"),
        ("Feb 2024", DeadlineKind.MONTH, dt.date(2024, 2, 29), "Feb 2024"),
        ("31/03/2023", DeadlineKind.DATE, dt.date(2023, 3, 31), "31/03/2023"),
        ("30/09/22", DeadlineKind.DATE, dt.date(2022, 9, 30), "30/09/2022"),
        ("2023-03-31", DeadlineKind.DATE, dt.date(2023, 3, 31), "31/03/2023"),
        ("Ongoing", DeadlineKind.ONGOING, None, "Ongoing"),
        ("TBC", DeadlineKind.TBC, None, "TBC"),
        ("??", DeadlineKind.UNKNOWN, None, "??"),
        ("", DeadlineKind.UNKNOWN, None, "Not known"),
    ],
)
def test_parse_deadline(text: str, kind: DeadlineKind, day: dt.date | None, display: str) -> None:
    d = parse_deadline(text)
    assert d.kind is kind
    assert d.day == day
    assert d.display == display


@pytest.mark.parametrize("text", ["31/02/2023", "32/01/2023", "00/00/0000", "when it's ready"])
def test_impossible_or_unreadable_dates_are_kept_as_unknown(text: str) -> None:
    d = parse_deadline(text)
    assert d.kind is DeadlineKind.UNKNOWN
    assert d.text == text
    assert "Not understood" in d.explanation


def test_overdue_uses_the_given_day() -> None:
    d = parse_deadline("Mar 2023")
    assert d.is_overdue(dt.date(2023, 4, 1))
    assert not d.is_overdue(dt.date(2023, 3, 31))
    assert not parse_deadline("Ongoing").is_overdue(dt.date(2099, 1, 1))


def test_date_objects_from_spreadsheets() -> None:
    d = parse_deadline(dt.datetime(2023, 3, 31, 0, 0))
    assert d.kind is DeadlineKind.DATE and d.day == dt.date(2023, 3, 31)
