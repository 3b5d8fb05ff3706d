"""Charts for the reports, drawn so they still read when printed in greyscale."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from scp_desktop.domain.rag import RAG_ORDER
from scp_desktop.domain.reports import IndicatorStats
from scp_desktop.pdf.base import FONT, FONT_BOLD, GREY, INK
from scp_desktop.pdf.text import clean

NOT_REPORTED = colors.HexColor("#BDBDBD")


class TextDrawing(Drawing):  # type: ignore[misc]
    """A drawing that says which words it prints (for the glossary)."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__(width, height)
        self.__dict__["texts"] = []


def rag_stacked_bars(
    names: Sequence[str], counts: Sequence[Sequence[int]], width: float
) -> TextDrawing:
    """One horizontal bar per key priority, stacked Red, Amber, Green, Blue, not reported.

    Each segment prints its count, and the legend names the letter, so colour is never the
    only carrier of meaning.
    """
    rows = len(names)
    if not rows:
        return TextDrawing(width, 1)  # nothing to chart: the table says "no actions"
    bar_h = 16
    height = rows * (bar_h + 10) + 60
    d = TextDrawing(width, height)
    d.__dict__["texts"] = list(names)
    chart = HorizontalBarChart()
    chart.x = 95
    chart.y = 44
    chart.width = width - chart.x - 10
    chart.height = rows * (bar_h + 10)
    # Series are drawn bottom-up; reverse so the first priority is on top like the table.
    series = list(zip(*counts, strict=False)) if counts else []
    chart.data = [tuple(reversed(s)) for s in series]
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.valueMin = 0
    total = max((sum(c) for c in counts), default=0)
    chart.valueAxis.valueMax = max(total, 1)
    chart.valueAxis.valueStep = _step(total)
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = GREY
    chart.barWidth = bar_h
    chart.groupSpacing = 10
    fills = [colors.HexColor(r.hex_colour) for r in RAG_ORDER] + [NOT_REPORTED]
    for i, fill in enumerate(fills[: len(series)]):
        chart.bars[i].fillColor = fill
        chart.bars[i].strokeColor = colors.white
        chart.bars[i].strokeWidth = 0.6
    # Each segment says its letter and count ("G 10"): in greyscale Red, Green and Blue
    # are all dark, so the letter is what tells them apart.
    letters = [f"{r.value} " for r in RAG_ORDER] + [""]
    chart.barLabelFormat = "values"
    chart.barLabelArray = [
        [f"{letters[i]}{int(v)}" if v else "" for v in row] for i, row in enumerate(chart.data)
    ]
    chart.barLabels.fontName = FONT_BOLD
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "e"
    chart.barLabels.dx = -3
    chart.barLabels.fillColor = colors.white
    for i in (1, 4):  # dark text on the light amber and grey
        for j in range(rows if i < len(series) else 0):
            chart.barLabels[(i, j)].fillColor = INK
    d.add(chart)
    legend = Legend()
    legend.x = chart.x
    legend.y = 4
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = FONT
    legend.fontSize = 7.5
    legend.dxTextSpace = 4
    legend.deltax = 78
    legend.boxAnchor = "sw"
    names_legend = [f"{r.value} – {r.label}" for r in RAG_ORDER] + ["Not reported"]
    legend.colorNamePairs = list(zip(fills, names_legend, strict=True))[: len(series)]
    d.add(legend)
    d.texts.extend(names_legend)
    return d


def _step(total: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if total / step <= 8:
            return step
    return max(total / 8, 1)


def indicator_chart(
    stats: IndicatorStats, width: float, height: float, own_label: str
) -> TextDrawing | None:
    """Values by period as dark bars, the comparator as lighter bars beside them."""
    points = [pt for pt in stats.points if pt.value is not None][-8:]
    if not points:
        return None
    d = TextDrawing(width, height)
    wrap = max(6, int(14 - len(points)))
    labels = ["\n".join(textwrap.wrap(clean(pt.period), wrap)[:3]) for pt in points]
    d.__dict__["texts"] = [pt.period for pt in points]
    values = tuple(pt.value or 0.0 for pt in points)
    data = [values]
    has_comparator = any(pt.comparator is not None for pt in points)
    if has_comparator:
        data.append(tuple(pt.comparator or 0.0 for pt in points))
    chart = VerticalBarChart()
    chart.x = 30
    chart.y = 30
    chart.width = width - chart.x - 6
    chart.height = height - chart.y - (16 if has_comparator else 6)
    chart.data = data
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = GREY
    chart.categoryAxis.visibleTicks = 0
    chart.categoryAxis.labelAxisMode = "low"  # labels under the chart even for negative values
    low = min(min(v) for v in data)
    high = max(max(v) for v in data)
    chart.valueAxis.valueMin = min(0.0, low * 1.3)
    chart.valueAxis.valueMax = max(high * 1.1, 1.0) if high > 0 else 1.0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E0E0E0")
    chart.bars[0].fillColor = colors.HexColor("#424242")
    chart.bars[0].strokeColor = None
    if has_comparator:
        chart.bars[1].fillColor = colors.HexColor("#BDBDBD")
        chart.bars[1].strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 6
    chart.barLabelFormat = _short
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 5.5
    chart.barLabels.nudge = 5
    d.add(chart)
    if chart.valueAxis.valueMin < 0:
        zero = chart.y + chart.height * (-chart.valueAxis.valueMin) / (
            chart.valueAxis.valueMax - chart.valueAxis.valueMin
        )
        d.add(Line(chart.x, zero, chart.x + chart.width, zero, strokeColor=INK, strokeWidth=0.5))
    if has_comparator:
        label = clean(stats.comparator_label) or "Comparator"
        own_label = clean(own_label)
        from reportlab.pdfbase.pdfmetrics import stringWidth

        d.add(_key(chart.x, height - 9, "#424242", own_label))
        shift = stringWidth(own_label, FONT, 6.5) + 18
        d.add(_key(chart.x + shift, height - 9, "#BDBDBD", label))
        d.texts.extend([own_label, label])
    return d


def _short(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"


def _key(x: float, y: float, fill: str, text: str) -> Drawing:
    from reportlab.graphics.shapes import Group, Rect

    g = Group()
    g.add(Rect(x, y, 7, 7, fillColor=colors.HexColor(fill), strokeColor=None))
    g.add(String(x + 10, y + 1, text, fontName=FONT, fontSize=6.5, fillColor=INK))
    return g
