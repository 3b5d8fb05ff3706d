"""What printed reports hold: plain values gathered by services and laid out by the PDF builders."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from scp_desktop.domain.profile import STANDARD_WORDING, RagWording
from scp_desktop.domain.rag import RAG, Travel

DEMO_NOTICE = (
    "Demo data: the RAG statuses are illustrative, chosen from the published narratives, "
    "not reported by the lead agencies."
)
# Documents are written in British English; PDF, Word and HTML versions all declare it.
DOCUMENT_LANGUAGE = "en-GB"


@dataclass(frozen=True)
class DocumentInfo:
    """Running header and footer, cover and PDF metadata of one document."""

    partnership: str
    area: str
    prepared_by: str
    title: str  # e.g. "Quarterly performance report"
    subtitle: str  # e.g. "Annual Partnership Plan 2022-23 · Q2 2022-23 (Jul–Sep)"
    generated_on: dt.date
    # From the partnership's profile: printed on the cover, in the footer and the RAG key.
    contact: str = ""
    footer: str = ""
    logo: bytes | None = None
    rag: RagWording = STANDARD_WORDING
    # Made from the bundled demo data: every page says so (its RAG statuses are illustrative).
    demo: bool = False

    @property
    def notice(self) -> str:
        """The line every page of a demo document carries; empty for a partnership's own data."""
        return DEMO_NOTICE if self.demo else ""

    @property
    def document_title(self) -> str:
        """The title a PDF reader or screen reader announces for the document."""
        return f"{self.title} – {self.subtitle}" if self.subtitle else self.title


@dataclass(frozen=True)
class AcronymEntry:
    abbreviation: str
    meaning: str


@dataclass(frozen=True)
class ActionLine:
    """One action as the reports print it."""

    id: int
    reference: str
    title: str
    about: str
    lead: str  # lead agency abbreviations, "CBC, EP"
    deadline: str  # as displayed: "Sept 2022", "Ongoing"
    deadline_day: dt.date | None
    status: str  # active | complete | dropped
    rag: RAG | None
    previous_rag: RAG | None
    travel: Travel | None
    narrative: str
    reported_by: str
    # The year's RAG per quarter 1..4 (None: not reported) and the latest narrative.
    path: tuple[RAG | None, RAG | None, RAG | None, RAG | None] = (None, None, None, None)
    latest_quarter: str = ""


@dataclass(frozen=True)
class ObjectiveBlock:
    title: str
    actions: tuple[ActionLine, ...]


@dataclass(frozen=True)
class PrioritySection:
    number: int
    kind: str  # key | other
    title: str
    commitments: tuple[str, ...]
    objectives: tuple[ObjectiveBlock, ...]

    @property
    def heading(self) -> str:
        if self.kind == "other":
            return self.title
        return f"Key priority {self.number}: {self.title}"

    @property
    def short_name(self) -> str:
        return "Other work" if self.kind == "other" else f"Key priority {self.number}"

    @property
    def actions(self) -> list[ActionLine]:
        return [a for o in self.objectives for a in o.actions]

    def rag_counts(self) -> Counter[RAG | None]:
        """RAG this quarter of every action that is not dropped; None = not reported."""
        return Counter(a.rag for a in self.actions if a.status != "dropped")

    def travel_counts(self) -> Counter[Travel]:
        return Counter(a.travel for a in self.actions if a.travel is not None)


@dataclass(frozen=True)
class IndicatorPoint:
    period: str
    value: float | None
    value_text: str
    comparator: float | None
    comparator_text: str
    previous_year_text: str
    note: str
    provisional: bool


@dataclass(frozen=True)
class IndicatorStats:
    name: str
    description: str
    unit: str  # count | percent | rate_per_1000 | gbp
    polarity: str
    source: str
    priority: str
    target: str  # as printed, "" if none
    comparator_label: str
    status: RAG | None  # frozen at sign-off for the report's quarter, if any
    status_rule: str
    points: tuple[IndicatorPoint, ...]


@dataclass(frozen=True)
class FundingRow:
    source: str
    year: str
    funds: str
    amount_pence: int


@dataclass(frozen=True)
class ActionFunding:
    reference: str
    action: str
    source: str
    amount_pence: int | None
    note: str


