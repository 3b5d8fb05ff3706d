"""Charts for the reports, drawn so they still read when printed in greyscale."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.utils import nextRoundNumber
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

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


class IndicatorChart(Flowable):  # type: ignore[misc]
    """Values by period as dark bars, the comparator as lighter bars beside them.

    Drawn with canvas calls rather than a ReportLab Drawing: a report carries a chart for
    every indicator, and expanding a bar chart widget into shapes and rendering them costs
    many times the drawing itself. The layout follows ReportLab's vertical bar chart with
    the same settings (axis steps, bar widths, label places).
    """

    left = 30.0  # room for the value axis labels
    bottom = 30.0  # room for the period labels

    def __init__(
        self,
        width: float,
        height: float,
        periods: Sequence[str],
        values: Sequence[float],
        comparators: Sequence[float] | None,
        own_label: str,
        comparator_label: str,
    ) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self.values = list(values)
        self.comparators = list(comparators) if comparators is not None else None
        wrap = max(6, int(14 - len(values)))
        self.labels = [textwrap.wrap(clean(period), wrap)[:3] for period in periods]
        self.own_label = clean(own_label)
        self.comparator_label = clean(comparator_label) or "Comparator"
        self.texts = list(periods)
        if self.comparators is not None:
            self.texts += [self.own_label, self.comparator_label]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def _axis(self, length: float) -> tuple[float, float, list[float]]:
        """Value range and ticks, as ReportLab's value axis chooses them."""
        series = [self.values] + ([self.comparators] if self.comparators is not None else [])
        low = min(min(s) for s in series)
        high = max(max(s) for s in series)
        vmin = min(0.0, low * 1.3)
        vmax = max(high * 1.1, 1.0) if high > 0 else 1.0
        raw = (vmax - vmin) / min(6.0, length / 10.0)
        step = nextRoundNumber(raw)
        fuzz = 1e-8 * step
        i0 = int(vmin / step)
        if i0 * step < vmin - fuzz:
            i0 += 1
        i1 = int(vmax / step)
        if i1 * step > vmax + fuzz:
            i1 -= 1
        return vmin, vmax, [i * step for i in range(i0, i1 + 1)]

    def draw(self) -> None:
        canv = self.canv
        has_comparator = self.comparators is not None
        x0, y0 = self.left, self.bottom
        plot_w = self.width - x0 - 6
        plot_h = self.height - y0 - (16 if has_comparator else 6)
        vmin, vmax, ticks = self._axis(plot_h)
        scale = plot_h / (vmax - vmin)

        def at(value: float) -> float:
            return y0 + (value - vmin) * scale

        zero = at(0.0)
        canv.saveState()
        # Grid and value axis, with its labels.
        canv.setLineWidth(0.25)
        canv.setStrokeColor(_GRID)
        for t in ticks:
            canv.line(x0, at(t), x0 + plot_w, at(t))
        canv.setLineWidth(1)
        canv.setStrokeColor(GREY)
        canv.line(x0, y0, x0, y0 + plot_h)
        canv.setFont(FONT, 6)
        canv.setFillColor(INK)
        whole = all(t == int(t) for t in ticks)
        for t in ticks:
            y = at(t)
            canv.line(x0 - 5, y, x0, y)
            text = f"{t:.0f}" if whole else f"{t:.12g}"
            canv.drawRightString(x0 - 5, y - 6 * 0.3, text)
        # Bars, grouped by period, and their values.
        series = [self.values] + ([self.comparators] if self.comparators is not None else [])
        fills = [_DARK, _LIGHT]
        n = len(self.values)
        category = plot_w / n
        bars, bar_w, spacing, gap = len(series), 10.0, 1.0, 6.0
        norm = category / (gap + bars * bar_w + (bars - 1) * spacing)
        for i in range(n):
            left = x0 + i * category + norm * gap / 2
            for k, values in enumerate(series):
                value = values[i]
                bx = left + k * norm * (bar_w + spacing)
                canv.setFillColor(fills[k])
                top = at(value)
                canv.rect(bx, min(zero, top), norm * bar_w, abs(top - zero), stroke=0, fill=1)
                canv.setFillColor(INK)
                canv.setFont(FONT, 5.5)
                # Above a bar that rises, below one that falls; its middle 5 points out.
                ly = top + 5 - 5.5 * 0.3 if value >= 0 else top - 5 - 5.5 * 0.3
                canv.drawCentredString(bx + norm * bar_w / 2, ly, _short(value))
        # The period axis, along zero, and the periods under the chart.
        canv.setStrokeColor(GREY)
        canv.line(x0, min(max(zero, y0), y0 + plot_h), x0 + plot_w, min(max(zero, y0), y0 + plot_h))
        if vmin < 0:
            canv.setStrokeColor(INK)
            canv.setLineWidth(0.5)
            canv.line(x0, zero, x0 + plot_w, zero)
        canv.setFillColor(INK)
        canv.setFont(FONT, 6)
        for i, lines in enumerate(self.labels):
            cx = x0 + (i + 0.5) * category
            for j, line in enumerate(lines):
                canv.drawCentredString(cx, y0 - 2 - 6 - j * 7.2, line)
        if has_comparator:
            ky = self.height - 9
            for kx, fill, text in (
                (x0, _DARK, self.own_label),
                (x0 + stringWidth(self.own_label, FONT, 6.5) + 18, _LIGHT, self.comparator_label),
            ):
                canv.setFillColor(fill)
                canv.rect(kx, ky, 7, 7, stroke=0, fill=1)
                canv.setFillColor(INK)
                canv.setFont(FONT, 6.5)
                canv.drawString(kx + 10, ky + 1, text)
        canv.restoreState()


_DARK = colors.HexColor("#424242")
_LIGHT = colors.HexColor("#BDBDBD")
_GRID = colors.HexColor("#E0E0E0")


def indicator_chart(
    stats: IndicatorStats, width: float, height: float, own_label: str
) -> IndicatorChart | None:
    """The last eight values as a chart, with the comparator where one is recorded."""
    points = [pt for pt in stats.points if pt.value is not None][-8:]
    if not points:
        return None
    has_comparator = any(pt.comparator is not None for pt in points)
    return IndicatorChart(
        width,
        height,
        [pt.period for pt in points],
        [pt.value or 0.0 for pt in points],
        [pt.comparator or 0.0 for pt in points] if has_comparator else None,
        own_label,
        stats.comparator_label,
    )


def _short(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"
