"""`scp-desktop report --format docx|html|pdf`, run as the officer runs it: a process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.publish.reading import heading_levels, read_html


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scp_desktop", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_kind_in_every_format(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert _run("init", "--db", str(db), "--demo").returncode == 0
    common = ["report", "--db", str(db), "--quarter", "2022-23-Q2"]
    done = _run(*common, "--kind", "committee", "--meeting", "1", "--format", "docx",
                "--out", str(tmp_path / "c.docx"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stdout and "bytes" in done.stdout
    assert heading_levels(tmp_path / "c.docx")[0][1].startswith("Crime and Disorder Committee")
    for kind in ("quarterly", "plan", "year-end"):
        for fmt in ("docx", "html", "pdf"):
            out = tmp_path / f"{kind}.{fmt}"
            done = _run(*common, "--kind", kind, "--format", fmt, "--out", str(out))
            assert done.returncode == 0, done.stderr
            assert out.stat().st_size > 10_000
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF")
    assert read_html(tmp_path / "year-end.html").title.startswith("Year-end")

    refused = _run(*common, "--kind", "committee", "--format", "pdf", "--out", str(tmp_path / "x"))
    assert refused.returncode != 0
    assert "Word document or web page" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "x").exists()
