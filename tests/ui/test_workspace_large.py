"""What keeps large plans quick, driven through the real widgets: search texts read after the
first paint, remembered filter answers, priorities opened on demand, wrapping dashboard lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from scp_desktop.domain.rag import RAG
from scp_desktop.services import editing, workspace
from scp_desktop.services.edit_inputs import UpdateFields
from scp_desktop.storage.database import Database
from scp_desktop.ui import navigator as navigator_module
from scp_desktop.ui.action_table import ActionTableModel, Column
from scp_desktop.ui.filtering import ActionFilter
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.settings import Settings
from tests.ui.windows import shown_window

TODAY = dt.date(2022, 8, 15)
Q2 = "2022-23-Q2"


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    w = shown_window(qtbot, demo_db, tmp_path, TODAY)
    yield w


def _narrative_only_word(db: Database, action_id: int) -> str:
    editing.set_quarter_update(
        db, action_id, "2022-23-Q1", UpdateFields(RAG.GREEN, "Quokka patrol")
    )
    return "quokka"


def test_search_texts_arrive_from_a_worker_and_find_narratives(
    window: MainWindow, qtbot: QtBot, demo_db: Database
) -> None:
    qtbot.waitUntil(lambda: window.model.has_search_texts, timeout=10_000)
    crew = next(r for r in window.model.all_rows() if r.title == "Crucial Crew")
    # Q1's narrative is not the latest progress shown in Q2, but it is searched.
    word = _narrative_only_word(demo_db, crew.id)
    window.reload()
    qtbot.keyClicks(window.filter_bar.search, word.upper())
    assert [r.id for r in window.model.shown_rows()] == [crew.id]


def test_a_search_typed_before_the_worker_is_done_reads_the_texts_itself(
    demo_db: Database,
) -> None:
    rows = workspace.load_action_rows(demo_db, 1, Q2, TODAY)
    crew = next(r for r in rows if r.title == "Crucial Crew")
    word = _narrative_only_word(demo_db, crew.id)
    asked: list[list[int] | None] = []

    def loader(ids: list[int] | None) -> dict[int, bytes]:
        asked.append(ids)
        return workspace.load_search_texts(demo_db, 1, Q2, action_ids=ids)

    model = ActionTableModel()
    token = model.set_rows(rows, year="2022-23", quarter_number=2, search_loader=loader)
    model.set_filter(ActionFilter(rag=RAG.GREEN))
    assert asked == []  # no text, no reading
    model.set_filter(ActionFilter(text=word))
    assert asked == [None] and [r.id for r in model.shown_rows()] == [crew.id]
    # The worker's answer comes too late and is not taken over the one read.
    assert not model.offer_search_texts(token, {})
    # Nor is an answer for rows the table no longer shows.
    stale = model.set_rows(rows, year="2022-23", quarter_number=2, search_loader=loader)
    model.set_rows(rows, year="2022-23", quarter_number=2, search_loader=loader)
    assert not model.offer_search_texts(stale, {crew.id: word.encode()})


def test_rows_edited_while_the_worker_reads_are_read_again(demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, 1, Q2, TODAY)
    crew = next(r for r in rows if r.title == "Crucial Crew")
    model = ActionTableModel()
    token = model.set_rows(
        rows,
        year="2022-23",
        quarter_number=2,
        search_loader=lambda ids: workspace.load_search_texts(demo_db, 1, Q2, action_ids=ids),
    )
    before = workspace.load_search_texts(demo_db, 1, Q2)  # what the worker read
    word = _narrative_only_word(demo_db, crew.id)
    model.replace_rows(workspace.load_action_rows(demo_db, 1, Q2, TODAY, action_ids=[crew.id]))
    assert model.offer_search_texts(token, before)
    model.set_filter(ActionFilter(text=word))
    assert [r.id for r in model.shown_rows()] == [crew.id]


def test_backspacing_shows_remembered_answers_until_rows_change(demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, 1, Q2, TODAY)
    texts = workspace.load_search_texts(demo_db, 1, Q2)
    model = ActionTableModel()
    model.set_rows(rows, year="2022-23", quarter_number=2, search_loader=lambda ids: texts)
    for typed in ("c", "cr", "cri", "crim", "crime"):
        model.set_filter(ActionFilter(text=typed))
    answers = {}
    for typed in ("crim", "cri", "cr", "c"):
        model.set_filter(ActionFilter(text=typed))
        answers[typed] = [r.id for r in model.shown_rows()]
        expected = [r.id for r in rows if typed.encode() in texts[r.id] or typed in r.lead_lower]
        assert answers[typed] == expected
    # An edit that changes what matches is seen: remembered answers are dropped.
    crew = next(r for r in rows if b"cri" not in texts[r.id] and "cri" not in r.lead_lower)
    texts[crew.id] = texts[crew.id] + b" crime"
    model.replace_rows([crew])
    model.set_filter(ActionFilter(text="cri"))
    assert crew.id in [r.id for r in model.shown_rows()]


def test_filtering_a_sorted_table_keeps_the_sort_and_sees_edits(demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, 1, Q2, TODAY)
    texts = workspace.load_search_texts(demo_db, 1, Q2)
    model = ActionTableModel()
    model.set_rows(rows, year="2022-23", quarter_number=2, search_loader=lambda ids: texts)
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)

    def titles() -> list[str]:
        return [r.title.lower() for r in model.shown_rows()]

    for typed in ("c", "cr", "cri", "cr", ""):
        model.set_filter(ActionFilter(text=typed))
        assert titles() == sorted(titles(), reverse=True)
        assert len(titles()) == sum(
            typed.encode() in texts[r.id] or typed in r.lead_lower for r in rows
        )
    # A filtered table sorted again shows the same rows in the new order.
    model.set_filter(ActionFilter(text="cr"))
    shown = {r.id for r in model.shown_rows()}
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert {r.id for r in model.shown_rows()} == shown and titles() == sorted(titles())
    # An edited title takes its sorted place at the next filter change.
    first = model.shown_rows()[0]
    model.replace_rows([first._replace(title="Zzz renamed")])
    model.set_filter(ActionFilter(text="c"))
    assert model.shown_rows()[-1].id == first.id and titles() == sorted(titles())
    # The table's rows for the navigator and the dashboard stay in plan order.
    assert [r.id for r in model.all_rows()] == [r.id for r in rows]


def test_a_filter_keystroke_keeping_the_action_does_not_read_its_history_again(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    crew = next(r for r in window.model.all_rows() if r.title == "Crucial Crew")
    assert window.select_action(crew.id)
    assert "Crucial Crew" in window.history.heading.text()
    reads: list[int] = []
    real = workspace.action_history

    def counted(db: Database, action_id: int) -> object:
        reads.append(action_id)
        return real(db, action_id)

    monkeypatch.setattr(workspace, "action_history", counted)
    qtbot.keyClicks(window.filter_bar.search, "cruc")
    assert window.current_action_id() == crew.id and reads == []
    assert "Crucial Crew" in window.history.heading.text()
    # Filtered out: the panel says so; shown again and chosen: its history is read again.
    qtbot.keyClicks(window.filter_bar.search, "zzzz")
    assert window.current_action_id() is None
    assert "Choose an action" in window.history.heading.text()
    window.filter_bar.clear()
    assert window.select_action(crew.id)
    assert reads == [crew.id] and "Crucial Crew" in window.history.heading.text()


def test_a_keystroke_that_keeps_the_same_rows_does_not_reset_the_table(
    demo_db: Database, qtbot: QtBot
) -> None:
    rows = workspace.load_action_rows(demo_db, 1, Q2, TODAY)
    texts = workspace.load_search_texts(demo_db, 1, Q2)
    model = ActionTableModel()
    model.set_rows(rows, year="2022-23", quarter_number=2, search_loader=lambda ids: texts)
    word = "crucial"
    assert sum(word.encode() in t for t in texts.values()) == 1
    resets: list[str] = []
    described: list[str] = []
    model.modelReset.connect(lambda: resets.append(model.action_filter.text))
    model.filter_changed.connect(lambda: described.append(model.action_filter.text))
    for n in range(1, len(word) + 1):
        model.set_filter(ActionFilter(text=word[:n]))
    # Each keystroke is reported (the filter state label follows it), but the table is
    # reset only when the rows it shows change.
    assert described == [word[:n] for n in range(1, len(word) + 1)]
    expected = []
    shown_before = [r.id for r in rows]
    for n in range(1, len(word) + 1):
        typed = word[:n]
        shown = [r.id for r in rows if typed.encode() in texts[r.id] or typed in r.lead_lower]
        if shown != shown_before:
            expected.append(typed)
        shown_before = shown
    assert resets == expected and len(resets) < len(word)
    assert [r.title for r in model.shown_rows()] == ["Crucial Crew"]


def test_a_search_read_on_the_spot_cancels_the_background_read(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert window._search_timer.isActive() and not window.model.has_search_texts
    qtbot.keyClicks(window.filter_bar.search, "crew")
    assert window.model.has_search_texts and not window._search_timer.isActive()


def test_large_plans_open_with_priorities_closed_and_objectives_made_on_opening(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(navigator_module, "EAGER_OBJECTIVES", 3)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    w = MainWindow(demo_db, settings, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    plan_item = w.navigator.tree.topLevelItem(0)
    assert plan_item is not None
    priorities = [plan_item.child(i) for i in range(plan_item.childCount())]
    assert priorities and all(p.childCount() == 0 and not p.isExpanded() for p in priorities)
    first: QTreeWidgetItem = priorities[0]
    assert first.childIndicatorPolicy() == QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator
    first.setExpanded(True)
    structure = w.structure.priorities[0]
    assert first.childCount() == len(structure[1])
    assert first.child(0).text(0) == structure[1][0].label
    # Choosing an objective of a closed priority (e.g. restoring the last choice) finds it.
    last_priority = w.structure.priorities[-1]
    found = w.navigator._find(("objective", last_priority[1][0].id))
    assert found is not None and found.text(0) == last_priority[1][0].label


def test_dashboard_lists_wrap_instead_of_scrolling_sideways(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    # In Q4 many demo actions are overdue and unreported: long lists of long lines.
    window = MainWindow(demo_db, settings, today=dt.date(2023, 1, 20))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_dashboard()
    qtbot.wait(50)
    for lst in (window.dashboard.overdue, window.dashboard.not_reported):
        assert lst.count() > 1
        assert lst.horizontalScrollBar().maximum() == 0
        assert lst.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        item = lst.item(0)
        assert item is not None
        # Every line shown whole: its height grows with the wrapped lines.
        rect = lst.visualItemRect(item)
        assert rect.right() <= lst.viewport().width()
        assert item.toolTip() == item.text()
    longest = max(
        (window.dashboard.overdue.item(i) for i in range(window.dashboard.overdue.count())),
        key=lambda it: len(it.text()),
    )
    line = window.dashboard.overdue.fontMetrics().height()
    assert window.dashboard.overdue.visualItemRect(longest).height() >= 2 * line


def test_a_search_typed_while_the_worker_reads_waits_for_its_copy(qtbot: QtBot) -> None:
    import threading

    from scp_desktop.ui.search_index import SearchIndexLoader

    loader = SearchIndexLoader()
    release = threading.Event()
    reads: list[int] = []

    def work() -> dict[int, bytes]:
        release.wait(5)
        reads.append(1)
        return {7: b"quokka patrol"}

    token = object()
    loader.start(token, work)
    threading.Timer(0.05, release.set).start()
    assert loader.take(token) == {7: b"quokka patrol"}
    assert reads == [1]  # read once, by the worker
    assert loader.take(object()) is None  # no load for that token: the caller reads itself
    with qtbot.waitSignal(loader.loaded, timeout=5000):
        pass


def test_entering_the_search_box_starts_reading_the_search_texts(
    window: MainWindow, qtbot: QtBot
) -> None:
    from PySide6.QtGui import QFocusEvent
    from PySide6.QtWidgets import QApplication

    from scp_desktop.ui.main_window import SEARCH_TEXTS_DELAY_MS

    assert SEARCH_TEXTS_DELAY_MS > 0 and window._search_pending is not None
    QApplication.sendEvent(
        window.filter_bar.search,
        QFocusEvent(QFocusEvent.Type.FocusIn, Qt.FocusReason.MouseFocusReason),
    )
    assert window._search_pending is None  # the read has started, not waiting for the timer
    qtbot.waitUntil(lambda: window.model.has_search_texts, timeout=10_000)


def test_a_closed_window_starts_no_search_text_read(window: MainWindow) -> None:
    window.close()
    assert window._search_pending is None and not window._search_timer.isActive()
