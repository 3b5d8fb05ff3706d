"""Money in pounds, held as integer pence so sums never drift."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

LARGEST_POUNDS = Decimal(10) ** 13  # far beyond any partnership's budget, well inside 64 bits


def parse_pounds(text: object) -> int:
    """'£43k' → 4300000, '22,511' → 2251100, '5513.50' → 551350 (pence). Raises ValueError."""
    if isinstance(text, int):
        pounds = Decimal(text)
    elif isinstance(text, Decimal):
        pounds = text
    elif isinstance(text, float):
        pounds = Decimal(repr(text))
    else:
        raw = str(text).strip().lower().replace("£", "").replace(",", "").replace(" ", "")
        multiplier = Decimal(1)
        if raw.endswith("k"):
            multiplier, raw = Decimal(1000), raw[:-1]
        elif raw.endswith("m"):
            multiplier, raw = Decimal(1_000_000), raw[:-1]
        if not re.fullmatch(r"-?\d+(\.\d+)?", raw):
            raise ValueError(f"'{text}' is not an amount of money")
        pounds = Decimal(raw) * multiplier
    # Spreadsheet cells can hold infinities and NaN, and a stray exponent can make an amount
    # larger than the database's whole numbers hold.
    if not pounds.is_finite() or abs(pounds) >= LARGEST_POUNDS:
        raise ValueError(f"'{text}' is not an amount of money SCP Desktop can hold")
    try:
        return int((pounds * 100).quantize(Decimal(1)))
    except InvalidOperation as exc:
        raise ValueError(f"'{text}' is not an amount of money") from exc


def format_pounds(pence: int, *, pennies: bool = False) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    if pennies or pence % 100:
        return f"{sign}£{pence // 100:,}.{pence % 100:02d}"
    return f"{sign}£{pence // 100:,}"
