"""The quarter's dashboard: RAG per priority chart, direction of travel, lists to chase, statistics."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.rag import RAG, RAG_ORDER, Travel

if TYPE_CHECKING:
    from scp_desktop.services.workspace import ActionRef, Dashboard, IndicatorTile, PriorityRag

_UNITS = {"percent": "%", "count": "", "rate_per_1000": " per 1,000", "gbp": ""}


def format_indicator(tile: IndicatorTile) -> str:
    if tile.value is None:
        return "no value yet"
    value = f"£{tile.value}" if tile.unit == "gbp" else f"{tile.value}{_UNITS.get(tile.unit, '')}"
    # The indicator rules load with the first dashboard, not with the window.
    from scp_desktop.domain.indicators import parse_period

    try:
        period = parse_period(tile.period).label
    except ValueError:
        period = tile.period  # free text such as "As reported 07/11/2022"
    text = f"{value} ({period})"
    if tile.comparator is not None:
        text += f"; {tile.comparator_label or 'comparator'} {tile.comparator}"
    if tile.previous_year is not None:
        text += f"; last year {tile.previous_year}"
    return text


class RagChart(QWidget):
    """Horizontal stacked bars, one per priority, each segment labelled with letter and count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("RAG counts per priority chart")
        self._rows: list[PriorityRag] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_rows(self, rows: list[PriorityRag]) -> None:
        self._rows = rows
        self.setMinimumHeight(self.sizeHint().height())
        described = "; ".join(
            f"{r.label}: "
            + ", ".join(f"{r.counts[g]} {g.label}" for g in RAG_ORDER)
            + f", {r.not_reported} not reported"
            for r in rows
        )
        self.setAccessibleDescription(described)
        self.setToolTip(described.replace("; ", "\n"))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 34 * max(len(self._rows), 1) + 34)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_w = 60
        right = 10
        bar_h = 24
        width = self.width() - label_w - right
        biggest = max((sum(r.counts.values()) + r.not_reported for r in self._rows), default=1)
        bold = QFont(self.font())
        bold.setBold(True)
        for i, row in enumerate(self._rows):
            y = 6 + i * 34
            p.setPen(QColor("#212121"))
            p.setFont(bold)
            p.drawText(
                QRect(0, y, label_w - 6, bar_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                row.label,
            )
            segments: list[tuple[RAG | None, int]] = [(g, row.counts[g]) for g in RAG_ORDER]
            segments.append((None, row.not_reported))
            segments = [(rag, n) for rag, n in segments if n]
            metrics = p.fontMetrics()
            # Every segment is wide enough for its letter and count (never colour alone).
            minimum = {
                rag: metrics.horizontalAdvance(f"{rag.value if rag else '–'} {n}") + 10
                for rag, n in segments
            }
            scale = max(width - 160, 60) / max(biggest, 1)  # room for small segments
            x = float(label_w)
            for rag, n in segments:
                w = max(n * scale, float(minimum[rag]))
                rect = QRect(int(x), y, int(w) - 2, bar_h)
                colour = QColor(rag.hex_colour) if rag else QColor("#E0E0E0")
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(colour)
                p.drawRoundedRect(rect, 3, 3)
                p.setPen(QColor(rag.ink_colour if rag else "#000000"))
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{rag.value if rag else '–'} {n}")
                x += w
        # Legend under the bars.
        y = 6 + len(self._rows) * 34
        x = label_w
        p.setFont(self.font())
        for rag in [*RAG_ORDER, None]:
            colour = QColor(rag.hex_colour) if rag else QColor("#E0E0E0")
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRect(QRect(x, y + 4, 12, 12))
            p.setPen(QColor("#212121"))
            text = f"{rag.value} {rag.label}" if rag else "– Not reported"
            p.drawText(QRect(x + 16, y, 120, 20), Qt.AlignmentFlag.AlignVCenter, text)
            x += 24 + p.fontMetrics().horizontalAdvance(text)
        p.end()


class DashboardView(QScrollArea):
    action_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAccessibleName("Dashboard")
        body = QWidget(self)
        self.setWidget(body)
        layout = QVBoxLayout(body)
        self.heading = QLabel(body)
        self.heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        layout.addWidget(self.heading)
        top = QHBoxLayout()
        layout.addLayout(top)
        chart_box = QGroupBox("RAG by key priority", body)
        chart_layout = QVBoxLayout(chart_box)
        self.chart = RagChart(chart_box)
        chart_layout.addWidget(self.chart)
        top.addWidget(chart_box, 3)
        travel_box = QGroupBox("Direction of travel since last quarter", body)
        travel_layout = QVBoxLayout(travel_box)
        self.travel = QLabel(travel_box)
        self.travel.setAccessibleName("Direction of travel")
        self.travel.setTextFormat(Qt.TextFormat.RichText)
        travel_layout.addWidget(self.travel)
        travel_layout.addStretch(1)
        top.addWidget(travel_box, 2)

        lists = QHBoxLayout()
        layout.addLayout(lists)
        self.overdue_box = QGroupBox("Overdue", body)
        o_layout = QVBoxLayout(self.overdue_box)
        self.overdue = QListWidget(self.overdue_box)
        self.overdue.setAccessibleName("Overdue actions (Enter opens)")
        o_layout.addWidget(self.overdue)
        lists.addWidget(self.overdue_box)
        self.missing_box = QGroupBox("Not reported this quarter", body)
        m_layout = QVBoxLayout(self.missing_box)
        self.not_reported = QListWidget(self.missing_box)
        self.not_reported.setAccessibleName("Actions not reported this quarter (Enter opens)")
        m_layout.addWidget(self.not_reported)
        lists.addWidget(self.missing_box)
        for lst in (self.overdue, self.not_reported):
            lst.setMinimumHeight(150)
            # Lines wrap to the list's width: on a 1366 px screen a sideways scroll bar
            # would hide each action's lead and why it is listed.
            lst.setWordWrap(True)
            lst.setTextElideMode(Qt.TextElideMode.ElideNone)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            lst.setResizeMode(QListWidget.ResizeMode.Adjust)
            lst.setAlternatingRowColors(True)
            lst.itemActivated.connect(self._chosen)
            lst.itemDoubleClicked.connect(self._chosen)

        self.tiles_box = QGroupBox("Performance statistics by key priority", body)
        self.tiles = QGridLayout(self.tiles_box)
        layout.addWidget(self.tiles_box)
        layout.addStretch(1)

    def show_dashboard(self, d: Dashboard) -> None:
        self.heading.setText(f"Dashboard — {d.quarter_label}")
        self.chart.set_rows(d.priorities)
        words = {
            Travel.IMPROVED: "improved",
            Travel.SAME: "stayed the same",
            Travel.DECLINED: "declined",
            Travel.NEW: "reported for the first time",
        }
        self.travel.setText(
            "<table cellpadding='3'>"
            + "".join(
                f"<tr><td style='font-size:14pt'>{t.arrow}</td>"
                f"<td style='font-size:14pt'><b>{d.travel[t]}</b></td><td>{words[t]}</td></tr>"
                for t in (Travel.IMPROVED, Travel.SAME, Travel.DECLINED, Travel.NEW)
            )
            + "</table>"
        )
        self._fill(self.overdue, d.overdue)
        self._fill(self.not_reported, d.not_reported)
        self.overdue_box.setTitle(f"Overdue ({len(d.overdue)})")
        self.missing_box.setTitle(f"Not reported in {d.quarter_label} ({len(d.not_reported)})")
        while self.tiles.count():
            item = self.tiles.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for i, stats in enumerate(d.statistics):
            tile = QFrame(self.tiles_box)
            tile.setFrameShape(QFrame.Shape.StyledPanel)
            tile.setStyleSheet("QFrame { background: #FAFAFA; }")
            t_layout = QVBoxLayout(tile)
            title = QLabel(f"<b>{stats.label}</b> {html.escape(stats.title)}", tile)
            title.setWordWrap(True)
            t_layout.addWidget(title)
            if not stats.indicators:
                t_layout.addWidget(QLabel("No indicators linked to this priority.", tile))
            for ind in stats.indicators:
                colour = ind.rag.hex_colour if ind.rag else "#757575"
                status = (
                    f"<span style='color:{colour}; font-weight:bold'>"
                    f"[{html.escape(ind.status or 'No status')}]</span> "
                )
                line = QLabel(
                    f"{status}{html.escape(ind.name)}: <b>{html.escape(format_indicator(ind))}</b>",
                    tile,
                )
                line.setWordWrap(True)
                t_layout.addWidget(line)
            t_layout.addStretch(1)
            tile.setAccessibleName(f"Statistics for {stats.label}")
            self.tiles.addWidget(tile, 0, i)
        if not d.statistics:
            self.tiles.addWidget(QLabel("This plan has no key priorities yet."), 0, 0)

    def _fill(self, lst: QListWidget, refs: list[ActionRef]) -> None:
        lst.clear()
        for r in refs:
            text = f"{r.reference}  {r.title} — {r.lead or 'no lead'} ({r.detail})"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            item.setToolTip(text)
            lst.addItem(item)
        if not refs:
            placeholder = QListWidgetItem("None")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            lst.addItem(placeholder)

    def _chosen(self, item: QListWidgetItem) -> None:
        value = item.data(Qt.ItemDataRole.UserRole)
        if value is not None:
            self.action_chosen.emit(int(value))
