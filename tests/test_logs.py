"""The log file: ids, counts, durations and errors, and nothing officers or partners wrote."""

from __future__ import annotations

import logging
import logging.handlers
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from scp_desktop.cli import main
from scp_desktop.logs import LOG_FILE_NAME, configure_logging, current_log_file, scrub
from scp_desktop.storage.database import open_database
from scp_desktop.storage.models import Partner

# Distinctive text in every cell a partner fills in, and in an address in a partner record.
NARRATIVE = "Kestrel-8841 victim Jo Bloggs disclosed at Hythe Quay"
REPORTER = "Wren-5527 Reporter"
TITLE = "Falcon-2231 unlisted project"
SECRETS = ("Kestrel-8841", "Jo Bloggs", "Hythe Quay", "Wren-5527", "Falcon-2231", "Osprey-0193")


def _log_text() -> str:
    path = current_log_file()
    assert path is not None and path.exists()
    return path.read_text(encoding="utf-8")


@pytest.fixture
def demo_file(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


def test_log_folder_is_the_users_log_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = configure_logging()
    assert path == tmp_path / "state" / "scp-desktop" / "log" / LOG_FILE_NAME
    assert configure_logging() == path  # configured once: a second call changes nothing
    assert (
        len(
            [
                h
                for h in logging.getLogger("scp_desktop").handlers
                if h.get_name() == "scp_desktop.file"
            ]
        )
        == 1
    )


def test_an_import_of_narratives_leaves_counts_and_no_text_in_the_log(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["--db", str(demo_file), "--quarter", "2022-23-Q2"]
    assert main(["export-returns", *args, "--out", str(out), "--partner", "CARA", "--eml"]) == 0
    workbook = out / "Return 2022-23-Q2 CARA.xlsx"
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Actions you lead"]
    last = ws.max_row
    for row in range(5, last + 1):
        ws.cell(row, 7).value = "Amber"
        ws.cell(row, 8).value = f"{NARRATIVE} (row {row}) 'quoted' osprey-0193@example.org"
        ws.cell(row, 9).value = REPORTER
    # A row whose title matches nothing: its preview message names the title.
    ws.cell(last + 1, 2).value = TITLE
    ws.cell(last + 1, 7).value = "Red"
    ws.cell(last + 1, 8).value = NARRATIVE
    wb.save(workbook)
    assert main(["import", *args, "--dry-run", str(workbook)]) == 0
    assert main(["import", *args, str(workbook)]) == 0
    printed = capsys.readouterr().out
    assert TITLE in printed  # the officer is shown it; the log is not

    text = _log_text()
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret
    assert "command import started" in text
    # The unknown title is no good match for any action: it is offered none.
    assert "import previewed: 1 file(s), 0 refused; 3 row(s): 1 unmatched, 2 update; in" in text
    assert "import applied: 0 new update(s), 2 replaced, 0 kept, from 1 file(s)" in text
    assert "returns exported: 1 workbook(s), 1 e-mail draft(s)" in text
    assert "database demo.db opened" in text

    # The imported narratives printed in a report: the log gets its size, not its text.
    report = tmp_path / "Q2.pdf"
    assert main(["report", *args, "--kind", "quarterly", "--out", str(report)]) == 0
    text = _log_text()
    assert re.search(r"report quarterly written: \d+ page\(s\), \d+ bytes, in", text)
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret
    # The file names the database's name only, never its folder (the officer's user name).
    assert str(demo_file.parent) not in text


def test_sql_parameters_in_database_errors_never_reach_the_log(tmp_path: Path) -> None:
    configure_logging()
    db, _ = open_database(tmp_path / "plan.db")
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(Partner), [{"abbreviation": "OS", "name": "x"}])
        with pytest.raises(IntegrityError) as caught, db.engine.begin() as conn:
            conn.execute(
                insert(Partner), [{"abbreviation": "OS", "name": f"{NARRATIVE} Osprey-0193"}]
            )
    finally:
        db.close()
    assert NARRATIVE in str(caught.value)  # SQLAlchemy's own text carries the parameters
    logging.getLogger("scp_desktop.test").error("write failed", exc_info=caught.value)
    text = _log_text()
    assert (
        "sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed" in text
    )
    assert "Traceback (most recent call last)" in text
    for secret in SECRETS:
        assert secret not in text, secret


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("failed [SQL: INSERT INTO x VALUES (?)]\n[parameters: ('secret]',)]", "failed"),
        ("(Background on this error at: https://sqlalche.me/e/20/gkpj) done", "done"),
        ("name 'Jo Bloggs' and “Hythe Quay” and \"x\"", "name '…'"),
        ("paragraph text \"Jo's 'own' words\" caused exception", "paragraph text '…'"),
        ("bad text `x", "bad text '…'"),
        ("mail jo.bloggs@example.org now", "mail <email> now"),
        ("a\n\nb", "a b"),
    ],
)
def test_scrub(raw: str, expected: str) -> None:
    assert scrub(raw) == expected


