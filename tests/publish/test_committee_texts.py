"""The officer's sections of a committee report: kept per meeting and quarter, last quarter's
offered as a start, bad input refused whole, and gone with their meeting."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from scp_desktop.services import committee, reports
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database, _alembic_config, open_database
from scp_desktop.storage.models import Meeting, ReportText

Q1, Q2, Q3 = "2022-23-Q1", "2022-23-Q2", "2022-23-Q3"


def _second_meeting(db: Database) -> int:
    with db.session() as s:
        m = Meeting(body="Crime and Disorder Committee", date=dt.date(2023, 2, 6), venue="")
        s.add(m)
        s.flush()
        return m.id


def test_first_report_starts_from_the_standard_wording(demo_db: Database) -> None:
    meeting = reports.list_meetings(demo_db)[0].id
    loaded = committee.load_texts(demo_db, meeting, Q2)
    assert not loaded.saved and loaded.started_from == ""
    assert loaded.texts["wards"] == "All"
    assert loaded.texts["item"] == "7"
    assert loaded.texts["title"] == "Safer Colchester Partnership"
    assert (
        "Crime and Disorder Committee is invited to scrutinise" in loaded.texts["action_required"]
    )
    assert "Regulations 2009" in loaded.texts["reason_for_scrutiny"]


def test_saved_texts_come_back_and_next_quarter_starts_from_them(demo_db: Database) -> None:
    first = reports.list_meetings(demo_db)[0].id
    texts = committee.load_texts(demo_db, first, Q2).texts
    texts.update(background="Our duties.\nLine two.", item="7", financial="Funds fall.")
    committee.save_texts(demo_db, first, Q2, texts)
    again = committee.load_texts(demo_db, first, Q2)
    assert again.saved and again.texts["background"] == "Our duties.\nLine two."

    later = _second_meeting(demo_db)
    offered = committee.load_texts(demo_db, later, Q3)
    assert not offered.saved
    assert offered.started_from == "Crime and Disorder Committee, 07/11/2022, Q2 2022-23"
    assert offered.texts["background"] == "Our duties.\nLine two."
    assert offered.texts["financial"] == "Funds fall."
    assert offered.texts.get("item", "") == ""  # the new meeting's agenda, not the old one's
    # An earlier quarter is not started from a later one.
    assert committee.load_texts(demo_db, later, Q1).started_from == ""

    # Saving again replaces the whole set.
    committee.save_texts(demo_db, first, Q2, {"background": "New."})
    assert committee.load_texts(demo_db, first, Q2).texts["background"] == "New."
    with demo_db.session(audit=False) as s:
        assert len(s.scalars(select(ReportText).where(ReportText.meeting_id == first)).all()) == 1


def test_bad_input_is_refused_and_nothing_is_written(demo_db: Database) -> None:
    meeting = reports.list_meetings(demo_db)[0].id
    committee.save_texts(demo_db, meeting, Q2, {"background": "Kept."})
    with pytest.raises(UserError, match=r"Unknown section.*colour"):
        committee.save_texts(demo_db, meeting, Q2, {"background": "Lost", "colour": "red"})
    with pytest.raises(UserError, match="'risk' is 50,001 characters long"):
        committee.save_texts(demo_db, meeting, Q2, {"background": "Lost", "risk": "x" * 50_001})
    with pytest.raises(UserError, match="There is no meeting 999"):
        committee.save_texts(demo_db, 999, Q2, {"background": "Lost"})
    with pytest.raises(UserError, match="2022-23-Q9"):
        committee.save_texts(demo_db, meeting, "2022-23-Q9", {"background": "Lost"})
    assert committee.load_texts(demo_db, meeting, Q2).texts["background"] == "Kept."


def test_texts_go_with_their_meeting(demo_db: Database) -> None:
    meeting = reports.list_meetings(demo_db)[0].id
    committee.save_texts(demo_db, meeting, Q2, {"background": "Gone soon."})
    with demo_db.session() as s:
        s.delete(s.get(Meeting, meeting))
    with demo_db.session(audit=False) as s:
        assert s.scalars(select(ReportText)).all() == []


def test_upgrade_to_report_texts_keeps_meetings_and_agendas(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    command.upgrade(_alembic_config(f"sqlite:///{path}"), "0007_plan_import")
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO meeting (id, body, date, venue, time) "
        "VALUES (1, 'Board', '2025-11-12', 'Hall', '18:00')"
    )
    con.execute(
        "INSERT INTO agenda_item (id, meeting_id, position, number, title, kind, report_kind,"
        " report_quarter, description, presenter, part, exemption)"
        " VALUES (1, 1, 1, '7', 'Performance', 'report', '', '', '', '', 'A', '')"
    )
    con.commit()
    con.close()
    db, result = open_database(path)
    try:
        assert result.upgraded_from == "0007_plan_import"
        committee.save_texts(db, 1, "2025-26-Q2", {"background": "Kept"})
        assert committee.load_texts(db, 1, "2025-26-Q2").texts["item"] == "7"
    finally:
        db.close()
    command.downgrade(_alembic_config(f"sqlite:///{path}"), "0007_plan_import")
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "report_text" not in tables
    assert con.execute("SELECT title FROM agenda_item").fetchall() == [("Performance",)]
    con.close()
