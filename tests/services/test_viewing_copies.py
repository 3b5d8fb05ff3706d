"""Evidence opened for viewing: copies live in one folder per session, gone when it ends."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from scp_desktop.services import editing, plans, workspace
from scp_desktop.services.errors import UserError
from scp_desktop.services.viewing_copies import PREFIX, ViewingCopies, remove_stale
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Evidence

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import os, sys
    from scp_desktop.services.viewing_copies import session_copies
    copies = session_copies()
    path = copies.write(7, "Minutes.pdf", b"%PDF-1.4")
    print(path, flush=True)
    if sys.argv[1] == "crash":
        os.kill(os.getpid(), 9)
    if sys.argv[1] == "wait":
        sys.stdin.readline()
    """
)


def _child(tmp_path: Path, how: str) -> subprocess.Popen[str]:
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, how],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _folders(tmp_path: Path) -> list[Path]:
    return sorted(p for p in tmp_path.iterdir() if p.name.startswith(PREFIX))


def test_copies_are_removed_when_the_session_ends(tmp_path: Path) -> None:
    child = _child(tmp_path, "exit")
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 0
    copy = Path(out.strip())
    assert copy.name == "Minutes.pdf" and copy.is_relative_to(tmp_path)
    assert not copy.exists()
    assert _folders(tmp_path) == []


def test_a_crashed_sessions_copies_are_removed_at_the_next_start(tmp_path: Path) -> None:
    crashed = _child(tmp_path, "crash")
    out, _ = crashed.communicate(timeout=60)
    assert crashed.returncode == -signal.SIGKILL
    left = Path(out.strip())
    assert left.exists()  # nothing ran at the kill
    running = _child(tmp_path, "wait")
    assert running.stdout is not None
    live = Path(running.stdout.readline().strip())
    try:
        assert live.exists()
        assert remove_stale(tmp_path) == 1
        assert not left.exists()
        assert live.exists()  # another session still running keeps its copies
    finally:
        running.communicate("\n", timeout=60)
    assert not live.exists()
    assert _folders(tmp_path) == []


def test_folders_of_older_versions_go_once_a_day_old(tmp_path: Path) -> None:
    legacy = tmp_path / f"{PREFIX}k2x9q"
    legacy.mkdir()
    (legacy / "old.pdf").write_bytes(b"x")
    assert remove_stale(tmp_path) == 0
    assert remove_stale(tmp_path, now=time.time() + 2 * 24 * 3600) == 1
    assert not legacy.exists()


def test_names_that_used_to_fail_open_as_copies(tmp_path: Path) -> None:
    copies = ViewingCopies(tmp_path)
    written = [
        copies.write(1, "Q" * 300 + ".pdf", b"a"),
        copies.write(2, "CON.pdf", b"b"),
        copies.write(3, "NUL", b"c"),
        copies.write(4, "invoice\u202efdp.exe", b"d"),
        copies.write(5, "../../outside.txt", b"e"),
    ]
    assert [p.read_bytes() for p in written] == [b"a", b"b", b"c", b"d", b"e"]
    assert written[0].suffix == ".pdf" and len(written[0].name.encode()) <= 120
    assert [p.name for p in written[1:]] == [
        "_CON.pdf",
        "_NUL",
        "invoicefdp.exe",
        "_.._outside.txt",
    ]
    assert all(p.parent.parent == copies.folder for p in written)
    copies.remove()
    assert _folders(tmp_path) == []


def test_attached_names_are_cleaned(demo_db: Database, tmp_path: Path) -> None:
    plan_id = plans.list_plans(demo_db)[0].id
    action_id = workspace.load_action_rows(demo_db, plan_id, "2022-23-Q2", dt.date(2022, 10, 1))[
        0
    ].id
    stored = []
    for name in ("COM1.pdf", "invoice\u202efdp.exe", "report. ."):
        source = tmp_path / name
        source.write_bytes(b"content")
        evidence_id = editing.attach_evidence(demo_db, action_id, source)
        with demo_db.session(audit=False) as s:
            evidence = s.get(Evidence, evidence_id)
            assert evidence is not None
            stored.append(evidence.file_name)
    assert stored == ["_COM1.pdf", "invoicefdp.exe", "report"]


def test_a_copy_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "temp"
    not_a_folder.write_bytes(b"")
    with pytest.raises(UserError, match=r"copy of Minutes\.pdf could not be written"):
        ViewingCopies(not_a_folder).write(1, "Minutes.pdf", b"x")
