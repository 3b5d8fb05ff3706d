"""The headless commands, run through the same entry point users call."""

from __future__ import annotations

from pathlib import Path

import pytest

from scp_desktop.cli import build_parser, main, window_arguments


def test_init_demo_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.db"
    assert main(["init", "--demo", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 key priorities" in out and "51 actions" in out
    assert main(["check", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Schema version: 0" in out
    assert "Key priorities: 3" in out
    assert "Actions: 51" in out
    assert "Result: OK" in out


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.db"
    assert main(["init", "--db", str(path)]) == 0
    assert main(["init", "--demo", "--db", str(path)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_check_on_a_broken_file_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.db"
    path.write_text("hello")
    assert main(["check", "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "not an SCP Desktop plan database" in err
    assert "Traceback" not in err


def test_check_on_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--db", str(tmp_path / "none.db")]) == 1
    assert "no plan database" in capsys.readouterr().err


def test_database_from_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("SCP_DESKTOP_DB", str(path))
    assert main(["init", "--demo"]) == 0
    assert path.exists()
    assert main(["check"]) == 0
    assert str(path) in capsys.readouterr().out


def test_bad_arguments_exit_2() -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "--no-such-flag"])
    assert info.value.code == 2


@pytest.mark.parametrize("command", [["check"], ["backups"], ["meeting", "list"]])
def test_database_given_before_the_command_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    path = tmp_path / "before.db"
    assert main(["init", "--demo", "--db", str(path)]) == 0
    capsys.readouterr()
    # The default file does not exist: a command that ignored --db would fail.
    assert main(["--db", str(path), *command]) == 0
    captured = capsys.readouterr()
    assert "no plan database" not in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "plan.db"],
        ["--db=Safer Anytown/plan.db"],
        ["--db", "postgresql+psycopg://pat@plans.example/anytown"],
    ],
)
def test_a_window_only_command_line_is_read_as_the_full_parser_reads_it(argv: list[str]) -> None:
    light = window_arguments(argv)
    assert light is not None
    full = build_parser().parse_args(argv)
    assert (str(light.db), type(light.db)) == (str(full.db), type(full.db))


@pytest.mark.parametrize(
    "argv",
    [
        ["--db"],
        ["--db", "--version"],
        ["--db="],
        ["--d", "plan.db"],
        ["--db", "plan.db", "check"],
        ["plan.db"],
        ["check"],
        ["-h"],
        ["--version"],
        ["--db", "postgresql+psycopg://plans.example:notaport/anytown"],
    ],
)
def test_anything_else_on_the_command_line_is_left_to_the_full_parser(argv: list[str]) -> None:
    # Commands, help, abbreviations and mistakes: the full parser runs them or explains.
    assert window_arguments(argv) is None
