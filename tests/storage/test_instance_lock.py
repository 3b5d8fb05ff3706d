"""The window's hold on a plan file: a second holder is told who has it; a crashed holder's
note is found stale and replaced."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scp_desktop.storage.instance_lock import (
    FileInUse,
    Holder,
    InstanceLock,
    holder_of,
    lock_path,
)

SINCE = dt.datetime(2026, 12, 6, 8, 15, tzinfo=dt.UTC)

HOLD_IN_A_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from scp_desktop.storage.instance_lock import InstanceLock
    lock = InstanceLock.acquire(Path(sys.argv[1]), "Priya Shah")
    print("held", flush=True)
    time.sleep(600)
    """
)


def test_note_names_officer_machine_process_and_time(tmp_path: Path) -> None:
    db_path = tmp_path / "plan.db"
    lock = InstanceLock.acquire(db_path, "Jane Smith", now=SINCE)
    try:
        note = json.loads(lock_path(db_path).read_text(encoding="utf-8"))
        assert note == {
            "officer": "Jane Smith",
            "machine": socket.gethostname(),
            "pid": os.getpid(),
            "since": "2026-12-06T08:15:00+00:00",
        }
    finally:
        lock.release()
    assert not lock_path(db_path).exists()


def test_second_holder_is_told_who_has_the_file(tmp_path: Path) -> None:
    db_path = tmp_path / "plan.db"
    first = InstanceLock.acquire(db_path, "Jane Smith", now=SINCE)
    try:
        with pytest.raises(FileInUse) as info:
            InstanceLock.acquire(db_path, "Tom Brown")
        holder = info.value.holder
        assert holder is not None
        assert (holder.officer, holder.machine, holder.since) == (
            "Jane Smith",
            socket.gethostname(),
            SINCE,
        )
        local = SINCE.astimezone()
        assert str(info.value) == (
            f"plan.db is open in SCP Desktop by Jane Smith on {socket.gethostname()}, "
            f"since {local:%H:%M} on {local:%d/%m/%Y}."
        )
        assert holder_of(db_path) == holder
    finally:
        first.release()
    assert holder_of(db_path) is None
    again = InstanceLock.acquire(db_path, "Tom Brown")
    assert again.held
    again.release()
    assert not again.held


def test_unreadable_note_of_a_live_holder_still_counts(tmp_path: Path) -> None:
    db_path = tmp_path / "plan.db"
    first = InstanceLock.acquire(db_path, "Jane Smith")
    lock_path(db_path).write_text("{half a note", encoding="utf-8")
    try:
        with pytest.raises(FileInUse, match="by another SCP Desktop window"):
            InstanceLock.acquire(db_path, "Tom Brown")
        holder = holder_of(db_path)
        assert holder is not None and holder.describe().startswith("another SCP Desktop window")
    finally:
        first.release()


def test_note_left_by_a_killed_process_is_cleared_silently(tmp_path: Path) -> None:
    db_path = tmp_path / "plan.db"
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_IN_A_CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        holder = holder_of(db_path)
        assert holder is not None and (holder.officer, holder.pid) == ("Priya Shah", child.pid)
        with pytest.raises(FileInUse, match="Priya Shah"):
            InstanceLock.acquire(db_path, "Jane Smith")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    # The killed window's note is still there, and is known to be stale.
    assert "Priya Shah" in lock_path(db_path).read_text(encoding="utf-8")
    assert holder_of(db_path) is None
    lock = InstanceLock.acquire(db_path, "Jane Smith")
    try:
        assert lock.holder.pid == os.getpid()
        assert Holder.from_json(lock_path(db_path).read_text(encoding="utf-8")) == lock.holder
    finally:
        lock.release()


def test_note_opened_just_before_its_window_closed_does_not_count(tmp_path: Path) -> None:
    """A second window that opened the note just before the first removed it may lock that
    removed file; it must see that it is no longer the note, while a third takes a new one."""
    from scp_desktop.storage.instance_lock import _same_file, _try_lock

    db_path = tmp_path / "plan.db"
    first = InstanceLock.acquire(db_path, "Jane Smith")
    stale_fd = os.open(lock_path(db_path), os.O_RDWR)
    try:
        assert not _try_lock(stale_fd)
        first.release()
        assert _try_lock(stale_fd)  # the removed note's lock is free now
        assert not _same_file(stale_fd, lock_path(db_path))
        third = InstanceLock.acquire(db_path, "Tom Brown")
        try:
            assert _same_file(third._fd or -1, lock_path(db_path))
            with pytest.raises(FileInUse, match="Tom Brown"):
                InstanceLock.acquire(db_path, "Priya Shah")
        finally:
            third.release()
    finally:
        os.close(stale_fd)


def test_a_folder_that_cannot_be_written_gives_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        InstanceLock.acquire(tmp_path / "no such folder" / "plan.db", "Jane Smith")
