"""An indicator's values over time, drawn against its target band and its comparator."""

from __future__ import annotations

import math
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from scp_desktop.domain.indicators import Polarity, format_value
from scp_desktop.domain.rag import RAG
from scp_desktop.services.indicators import ChartSeries, SeriesPoint
from scp_desktop.ui.indicators.common import PALE, rag_colour, text_on

VALUE_COLOUR = QColor("#1A237E")
COMPARATOR_COLOUR = QColor("#6D4C41")
TARGET_COLOUR = QColor("#1B5E20")


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


class IndicatorChart(QWidget):
    """Values as a line with RAG-lettered markers; green/amber/red bands from each period's
    thresholds; the comparator (county or force figure) as a dashed line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: ChartSeries | None = None
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Indicator chart")

    def sizeHint(self) -> QSize:
        return QSize(720, 300)

    def set_series(self, series: ChartSeries | None) -> None:
        self.series = series
        self.setAccessibleDescription(self._describe())
        self.update()

    def _describe(self) -> str:
        if not self.series:
            return "No indicator chosen"
        parts = [
            f"{p.label}: {format_value(p.value, self.series.unit)}"
            + (f" ({p.rag.label})" if p.rag else "")
            for p in self.series.points
            if p.value is not None
        ]
        return f"{self.series.name}. " + "; ".join(parts)

    def _drawn_points(self) -> list[SeriesPoint]:
        assert self.series is not None
        points = self.series.points
        # Leading periods with nothing to show only squeeze the chart.
        while points and points[0].value is None and points[0].comparator is None:
            points = points[1:]
        return points

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        font = QFont(self.font())
        painter.setFont(font)
        fm = QFontMetrics(font)
        if self.series is None:
            self._centre_text(painter, "Choose an indicator to see its chart.")
            return
        points = self._drawn_points()
        numbers = [
            float(v)
            for p in points
            for v in (p.value, p.comparator, p.target, p.amber_limit)
            if v is not None
        ]
        if not points or not any(p.value is not None or p.comparator is not None for p in points):
            self._centre_text(painter, "No values to draw yet.")
            return
        low, high = min(numbers), max(numbers)
        if low > 0 and high > 0 and low < high * 0.5:
            low = 0.0
        pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
        ticks = nice_ticks(low - pad if low != 0 else 0.0, high + pad)
        y_min, y_max = ticks[0], ticks[-1]
        unit = self.series.unit
        labels = [format_value(Decimal(str(t)), unit) for t in ticks]
        left = max(fm.horizontalAdvance(t) for t in labels) + 14
        title_h = fm.height() + 8
        legend_h = fm.height() + 6
        bottom_h = fm.height() * 2 + 10
        plot = QRectF(
            left,
            title_h + legend_h,
            self.width() - left - 16,
            self.height() - title_h - legend_h - bottom_h,
        )
        if plot.width() < 40 or plot.height() < 40:
            return

        def y_of(value: float) -> float:
            return plot.bottom() - (value - y_min) / (y_max - y_min) * plot.height()

        step = plot.width() / len(points)

        def x_of(i: int) -> float:
            return plot.left() + step * (i + 0.5)

        # Title
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#212121"))
        title = QFontMetrics(bold).elidedText(
            self.series.name, Qt.TextElideMode.ElideRight, int(self.width() - 16)
        )
        painter.drawText(
            QRectF(8, 2, self.width() - 16, title_h), Qt.AlignmentFlag.AlignLeft, title
        )
        painter.setFont(font)

        # Target bands, period by period (a profile can move the target between quarters).
        polarity = self.series.polarity
        for i, p in enumerate(points):
            if p.target is None or p.amber_limit is None:
                continue
            x0 = plot.left() + step * i
            target_y = y_of(float(p.target))
            edge_y = y_of(float(p.amber_limit))
            good_up = polarity is Polarity.HIGHER_BETTER
            green = (
                QRectF(x0, plot.top(), step, target_y - plot.top())
                if good_up
                else QRectF(x0, target_y, step, plot.bottom() - target_y)
            )
            amber = QRectF(x0, min(target_y, edge_y), step, abs(edge_y - target_y))
            red = (
                QRectF(x0, edge_y, step, plot.bottom() - edge_y)
                if good_up
                else QRectF(x0, plot.top(), step, edge_y - plot.top())
            )
            for rect, rag in ((green, RAG.GREEN), (amber, RAG.AMBER), (red, RAG.RED)):
                colour = QColor(PALE[rag])
                colour.setAlpha(150)
                painter.fillRect(rect.intersected(plot), colour)

        # Axes and grid
        painter.setPen(QPen(QColor("#E0E0E0"), 1))
        for t in ticks:
            y = y_of(t)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor("#424242"))
        for t, text in zip(ticks, labels, strict=True):
            y = y_of(t)
            painter.drawText(
                QRectF(0, y - fm.height() / 2, left - 6, fm.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        # Target lines over the grid, so a target on a grid line still reads as the target.
        painter.setPen(QPen(TARGET_COLOUR, 1.8, Qt.PenStyle.DashLine))
        for i, p in enumerate(points):
            if p.target is not None:
                x0 = plot.left() + step * i
                target_y = y_of(float(p.target))
                painter.drawLine(QPointF(x0, target_y), QPointF(x0 + step, target_y))
        painter.setPen(QPen(QColor("#757575"), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        if y_min < 0 < y_max:
            painter.setPen(QPen(QColor("#9E9E9E"), 1))
            painter.drawLine(QPointF(plot.left(), y_of(0)), QPointF(plot.right(), y_of(0)))

        # Period labels: quarter on one line, year beneath, thinned when crowded.
        every = max(1, math.ceil(fm.horizontalAdvance("Sept 2022") * 1.1 / step))
        painter.setPen(QColor("#424242"))
        for i, p in enumerate(points):
            if i % every:
                continue
            first, _, second = p.label.partition(" ")
            rect = QRectF(
                x_of(i) - step * every / 2, plot.bottom() + 4, step * every, fm.height() * 2
            )
            painter.drawText(
                rect,
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                f"{first}\n{second}",
            )

        # Comparator
        comparator = [
            (x_of(i), y_of(float(p.comparator)))
            for i, p in enumerate(points)
            if p.comparator is not None
        ]
        if comparator:
            painter.setPen(QPen(COMPARATOR_COLOUR, 1.8, Qt.PenStyle.DashLine))
            self._polyline(painter, comparator)
            painter.setBrush(COMPARATOR_COLOUR)
            painter.setPen(Qt.PenStyle.NoPen)
            for x, y in comparator:
                painter.drawRect(QRectF(x - 3, y - 3, 6, 6))

        # Values, with the RAG letter in each marker so colour is never the only signal.
        values = [
            (i, x_of(i), y_of(float(p.value))) for i, p in enumerate(points) if p.value is not None
        ]
        painter.setPen(QPen(VALUE_COLOUR, 2.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        self._polyline(painter, [(x, y) for _, x, y in values])
        small = QFont(font)
        small.setBold(True)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        for i, x, y in values:
            p = points[i]
            radius = 8.0
            painter.setPen(QPen(QColor("#FFFFFF"), 1.5))
            painter.setBrush(rag_colour(p.rag) if p.rag else VALUE_COLOUR)
            painter.drawEllipse(QPointF(x, y), radius, radius)
            if p.rag:
                painter.setFont(small)
                painter.setPen(text_on(p.rag))
                painter.drawText(
                    QRectF(x - radius, y - radius, radius * 2, radius * 2),
                    int(Qt.AlignmentFlag.AlignCenter),
                    p.rag.value,
                )
                painter.setFont(font)

        # Legend
        x = plot.left()
        y = title_h + 2
        x = self._legend_line(painter, x, y, fm, VALUE_COLOUR, Qt.PenStyle.SolidLine, "Value")
        if comparator:
            label = self.series.comparator_label or "Comparator"
            x = self._legend_line(painter, x, y, fm, COMPARATOR_COLOUR, Qt.PenStyle.DashLine, label)
        if any(p.target is not None for p in points):
            x = self._legend_line(painter, x, y, fm, TARGET_COLOUR, Qt.PenStyle.DashLine, "Target")
            has_band = any(p.amber_limit is not None and p.amber_limit != p.target for p in points)
            keys = [(RAG.GREEN, "target met")]
            if has_band:
                keys.append((RAG.AMBER, "within tolerance"))
            keys.append((RAG.RED, "beyond tolerance" if has_band else "target missed"))
            for rag, text in keys:
                painter.fillRect(QRectF(x, y + 3, 14, fm.height() - 6), QColor(PALE[rag]))
                painter.setPen(QColor("#424242"))
                label = f"{rag.value} {text}"
                painter.drawText(QPointF(x + 18, y + fm.ascent()), label)
                x += 18 + fm.horizontalAdvance(label) + 12
        else:
            painter.setPen(QColor("#616161"))
            painter.drawText(QPointF(x, y + fm.ascent()), "No target: values are not rated")
        painter.end()

    def _polyline(self, painter: QPainter, pts: list[tuple[float, float]]) -> None:
        if len(pts) < 2:
            return
        path = QPainterPath(QPointF(*pts[0]))
        for x, y in pts[1:]:
            path.lineTo(QPointF(x, y))
        painter.drawPath(path)

    def _legend_line(
        self,
        painter: QPainter,
        x: float,
        y: float,
        fm: QFontMetrics,
        colour: QColor,
        style: Qt.PenStyle,
        label: str,
    ) -> float:
        mid = y + fm.height() / 2
        painter.setPen(QPen(colour, 2.2, style))
        painter.drawLine(QPointF(x, mid), QPointF(x + 22, mid))
        painter.setPen(QColor("#424242"))
        painter.drawText(QPointF(x + 28, y + fm.ascent()), label)
        return x + 28 + fm.horizontalAdvance(label) + 14

    def _centre_text(self, painter: QPainter, text: str) -> None:
        painter.setPen(QColor("#616161"))
        painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), text)
        painter.end()
