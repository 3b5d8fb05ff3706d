"""An indicator's values over time, drawn against its target band and its comparator."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from scp_desktop.domain.indicators import format_value
from scp_desktop.services.indicators import ChartSeries
from scp_desktop.ui.indicators.chart_layout import (
    MARKER_RADIUS,
    Box,
    ChartLayout,
    LegendKind,
    TextMeasure,
    chart_layout,
    nice_ticks,
)
from scp_desktop.ui.indicators.common import PALE, rag_colour, text_on

VALUE_COLOUR = QColor("#1A237E")
COMPARATOR_COLOUR = QColor("#6D4C41")
TARGET_COLOUR = QColor("#1B5E20")
_LEGEND_LINES = {
    LegendKind.VALUE: (VALUE_COLOUR, Qt.PenStyle.SolidLine),
    LegendKind.COMPARATOR: (COMPARATOR_COLOUR, Qt.PenStyle.DashLine),
    LegendKind.TARGET: (TARGET_COLOUR, Qt.PenStyle.DashLine),
}
__all__ = ["IndicatorChart", "nice_ticks"]


def _rect(box: Box) -> QRectF:
    return QRectF(box.x, box.y, box.w, box.h)


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

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        font = QFont(self.font())
        painter.setFont(font)
        fm = QFontMetrics(font)
        layout = chart_layout(
            self.series, self.width(), self.height(), TextMeasure(fm.horizontalAdvance, fm.height())
        )
        if isinstance(layout, str):
            self._centre_text(painter, layout)
            return
        if layout is None or self.series is None:
            return
        self._paint_title(painter, layout, font, self.series.name)
        self._paint_grid(painter, layout, fm)
        self._paint_periods(painter, layout)
        self._paint_series(painter, layout, font)
        self._paint_legend(painter, layout, fm)
        painter.end()

    def _paint_title(self, painter: QPainter, layout: ChartLayout, font: QFont, name: str) -> None:
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#212121"))
        title = QFontMetrics(bold).elidedText(
            name, Qt.TextElideMode.ElideRight, int(layout.title.w)
        )
        painter.drawText(_rect(layout.title), Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(font)

    def _paint_grid(self, painter: QPainter, layout: ChartLayout, fm: QFontMetrics) -> None:
        """Target bands, grid lines and their values, target lines, the axes."""
        plot = _rect(layout.plot)
        for band in layout.bands:
            colour = QColor(PALE[band.rag])
            colour.setAlpha(150)
            painter.fillRect(_rect(band.box), colour)
        painter.setPen(QPen(QColor("#E0E0E0"), 1))
        for tick in layout.ticks:
            painter.drawLine(QPointF(plot.left(), tick.y), QPointF(plot.right(), tick.y))
        painter.setPen(QColor("#424242"))
        for tick in layout.ticks:
            painter.drawText(
                _rect(tick.label_box),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                tick.label,
            )
        # Target lines over the grid, so a target on a grid line still reads as the target.
        painter.setPen(QPen(TARGET_COLOUR, 1.8, Qt.PenStyle.DashLine))
        for line in layout.targets:
            painter.drawLine(QPointF(line.x0, line.y), QPointF(line.x1, line.y))
        painter.setPen(QPen(QColor("#757575"), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        if layout.zero_y is not None:
            painter.setPen(QPen(QColor("#9E9E9E"), 1))
            painter.drawLine(
                QPointF(plot.left(), layout.zero_y), QPointF(plot.right(), layout.zero_y)
            )

    def _paint_periods(self, painter: QPainter, layout: ChartLayout) -> None:
        painter.setPen(QColor("#424242"))
        for label in layout.periods:
            painter.drawText(
                _rect(label.box),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                label.text,
            )

    def _paint_series(self, painter: QPainter, layout: ChartLayout, font: QFont) -> None:
        """The comparator as a dashed line of squares; the values as a line whose markers
        carry the RAG letter, so colour is never the only signal."""
        if layout.comparator:
            painter.setPen(QPen(COMPARATOR_COLOUR, 1.8, Qt.PenStyle.DashLine))
            self._polyline(painter, layout.comparator)
            painter.setBrush(COMPARATOR_COLOUR)
            painter.setPen(Qt.PenStyle.NoPen)
            for x, y in layout.comparator:
                painter.drawRect(QRectF(x - 3, y - 3, 6, 6))
        painter.setPen(QPen(VALUE_COLOUR, 2.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        self._polyline(painter, [(m.x, m.y) for m in layout.values])
        small = QFont(font)
        small.setBold(True)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        radius = MARKER_RADIUS
        for m in layout.values:
            painter.setPen(QPen(QColor("#FFFFFF"), 1.5))
            painter.setBrush(rag_colour(m.rag) if m.rag else VALUE_COLOUR)
            painter.drawEllipse(QPointF(m.x, m.y), radius, radius)
            if m.rag:
                painter.setFont(small)
                painter.setPen(text_on(m.rag))
                painter.drawText(
                    QRectF(m.x - radius, m.y - radius, radius * 2, radius * 2),
                    int(Qt.AlignmentFlag.AlignCenter),
                    m.rag.value,
                )
                painter.setFont(font)

    def _paint_legend(self, painter: QPainter, layout: ChartLayout, fm: QFontMetrics) -> None:
        y = layout.legend_y
        for entry in layout.legend:
            if entry.kind in _LEGEND_LINES:
                colour, style = _LEGEND_LINES[entry.kind]
                self._legend_line(painter, entry.x, y, fm, colour, style, entry.label)
            elif entry.kind is LegendKind.BAND and entry.rag is not None:
                painter.fillRect(
                    QRectF(entry.x, y + 3, 14, fm.height() - 6), QColor(PALE[entry.rag])
                )
                painter.setPen(QColor("#424242"))
                painter.drawText(QPointF(entry.x + 18, y + fm.ascent()), entry.label)
            else:
                painter.setPen(QColor("#616161"))
                painter.drawText(QPointF(entry.x, y + fm.ascent()), entry.label)

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
