"""Money in pounds, held as integer pence so sums never drift."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation


def parse_pounds(text: object) -> int:
    """'£43k' → 4300000, '22,511' → 2251100, '5513.50' → 551350 (pence). Raises ValueError."""
    if isinstance(text, int):
        return text * 100
    if isinstance(text, Decimal):
        return int((text * 100).quantize(Decimal(1)))
    if isinstance(text, float):
        return int((Decimal(repr(text)) * 100).quantize(Decimal(1)))
    raw = str(text).strip().lower().replace("£", "").replace(",", "").replace(" ", "")
    multiplier = Decimal(1)
    if raw.endswith("k"):
        multiplier, raw = Decimal(1000), raw[:-1]
    elif raw.endswith("m"):
        multiplier, raw = Decimal(1_000_000), raw[:-1]
    if not re.fullmatch(r"-?\d+(\.\d+)?", raw):
        raise ValueError(f"'{text}' is not an amount of money")
    try:
        pounds = Decimal(raw) * multiplier
    except InvalidOperation as exc:
        raise ValueError(f"'{text}' is not an amount of money") from exc
    return int((pounds * 100).quantize(Decimal(1)))


def format_pounds(pence: int, *, pennies: bool = False) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    if pennies or pence % 100:
        return f"{sign}£{pence // 100:,}.{pence % 100:02d}"
    return f"{sign}£{pence // 100:,}"
