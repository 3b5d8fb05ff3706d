"""A partnership's profile and files: checked, stored, upgraded into old files; new files, the
demo's own file and consistent copies; plans renamed and archived; the quarter a plan opens on."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from scp_desktop.app import file_to_open, open_or_create
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.profile import MAX_LOGO_BYTES, RagWording
from scp_desktop.domain.rag import RAG
from scp_desktop.domain.reporting import reporting_quarter
from scp_desktop.services import plan_admin, plans, setup, workspace
from scp_desktop.services.errors import UserError
from scp_desktop.services.partnership_file import (
    CopyCancelled,
    create_partnership_file,
    ensure_demo_file,
    save_copy,
)
from scp_desktop.services.profile import PartnershipProfile, read_profile, save_profile
from scp_desktop.storage.database import Database, _alembic_config, open_database
from tests.partnership_data import ANYTOWN, png_logo

YEAR = FinancialYear(2025)


def _audit_reasons(db: Database) -> list[str]:
    with db.engine.connect() as con:
        return [r[0] for r in con.exec_driver_sql("SELECT reason FROM audit_log ORDER BY id")]


# ------------------------------------------------------------------ the profile


def test_profile_is_stored_and_read_back_with_its_logo(db: Database) -> None:
    logo = png_logo()
    saved = save_profile(db, ANYTOWN.with_logo(logo))
    assert saved.name == "Safer Anytown Partnership"
    back = read_profile(db)
    assert back is not None
    assert back.prepared_by == "Anytown Community Safety Team"
    assert back.contact == ANYTOWN.contact and back.footer == ANYTOWN.footer
    assert back.logo == logo
    assert back.rag.meaning(RAG.BLUE) == "Delivered and closed"
    assert back.rag.meaning(RAG.RED) == "Off track"  # left blank: the usual wording
    assert "plan profile" not in _audit_reasons(db)
    assert "partnership profile" in _audit_reasons(db)


def test_profile_text_is_trimmed(db: Database) -> None:
    save_profile(db, PartnershipProfile(name="  Safer Northtown  ", area=" Northtown "))
    profile = read_profile(db)
    assert profile is not None and (profile.name, profile.area) == ("Safer Northtown", "Northtown")


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (PartnershipProfile(name="   "), "needs a name"),
        (PartnershipProfile(name="X", area="a" * 201), "Area is 201 characters"),
        (PartnershipProfile(name="X", footer="f" * 501), "Document footer is 501"),
        (PartnershipProfile(name="X", rag=RagWording(blue="b" * 201)), "What Blue means"),
        (PartnershipProfile(name="X", logo=b"GIF89a not a png"), "not a PNG or JPEG"),
        (PartnershipProfile(name="X", logo=b""), "empty file"),
        (
            PartnershipProfile(name="X", logo=b"\x89PNG\r\n\x1a\n" + b"0" * MAX_LOGO_BYTES),
            "at most 512 KB",
        ),
        (PartnershipProfile(name="X", logo=b"\x89PNG\r\n\x1a\nbroken"), "cannot be read"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_field_and_nothing_is_written(
    db: Database, profile: PartnershipProfile, message: str
) -> None:
    save_profile(db, ANYTOWN)
    with pytest.raises(UserError, match=message):
        save_profile(db, profile)
    kept = read_profile(db)
    assert kept is not None and kept.name == ANYTOWN.name and kept.logo is None


def test_profile_migration_upgrades_an_older_file_keeping_its_partnership(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    command.upgrade(_alembic_config(f"sqlite:///{path}"), "0003_tableperf")
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO partnership (name, abbreviation, area, prepared_by, is_demo)"
        " VALUES ('Safer Oldtown', 'SO', 'Oldtown', 'CS team', 0)"
    )
    con.commit()
    con.close()
    db, result = open_database(path)
    try:
        assert result.upgraded_from == "0003_tableperf" and result.backup is not None
        profile = read_profile(db)
        assert profile is not None
        assert (profile.name, profile.area, profile.prepared_by) == (
            "Safer Oldtown",
            "Oldtown",
            "CS team",
        )
        assert (profile.contact, profile.footer, profile.logo) == ("", "", None)
        assert profile.rag == RagWording()
    finally:
        db.close()
    # And back down: the columns go, the partnership stays.
    command.downgrade(_alembic_config(f"sqlite:///{path}"), "0003_tableperf")
    con = sqlite3.connect(path)
    columns = [r[1] for r in con.execute("PRAGMA table_info(partnership)")]
    assert "logo" not in columns and "footer" not in columns
    assert con.execute("SELECT name FROM partnership").fetchone() == ("Safer Oldtown",)
    con.close()


# ------------------------------------------------------------------ files


def test_a_new_partnership_file_holds_its_profile_and_an_empty_draft_plan(tmp_path: Path) -> None:
    made = create_partnership_file(tmp_path / "anytown.db", ANYTOWN, year=YEAR, user="pat")
    assert made.path == (tmp_path / "anytown.db").resolve() and made.year == "2025-26"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anytown.db"]
    db, _ = open_database(made.path)
    try:
        info = plans.partnership(db)
        assert info is not None and info.name == ANYTOWN.name and not info.is_demo
        [plan] = plans.list_plans(db)
        assert (plan.id, plan.year, plan.status) == (made.plan_id, "2025-26", "draft")
        assert plan.title == "Annual Partnership Plan 2025-26"
        with db.session(audit=False) as s:
            from sqlalchemy import func, select

            from scp_desktop.storage.models import Partner

            assert s.scalar(select(func.count()).select_from(Partner)) == 0
    finally:
        db.close()


def test_a_new_partnership_never_replaces_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "ours.db"
    existing.write_bytes(b"something precious")
    with pytest.raises(UserError, match="already exists"):
        create_partnership_file(existing, ANYTOWN, year=YEAR)
    assert existing.read_bytes() == b"something precious"


def test_a_failed_new_partnership_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="needs a name"):
        create_partnership_file(tmp_path / "x.db", PartnershipProfile(name=""), year=YEAR)
    assert list(tmp_path.iterdir()) == []
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(UserError, match="cannot be created"):
        create_partnership_file(blocker / "x.db", ANYTOWN, year=YEAR)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_the_demo_has_a_file_of_its_own_made_once(tmp_path: Path) -> None:
    path = ensure_demo_file(tmp_path / "data" / "demo.db")
    db, _ = open_database(path)
    try:
        info = plans.partnership(db)
        assert info is not None and info.is_demo and "Colchester" in info.name
        assert [p.year for p in plans.list_plans(db)] == ["2022-23"]
        workspace_rows = workspace.load_action_rows(db, 1, "2022-23-Q2", dt.date(2022, 10, 1))
        assert len(workspace_rows) == 51
    finally:
        db.close()
    stamp = path.stat().st_mtime_ns
    assert ensure_demo_file(path) == path and path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("kind", ["missing", "zero-byte"])
def test_an_empty_or_new_file_is_never_given_the_demo(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "new.db"
    if kind == "zero-byte":
        path.write_bytes(b"")
    db, result = open_or_create(path, "pat")
    try:
        assert result.created
        assert plans.partnership(db) is None and plans.list_plans(db) == []
        assert setup.is_empty(db)
    finally:
        db.close()


def test_the_start_page_is_shown_only_when_no_file_was_ever_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scp_desktop.paths import default_database_path

    assert file_to_open(None, "") is None  # first run: the start page asks
    chosen = tmp_path / "chosen.db"
    assert file_to_open(chosen, "") == chosen
    chosen.write_bytes(b"")
    assert file_to_open(None, str(chosen)) == chosen
    assert file_to_open(None, str(tmp_path / "gone.db")) is None
    default = default_database_path()
    default.parent.mkdir(parents=True, exist_ok=True)
    default.write_bytes(b"x")  # a file kept at the default place from before
    assert file_to_open(None, "") == default
    monkeypatch.setenv("SCP_DESKTOP_DB", str(tmp_path / "env.db"))
    assert file_to_open(None, "") == tmp_path / "env.db"


def test_save_a_copy_is_a_consistent_self_contained_file(demo_db: Database, tmp_path: Path) -> None:
    # A change still in the write-ahead log must be in the copy.
    save_profile(demo_db, PartnershipProfile(name="Renamed before copying", is_demo=True))
    (tmp_path / "copies").mkdir()
    seen: list[tuple[int, int]] = []
    copy = save_copy(
        demo_db, tmp_path / "copies" / "copy.db", progress=lambda d, t, _m: seen.append((d, t))
    )
    assert seen and seen[-1][0] == seen[-1][1]
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.db"]
    con = sqlite3.connect(copy)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert con.execute("SELECT name FROM partnership").fetchone() == ("Renamed before copying",)
        assert con.execute("SELECT count(*) FROM action").fetchone() == (51,)
    finally:
        con.close()


@pytest.mark.sqlite_only
def test_save_a_copy_refuses_its_own_file_and_a_cancelled_copy_leaves_nothing(
    demo_db: Database, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="cannot replace the file"):
        save_copy(demo_db, demo_db.path)
    target = tmp_path / "out" / "copy.db"
    target.parent.mkdir()
    with pytest.raises(CopyCancelled):
        save_copy(demo_db, target, cancelled=lambda: True)
    assert list(target.parent.iterdir()) == []
    with pytest.raises(UserError, match="cannot be written"):
        save_copy(demo_db, tmp_path / "no-such-folder" / "copy.db")


# ------------------------------------------------------------------ whole plans


def test_plans_are_renamed_and_archived_with_an_audit_trail(demo_db: Database) -> None:
    assert plan_admin.rename_plan(demo_db, 1, "  Our plan   2022-23 ") == (
        "Annual Partnership Plan 2022-2023"
    )
    assert plans.list_plans(demo_db)[0].title == "Our plan 2022-23"
    assert plan_admin.set_plan_status(demo_db, 1, "closed") == "live"
    assert plans.list_plans(demo_db)[0].status == "closed"
    reasons = _audit_reasons(demo_db)
    assert "plan renamed" in reasons and "plan closed" in reasons
    with pytest.raises(UserError, match="needs a title"):
        plan_admin.rename_plan(demo_db, 1, "   ")
    with pytest.raises(UserError, match="not a plan status"):
        plan_admin.set_plan_status(demo_db, 1, "hidden")
    with pytest.raises(UserError, match="no longer exists"):
        plan_admin.rename_plan(demo_db, 99, "Gone")


# ------------------------------------------------------------------ the quarter it opens on


@pytest.mark.parametrize(
    ("today", "signed", "expected"),
    [
        (dt.date(2025, 5, 10), set(), "2025-26-Q1"),  # nothing of the year has ended yet
        (dt.date(2025, 8, 15), set(), "2025-26-Q1"),  # Q1 ended: it is being reported
        (dt.date(2025, 8, 15), {"2025-26-Q1"}, "2025-26-Q2"),  # signed off: on to Q2
        (dt.date(2026, 2, 1), {"2025-26-Q1"}, "2025-26-Q3"),
        (dt.date(2025, 1, 1), set(), "2025-26-Q1"),  # a plan for next year
        (dt.date(2026, 4, 2), set(), None),  # the year is over: the plan's own data decides
    ],
)
def test_the_quarter_being_reported(today: dt.date, signed: set[str], expected: str | None) -> None:
    found = reporting_quarter(YEAR, today, signed)
    assert (found.code if found else None) == expected


def test_a_plan_opens_on_a_later_quarter_its_returns_already_reached(demo_db: Database) -> None:
    # The demo holds Q2 updates; on 15 August Q1 has ended but Q2's returns are already in.
    found = plan_admin.opening_quarter(demo_db, 1, "2022-23", dt.date(2022, 8, 15))
    assert found == Quarter.parse("2022-23-Q2")
    assert plan_admin.opening_quarter(demo_db, 1, "2022-23", dt.date(2024, 1, 1)) is None


def test_a_draft_plan_flags_nothing_as_overdue_or_not_reported(demo_db: Database) -> None:
    late = dt.date(2023, 3, 1)
    rows = workspace.load_action_rows(demo_db, 1, "2022-23-Q3", late)
    assert any(r.overdue for r in rows) and any(r.not_reported for r in rows)
    plan_admin.set_plan_status(demo_db, 1, "draft")
    rows = workspace.load_action_rows(demo_db, 1, "2022-23-Q3", late)
    assert not any(r.overdue or r.not_reported for r in rows)
    board = workspace.dashboard(demo_db, 1, "2022-23-Q3", late)
    assert board.overdue == [] and board.not_reported == []