def test_an_unexpected_error_on_the_command_line_is_logged(
    demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scp_desktop.services import checks

    def broken(_db: object) -> object:
        raise RuntimeError(f"check failed on '{NARRATIVE}'")

    monkeypatch.setattr(checks, "check_database", broken)
    with pytest.raises(RuntimeError):
        main(["check", "--db", str(demo_file)])
    text = _log_text()
    assert "unexpected RuntimeError in command check" in text
    assert "RuntimeError: check failed on '…'" in text
    assert NARRATIVE not in text


@given(narrative=st.text(min_size=1, max_size=80))
@settings(max_examples=150, deadline=None)
def test_any_quoted_value_leaves_nothing_of_itself(narrative: str) -> None:
    assert scrub(f"no update for {narrative!r} here") == "no update for '…'"
    assert scrub(str(KeyError(narrative))) == "'…'"
    assert scrub(f"failed on '{narrative}'") == "failed on '…'"
    sql = f"(sqlite3.IntegrityError) NOT NULL\n[SQL: INSERT]\n[parameters: ({narrative!r},)]"
    assert scrub(sql) == "(sqlite3.IntegrityError) NOT NULL"


def test_tracebacks_name_files_without_the_users_folders(tmp_path: Path) -> None:
    from scp_desktop.logs import safe_traceback
    from scp_desktop.services.records import RecordKind, save_record

    db, _ = open_database(tmp_path / "plan.db")
    try:
        save_record(db, RecordKind.PARTNER, None, {"abbreviation": "A", "name": "A"})
        try:
            save_record(db, RecordKind.PARTNER, 10**9, {"abbreviation": "A", "name": "B"})
        except Exception as exc:
            text = safe_traceback(exc)
        else:
            raise AssertionError("saving a missing record was not refused")
    finally:
        db.close()
    assert 'File "scp_desktop/services/records.py", line' in text
    assert str(Path.home()) not in text and str(tmp_path) not in text


def test_the_log_file_rotates_and_keeps_a_bounded_number_of_old_files(tmp_path: Path) -> None:
    from scp_desktop.logs import BACKUPS, MAX_BYTES

    path = configure_logging(tmp_path)
    assert path == tmp_path / LOG_FILE_NAME
    (handler,) = [
        h for h in logging.getLogger("scp_desktop").handlers if h.get_name() == "scp_desktop.file"
    ]
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert (handler.maxBytes, handler.backupCount) == (MAX_BYTES, BACKUPS)
    # The same handler with a smaller limit, so the test writes 100 kB rather than 7 MB.
    handler.maxBytes = MAX_BYTES // 100
    log = logging.getLogger("scp_desktop.activity")
    records = (BACKUPS + 2) * handler.maxBytes // 300
    try:
        for n in range(records):
            log.info("action %d updated %s", n, "x" * 250)
    finally:
        limit, handler.maxBytes = handler.maxBytes, MAX_BYTES
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == [LOG_FILE_NAME] + [f"{LOG_FILE_NAME}.{i}" for i in range(1, BACKUPS + 1)]
    assert all(p.stat().st_size <= limit for p in tmp_path.iterdir())
    # The newest records are in the current file; the oldest ones are gone.
    assert f"action {records - 1} updated" in path.read_text(encoding="utf-8")
    assert not any("action 0 updated" in p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
