"""The latest-progress column: read for the rows on screen, for all rows only to sort on it."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from scp_desktop.domain.rag import RAG
from scp_desktop.services import editing, workspace
from scp_desktop.services.edit_inputs import UpdateFields
from scp_desktop.services.plan_reads import Progress
from scp_desktop.storage.database import Database, make_engine
from scp_desktop.ui import action_table
from scp_desktop.ui.action_table import ActionTableModel, Column
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import Settings
from tests.ui.windows import shown_window

TODAY = dt.date(2022, 8, 15)
Q2 = "2022-23-Q2"
Loader = Callable[[list[int] | None], dict[int, Progress]]


def _recording(db: Database, asked: list[list[int] | None]) -> Loader:
    def load(ids: list[int] | None) -> dict[int, Progress]:
        asked.append(None if ids is None else list(ids))
        return workspace.load_latest_progress(db, 1, Q2, action_ids=ids)

    return load


def _text(model: ActionTableModel, row: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return model.data(model.index(row, Column.PROGRESS), role)


def test_progress_is_read_for_the_rows_about_the_one_shown(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(action_table, "_PROGRESS_BEFORE", 2)
    monkeypatch.setattr(action_table, "_PROGRESS_AFTER", 8)
    rows = workspace.load_action_rows(demo_db, 1, Q2, TODAY)
    everything = workspace.load_latest_progress(demo_db, 1, Q2)
    asked: list[list[int] | None] = []
    model = ActionTableModel()
    model.set_rows(
        rows, year="2022-23", quarter_number=2, progress_loader=_recording(demo_db, asked)
    )
    assert asked == []  # nothing is read until a row is shown
    crew_row = next(i for i, r in enumerate(rows) if r.title == "Crucial Crew")
    crew = rows[crew_row]
    assert _text(model, crew_row) == everything[crew.id].text.split("\n")[0][:160]
    assert asked == [[r.id for r in rows[max(0, crew_row - 2) : crew_row + 8]]]
    # The rows read with it are not read again; one outside them is.
    assert _text(model, crew_row + 7) is not None and len(asked) == 1
    _text(model, crew_row + 8)
    assert len(asked) == 2 and crew.id not in (asked[1] or [])
    tip = str(_text(model, crew_row, Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith("<p><b>Q2 2022-23</b></p>")
    # Rows with nothing reported up to the quarter are known to have none, and have no tip.
    quiet = next(i for i, r in enumerate(rows) if not everything[r.id].text)
    assert _text(model, quiet) == "" and _text(model, quiet, Qt.ItemDataRole.ToolTipRole) is None


def test_progress_with_markup_characters_is_shown_as_typed(demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, 1, Q2, TODAY)
    editing.set_quarter_update(
        demo_db, rows[0].id, Q2, UpdateFields(RAG.AMBER, "=SUM(A1) <b>late</b> & over\nmore")
    )
    model = ActionTableModel()
    model.set_rows(
        rows,
        year="2022-23",
        quarter_number=2,
        progress_loader=lambda ids: workspace.load_latest_progress(demo_db, 1, Q2, action_ids=ids),
    )
    assert _text(model, 0) == "=SUM(A1) <b>late</b> & over"
    tip = str(_text(model, 0, Qt.ItemDataRole.ToolTipRole))
    assert "=SUM(A1) &lt;b&gt;late&lt;/b&gt; &amp; over<br>more" in tip


def test_sorting_on_progress_reads_every_row_once_and_sees_edits(demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, 1, Q2, TODAY)
    asked: list[list[int] | None] = []
    model = ActionTableModel()
    model.set_rows(
        rows, year="2022-23", quarter_number=2, progress_loader=_recording(demo_db, asked)
    )
    model.sort(Column.PROGRESS, Qt.SortOrder.AscendingOrder)
    assert asked == [None]
    texts = [str(_text(model, i)) for i in range(model.rowCount())]
    told = [t for t in texts if t]
    assert told == sorted(told, key=str.lower) and texts[len(told) :] == [""] * (
        len(texts) - len(told)
    )
    assert asked == [None]  # painting after the sort reads nothing more
    # An edited narrative is read again at once, and the sort sees it.
    last = model.row_at(len(told) - 1)
    editing.set_quarter_update(demo_db, last.id, Q2, UpdateFields(RAG.GREEN, "aaa first now"))
    model.replace_rows(workspace.load_action_rows(demo_db, 1, Q2, TODAY, action_ids=[last.id]))
    assert asked == [None, [last.id]]
    model.sort(Column.PROGRESS, Qt.SortOrder.AscendingOrder)
    again = [str(_text(model, i)) for i in range(len(told))]
    assert again == sorted(again, key=str.lower) and again != texts[: len(told)]
    assert _text(model, model.row_of(last.id)) == "aaa first now"


def test_the_window_shows_the_progress_of_the_rows_on_screen(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    window = shown_window(qtbot, demo_db, tmp_path, TODAY)
    qtbot.waitExposed(window)
    everything = workspace.load_latest_progress(demo_db, 1, Q2)
    model = window.model
    crew_row = next(i for i in range(model.rowCount()) if model.row_at(i).title == "Crucial Crew")
    crew = model.row_at(crew_row)
    assert _text(model, crew_row) == everything[crew.id].text.split("\n")[0][:160]
    # Recording an update shows its narrative as the latest progress.
    window.edits.set_update(crew.id, Q2, UpdateFields(RAG.RED, "Venue lost; new date sought"))
    qtbot.waitUntil(lambda: _text(model, model.row_of(crew.id)) == "Venue lost; new date sought")


def test_a_locked_database_while_painting_tells_the_officer_once(
    qtbot: QtBot, demo_db: Database
) -> None:
    rows = workspace.load_action_rows(demo_db, 1, Q2, TODAY)
    impatient = Database(demo_db.path, make_engine(demo_db.path, busy_timeout_ms=100), "tester")
    model = ActionTableModel()
    told: list[str] = []
    model.progress_failed.connect(told.append)

    def show() -> None:
        model.set_rows(
            rows,
            year="2022-23",
            quarter_number=2,
            progress_loader=lambda ids: workspace.load_latest_progress(
                impatient, 1, Q2, action_ids=ids
            ),
        )

    show()
    demo_db.engine.dispose()  # its pooled connection would keep the blocker out
    blocker = sqlite3.connect(demo_db.path, timeout=0)
    try:
        blocker.execute("PRAGMA locking_mode=EXCLUSIVE")
        blocker.execute("BEGIN EXCLUSIVE")
        blocker.execute("UPDATE action SET title = title WHERE id = ?", (rows[0].id,))
        assert [_text(model, i) for i in range(3)] == ["", "", ""]
        model.sort(Column.PROGRESS, Qt.SortOrder.AscendingOrder)
        assert len(told) == 1 and "in use by another program" in told[0]
        assert told[0].startswith("The latest progress updates could not be read.")
    finally:
        blocker.rollback()
        blocker.close()
    # Read again once the plan is shown again (F5), and nothing was changed.
    show()
    crew_row = next(i for i, r in enumerate(rows) if r.title == "Crucial Crew")
    assert _text(model, crew_row) and len(told) == 1
    impatient.close()


def test_the_ref_column_widens_to_show_the_longest_reference(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(demo_db, settings, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    table = window.table
    before = table.columnWidth(Column.REF)
    crew = next(r for r in window.model.all_rows() if r.title == "Crucial Crew")
    fields = workspace.action_detail(demo_db, crew.id).fields
    long_ref = "3.30.12b"
    window.edits.update_action(crew.id, replace(fields, reference=long_ref))
    window.reload()
    needed = table.fontMetrics().horizontalAdvance(long_ref)
    assert table.columnWidth(Column.REF) > max(before, needed)
    # Never narrower than the officer made it.
    table.setColumnWidth(Column.REF, 110)
    window.reload()
    assert table.columnWidth(Column.REF) == 110
