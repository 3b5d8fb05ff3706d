"""Meetings and agendas in the committee's own terms: dates and times as officers write them,
Part A and Part B, the exempt-information paragraphs, page ranges."""

from __future__ import annotations

import datetime as dt
import re

PART_A = "A"
PART_B = "B"
PART_LABELS = {
    PART_A: "Part A – open to the public, including the press",
    PART_B: "Part B – not open to the public, including the press",
}

# The generated documents an agenda item can carry, by the name stored with the item.
# "" on a report item is the committee report of the demo: the quarterly report with the
# plan as its appendix.
ITEM_REPORTS: dict[str, str] = {
    "quarterly": "Quarterly performance report",
    "plan": "Annual Partnership Plan",
    "year-end": "Year-end report",
    "quarterly+plan": "Quarterly performance report with the plan as appendix",
}

# Local Government Act 1972, Schedule 12A, Part 1 (England): the descriptions of exempt
# information a Part B item is taken under. Officers cite them by paragraph number.
EXEMPT_PARAGRAPHS: dict[int, str] = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person "
    "(including the authority holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated "
    "consultations or negotiations, in connection with any labour relations matter arising "
    "between the authority or a Minister of the Crown and employees of, or office holders "
    "under, the authority.",
    5: "Information in respect of which a claim to legal professional privilege could be "
    "maintained in legal proceedings.",
    6: "Information which reveals that the authority proposes to give under any enactment a "
    "notice by virtue of which requirements are imposed on a person, or to make an order or "
    "direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the "
    "prevention, investigation or prosecution of crime.",
}


def exemption_text(paragraph: int) -> str:
    return (
        f"Paragraph {paragraph} of Part 1 of Schedule 12A to the Local Government Act 1972: "
        f"{EXEMPT_PARAGRAPHS[paragraph]}"
    )


def expand_exemption(text: str) -> str:
    """A bare paragraph number ("7", "para 7", "paragraph 7") becomes its full citation;
    anything else is the officer's own wording and stays as written."""
    found = re.fullmatch(r"\s*(?:para(?:graph)?\.?\s*)?([1-7])\s*", text, re.IGNORECASE)
    if found:
        return exemption_text(int(found.group(1)))
    return " ".join(text.split())


_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y",
                 "%d %b %Y", "%A %d %B %Y")  # fmt: skip


def parse_meeting_date(text: str) -> dt.date:
    """A UK-style date: 07/11/2022, 7/11/22, 2022-11-07, 7 November 2022.

    Raises ValueError with a sentence naming the text and the expected form."""
    raw = " ".join(str(text).split())
    if not raw:
        raise ValueError("The meeting date is missing: write it as dd/mm/yyyy (e.g. 07/11/2022).")
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        f"'{raw}' is not a date: write it as dd/mm/yyyy (e.g. 07/11/2022)."
        + (" That day does not exist." if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", raw) else "")
    )


_TIME = re.compile(
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?",
    re.IGNORECASE,
)


def parse_meeting_time(text: str) -> str:
    """A time of day as "HH:MM" (24-hour): 18:00, 18.00, 6pm, 6.30 pm. "" stays "" (not set).

    Raises ValueError with a sentence naming the text and the expected form."""
    raw = " ".join(str(text).split())
    if not raw:
        return ""
    found = _TIME.fullmatch(raw)
    problem = f"'{raw}' is not a time of day: write it as hh:mm, 24-hour (e.g. 18:00)."
    if not found:
        raise ValueError(problem)
    hour = int(found.group("hour"))
    minute = int(found.group("minute") or 0)
    half = (found.group("half") or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(problem)
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif found.group("minute") is None:
        # A bare number is too easily a slip ("18" for the 18th): ask for the minutes.
        raise ValueError(problem)
    if hour > 23 or minute > 59:
        raise ValueError(problem)
    return f"{hour:02d}:{minute:02d}"


def date_label(day: dt.date) -> str:
    """Monday 07 November 2022, as committee papers print it."""
    return day.strftime("%A %d %B %Y")


def when_label(day: dt.date, time: str) -> str:
    return f"{date_label(day)} at {time}" if time else date_label(day)


def page_range(first: int, last: int) -> str:
    """ "17 – 52", or one number for one page."""
    return str(first) if last <= first else f"{first} – {last}"


def item_number(own: str, position: int) -> str:
    """The number an item is printed with: its own ("5a") or its place in the agenda."""
    return own.strip() or str(position + 1)
