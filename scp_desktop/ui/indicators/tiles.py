"""Dashboard tiles: how each key priority's indicators stand in a quarter."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.services import indicators as svc
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.ui.indicators.common import NO_STATUS_COLOUR, text_on

MAX_LISTED = 6


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chip(text: str, background: str, foreground: str, name: str) -> QLabel:
    chip = QLabel(text)
    chip.setAccessibleName(name)
    chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
    chip.setMinimumWidth(44)
    chip.setStyleSheet(
        f"QLabel {{ background: {background}; color: {foreground}; border-radius: 4px;"
        " padding: 3px 7px; font-weight: bold; }"
    )
    return chip


class PriorityTileFrame(QFrame):
    indicatorActivated = Signal(int)

    def __init__(self, tile: svc.PriorityTile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tile = tile
        self.setObjectName("priorityTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#priorityTile { background: #FFFFFF; border: 1px solid #CFD8DC;"
            " border-radius: 6px; }"
        )
        layout = QVBoxLayout(self)
        heading = f"Key priority {tile.number}: {tile.title}" if tile.number else tile.title
        title = QLabel(f"<b>{_escape(heading)}</b>")
        title.setWordWrap(True)
        layout.addWidget(title)

        chips = QHBoxLayout()
        for rag in (RAG.RED, RAG.AMBER, RAG.GREEN):
            count = tile.counts.get(rag, 0)
            chips.addWidget(
                _chip(
                    f"{rag.value} {count}",
                    rag.hex_colour,
                    text_on(rag).name(),
                    f"{rag.label}: {count}",
                )
            )
        chips.addStretch(1)
        layout.addLayout(chips)
        rest = []
        if tile.no_target:
            rest.append(f"{tile.no_target} no target")
        if tile.no_value:
            rest.append(f"{tile.no_value} no value yet")
        summary = QLabel(
            f"{tile.total} indicator(s)" + (": " + ", ".join(rest) if rest else "")
            if tile.total
            else "No indicators linked to this priority."
        )
        summary.setStyleSheet("color: #455A64;")
        layout.addWidget(summary)

        lines = []
        for item in tile.indicators[:MAX_LISTED]:
            a = item.assessment
            colour = a.rag.hex_colour if a.rag else NO_STATUS_COLOUR
            letter = a.rag.value if a.rag else "–"
            travel = ""
            if a.vs_previous is not None:
                travel = f" <span style='color:#455A64'>{_escape(a.vs_previous.text)}</span>"
            frozen = " (frozen)" if a.frozen else ""
            lines.append(
                f"<span style='color:{colour}; font-weight:bold'>[{letter}]</span> "
                f"<a href='{item.id}' style='color:#0D47A1; text-decoration:none'>"
                f"{_escape(item.name)}</a>{frozen}{travel}"
            )
        if len(tile.indicators) > MAX_LISTED:
            lines.append(f"<i>… and {len(tile.indicators) - MAX_LISTED} more</i>")
        if lines:
            listing = QLabel("<br/>".join(lines))
            listing.setWordWrap(True)
            listing.setTextFormat(Qt.TextFormat.RichText)
            listing.linkActivated.connect(lambda link: self.indicatorActivated.emit(int(link)))
            layout.addWidget(listing)
        layout.addStretch(1)


class IndicatorTilesWidget(QWidget):
    """One tile per key priority (and one for partnership-wide statistics) for a quarter."""

    indicatorActivated = Signal(int)

    def __init__(
        self, db: Database, plan_id: int, quarter_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.plan_id = plan_id
        self.quarter_code = quarter_code
        self.tiles: list[PriorityTileFrame] = []
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(10)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._grid_host)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self.refresh()

    def set_quarter(self, quarter_code: str) -> None:
        self.quarter_code = quarter_code
        self.refresh()

    def refresh(self) -> None:
        for frame in self.tiles:
            frame.setParent(None)
            frame.deleteLater()
        self.tiles = []
        try:
            label = Quarter.parse(self.quarter_code).label
            tiles = svc.priority_tiles(self.db, self.plan_id, self.quarter_code)
            state = svc.signoff_state(self.db, self.quarter_code)
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self.heading.setText(f"Performance indicators by key priority — {label}")
        self.message.setText(
            "Signed off: statuses are frozen as they were at sign-off."
            if state.signed_off
            else "Statuses are computed from each indicator's target and tolerance; "
            "'no target' is never shown as a colour."
        )
        columns = 2
        for i, tile in enumerate(tiles):
            frame = PriorityTileFrame(tile, self._grid_host)
            frame.indicatorActivated.connect(self.indicatorActivated)
            self._grid.addWidget(frame, i // columns, i % columns)
            self.tiles.append(frame)
        rows = (len(tiles) + columns - 1) // columns
        for r in range(rows + 1):
            self._grid.setRowStretch(r, 1 if r == rows else 0)
