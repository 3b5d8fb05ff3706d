"""The published documents in the real programs: the .docx rendered by LibreOffice (every page
read back) and the HTML checked by axe-core in headless Chromium. Skipped where the program
is not installed; `.ci/run` installs both."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from scp_desktop.services import publishing, reports
from scp_desktop.storage.database import Database
from tests.document_scan import pdf_pages
from tests.publish.browser import AXE, axe_violations, chromium, summary

QUARTER = "2022-23-Q2"
TODAY = dt.date(2022, 10, 20)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _write(db: Database, kind: str, fmt: str, out: Path) -> Path:
    meeting = reports.list_meetings(db)[0].id if kind == "committee" else None
    publishing.write_document(db, kind, fmt, out, quarter=QUARTER, meeting_id=meeting, today=TODAY)
    return out


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("kind", ["committee", "quarterly"])
def test_libreoffice_renders_every_page(demo_db: Database, tmp_path: Path, kind: str) -> None:
    source = _write(demo_db, kind, "docx", tmp_path / f"{kind}.docx")
    assert SOFFICE is not None
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    rendered = tmp_path / "pdf" / f"{kind}.pdf"
    assert rendered.exists(), done.stderr
    pages = pdf_pages(rendered)
    assert len(pages) > 5
    for number, text in enumerate(pages, start=1):
        # Every page carries the running header and the numbered footer, and real content.
        assert "Safer Colchester Partnership" in text, number
        assert f"Page {number}" in text, number
        assert len(text) > 200, f"page {number} is nearly empty"
    joined = "\n".join(pages)
    if kind == "committee":
        assert "1. Executive summary" in pages[0]
        assert "Report of" not in pages[0] or "Author" in pages[0]
        appendix = next(i for i, t in enumerate(pages) if "Appendix A:" in t)
        # The plan's header row repeats on the pages of the appendix table (all but the
        # last pages, which list the frameworks' codes).
        header = "Objective Ref Project / initiative About Outcomes PFCC ECPS Lead agency By when"
        flat = [" ".join(t.split()) for t in pages[appendix:]]
        assert len(flat) > 5
        assert sum(header in t for t in flat) >= len(flat) - 3
    assert "Red (R)" in joined


@pytest.mark.skipif(
    chromium() is None or not AXE.exists(), reason="Chromium or axe-core is not installed"
)
@pytest.mark.parametrize("kind", ["committee", "quarterly", "plan", "year-end"])
def test_axe_finds_no_violations(demo_db: Database, tmp_path: Path, kind: str) -> None:
    page = _write(demo_db, kind, "html", tmp_path / f"{kind}.html")
    violations = axe_violations(page, tmp_path)
    assert violations == [], summary(violations)


@pytest.mark.skipif(
    chromium() is None or not AXE.exists(), reason="Chromium or axe-core is not installed"
)
def test_axe_check_catches_a_fault(demo_db: Database, tmp_path: Path) -> None:
    """The check itself can fail: a picture without alt text is found."""
    page = _write(demo_db, "plan", "html", tmp_path / "plan.html")
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "<main>", '<main><img src="data:image/png;base64,AAAA">'
        ),
        encoding="utf-8",
    )
    assert [v["id"] for v in axe_violations(page, tmp_path)] == ["image-alt"]
