"""Copies of a plan to this computer: consistent, checked, never half-written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.local_copy import CopyCancelled, copy_plan_file
from scp_desktop.storage.models import Acronym


def test_copy_holds_what_is_committed_while_the_source_is_open(
    db: Database, tmp_path: Path
) -> None:
    with db.session() as s:
        s.add_all(Acronym(abbreviation=f"A{i}", meaning="x" * 500) for i in range(2000))
    before = db.path.read_bytes()
    seen: list[tuple[int, int]] = []
    target = copy_plan_file(
        db.path, tmp_path / "copy.db", progress=lambda d, t: seen.append((d, t))
    )
    assert len(seen) > 1 and seen[-1][0] == seen[-1][1]
    assert db.path.read_bytes() == before
    copy, _ = open_database(target, create=False)
    with copy.session() as s:
        assert s.scalar(select(func.count()).select_from(Acronym)) == 2000
    copy.close()


def test_cancelled_copy_leaves_nothing(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        s.add_all(Acronym(abbreviation=f"A{i}", meaning="x" * 500) for i in range(2000))
    target = tmp_path / "copy.db"
    steps = iter(range(100))
    with pytest.raises(CopyCancelled):
        copy_plan_file(db.path, target, cancelled=lambda: next(steps) >= 1)
    assert not target.exists()
    assert not any(p.name.startswith(".copy.db") for p in tmp_path.iterdir())


def test_copy_onto_itself_is_refused(db: Database) -> None:
    with pytest.raises(OSError, match="is the file being copied"):
        copy_plan_file(db.path, db.path)


def test_copy_of_a_damaged_file_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    source = tmp_path / "plan.db"
    source.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    with pytest.raises(sqlite3.DatabaseError):
        copy_plan_file(source, tmp_path / "copy.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.db"]
