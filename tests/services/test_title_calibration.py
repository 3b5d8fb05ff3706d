"""The title matcher calibrated on real near-misses and unrelated titles of the demo plan.

Each near-miss is how a partner really retypes a title (abbreviated, shortened, added to,
misspelt, 'Op.' for 'Operation', an acronym): it must find its action on its own. Each
unrelated title shares words with the plan ('awareness week', 'open day', 'project') but is
another piece of work: it must not be offered at all ("no good match"), let alone at 83 %.
"""

from __future__ import annotations

import pytest

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import plans
from scp_desktop.services.returns.index import PlanIndex, load_index
from scp_desktop.services.returns.matching import (
    MATCH_MARGIN,
    MATCH_SURE,
    MATCH_WEAK,
    PreviewRow,
    match,
)
from scp_desktop.storage.database import Database

Q2 = Quarter.parse("2022-23-Q2")

NEAR_MISSES = {
    "Operation Enlightenment": "Op Enlightenment",
    "Op. Enlightenment": "Op Enlightenment",
    "Op Enlightment": "Op Enlightenment",
    "Op Henderson": "Operation Henderson",
    "Operation Luscombe": "Op Luscombe",
    "Op.Halfback": "Op Halfback",
    "Op Sceptre": "Op Sceptre / Op Pegasi",
    "Crucial crew event": "Crucial Crew",
    "Boxsmart": "Box Smart",
    "Modern slavery statement + action plan": "Modern Slavery Statement and Action Plan",
    "Promotion of Home Office Prevent e-learning & ACT Early web site": (
        "Promotion of Home Office PREVENT E-learning and ACT Early website"
    ),
    "Review of the Prevent Strategy and Action Plan": (
        "Review the PREVENT Strategy and annual Action Plan"
    ),
    "Hate Crime Awareness Week support": "Support Hate Crime Awareness Week",
    "Hate Crime Awareness & Ambassador workshops": (
        "Continue delivery of Hate Crime Awareness and Ambassador workshops"
    ),
    "Town Centre Action Plan": "Town Centre Action Plan (TCAP)",
    "TCAP": "Town Centre Action Plan (TCAP)",
    "Safe & Well visits": "Safe and Well Visits",
    "Safeguarding training - taxi drivers": "Safeguarding Training for Taxi Drivers",
    "Safeguarding Trng for Taxi Drivers": "Safeguarding Training for Taxi Drivers",
    "Fear of crime survey 2022": "Fear of Crime Survey",
    "Mobile CCTV": "Mobile CCTV cameras",
    "Ask for Angela campaign": "Ask for Angela",
    "Project Servator deployments": "Project Servator",
    "Supporting National Stalking Awareness Week": (
        "Support National Stalking Awareness Week – April 2022"
    ),
    "Recruit a Domestic Abuse Navigator (DAHA)": (
        "Recruit Domestic Abuse Navigator to achieve DAHA accreditation for CBH – March 2022"
    ),
    "Together We Can project": "Continue to deliver the Together we Can Project",
    "Dom Abuse awareness training": "Promotion of Domestic Abuse awareness training",
    "ECFRS education sessions": "ECFRS Education Sessions for Students",
    "Deliberate fires": "Reduce impact/number of deliberate fires",
    "Essex Police DAPS": "Essex Police DAPS Team",
    "Anti Slavery Partnership for Colchester": (
        "Progress activity to create an Anti-Slavery Partnership for Colchester"
    ),
    "See You Safer": "#See you Safer",
}

UNRELATED = [
    "Knife crime awareness week",
    "Drug Awareness Week",
    "Youth Awareness Week",
    "Water safety week",
    "Fire station open day",
    "Operation Sandpiper",
    "Op Nightjar",
    "Project Athena",
    "Project Genesis",
    "Street lighting improvements",
    "Youth diversion scheme",
    "Domestic abuse refuge funding",
    "Community Safety Survey",
    "Safer Streets Fund bid",
    "Hate crime reporting centres",
    "Business crime reduction partnership",
    "Road safety campaign",
    "Police cadets",
    "Neighbourhood Watch expansion",
    "Cyber crime training for businesses",
    "Taxi marshals",
    "Safe Drive Stay Alive",
    "County lines awareness sessions",
    "Action plan for the night-time economy",
]


@pytest.fixture
def index(demo_db: Database) -> PlanIndex:
    return load_index(demo_db, plans.list_plans(demo_db)[0].id, Q2)


def _matched(index: PlanIndex, title: str) -> PreviewRow:
    row = PreviewRow("return.xlsx", "Q2", 5, "", title, None, False, "", "", None, (), (), False)
    match(index, row)
    return row


def test_the_thresholds_leave_room_between_the_two_kinds() -> None:
    assert MATCH_WEAK <= 65 < 83 < MATCH_SURE and MATCH_MARGIN > 0


@pytest.mark.parametrize("written", list(NEAR_MISSES))
def test_a_near_miss_finds_its_action(index: PlanIndex, written: str) -> None:
    row = _matched(index, written)
    assert row.action_id is not None, f"{written!r}: {[(c.label, c.score) for c in row.candidates]}"
    assert index.actions[row.action_id].title == NEAR_MISSES[written]
    assert row.match_score is not None and row.match_score >= MATCH_SURE


@pytest.mark.parametrize("written", UNRELATED)
def test_an_unrelated_title_is_no_good_match(index: PlanIndex, written: str) -> None:
    row = _matched(index, written)
    assert row.action_id is None
    offered = [(c.label, c.score) for c in row.candidates if c.score >= MATCH_WEAK]
    assert offered == [], f"{written!r} offered {offered}"
    # Far below the 83 % an unrelated title was once offered at.
    assert all(c.score < 70 for c in row.candidates)


def test_an_unrelated_title_reads_as_no_good_match_in_the_preview(index: PlanIndex) -> None:
    from scp_desktop.services.returns.matching import Outcome, evaluate

    row = _matched(index, "Knife crime awareness week")
    evaluate(index, row)
    assert row.outcome is Outcome.UNMATCHED
    assert "could be" not in row.message and "No action of the plan" in row.message