@dataclass(frozen=True)
class QuarterlyReport:
    info: DocumentInfo
    plan_title: str
    quarter_label: str  # "Q2 2022-23"
    previous_label: str  # "Q1 2022-23"
    quarter_end: dt.date
    priorities: tuple[PrioritySection, ...]
    indicators: tuple[IndicatorStats, ...]
    streams: tuple[FundingRow, ...]
    action_funding: tuple[ActionFunding, ...]
    acronyms: tuple[AcronymEntry, ...]
    illustrative_rags: bool = False

    @property
    def all_actions(self) -> list[ActionLine]:
        return [a for p in self.priorities for a in p.actions]

    @property
    def not_reported(self) -> list[tuple[PrioritySection, ActionLine]]:
        return [
            (p, a)
            for p in self.priorities
            for a in p.actions
            if a.rag is None and a.status == "active"
        ]

    @property
    def overdue(self) -> list[tuple[PrioritySection, ActionLine]]:
        """Past the deadline at the end of the quarter and neither complete nor dropped."""
        return [
            (p, a)
            for p in self.priorities
            for a in p.actions
            if a.deadline_day is not None
            and a.deadline_day < self.quarter_end
            and a.status == "active"
            and a.rag is not RAG.BLUE
        ]

    @property
    def exceptions(self) -> list[tuple[PrioritySection, ActionLine]]:
        found = [
            (p, a) for p in self.priorities for a in p.actions if a.rag in (RAG.RED, RAG.AMBER)
        ]
        return sorted(found, key=lambda pa: 0 if pa[1].rag is RAG.RED else 1)


@dataclass(frozen=True)
class PlanRow:
    objective: str
    reference: str
    title: str
    about: str
    outcomes: str
    lead: str
    deadline: str
    # The codes of each framework the plan uses ("1, 2"), in the order of PlanDocument.columns.
    cross_references: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanPriority:
    heading: str
    commitments: tuple[str, ...]
    rows: tuple[PlanRow, ...]


@dataclass(frozen=True)
class PlanDocument:
    info: DocumentInfo
    plan_title: str
    priorities: tuple[PlanPriority, ...]
    frameworks: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # name, (code, title)
    acronyms: tuple[AcronymEntry, ...]
    # One per framework the plan's actions cite: (printed heading, published heading).
    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class QuarterStory:
    """One quarter's return for an action, as the year-end report retells it."""

    quarter: str  # "Q1 2022-23"
    rag: RAG | None
    narrative: str
    reported_by: str = ""


@dataclass(frozen=True)
class ActionYear:
    """An action's whole year: the officer's year-end summary if written, and every quarter's
    return in order (quarters with no return are left out)."""

    action_id: int
    quarters: tuple[QuarterStory, ...]
    summary: str = ""


@dataclass(frozen=True)
class YearEndReport:
    info: DocumentInfo
    year: str
    quarter_labels: tuple[str, str, str, str]
    priorities: tuple[PrioritySection, ...]
    acronyms: tuple[AcronymEntry, ...]
    indicators: tuple[IndicatorStats, ...] = ()
    # The year told in full: per action its quarters' returns; the year's funding.
    years: tuple[ActionYear, ...] = ()
    streams: tuple[FundingRow, ...] = ()
    action_funding: tuple[ActionFunding, ...] = ()
    illustrative_rags: bool = False

    def story(self, action_id: int) -> ActionYear:
        for year in self.years:
            if year.action_id == action_id:
                return year
        return ActionYear(action_id, ())

    @property
    def exceptions(self) -> list[tuple[PrioritySection, ActionLine, tuple[QuarterStory, ...]]]:
        """Actions Red or Amber in any quarter of the year, with those quarters' returns;
        those ever Red first."""
        stories = {y.action_id: y for y in self.years}
        found = []
        for p in self.priorities:
            for a in p.actions:
                year = stories.get(a.id)
                flagged = tuple(
                    q for q in (year.quarters if year else ()) if q.rag in (RAG.RED, RAG.AMBER)
                )
                if flagged:
                    found.append((p, a, flagged))
        return sorted(found, key=lambda f: 0 if any(q.rag is RAG.RED for q in f[2]) else 1)

    def final_counts(self) -> Counter[RAG | None]:
        counts: Counter[RAG | None] = Counter()
        for p in self.priorities:
            for a in p.actions:
                latest = next((r for r in reversed(a.path) if r is not None), None)
                counts[latest] += 1
        return counts


@dataclass(frozen=True)
class PackPaper:
    """A PDF paper of an agenda item, as the agenda lists it."""

    title: str
    file_name: str
    content: bytes


@dataclass(frozen=True)
class AgendaEntry:
    number: str
    title: str
    kind: str  # item | report | minutes | attachment
    # What the item carries into the pack: its PDF papers in order, then generated documents.
    documents: tuple[QuarterlyReport | PlanDocument | YearEndReport, ...] = ()
    papers: tuple[PackPaper, ...] = ()
    description: str = ""
    presenter: str = ""
    part: str = "A"  # B: exempt information, taken with the public excluded
    exemption: str = ""
    withheld: bool = False  # a public pack leaves an exempt item's papers out

    @property
    def exempt(self) -> bool:
        return self.part == "B"


@dataclass(frozen=True)
class MeetingPack:
    info: DocumentInfo
    body: str
    date: dt.date
    venue: str
    items: tuple[AgendaEntry, ...]
    acronyms: tuple[AcronymEntry, ...] = field(default=())
    time: str = ""
    public: bool = False  # Part B papers left out, for publishing
