"""The demo plan is the real Appendix A; plan documents load whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scp_desktop.services import partners, plans, setup
from scp_desktop.services.checks import check_database
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_document import demo_file, load_document, read_document
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, AuditEntry, Partner, Plan, QuarterUpdate

SPOT_TITLES = [
    "Crucial Crew",
    "Op Enlightenment",
    "Project Omnis",
    "Safe and Well Visits",
    "Fear of Crime Survey",
]


def test_demo_holds_every_project_of_appendix_a(demo_db: Database) -> None:
    report = check_database(demo_db)
    assert report.ok
    assert report.priorities == 3
    assert report.plan_years == ["2022-23"]
    doc = json.loads(demo_file().read_text(encoding="utf-8"))
    expected = [
        a["title"] for p in doc["plan"]["priorities"] for o in p["objectives"] for a in o["actions"]
    ]
    assert len(expected) >= 45
    with demo_db.session() as s:
        titles = list(s.scalars(select(Action.title)))
    assert sorted(titles) == sorted(expected)
    for title in SPOT_TITLES:
        assert title in titles


def test_demo_updates_are_q2_and_marked_illustrative(demo_db: Database) -> None:
    with demo_db.session() as s:
        quarters = set(s.scalars(select(QuarterUpdate.quarter)))
        illustrative = s.scalar(
            select(func.count()).where(QuarterUpdate.rag_illustrative.is_(True))
        )
        total = s.scalar(select(func.count()).select_from(QuarterUpdate))
    assert quarters == {"2022-23-Q2"}
    assert illustrative == total > 0


def test_demo_tree_shows_priorities_and_rag_mix(demo_db: Database) -> None:
    plan = plans.list_plans(demo_db)[0]
    tree = plans.plan_tree(demo_db, plan.id, "2022-23-Q2")
    assert [p.number for p in tree.priorities] == [1, 2, 3, 4]
    assert "organised crime" in tree.priorities[0].title.lower()
    assert sum(sum(p.rag_mix.values()) for p in tree.priorities) == 42


def test_deleting_a_partner_that_leads_actions_is_refused_clearly(demo_db: Database) -> None:
    cbc = next(p for p in partners.list_partners(demo_db) if p.abbreviation == "CBC")
    with pytest.raises(
        UserError, match=r"Colchester Borough Council \(CBC\) cannot be deleted: it leads"
    ):
        partners.delete_partner(demo_db, cbc.id)
    with demo_db.session() as s:
        assert s.get(Partner, cbc.id) is not None


def test_deleting_an_unused_partner_is_audited(demo_db: Database) -> None:
    with demo_db.session() as s:
        s.add(Partner(abbreviation="XYZ", name="Unused Trust"))
    unused = next(p for p in partners.list_partners(demo_db) if p.abbreviation == "XYZ")
    partners.delete_partner(demo_db, unused.id)
    with demo_db.session() as s:
        ops = list(
            s.scalars(
                select(AuditEntry.operation).where(
                    AuditEntry.entity == "partner", AuditEntry.entity_id == unused.id
                )
            )
        )
    assert ops == ["insert", "delete"]


def _minimal_doc() -> dict:
    return {
        "format": "scp-plan/1",
        "partnership": {"name": "Test CSP"},
        "partners": [{"abbreviation": "CBC", "name": "Council", "statutory": True}],
        "frameworks": [],
        "plan": {
            "year": "2023-24",
            "priorities": [
                {
                    "number": 1,
                    "title": "Priority <b>one</b> & more",
                    "objectives": [
                        {
                            "title": "Obj",
                            "actions": [
                                {
                                    "title": '=HYPERLINK("x")',
                                    "lead": ["CBC"],
                                    "deadline": "31/02/2024",
                                }
                            ],
                        }
                    ],
                }
            ],
        },
    }


def test_hostile_text_and_impossible_dates_are_kept_as_typed(db: Database) -> None:
    load_document(db, _minimal_doc())
    with db.session() as s:
        action = s.scalars(select(Action)).one()
    assert action.title == '=HYPERLINK("x")'
    assert action.deadline_kind == "unknown" and action.deadline_text == "31/02/2024"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["plan"]["priorities"][0]["objectives"][0]["actions"][0].update(
                lead=["NOPE"]
            ),
            "no partner with abbreviation 'NOPE'",
        ),
        (
            lambda d: d["plan"]["priorities"][0]["objectives"][0]["actions"][0].update(
                updates=[{"quarter": "2023-24-Q1", "rag": "purple"}]
            ),
            "is not Red, Amber, Green or Blue",
        ),
        (
            lambda d: d["plan"]["priorities"][0]["objectives"][0]["actions"][0].update(title=""),
            "title: required but blank",
        ),
        (lambda d: d["plan"].update(year="2023-25"), "plan.year"),
        (
            lambda d: d["plan"]["priorities"][0]["objectives"][0]["actions"][0].update(
                updates=[
                    {"quarter": "2023-24-Q1", "rag": "G"},
                    {"quarter": "Q1 2023-24", "rag": "A"},
                ]
            ),
            "a second update",
        ),
    ],
)
def test_bad_document_names_the_place_and_writes_nothing(
    db: Database, mutate, message: str
) -> None:  # type: ignore[no-untyped-def]
    doc = _minimal_doc()
    mutate(doc)
    with pytest.raises(UserError, match=message):
        load_document(db, doc)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == 0
        assert s.scalar(select(func.count()).select_from(Partner)) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "line 1, column 2"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"format": "something-else"}', "not a plan document"),
        (b"[]", "not a plan document"),
    ],
)
def test_unreadable_documents_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        read_document(path)


def test_second_plan_for_the_same_year_is_refused(demo_db: Database) -> None:
    doc = json.loads(demo_file().read_text(encoding="utf-8"))
    with pytest.raises(UserError, match="already a plan for 2022-23"):
        load_document(demo_db, doc)


def test_empty_plan_can_be_started(db: Database) -> None:
    from scp_desktop.domain.periods import FinancialYear

    setup.create_empty_plan(db, FinancialYear(2023), partnership_name="Test CSP")
    assert [p.year for p in plans.list_plans(db)] == ["2023-24"]
    with pytest.raises(UserError):
        setup.create_empty_plan(db, FinancialYear(2023))
