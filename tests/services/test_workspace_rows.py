"""The action table's rows and search texts on a real demo database."""

from __future__ import annotations

import datetime as dt

from scp_desktop.domain.rag import RAG
from scp_desktop.services import editing, plan_reads, plans, workspace
from scp_desktop.services.edit_inputs import UpdateFields
from scp_desktop.storage.database import Database

TODAY = dt.date(2022, 11, 1)


def _rows(db: Database, quarter: str) -> dict[int, plan_reads.ActionRow]:
    return {
        r.id: r for r in workspace.load_action_rows(db, plans.list_plans(db)[0].id, quarter, TODAY)
    }


def _progress(db: Database, quarter: str, action_id: int) -> plan_reads.Progress:
    plan_id = plans.list_plans(db)[0].id
    everything = workspace.load_latest_progress(db, plan_id, quarter)
    only = workspace.load_latest_progress(db, plan_id, quarter, action_ids=[action_id])
    assert only == {action_id: everything[action_id]}
    return only[action_id]


def test_latest_progress_skips_blank_and_later_quarters(demo_db: Database) -> None:
    crew = next(r for r in _rows(demo_db, "2022-23-Q2").values() if r.title == "Crucial Crew")
    q2 = _progress(demo_db, "2022-23-Q2", crew.id)
    assert q2.text and q2.quarter == "Q2 2022-23"
    # A blank Q3 narrative leaves Q2's as the latest; Q4's is not shown in Q3.
    editing.set_quarter_update(demo_db, crew.id, "2022-23-Q3", UpdateFields(RAG.AMBER, "  \n "))
    editing.set_quarter_update(demo_db, crew.id, "2022-23-Q4", UpdateFields(RAG.RED, "Q4 words"))
    assert _progress(demo_db, "2022-23-Q3", crew.id) == q2
    in_q3 = _rows(demo_db, "2022-23-Q3")[crew.id]
    assert in_q3.rags == (None, RAG.GREEN, RAG.AMBER, RAG.RED) and not in_q3.not_reported
    assert _progress(demo_db, "2022-23-Q4", crew.id) == ("Q4 words", "Q4 2022-23")
    # Every action asked about has an answer, one with nothing reported yet too.
    assert _progress(demo_db, "2022-23-Q1", crew.id) == plan_reads.NO_PROGRESS
    assert _rows(demo_db, "2022-23-Q1")[crew.id].not_reported
    plan_id = plans.list_plans(demo_db)[0].id
    assert len(workspace.load_latest_progress(demo_db, plan_id, "2022-23-Q1")) == 51


def test_search_texts_hold_every_narrative_of_the_year_in_lower_case(demo_db: Database) -> None:
    plan_id = plans.list_plans(demo_db)[0].id
    crew = next(r for r in _rows(demo_db, "2022-23-Q2").values() if r.title == "Crucial Crew")
    editing.set_quarter_update(
        demo_db, crew.id, "2022-23-Q4", UpdateFields(RAG.RED, "Zebra CROSSING Ŵelsh")
    )
    texts = workspace.load_search_texts(demo_db, plan_id, "2022-23-Q2")
    assert len(texts) == 51
    text = texts[crew.id].decode()
    assert "crucial crew" in text and crew.reference in text
    assert "zebra crossing ŵelsh" in text
    assert _progress(demo_db, "2022-23-Q2", crew.id).text.lower()[:40] in text
    # Another year's narratives are not searched.
    assert b"zebra" not in workspace.load_search_texts(demo_db, plan_id, "2023-24-Q1")[crew.id]
    only = workspace.load_search_texts(demo_db, plan_id, "2022-23-Q2", action_ids=[crew.id])
    assert only == {crew.id: texts[crew.id]}


def test_rows_have_every_field_in_order(demo_db: Database) -> None:
    """The rows are made with tuple.__new__ for speed: each must still be a whole ActionRow."""
    rows = list(_rows(demo_db, "2022-23-Q2").values())
    assert rows and all(len(r) == len(plan_reads.ActionRow._fields) for r in rows)
    assert all(r == plan_reads.ActionRow(*r) for r in rows)
    crew = next(r for r in rows if r.title == "Crucial Crew")
    assert crew.lead_lower == crew.lead.lower() and isinstance(crew.lead_ids, tuple)
    assert isinstance(crew.frameworks, tuple) and len(crew.rags) == 4


def test_search_texts_lower_case_every_alphabet_but_skip_texts_that_need_none() -> None:
    # As SQLite hands them over: ASCII letters already lower-cased, other letters not.
    cases = {
        "plain ascii": "plain ascii",
        "£85,140 committed – “knife” crime’s fall": "£85,140 committed – “knife” crime’s fall",
        "ÉCOLE café Ŵelsh": "école café ŵelsh",
        "ΟΔΟΣ street": "οδος street",  # the final sigma depends on the letters around it
        "İstanbul": "i̇stanbul",
        "ДОМ": "дом",
    }
    for given, expected in cases.items():
        raw = given.encode()
        lowered = plan_reads._lower_rest(raw)
        assert lowered.decode() == expected, given
        assert lowered == given.lower().encode()
    unchanged = "£5 – “quoted”".encode()
    assert plan_reads._lower_rest(unchanged) is unchanged  # no copy when nothing changes
