"""The returns subcommands: export-returns, import (--dry-run, --json), returns-status, export-plan, init --plan."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from scp_desktop.cli import main
from tests.hostile_files import write_zip_bomb


@pytest.fixture
def demo_file(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


def _fill(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions you lead"]
    for row in range(5, ws.max_row + 1):
        ws.cell(row, 7).value = "Amber"
        ws.cell(row, 8).value = "Funding of £2,000 & “more”"
    wb.save(path)


def test_export_then_import_json(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert (
        main(
            [
                "export-returns",
                "--db",
                str(demo_file),
                "--quarter",
                "2022-23-Q2",
                "--out",
                str(out),
                "--partner",
                "CARA",
                "--eml",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "Return 2022-23-Q2 CARA.eml",
        "Return 2022-23-Q2 CARA.xlsx",
    ]
    capsys.readouterr()
    _fill(out / "Return 2022-23-Q2 CARA.xlsx")
    bomb = write_zip_bomb(tmp_path / "bomb.xlsx")
    code = main(
        [
            "import",
            "--db",
            str(demo_file),
            "--quarter",
            "2022-23-Q2",
            "--dry-run",
            "--json",
            str(out / "Return 2022-23-Q2 CARA.xlsx"),
            str(bomb),
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert [f["status"] for f in doc["files"]] == ["ok", "rejected"]
    assert doc["files"][1]["rows"] == [] and "zip bomb" in doc["files"][1]["error"]
    rows = doc["files"][0]["rows"]
    assert rows == [
        {
            "sheet": "Actions you lead",
            "row": 5,
            "action_ref": "3.2.1",
            "action_title": "Integrated Support Project",
            "rag": "A",
            "outcome": "update",
            "message": "RAG change Green → Amber",
        },
        {
            "sheet": "Actions you lead",
            "row": 6,
            "action_ref": "3.2.2",
            "action_title": "Understanding Young People's Experiences of Sexual Harm",
            "rag": "A",
            "outcome": "update",
            "message": "RAG change Green → Amber",
        },
    ]
    assert set(doc) == {"files"} and set(doc["files"][0]) == {"file", "status", "error", "rows"}

    # Dry run wrote nothing: the real import applies both rows.
    assert (
        main(
            [
                "import",
                "--db",
                str(demo_file),
                "--quarter",
                "2022-23-Q2",
                str(out / "Return 2022-23-Q2 CARA.xlsx"),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "0 new update(s), 2 replaced" in text
    assert (
        main(
            [
                "returns-status",
                "--db",
                str(demo_file),
                "--quarter",
                "2022-23-Q2",
                "--chase-eml",
                str(tmp_path / "chase"),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "CARA" in text and "NOT returned" in text
    assert (tmp_path / "chase" / "Reminder 2022-23-Q2 EP.eml").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["import", "--quarter", "Q9 2022"],
        ["import", "--quarter", "2022-23-Q2", "no-such-file.xlsx"],
        ["export-returns", "--quarter", "2022-23-Q7", "--out", "x"],
        ["import", "--quarter", "2022-23-Q2"],
        ["import", "--quarter", "2030-31-Q1"],
        ["export-returns", "--quarter", "2022-23-Q2", "--out", "x", "--partner", "NOPE"],
    ],
)
def test_bad_arguments_exit_2(
    demo_file: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [args[0], "--db", str(demo_file), *args[1:]]
    if args in (["import", "--quarter", "Q9 2022"], ["import", "--quarter", "2030-31-Q1"]):
        argv.append(str(demo_file))
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    assert code == 2
    assert "error" in capsys.readouterr().err


def test_export_plan_and_init_from_it(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.xlsx"
    assert (
        main(["export-plan", "--db", str(demo_file), "--year", "2022-23", "--out", str(plan)]) == 0
    )
    wb = openpyxl.load_workbook(plan)
    ws = wb.active
    assert ws is not None
    ws["A1"] = "Annual Partnership Plan 2023-24"
    wb.save(plan)
    new_db = tmp_path / "new.db"
    assert main(["init", "--db", str(new_db), "--plan", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "Plan 2023-24: 3 key priorities (+1 other section), 14 objectives, 51 actions" in out


def test_a_folder_without_spreadsheets_is_said_so(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder named like a workbook, holding none, is not a silent "nothing to apply"."""
    folder = tmp_path / "Return Q2 EP.xlsx"
    folder.mkdir()
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    before = demo_file.read_bytes()
    code = main(["import", "--db", str(demo_file), "--quarter", "2022-23-Q2", str(folder)])
    assert code == 2
    err = capsys.readouterr().err
    assert "no spreadsheets to import in" in err and "Return Q2 EP.xlsx" in err
    assert "left out: notes.pdf" in err and "nothing was written" in err
    assert demo_file.read_bytes() == before


def test_init_from_a_folder_named_like_a_spreadsheet_says_it_is_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "plan.xlsx"
    folder.mkdir()
    target = tmp_path / "new.db"
    assert main(["init", "--db", str(target), "--plan", str(folder)]) != 0
    assert "is a folder, not a plan file" in capsys.readouterr().err
    assert not target.exists()
