"""Where everything on an indicator chart goes, worked out without painting anything."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from scp_desktop.domain.indicators import Polarity, format_value
from scp_desktop.domain.rag import RAG
from scp_desktop.services.indicators import ChartSeries, SeriesPoint

# The widest period label the axis must leave room for before labels are thinned.
WIDEST_PERIOD = "Sept 2022"
MARKER_RADIUS = 8.0


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering low..high (1, 2, 2.5 or 5 times a power of ten apart)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.001:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


@dataclass(frozen=True)
class Box:
    """A rectangle in widget pixels: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def clipped(self, other: Box) -> Box | None:
        """The part of this box inside `other` (a box of negative size counts as flipped);
        None when nothing of it is left."""
        left, right = sorted((self.x, self.x + self.w))
        top, bottom = sorted((self.y, self.y + self.h))
        left, right = max(left, other.x), min(right, other.right)
        top, bottom = max(top, other.y), min(bottom, other.bottom)
        if left >= right or top >= bottom:
            return None
        return Box(left, top, right - left, bottom - top)


@dataclass(frozen=True)
class Tick:
    value: float
    y: float
    label: str
    label_box: Box


@dataclass(frozen=True)
class Band:
    box: Box
    rag: RAG


@dataclass(frozen=True)
class TargetLine:
    x0: float
    x1: float
    y: float


@dataclass(frozen=True)
class PeriodLabel:
    box: Box
    text: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    rag: RAG | None


class LegendKind(Enum):
    VALUE = "value"
    COMPARATOR = "comparator"
    TARGET = "target"
    BAND = "band"
    NOTE = "note"


@dataclass(frozen=True)
class LegendEntry:
    kind: LegendKind
    x: float
    label: str
    rag: RAG | None = None


@dataclass(frozen=True)
class ChartLayout:
    """Every position the painter needs, in widget pixels."""

    title: Box
    plot: Box
    ticks: list[Tick]
    zero_y: float | None
    bands: list[Band]
    targets: list[TargetLine]
    periods: list[PeriodLabel]
    comparator: list[tuple[float, float]]
    values: list[Marker]
    legend_y: float
    legend: list[LegendEntry]


@dataclass(frozen=True)
class TextMeasure:
    """The font's measures the layout depends on: a text's width and a line's height."""

    width: Callable[[str], float]
    height: float


NO_INDICATOR = "Choose an indicator to see its chart."
NO_VALUES = "No values to draw yet."


def drawn_points(series: ChartSeries) -> list[SeriesPoint]:
    """The series without leading periods that have nothing to show (they only squeeze it)."""
    points = series.points
    while points and points[0].value is None and points[0].comparator is None:
        points = points[1:]
    return points


def value_range(points: list[SeriesPoint]) -> list[float]:
    """The y axis ticks: every value, comparator, target and tolerance edge fits, with room
    above and below; an all-positive series well above zero starts at zero."""
    numbers = [
        float(v)
        for p in points
        for v in (p.value, p.comparator, p.target, p.amber_limit)
        if v is not None
    ]
    low, high = min(numbers), max(numbers)
    if low > 0 and high > 0 and low < high * 0.5:
        low = 0.0
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    return nice_ticks(low - pad if low != 0 else 0.0, high + pad)


def band_boxes(
    plot: Box, x0: float, step: float, target_y: float, edge_y: float, higher_better: bool
) -> list[Band]:
    """One period's green, amber and red bands, clipped to the plot."""
    if higher_better:
        green = Box(x0, plot.y, step, target_y - plot.y)
        red = Box(x0, edge_y, step, plot.bottom - edge_y)
    else:
        green = Box(x0, target_y, step, plot.bottom - target_y)
        red = Box(x0, plot.y, step, edge_y - plot.y)
    amber = Box(x0, min(target_y, edge_y), step, abs(edge_y - target_y))
    bands = []
    for box, rag in ((green, RAG.GREEN), (amber, RAG.AMBER), (red, RAG.RED)):
        clipped = box.clipped(plot)
        if clipped is not None:
            bands.append(Band(clipped, rag))
    return bands


def period_labels(
    points: list[SeriesPoint], plot: Box, step: float, measure: TextMeasure
) -> list[PeriodLabel]:
    """Quarter on one line and year beneath, every n-th period when they would crowd."""
    every = max(1, math.ceil(measure.width(WIDEST_PERIOD) * 1.1 / step))
    labels = []
    for i, p in enumerate(points):
        if i % every:
            continue
        first, _, second = p.label.partition(" ")
        x = plot.x + step * (i + 0.5)
        box = Box(x - step * every / 2, plot.bottom + 4, step * every, measure.height * 2)
        labels.append(PeriodLabel(box, f"{first}\n{second}"))
    return labels


