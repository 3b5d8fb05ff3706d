"""Indicator widgets driven offscreen against a real demo database."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from scp_desktop.domain.indicators import Polarity, TargetKind, ToleranceKind, Unit
from scp_desktop.domain.rag import RAG
from scp_desktop.services import indicators as svc
from scp_desktop.services import plans
from scp_desktop.storage.database import Database
from scp_desktop.ui.indicators import IndicatorsWindow, IndicatorTilesWidget
from scp_desktop.ui.indicators.chart import IndicatorChart, nice_ticks
from scp_desktop.ui.indicators.definition_form import DefinitionForm
from scp_desktop.ui.indicators.values_grid import (
    ValuesGridWidget,
    ValuesModel,
    parse_clipboard_block,
)


def plan_id(db: Database) -> int:
    return plans.list_plans(db)[0].id


def rated_indicator(db: Database) -> int:
    """Lower is better, target 100, amber up to 110."""
    pid = plan_id(db)
    return svc.save_definition(
        db,
        svc.IndicatorDefinition(
            name="Violent crime in the town centre",
            unit=Unit.COUNT,
            polarity=Polarity.LOWER_BETTER,
            target_kind=TargetKind.ABSOLUTE,
            target_value="100",
            tolerance_kind=ToleranceKind.ABSOLUTE,
            tolerance_value="10",
            priority_id=svc.definition_choices(db, pid).priorities[1].id,
        ),
    )


def grid_widget(qtbot: QtBot, db: Database, ind: int) -> ValuesGridWidget:
    widget = ValuesGridWidget(db)
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.show()
    widget.set_indicator(ind, "2022-23")
    return widget


def cell(widget: ValuesGridWidget, period: str, key: str) -> str:
    model = widget.model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).period == period)
    return str(model.index(row, model.column_index(key)).data())


def test_values_model_passes_the_model_tester(qtmodeltester, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    ind = rated_indicator(demo_db)
    svc.write_values(demo_db, ind, [svc.ValueEdit("2022-23-Q1", {"value": "105"})])
    model = ValuesModel()
    model.set_grid(svc.values_grid(demo_db, ind, "2022-23"), show_rates=True)
    qtmodeltester.check(model)


def test_pasting_a_block_shows_computed_rag_and_arrows(qtbot: QtBot, demo_db: Database) -> None:
    ind = rated_indicator(demo_db)
    widget = grid_widget(qtbot, demo_db, ind)
    model = widget.model
    # Excel copies a block as tab-separated lines: period labels, value, then the status
    # columns are skipped and comparator and its label follow.
    QGuiApplication.clipboard().setText(
        "Q2 2021-22\t130\t\t\nQ1 2022-23\t120\t118\tEssex force\nQ2 2022-23\t104\t110\tEssex force\n"
    )
    widget.table.setCurrentIndex(model.index(0, model.column_index("period")))
    widget.table.setFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert cell(widget, "2022-23-Q1", "status") == "R Red"
    assert cell(widget, "2022-23-Q2", "status") == "A Amber"
    assert cell(widget, "2022-23-Q2", "vs_previous") == "↓ (better) on Q1 2022-23"
    assert cell(widget, "2022-23-Q2", "vs_last_year") == "↓ (better) on Q2 2021-22"
    assert cell(widget, "2022-23-Q1", "comparator") == "118"
    assert cell(widget, "2022-23-Q1", "comparator_label") == "Essex force"
    assert "Pasted 3 row(s)" in widget.message.text()

    # A column of figures pasted on the Value cell of Q3 fills Q3 and Q4 in place.
    QGuiApplication.clipboard().setText("95\n112\n")
    widget.table.setCurrentIndex(
        model.index(
            next(i for i in range(model.rowCount()) if model.row_at(i).period == "2022-23-Q3"),
            model.column_index("value"),
        )
    )
    qtbot.keyClick(widget.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert cell(widget, "2022-23-Q3", "status") == "G Green"
    assert cell(widget, "2022-23-Q4", "status") == "R Red"
    assert cell(widget, "2022-23-Q4", "vs_previous") == "↑ (worse) on Q3 2022-23"
    assert svc.indicator_status(demo_db, ind, "2022-23-Q3").rag is not None


def test_a_bad_paste_writes_nothing_and_says_where(qtbot: QtBot, demo_db: Database) -> None:
    ind = rated_indicator(demo_db)
    widget = grid_widget(qtbot, demo_db, ind)
    model = widget.model
    widget.table.setCurrentIndex(model.index(4, model.column_index("value")))
    widget.paste_text("100\nlots\n")
    assert widget.message.text() == (
        "Pasted row 2 (Q2 2022-23): Value for Q2 2022-23: 'lots' is not a number."
    )
    assert all(not r.stored for r in svc.values_grid(demo_db, ind, "2022-23").rows)

    widget.table.setCurrentIndex(model.index(6, model.column_index("value")))
    widget.paste_text("1\n2\n3\n")
    assert "only 2 period row(s) lie below" in widget.message.text()

    widget.table.setCurrentIndex(model.index(0, model.column_index("status")))
    widget.paste_text("1\n")
    assert "'RAG' is computed" in widget.message.text()


def test_typing_a_value_and_clearing_it(qtbot: QtBot, demo_db: Database) -> None:
    ind = rated_indicator(demo_db)
    widget = grid_widget(qtbot, demo_db, ind)
    model = widget.model
    index = model.index(5, model.column_index("value"))
    assert model.setData(index, "90", Qt.ItemDataRole.EditRole)
    assert cell(widget, "2022-23-Q2", "status") == "G Green"
    flag = model.index(5, model.column_index("provisional"))
    model.setData(flag, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert (
        model.index(5, model.column_index("provisional")).data(Qt.ItemDataRole.CheckStateRole)
        == Qt.CheckState.Checked
    )
    assert "provisional" in cell(widget, "2022-23-Q2", "explanation")
    widget.table.setCurrentIndex(model.index(5, model.column_index("value")))
    widget.table.selectionModel().select(
        model.index(5, model.column_index("value")),
        widget.table.selectionModel().SelectionFlag.ClearAndSelect,
    )
    qtbot.keyClick(widget.table, Qt.Key.Key_Delete)
    assert cell(widget, "2022-23-Q2", "value") == ""


def test_clipboard_blocks_from_excel() -> None:
    assert parse_clipboard_block("a\tb\r\nc\td\r\n") == [["a", "b"], ["c", "d"]]
    assert parse_clipboard_block('"two\nlines"\t3\n') == [["two\nlines", "3"]]
    assert parse_clipboard_block("5") == [["5"]]
    assert parse_clipboard_block("") == []


def test_window_sign_off_and_unlock(qtbot: QtBot, demo_db: Database) -> None:
    ind = rated_indicator(demo_db)
    svc.write_values(demo_db, ind, [svc.ValueEdit("2022-23-Q2", {"value": "105"})])
    window = IndicatorsWindow(demo_db, plan_id(demo_db), "2022-23-Q2")
    qtbot.addWidget(window)
    window.select_indicator(ind)
    assert window.current_indicator_id() == ind
    assert "A Amber" in window.status_label.text()
    assert "Target 100" in window.status_label.text()

    with qtbot.waitSignal(window.signoffChanged, timeout=10000):
        window.sign_off_quarter()
    assert "signed off" in window.signoff_label.text()
    assert not window.sign_off_button.isEnabled() and window.unlock_button.isEnabled()
    assert "(frozen at sign-off)" in window.status_label.text()
    row = next(r for r in window.grid.model._rows if r.period == "2022-23-Q2")
    assert row.locked

    window.unlock_quarter("")
    qtbot.waitUntil(lambda: "Say why" in window.message.text(), timeout=10000)
    with qtbot.waitSignal(window.signoffChanged, timeout=10000):
        window.unlock_quarter("Police figures were revised")
    assert "unlocked" in window.signoff_label.text()
    assert "Police figures were revised" in window.signoff_label.text()


def test_window_imports_a_workbook(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Indicator", "Q2 2022-23"])
    ws.append(["Next Chapter domestic abuse referrals (Colchester)", 181])
    path = tmp_path / "nc.xlsx"
    wb.save(path)
    window = IndicatorsWindow(demo_db, plan_id(demo_db), "2022-23-Q2")
    qtbot.addWidget(window)
    window.importer.interactive = False
    with qtbot.waitSignal(window.importer.done, timeout=10000) as blocker:
        window.import_file(path)
    assert blocker.args[0] == "1 value(s) imported from nc.xlsx."
    names = [window.list.item(i).text() for i in range(window.list.count())]
    nc = names.index("Next Chapter domestic abuse referrals (Colchester)")
    window.list.setCurrentRow(nc)
    assert cell(window.grid, "2022-23-Q2", "value") == "181"


def test_window_reports_an_unreadable_file(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "stats.xlsx"
    path.write_text("Indicator,Q2 2022-23\n")
    window = IndicatorsWindow(demo_db, plan_id(demo_db), "2022-23-Q2")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.importer.failed, timeout=10000) as blocker:
        window.import_file(path)
    assert "not really an Excel workbook" in blocker.args[0]
    assert "not really an Excel workbook" in window.message.text()


def test_definition_form_shows_the_rule_and_saves(qtbot: QtBot, demo_db: Database) -> None:
    form = DefinitionForm(demo_db, plan_id(demo_db))
    qtbot.addWidget(form)
    form.name.setText("Hate crime reports")
    form.polarity.setCurrentIndex(form.polarity.findData(Polarity.NEITHER.value))
    form.target_kind.setCurrentIndex(form.target_kind.findData(TargetKind.ABSOLUTE.value))
    form.target_value.setText("50")
    assert "better direction" in form.rule.text()
    form.polarity.setCurrentIndex(form.polarity.findData(Polarity.HIGHER_BETTER.value))
    form.tolerance_kind.setCurrentIndex(form.tolerance_kind.findData(ToleranceKind.PERCENT.value))
    form.tolerance_value.setText("10")
    assert form.rule.text() == (
        "Q2: Higher is better. Target 50 (set value). Green if ≥ 50; Amber if ≥ 45 "
        "(tolerance 10% of target); Red if < 45."
    )
    form.action_list.item(0).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(form.saved) as blocker:
        form.save_button.click()
    saved = svc.get_definition(demo_db, blocker.args[0])
    assert saved.name == "Hate crime reports" and saved.tolerance_value == "10"
    assert len(saved.action_ids) == 1

    form.load(None)
    form.target_kind.setCurrentIndex(form.target_kind.findData(TargetKind.ABSOLUTE.value))
    form.target_value.setText("fifty")
    form.save_button.click()
    assert "not a number" in form.message.text()


def test_tiles_show_counts_with_letters(qtbot: QtBot, demo_db: Database) -> None:
    ind = rated_indicator(demo_db)
    svc.write_values(demo_db, ind, [svc.ValueEdit("2022-23-Q2", {"value": "150"})])
    tiles = IndicatorTilesWidget(demo_db, plan_id(demo_db), "2022-23-Q2")
    qtbot.addWidget(tiles)
    assert len(tiles.tiles) == 4
    tile = tiles.tiles[1]
    assert tile.tile.counts[RAG.RED] == 1
    chips = [c.text() for c in tile.findChildren(type(tiles.heading)) if c.accessibleName()]
    assert chips[:3] == ["R 1", "A 0", "G 0"]
    with qtbot.waitSignal(tiles.indicatorActivated) as blocker:
        tile.indicatorActivated.emit(ind)
    assert blocker.args == [ind]


def test_chart_draws_and_describes_itself(qtbot: QtBot, demo_db: Database) -> None:
    ind = rated_indicator(demo_db)
    svc.write_values(
        demo_db,
        ind,
        [
            svc.ValueEdit("2022-23-Q1", {"value": "95", "comparator": "99"}),
            svc.ValueEdit("2022-23-Q2", {"value": "115"}),
        ],
    )
    chart = IndicatorChart()
    qtbot.addWidget(chart)
    chart.resize(700, 300)
    chart.set_series(svc.chart_series(demo_db, ind, "2022-23"))
    image = chart.grab().toImage()
    assert not image.isNull()
    assert "Q1 2022-23: 95 (Green)" in chart.accessibleDescription()
    assert "Q2 2022-23: 115 (Red)" in chart.accessibleDescription()
    chart.set_series(None)
    chart.grab()


@pytest.mark.parametrize(
    ("low", "high"), [(0, 98), (-53.7, 23.7), (95, 110), (0, 0.5), (1000, 1000)]
)
def test_nice_ticks_cover_the_range(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    assert 2 <= len(ticks) <= 8


def test_paste_and_clear_can_be_undone_and_redone(qtbot: QtBot, demo_db: Database) -> None:
    ind = rated_indicator(demo_db)
    svc.write_values(demo_db, ind, [svc.ValueEdit("2022-23-Q1", {"value": "90"})])
    widget = grid_widget(qtbot, demo_db, ind)
    model = widget.model
    widget.table.setCurrentIndex(model.index(0, model.column_index("period")))
    widget.paste_text("Q1 2022-23\t120\nQ2 2022-23\t95\n")
    assert cell(widget, "2022-23-Q1", "status") == "R Red"
    assert widget.undo_stack.undoText() == "Paste 2 row(s)"

    widget.table.setFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cell(widget, "2022-23-Q1", "value") == "90"
    assert cell(widget, "2022-23-Q1", "status") == "G Green"
    assert cell(widget, "2022-23-Q2", "value") == ""  # the pasted row is gone again
    assert svc.indicator_status(demo_db, ind, "2022-23-Q2").rag is None

    widget.undo_stack.redo()
    assert cell(widget, "2022-23-Q1", "status") == "R Red"
    assert cell(widget, "2022-23-Q2", "value") == "95"

    # Undo is refused, with the reason, once the quarter is signed off.
    svc.sign_off_quarter(demo_db, "2022-23-Q1")
    widget.undo_stack.undo()
    assert "Q1 2022-23 is signed off" in widget.message.text()
    assert cell(widget, "2022-23-Q1", "value") == "120"


def test_the_quarter_brought_into_view_keeps_its_period_in_view(
    qtbot: QtBot, demo_db: Database
) -> None:
    # The window opens on its first indicator, brought into view before the window is shown.
    window = IndicatorsWindow(demo_db, plan_id(demo_db), "2022-23-Q2")
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    table = window.grid.table
    current = table.currentIndex()
    assert current.isValid()
    assert window.grid.model.row_at(current.row()).period.startswith("2022-23")
    assert table.horizontalScrollBar().maximum() > 0  # wider than its pane at this size
    assert table.columnViewportPosition(0) == 0  # the Period column, not scrolled away
    assert table.visualRect(current).right() <= table.viewport().width()
