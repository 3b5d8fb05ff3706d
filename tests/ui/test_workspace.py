"""The workspace driven through its real widgets on a real demo database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QGroupBox, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from scp_desktop.domain.rag import RAG
from scp_desktop.services import workspace
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Action, ActionPartner, Partner, Plan, QuarterUpdate
from scp_desktop.ui.action_form import ActionFormDialog
from scp_desktop.ui.action_table import RAG_ROLE, ActionTableModel, Column
from scp_desktop.ui.dialogs import RolloverDialog
from scp_desktop.ui.filtering import ActionFilter
from scp_desktop.ui.history import EvidenceModel, HistoryModel, PastQuartersModel
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.reference_editors import RecordTableModel
from scp_desktop.ui.settings import Settings
from scp_desktop.ui.update_editor import UpdateEditorDialog

TODAY = dt.date(2022, 8, 15)  # in Q2 2022-23, the demo's reported quarter


@pytest.fixture
def settings(tmp_path: object) -> Settings:
    s = Settings(QSettings(f"{tmp_path}/settings.ini", QSettings.Format.IniFormat))
    s.officer_name = "Pat Officer"
    return s


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, settings: Settings) -> Iterator[MainWindow]:
    w = MainWindow(demo_db, settings, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    yield w


def _rag_in_db(db: Database, action_id: int, quarter: str) -> str | None:
    with db.session(audit=False) as s:
        return s.scalar(
            select(QuarterUpdate.rag).where(
                QuarterUpdate.action_id == action_id, QuarterUpdate.quarter == quarter
            )
        )


def test_models_pass_the_model_tester(qtmodeltester: object, demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, 1, "2022-23-Q2", TODAY)
    model = ActionTableModel(rows, year="2022-23", quarter_number=2)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.sort(Column.Q2, Qt.SortOrder.DescendingOrder)
    model.set_filter(ActionFilter(text="crime"))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    history = HistoryModel()
    history.set_rows(workspace.action_history(demo_db, rows[0].id).entries)
    qtmodeltester.check(history)  # type: ignore[attr-defined]
    quarters = PastQuartersModel()
    quarters.set_rows(workspace.action_history(demo_db, rows[0].id).quarters)
    qtmodeltester.check(quarters)  # type: ignore[attr-defined]
    first = workspace.action_history(demo_db, rows[0].id).quarters[0]
    rag_cell = quarters.index(0, PastQuartersModel.RAG_COLUMN)
    assert quarters.data(rag_cell, RAG_ROLE) == first.rag.value
    assert quarters.data(rag_cell, Qt.ItemDataRole.ToolTipRole) == (
        f"{first.rag.label} — {first.rag.meaning}"
    )
    assert quarters.data(quarters.index(0, 2)) == first.reported_by
    qtmodeltester.check(EvidenceModel())  # type: ignore[attr-defined]
    from scp_desktop.services import records
    from scp_desktop.services.records import RecordKind

    partners = RecordTableModel(RecordKind.PARTNER)
    partners.set_rows(records.list_records(demo_db, RecordKind.PARTNER))
    qtmodeltester.check(partners)  # type: ignore[attr-defined]


def test_sort_keeps_rows_and_rag_sorts_by_rank(demo_db: Database) -> None:
    rows = workspace.load_action_rows(demo_db, 1, "2022-23-Q2", TODAY)
    model = ActionTableModel(rows, year="2022-23", quarter_number=2)
    model.sort(Column.Q2, Qt.SortOrder.AscendingOrder)
    ranks = [r.rags[1].rank if r.rags[1] else 9 for r in model.shown_rows()]
    assert ranks == sorted(ranks) and len(ranks) == 51
    model.sort(Column.REF, Qt.SortOrder.AscendingOrder)
    refs = [r.reference for r in model.shown_rows()]
    assert refs.index("1.1.2") < refs.index("1.10.1") if "1.10.1" in refs else True


def test_create_action_through_the_form(
    window: MainWindow, qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def fill(dialog: ActionFormDialog) -> QDialog.DialogCode:
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        assert not ok.isEnabled()  # no title, no lead yet
        qtbot.keyClicks(dialog.title_edit, "Knife amnesty bins")
        qtbot.keyClicks(dialog.deadline, "Mar 2023")
        seen["reading"] = dialog.deadline_reading.text()
        assert not ok.isEnabled()  # still no lead agency
        qtbot.keyClicks(dialog.leads.entry, "EP")
        qtbot.keyClick(dialog.leads.entry, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.supports.entry, "Colchester Borough")
        qtbot.keyClick(dialog.supports.entry, Qt.Key.Key_Return)
        assert dialog.supports.ids() == ()  # council and homes both match: refused
        assert "matches" in dialog.supports.entry.toolTip()
        dialog.supports.entry.setText("Colchester Borough Council")
        qtbot.keyClick(dialog.supports.entry, Qt.Key.Key_Return)
        dialog.frameworks.lists[0].item(0).setCheckState(Qt.CheckState.Checked)
        dialog.outputs.setPlainText("Two bins\nPoster campaign")
        assert ok.isEnabled(), dialog.problems.text()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ActionFormDialog, "exec", fill)
    window.action_commands.new_action()
    assert "Month: due by the end of March 2023" in str(seen["reading"])
    with demo_db.session(audit=False) as s:
        action = s.scalars(select(Action).where(Action.title == "Knife amnesty bins")).one()
        roles = {
            (abbr, role)
            for abbr, role in s.execute(
                select(Partner.abbreviation, ActionPartner.role)
                .join(ActionPartner)
                .where(ActionPartner.action_id == action.id)
            )
        }
        assert roles == {("EP", "lead"), ("CBC", "support")}
        assert action.deadline_date == dt.date(2023, 3, 31)
        assert len(action.framework_items) == 1 and len(action.outputs) == 2
        action_id = action.id
    assert window.model.total_count == 52
    assert window.current_action_id() == action_id
    window.acts.undo.trigger()
    with demo_db.session(audit=False) as s:
        assert s.get(Action, action_id) is None
    assert window.model.total_count == 51
    window.acts.redo.trigger()
    with demo_db.session(audit=False) as s:
        assert s.get(Action, action_id) is not None
    assert window.model.row_of(action_id) >= 0


def test_set_rag_in_the_table_then_undo_and_redo(
    window: MainWindow, qtbot: QtBot, demo_db: Database
) -> None:
    row = window.model.row_at(0)
    q2 = "2022-23-Q2"
    before = _rag_in_db(demo_db, row.id, q2)
    assert before == "G"
    index = window.model.index(0, Column.Q2)
    window.table.setCurrentIndex(index)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    assert _rag_in_db(demo_db, row.id, q2) == "R"
    assert window.model.data(window.model.index(0, Column.Q2)) == "R"
    assert window.acts.undo.isEnabled()
    # Through the delegate's editor as well (double-click / F2 path).
    q3 = window.model.index(0, Column.Q3)
    window.table.setCurrentIndex(q3)
    delegate = window.table.itemDelegateForColumn(Column.Q3)
    editor = delegate.createEditor(window.table.viewport(), None, q3)  # type: ignore[arg-type]
    delegate.setEditorData(editor, q3)
    editor.setCurrentIndex(3)  # type: ignore[attr-defined]
    delegate.setModelData(editor, window.model, q3)
    assert _rag_in_db(demo_db, row.id, "2022-23-Q3") == "B"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _rag_in_db(demo_db, row.id, "2022-23-Q3") is None
    window.acts.undo.trigger()
    assert _rag_in_db(demo_db, row.id, q2) == "G"
    assert window.model.data(window.model.index(window.model.row_of(row.id), Column.Q2)) == "G"
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _rag_in_db(demo_db, row.id, q2) == "R"
    assert window.history.quarters_model.rowCount() >= 1
    assert any("rag" in e.field for e in window.history.history_model.rows)


def test_update_editor_shows_previous_quarter_and_saves(
    window: MainWindow, qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.quarter_combo.setCurrentIndex(2)  # Q3
    row = window.model.row_at(0)
    window.select_action(row.id)

    def fill(dialog: UpdateEditorDialog) -> QDialog.DialogCode:
        titles = [box.title() for box in dialog.findChildren(QGroupBox)]
        assert "Previous quarter: Q2 2022-23" in titles
        previous = dialog.findChild(QPlainTextEdit, None)
        assert previous is not None
        qtbot.keyClick(dialog.rag, Qt.Key.Key_A)
        assert dialog.rag.value() is RAG.AMBER
        qtbot.keyClicks(dialog.narrative, "Venue delayed to January")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(UpdateEditorDialog, "exec", fill)
    window.action_commands.edit_update()
    pair = workspace.update_pair(demo_db, row.id, "2022-23-Q3")
    assert pair.current.fields is not None
    assert pair.current.fields.rag is RAG.AMBER
    assert pair.current.fields.narrative == "Venue delayed to January"
    assert pair.current.fields.reported_by == "Pat Officer"
    assert pair.previous.fields is not None and pair.previous.fields.rag is RAG.GREEN


def test_filter_by_lead_agency_and_rag(window: MainWindow, demo_db: Database) -> None:
    bar = window.filter_bar
    bar.lead.setCurrentIndex(bar.lead.findText("EP"))
    with demo_db.session(audit=False) as s:
        ep = s.scalars(select(Partner.id).where(Partner.abbreviation == "EP")).one()
        led_by_ep = set(
            s.scalars(
                select(ActionPartner.action_id).where(
                    ActionPartner.partner_id == ep, ActionPartner.role == "lead"
                )
            )
        )
    shown = {r.id for r in window.model.shown_rows()}
    assert shown == led_by_ep
    bar.rag.setCurrentIndex(bar.rag.findData("G"))
    green = {
        r.id for r in window.model.shown_rows() if _rag_in_db(demo_db, r.id, "2022-23-Q2") == "G"
    }
    assert {r.id for r in window.model.shown_rows()} == green
    assert green and green < led_by_ep
    assert "lead EP" in bar.state.text() and "RAG Green" in bar.state.text()
    assert bar.clear_button.isEnabled()
    bar.clear_button.click()
    assert window.model.rowCount() == 51
    assert "Showing all 51" in bar.state.text()
    bar.search.setText("knife")
    assert 0 < window.model.rowCount() < 51
    bar.clear()
    bar.status.setCurrentIndex(bar.status.findData("complete"))
    complete = window.model.shown_rows()
    assert complete and all(r.status == "complete" for r in complete)
    assert "complete" in bar.state.text()


def test_roll_the_plan_over(
    window: MainWindow, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[int] = []

    def choose(dialog: RolloverDialog) -> QDialog.DialogCode:
        assert dialog.year.text() == "2023-24"
        assert "carry over" in dialog.count.text()
        dialog._tick(False)
        assert dialog.count.text() == "0 of 51 actions carry over"
        model = dialog.model
        for i in range(3):
            # As a click on the tick does.
            model.setData(
                model.index(i, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
            )
        assert dialog.count.text() == "3 of 51 actions carry over"
        chosen.extend(dialog.chosen_ids())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RolloverDialog, "exec", choose)
    window.plan_commands.rollover_plan()
    with demo_db.session(audit=False) as s:
        new_plan = s.scalars(select(Plan).where(Plan.year == "2023-24")).one()
        carried = s.scalars(
            select(Action.carried_from_id).where(Action.carried_from_id.is_not(None))
        ).all()
        assert sorted(carried) == sorted(chosen)
        new_plan_id = new_plan.id
    assert window.plan_id == new_plan_id
    assert window.model.total_count == 3
    assert window.quarter is not None and window.quarter.code == "2023-24-Q1"
    window.acts.undo.trigger()
    with demo_db.session(audit=False) as s:
        assert s.get(Plan, new_plan_id) is None
    assert window.model.total_count == 51


def test_dashboard_lists_jump_to_the_action(window: MainWindow) -> None:
    window.show_dashboard()
    lst = window.dashboard.not_reported
    assert lst.count() > 0
    item = lst.item(0)
    action_id = item.data(Qt.ItemDataRole.UserRole)
    window.filter_bar.rag.setCurrentIndex(window.filter_bar.rag.findData("G"))
    lst.itemActivated.emit(item)
    assert window.stack.currentIndex() == 0
    assert window.current_action_id() == action_id
    assert window.model.action_filter.is_empty  # the filter hid it, so it was cleared


def test_column_layout_is_remembered(qtbot: QtBot, demo_db: Database, settings: Settings) -> None:
    first = MainWindow(demo_db, settings, today=TODAY)
    qtbot.addWidget(first)
    first.table.setColumnWidth(Column.TITLE, 421)
    first.table.horizontalHeader().moveSection(Column.LEAD, 0)
    first.close()
    second = MainWindow(demo_db, settings, today=TODAY)
    qtbot.addWidget(second)
    assert second.table.columnWidth(Column.TITLE) == 421
    assert second.table.horizontalHeader().visualIndex(Column.LEAD) == 0


def test_menus_for_returns_and_reports_exist(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert "Re&turns" in titles and "&Reports" in titles
    texts = [a.text() for a in window.acts.menus["Returns"].actions()]
    assert "&Prepare returns…" in texts and "&Import returns…" in texts
    import importlib.util

    available = importlib.util.find_spec("scp_desktop.ui.reports") is not None
    assert window.acts.reports.isEnabled() == available


def test_officer_name_and_database_in_status_bar(window: MainWindow, demo_db: Database) -> None:
    assert "Pat Officer" in window.officer_button.text()
    assert str(demo_db.path) in window.db_label.text()
    window.set_officer_name("Jo Bloggs")
    assert "Jo Bloggs" in window.officer_button.text() and demo_db.user == "Jo Bloggs"


def test_roll_over_ticks_a_large_plan_at_once(qtbot: QtBot, qtmodeltester: object) -> None:
    """Ticking all or none of 5,000 actions is one change of the list, not one per action."""
    from PySide6.QtWidgets import QPushButton

    from scp_desktop.domain.rag import RAG
    from scp_desktop.services.plan_reads import ActionRow

    def row(n: int) -> ActionRow:
        rags = (RAG.GREEN, RAG.BLUE if n % 10 == 0 else None, None, None)
        values: dict[str, object] = dict.fromkeys(ActionRow._fields, "")
        values.update(
            id=n,
            reference=f"1.{n // 100}.{n % 100}",
            title=f"Action {n}",
            priority_id=1,
            priority_number=1,
            objective_id=1,
            lead_ids=(),
            deadline_date=None,
            status="active" if n % 7 else "complete",
            rags=rags,
            frameworks=(),
            overdue=False,
            not_reported=False,
        )
        return ActionRow(**values)  # type: ignore[arg-type]

    rows = [row(n) for n in range(1, 5001)]
    dialog = RolloverDialog("2022-23", rows)
    qtbot.addWidget(dialog)
    dialog.show()
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    carried = [r.id for r in rows if r.status == "active" and RAG.BLUE not in r.rags]
    assert dialog.chosen_ids() == carried
    assert dialog.count.text() == f"{len(carried)} of 5000 actions carry over"
    changes: list[object] = []
    dialog.model.dataChanged.connect(lambda *args: changes.append(args))
    buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
    buttons["Tick &none"].click()
    assert dialog.chosen_ids() == [] and dialog.count.text() == "0 of 5000 actions carry over"
    buttons["Tick &all"].click()
    assert dialog.chosen_ids() == [r.id for r in rows]
    assert len(changes) == 2  # one change per click
    # The tick shows on the row.
    model = dialog.model
    assert model.data(model.index(4999, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    # And the officer ticks with the keyboard: Space on a row's tick.
    from PySide6.QtTest import QTest

    dialog.table.setFocus()
    dialog.table.setCurrentIndex(model.index(0, 0))
    QTest.keyClick(dialog.table.viewport(), Qt.Key.Key_Space)
    assert rows[0].id not in dialog.chosen_ids()
    assert dialog.count.text() == "4999 of 5000 actions carry over"