def band_keys(points: list[SeriesPoint]) -> list[tuple[RAG, str]]:
    """The legend's words for each band: amber only when some period has a tolerance."""
    has_band = any(p.amber_limit is not None and p.amber_limit != p.target for p in points)
    keys = [(RAG.GREEN, "target met")]
    if has_band:
        keys.append((RAG.AMBER, "within tolerance"))
    keys.append((RAG.RED, "beyond tolerance" if has_band else "target missed"))
    return keys


def legend_entries(
    series: ChartSeries,
    points: list[SeriesPoint],
    x: float,
    measure: TextMeasure,
    with_comparator: bool,
) -> list[LegendEntry]:
    """The legend left to right: value, comparator, target and its bands (or a note)."""
    entries = [LegendEntry(LegendKind.VALUE, x, "Value")]
    x += 28 + measure.width("Value") + 14
    if with_comparator:
        label = series.comparator_label or "Comparator"
        entries.append(LegendEntry(LegendKind.COMPARATOR, x, label))
        x += 28 + measure.width(label) + 14
    if not any(p.target is not None for p in points):
        entries.append(LegendEntry(LegendKind.NOTE, x, "No target: values are not rated"))
        return entries
    entries.append(LegendEntry(LegendKind.TARGET, x, "Target"))
    x += 28 + measure.width("Target") + 14
    for rag, text in band_keys(points):
        label = f"{rag.value} {text}"
        entries.append(LegendEntry(LegendKind.BAND, x, label, rag))
        x += 18 + measure.width(label) + 12
    return entries


def chart_layout(
    series: ChartSeries | None, width: float, height: float, measure: TextMeasure
) -> ChartLayout | str | None:
    """The chart's layout in a widget of this size; a message to show instead when there is
    nothing to draw, or None when the widget is too small for a plot."""
    if series is None:
        return NO_INDICATOR
    points = drawn_points(series)
    if not any(p.value is not None or p.comparator is not None for p in points):
        return NO_VALUES
    values = value_range(points)
    y_min, y_max = values[0], values[-1]
    labels = [format_value(Decimal(str(t)), series.unit) for t in values]
    left = max(measure.width(t) for t in labels) + 14
    title_h = measure.height + 8
    legend_h = measure.height + 6
    bottom_h = measure.height * 2 + 10
    plot = Box(left, title_h + legend_h, width - left - 16, height - title_h - legend_h - bottom_h)
    if plot.w < 40 or plot.h < 40:
        return None

    def y_of(value: float) -> float:
        return plot.bottom - (value - y_min) / (y_max - y_min) * plot.h

    step = plot.w / len(points)
    bands: list[Band] = []
    targets: list[TargetLine] = []
    higher_better = series.polarity is Polarity.HIGHER_BETTER
    for i, p in enumerate(points):
        x0 = plot.x + step * i
        if p.target is not None:
            targets.append(TargetLine(x0, x0 + step, y_of(float(p.target))))
        if p.target is not None and p.amber_limit is not None:
            target_y, edge_y = y_of(float(p.target)), y_of(float(p.amber_limit))
            bands += band_boxes(plot, x0, step, target_y, edge_y, higher_better)
    ticks = [
        Tick(t, y_of(t), text, Box(0, y_of(t) - measure.height / 2, left - 6, measure.height))
        for t, text in zip(values, labels, strict=True)
    ]
    comparator = [
        (plot.x + step * (i + 0.5), y_of(float(p.comparator)))
        for i, p in enumerate(points)
        if p.comparator is not None
    ]
    markers = [
        Marker(plot.x + step * (i + 0.5), y_of(float(p.value)), p.rag)
        for i, p in enumerate(points)
        if p.value is not None
    ]
    return ChartLayout(
        title=Box(8, 2, width - 16, title_h),
        plot=plot,
        ticks=ticks,
        zero_y=y_of(0) if y_min < 0 < y_max else None,
        bands=bands,
        targets=targets,
        periods=period_labels(points, plot, step, measure),
        comparator=comparator,
        values=markers,
        legend_y=title_h + 2,
        legend=legend_entries(series, points, plot.x, measure, bool(comparator)),
    )
