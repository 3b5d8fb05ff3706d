"""A real application window holding a plan file: command-line jobs still run, writing ones
say who has the file open; killed, its hold is found stale and taken over without a word."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scp_desktop.cli import main
from scp_desktop.storage.instance_lock import holder_of, lock_path


def _start_window(db_path: Path) -> subprocess.Popen[bytes]:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "SCP Desktop"
    config.mkdir(parents=True, exist_ok=True)
    (config / "SCP Desktop.conf").write_text("[officer]\nname=Jane Smith\n", encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, "-m", "scp_desktop", "--db", str(db_path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_hold(db_path: Path, child: subprocess.Popen[bytes], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        holder = holder_of(db_path)
        if holder is not None and holder.pid == child.pid:
            return
        if child.poll() is not None:
            raise AssertionError(f"the window ended: {child.stderr.read() if child.stderr else ''}")
        time.sleep(0.1)
    raise AssertionError("the window never took the file")


def test_commands_beside_a_window_and_a_killed_window_cleared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "plan.db"
    assert main(["init", "--demo", "--db", str(db_path)]) == 0
    capsys.readouterr()
    child = _start_window(db_path)
    try:
        _wait_for_hold(db_path, child)

        assert main(["check", "--db", str(db_path)]) == 0
        captured = capsys.readouterr()
        assert "Result: OK" in captured.out and captured.err == ""

        assert main(["indicators", "sign-off", "--db", str(db_path), "2022-23-Q1"]) == 0
        captured = capsys.readouterr()
        assert "signed off" in captured.out
        assert captured.err.startswith("Note: plan.db is open in SCP Desktop by Jane Smith on ")
        assert "one transaction" in captured.err
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert lock_path(db_path).exists()  # the killed window's note stays behind...
    assert holder_of(db_path) is None  # ...and is known to be stale

    from scp_desktop.ui.file_access import choose_access

    def never_asked(*_args: object) -> bool:
        raise AssertionError("asked about a window that was killed")

    access = choose_access(db_path, "Tom Brown", ask=never_asked)
    assert access is not None and access.read_only is None and access.lock is not None
    holder = holder_of(db_path)
    assert holder is not None and (holder.officer, holder.pid) == ("Tom Brown", os.getpid())
    access.release()
    assert main(["check", "--db", str(db_path)]) == 0
    assert "Result: OK" in capsys.readouterr().out
