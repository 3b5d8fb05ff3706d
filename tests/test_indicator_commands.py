"""`scp-desktop indicators …` through the real entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from scp_desktop.cli import main


@pytest.fixture
def demo_file(tmp_path: Path, demo_db) -> Path:  # type: ignore[no-untyped-def]
    return demo_db.path


def test_list_sign_off_unlock(demo_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(demo_file)]
    assert main(["indicators", "list", "Q4 2008-09", *db]) == 1  # no plan for that year
    assert "no plan for 2008-09" in capsys.readouterr().err
    assert main(["indicators", "list", "Q2 2022-23", *db]) == 0
    out = capsys.readouterr().out
    assert "[-] Violence with injury – change on previous year" in out
    assert "23.7% — No target" in out
    assert "partial quarter" in out
    assert main(["indicators", "sign-off", "Q2 2022-23", *db]) == 0
    assert "42 progress update(s)" in capsys.readouterr().out
    assert main(["indicators", "unlock", "Q2 2022-23", "--reason", "", *db]) == 1
    assert "Say why" in capsys.readouterr().err
    assert main(["indicators", "unlock", "Q2 2022-23", "--reason", "Figures revised", *db]) == 0
    assert "unlocked: Figures revised" in capsys.readouterr().out


def test_import_preview_then_apply(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Indicator", "Q2 2022-23"])
    ws.append(["Next Chapter domestic abuse referrals (Colchester)", 181])
    ws.append(["No such thing", 1])
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    db = ["--db", str(demo_file)]
    assert main(["indicators", "import", str(bad), "--apply", *db]) == 1
    out = capsys.readouterr().out
    assert "problem: sheet 'Sheet', row 3, column A: 'No such thing'" in out
    assert "Nothing was written" in out
    ws.delete_rows(3)
    good = tmp_path / "good.xlsx"
    wb.save(good)
    assert main(["indicators", "import", str(good), *db]) == 0
    assert "Preview only" in capsys.readouterr().out
    assert main(["indicators", "import", str(good), "--apply", *db]) == 0
    assert "1 value(s) imported from good.xlsx" in capsys.readouterr().out
