from decimal import Decimal

import pytest

from scp_desktop.domain.money import format_pounds, parse_pounds


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£43k", 4_300_000),
        ("22,511", 2_251_100),
        ("5513.50", 551_350),
        ("£1.2m", 120_000_000),
        (Decimal("0.10"), 10),
        (0.1 + 0.2, 30),
        (7, 700),
    ],
)
def test_parse_pounds(text: object, pence: int) -> None:
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("bad", ["lots", "£", "1.2.3", "=1+1"])
def test_parse_pounds_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_pounds(bad)


def test_format_pounds() -> None:
    assert format_pounds(2_251_100) == "£22,511"
    assert format_pounds(551_350) == "£5,513.50"
    assert format_pounds(-500) == "-£5"
