"""Financial years (April–March, written "2022-23") and their quarters (Q1 Apr–Jun … Q4 Jan–Mar)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

FIRST_YEAR = 1900
LAST_YEAR = 2998


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear:
    start: int  # calendar year in which April falls

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Accepts '2022-23', '2022/23', '2022-2023', '2022/2023' and '2022'."""
        raw = text.strip()
        # ASCII digits only: other scripts' digits would give years that print differently.
        m = re.fullmatch(r"([0-9]{4})\s*[-/–]\s*([0-9]{2}|[0-9]{4})", raw)
        if m:
            start = int(m.group(1))
            end = int(m.group(2))
            end_full = end if end > 99 else (start // 100) * 100 + end
            if end_full < start:
                end_full += 100
            if end_full != start + 1:
                raise ValueError(f"'{text}' is not a financial year: the years must be consecutive")
            return cls._checked(start, text)
        if re.fullmatch(r"[0-9]{4}", raw):
            return cls._checked(int(raw), text)
        raise ValueError(f"'{text}' is not a financial year (expected e.g. 2022-23)")

    @classmethod
    def _checked(cls, start: int, text: str) -> FinancialYear:
        # Years whose neighbours and dates exist, and whose label reads back as the same year.
        if not FIRST_YEAR <= start <= LAST_YEAR:
            raise ValueError(
                f"'{text}' is not a financial year SCP Desktop can hold "
                f"({FIRST_YEAR}-{(FIRST_YEAR + 1) % 100:02d} to {LAST_YEAR}-{(LAST_YEAR + 1) % 100:02d})"
            )
        return cls(start)

    @classmethod
    def containing(cls, day: dt.date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start, 4, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.start + 1, 3, 31)

    def quarter(self, number: int) -> Quarter:
        return Quarter(self, number)

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        return tuple(Quarter(self, n) for n in (1, 2, 3, 4))

    def next(self) -> FinancialYear:
        return FinancialYear(self.start + 1)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start - 1)

    def __str__(self) -> str:
        return self.label


_QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}
_MONTH_NAMES = ("Apr–Jun", "Jul–Sep", "Oct–Dec", "Jan–Mar")


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    year: FinancialYear
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1 to 4, not {self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Accepts the code '2022-23-Q2' and the label 'Q2 2022-23' (also '2022/23 Q2')."""
        raw = text.strip().upper().replace("–", "-")
        m = re.fullmatch(r"([0-9]{4}\s*[-/]\s*[0-9]{2,4})\s*[- ]?\s*Q([1-4])", raw)
        if m:
            return cls(FinancialYear.parse(m.group(1)), int(m.group(2)))
        m = re.fullmatch(r"Q([1-4])\s*[- ]?\s*([0-9]{4}\s*[-/]\s*[0-9]{2,4})", raw)
        if m:
            return cls(FinancialYear.parse(m.group(2)), int(m.group(1)))
        raise ValueError(f"'{text}' is not a quarter (expected e.g. 2022-23-Q2 or Q2 2022-23)")

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        year = FinancialYear.containing(day)
        month = day.month
        number = 4 if month <= 3 else (month - 4) // 3 + 1
        return cls(year, number)

    @property
    def code(self) -> str:
        """Stable text form used in the database and on the command line."""
        return f"{self.year.label}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year.label}"

    @property
    def months(self) -> str:
        return _MONTH_NAMES[self.number - 1]

    @property
    def first_day(self) -> dt.date:
        first_month, _ = _QUARTER_MONTHS[self.number]
        cal_year = self.year.start + (1 if self.number == 4 else 0)
        return dt.date(cal_year, first_month, 1)

    @property
    def last_day(self) -> dt.date:
        _, last_month = _QUARTER_MONTHS[self.number]
        cal_year = self.year.start + (1 if self.number == 4 else 0)
        next_first = dt.date(cal_year + (1 if last_month == 12 else 0), last_month % 12 + 1, 1)
        return next_first - dt.timedelta(days=1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year.previous(), 4)
        return Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year.next(), 1)
        return Quarter(self.year, self.number + 1)

    def same_quarter_last_year(self) -> Quarter:
        return Quarter(self.year.previous(), self.number)

    def __str__(self) -> str:
        return self.label
