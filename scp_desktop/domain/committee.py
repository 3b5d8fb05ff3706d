"""A committee report: the officer's own sections around the partnership's performance data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from scp_desktop.domain.reports import DocumentInfo, PlanDocument, QuarterlyReport

# The header block, in the order councils print it: key, label.
HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("report_of", "Report of"),
    ("author", "Author"),
    ("contact", "Contact"),
    ("title", "Title"),
    ("wards", "Wards affected"),
    ("item", "Item number"),
)

# The officer's sections: key, heading. The numbered sections before the performance data,
# then future plans and the implications after it.
OPENING_SECTIONS: tuple[tuple[str, str], ...] = (
    ("executive_summary", "Executive summary"),
    ("action_required", "Action required"),
    ("reason_for_scrutiny", "Reason for scrutiny"),
    ("background", "Background"),
)
FUTURE_SECTION: tuple[str, str] = ("future_plans", "Future plans")
IMPLICATION_SECTIONS: tuple[tuple[str, str], ...] = (
    ("strategic_plan", "Strategic plan references"),
    ("consultation", "Consultation"),
    ("equality", "Equality, diversity and human rights implications"),
    ("risk", "Risk management implications"),
    ("health_safety", "Health and safety implications"),
    ("financial", "Financial implications"),
    ("environmental", "Environmental and sustainability implications"),
)
TEXT_SECTIONS: tuple[tuple[str, str], ...] = (
    *OPENING_SECTIONS,
    FUTURE_SECTION,
    *IMPLICATION_SECTIONS,
)
ALL_KEYS: frozenset[str] = frozenset(k for k, _ in HEADER_FIELDS + TEXT_SECTIONS)

# What an implications section says when the officer leaves it blank, as councils write it.
BLANK_IMPLICATION = "There are no specific implications arising from this report."


def standard_texts(body: str, partnership: str) -> dict[str, str]:
    """The wording a first report starts from where the law or custom fixes it."""
    return {
        "action_required": f"The {body} is invited to scrutinise the work of the {partnership}.",
        "reason_for_scrutiny": (
            "The Crime and Disorder (Overview and Scrutiny) Regulations 2009 require the "
            "committee to meet at least once a year to review the work of the partnership in "
            "the discharge of the responsible authorities' crime and disorder functions."
        ),
        "background": (
            "The Crime and Disorder Act 1998 requires the responsible authorities to work "
            "together to tackle crime and disorder in their area. The "
            f"{partnership} was set up to deliver this statutory duty. Each year it assesses "
            "crime and disorder in its area and sets its key priorities in the Annual "
            "Partnership Plan, which it monitors quarter by quarter."
        ),
        "wards": "All",
        "title": partnership,
    }


@dataclass(frozen=True)
class CommitteeReport:
    """Everything a committee report prints: the officer's words and the partnership's data."""

    info: DocumentInfo
    body: str  # the committee, "Crime and Disorder Committee"
    meeting_date: dt.date
    texts: Mapping[str, str]
    quarterly: QuarterlyReport
    plan: PlanDocument
    partner_names: Mapping[str, str] = field(default_factory=dict)  # abbreviation → name

    def text(self, key: str) -> str:
        return self.texts.get(key, "").strip()
