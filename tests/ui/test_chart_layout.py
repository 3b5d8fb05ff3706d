"""The indicator chart's layout, checked as numbers without painting anything."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from scp_desktop.domain.indicators import Polarity, Unit
from scp_desktop.domain.rag import RAG
from scp_desktop.services.indicators import ChartSeries, SeriesPoint
from scp_desktop.ui.indicators.chart_layout import (
    NO_INDICATOR,
    NO_VALUES,
    Box,
    ChartLayout,
    LegendKind,
    TextMeasure,
    band_boxes,
    band_keys,
    chart_layout,
    drawn_points,
    legend_entries,
    period_labels,
    value_range,
)

# Every character 7 pixels wide, lines 16 high: easy to reason about.
MEASURE = TextMeasure(lambda text: 7.0 * len(text), 16.0)


def point(
    label: str,
    value: str | None,
    comparator: str | None = None,
    rag: RAG | None = None,
    target: str | None = None,
    amber: str | None = None,
) -> SeriesPoint:
    def dec(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    return SeriesPoint(label, label, dec(value), dec(comparator), rag, dec(target), dec(amber))


def series(points: list[SeriesPoint], polarity: Polarity = Polarity.HIGHER_BETTER) -> ChartSeries:
    return ChartSeries("Burglary", Unit.COUNT, polarity, "County", points)


def laid_out(s: ChartSeries, width: float = 720, height: float = 300) -> ChartLayout:
    layout = chart_layout(s, width, height, MEASURE)
    assert isinstance(layout, ChartLayout)
    return layout


RATED = series(
    [
        point("Q1 2024", None),
        point("Q2 2024", "12", "10", RAG.GREEN, "10", "8"),
        point("Q3 2024", "7", "9", RAG.RED, "10", "8"),
        point("Q4 2024", "9", None, RAG.AMBER, "10", "8"),
    ]
)


def test_messages_instead_of_a_chart() -> None:
    assert chart_layout(None, 720, 300, MEASURE) == NO_INDICATOR
    empty = series([point("Q1 2024", None), point("Q2 2024", None)])
    assert chart_layout(empty, 720, 300, MEASURE) == NO_VALUES
    assert chart_layout(series([]), 720, 300, MEASURE) == NO_VALUES


def test_too_small_a_widget_has_no_plot() -> None:
    assert chart_layout(RATED, 60, 300, MEASURE) is None
    assert chart_layout(RATED, 720, 90, MEASURE) is None


def test_leading_empty_periods_are_dropped_but_later_gaps_kept() -> None:
    s = series([point("a", None), point("b", None, "3"), point("c", None), point("d", "1")])
    assert [p.label for p in drawn_points(s)] == ["b", "c", "d"]


def test_value_range_starts_at_zero_for_positive_series_well_above_it() -> None:
    assert value_range([point("a", "40"), point("b", "100")])[0] == 0.0
    ticks = value_range([point("a", "90"), point("b", "100")])
    assert 80 < ticks[0] <= 89 and ticks[-1] >= 101
    negative = value_range([point("a", "-5"), point("b", "3")])
    assert negative[0] < -5 and negative[-1] > 3


def test_markers_sit_in_the_middle_of_their_period_and_higher_values_higher() -> None:
    layout = laid_out(RATED)
    plot = layout.plot
    step = plot.w / 3  # the leading empty quarter is not drawn
    assert [m.x for m in layout.values] == pytest.approx(
        [plot.x + step * 0.5, plot.x + step * 1.5, plot.x + step * 2.5]
    )
    assert [m.rag for m in layout.values] == [RAG.GREEN, RAG.RED, RAG.AMBER]
    ys = [m.y for m in layout.values]
    assert ys[0] < ys[2] < ys[1]  # 12 above 9 above 7
    assert all(plot.y <= y <= plot.bottom for y in ys)
    # The comparator is missing in Q4, so two squares only.
    assert len(layout.comparator) == 2


def test_ticks_span_the_plot_and_labels_fit_left_of_it() -> None:
    layout = laid_out(RATED)
    assert layout.ticks[0].y == pytest.approx(layout.plot.bottom)
    assert layout.ticks[-1].y == pytest.approx(layout.plot.y)
    widest = max(MEASURE.width(t.label) for t in layout.ticks)
    assert layout.plot.x == widest + 14
    assert all(t.label_box.right == layout.plot.x - 6 for t in layout.ticks)
    assert layout.zero_y is None


def test_zero_line_only_when_the_axis_crosses_zero() -> None:
    layout = laid_out(series([point("a", "-5"), point("b", "3")]))
    assert layout.zero_y is not None
    zero_tick = next(t for t in layout.ticks if t.value == 0)
    assert layout.zero_y == pytest.approx(zero_tick.y)


def test_bands_follow_polarity() -> None:
    plot = Box(0, 0, 100, 200)
    up = {b.rag: b.box for b in band_boxes(plot, 0, 50, 80, 120, higher_better=True)}
    assert up[RAG.GREEN] == Box(0, 0, 50, 80)
    assert up[RAG.AMBER] == Box(0, 80, 50, 40)
    assert up[RAG.RED] == Box(0, 120, 50, 80)
    down = {b.rag: b.box for b in band_boxes(plot, 0, 50, 120, 80, higher_better=False)}
    assert down[RAG.GREEN] == Box(0, 120, 50, 80)
    assert down[RAG.RED] == Box(0, 0, 50, 80)


def test_a_band_of_no_height_is_left_out() -> None:
    plot = Box(0, 0, 100, 200)
    bands = band_boxes(plot, 0, 50, 80, 80, higher_better=True)
    assert [b.rag for b in bands] == [RAG.GREEN, RAG.RED]


def test_box_clipping() -> None:
    plot = Box(10, 10, 100, 100)
    assert Box(0, 0, 50, 50).clipped(plot) == Box(10, 10, 40, 40)
    assert Box(50, 60, 20, -30).clipped(plot) == Box(50, 30, 20, 30)  # flipped
    assert Box(200, 0, 10, 10).clipped(plot) is None


def test_targets_are_drawn_per_period() -> None:
    layout = laid_out(RATED)
    assert len(layout.targets) == 3
    assert len(layout.bands) == 9
    assert layout.targets[0].x1 == pytest.approx(layout.targets[1].x0)


def test_period_labels_thin_out_when_crowded() -> None:
    points = [point(f"Q{i % 4 + 1} {2020 + i // 4}", "1") for i in range(20)]
    plot = Box(50, 40, 400, 200)
    every_one = period_labels(points, plot, 80, MEASURE)
    assert len(every_one) == 20
    assert every_one[0].text == "Q1\n2020"
    crowded = period_labels(points, plot, 20, MEASURE)
    # "Sept 2022" is 63 px; with 10% room that needs four 20 px periods per label.
    assert len(crowded) == 5
    assert crowded[1].text == "Q1\n2021"


def test_legend_names_amber_only_when_there_is_a_tolerance() -> None:
    assert [r for r, _ in band_keys(RATED.points)] == [RAG.GREEN, RAG.AMBER, RAG.RED]
    no_band = [point("a", "1", target="2", amber="2")]
    assert band_keys(no_band) == [(RAG.GREEN, "target met"), (RAG.RED, "target missed")]


def test_legend_runs_left_to_right() -> None:
    entries = legend_entries(RATED, RATED.points, 30, MEASURE, with_comparator=True)
    kinds = [e.kind for e in entries]
    assert kinds == [
        LegendKind.VALUE,
        LegendKind.COMPARATOR,
        LegendKind.TARGET,
        LegendKind.BAND,
        LegendKind.BAND,
        LegendKind.BAND,
    ]
    assert entries[0].x == 30
    assert entries[1].x == 30 + 28 + 7 * len("Value") + 14
    assert entries[1].label == "County"
    assert all(a.x < b.x for a, b in pairwise(entries))
    untargeted = series([point("a", "1")])
    plain = legend_entries(untargeted, untargeted.points, 30, MEASURE, with_comparator=False)
    assert [e.kind for e in plain] == [LegendKind.VALUE, LegendKind.NOTE]
