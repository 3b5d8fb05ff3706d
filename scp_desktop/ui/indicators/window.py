"""The performance indicators window: the plan's indicators, their definition, values, chart
and the key-priority dashboard, with quarter sign-off."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.indicators import Assessment
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.services import indicators as svc
from scp_desktop.services import plans
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.ui.indicators.chart import IndicatorChart
from scp_desktop.ui.indicators.common import rag_colour, status_tooltip, text_on
from scp_desktop.ui.indicators.definition_form import DefinitionForm
from scp_desktop.ui.indicators.import_dialog import ImportController
from scp_desktop.ui.indicators.tiles import IndicatorTilesWidget
from scp_desktop.ui.indicators.values_grid import ValuesGridWidget
from scp_desktop.ui.jobs import CancelToken, run_with_progress

TITLE = "Performance indicators"


def status_icon(rag: RAG | None) -> QIcon:
    """A coloured square carrying the RAG letter (a dash when not rated)."""
    pixmap = QPixmap(18, 18)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(rag_colour(rag))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(0, 0, 18, 18, 3, 3)
    painter.setPen(text_on(rag))
    font = painter.font()
    font.setBold(True)
    font.setPixelSize(12)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), int(Qt.AlignmentFlag.AlignCenter), rag.value if rag else "–")
    painter.end()
    return QIcon(pixmap)


class IndicatorsWindow(QDialog):
    """Indicators of one plan, judged for a chosen quarter."""

    signoffChanged = Signal()

    def __init__(
        self, db: Database, plan_id: int, quarter_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.plan_id = plan_id
        plan = next((p for p in plans.list_plans(db) if p.id == plan_id), None)
        if plan is None:
            raise UserError(f"Plan {plan_id} no longer exists.")
        self.plan_year = plan.year
        self.quarter = Quarter.parse(quarter_code)
        self.setWindowTitle(f"{TITLE} — {plan.title}")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1280, 820)

        # Quarter bar
        self.quarter_combo = QComboBox(self)
        self.quarter_combo.setAccessibleName("Quarter")
        year = FinancialYear.parse(self.plan_year)
        for q in (*year.previous().quarters, *year.quarters):
            self.quarter_combo.addItem(q.label, q.code)
        self.quarter_combo.setCurrentIndex(max(self.quarter_combo.findData(self.quarter.code), 0))
        self.signoff_label = QLabel(self)
        self.sign_off_button = QPushButton("Sign off quarter…", self)
        self.unlock_button = QPushButton("Unlock quarter…", self)
        self.import_button = QPushButton("Import values from Excel…", self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Quarter:"))
        bar.addWidget(self.quarter_combo)
        bar.addWidget(self.signoff_label, 1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.sign_off_button)
        bar.addWidget(self.unlock_button)

        # Indicator list
        self.list = QListWidget(self)
        self.list.setAccessibleName("Indicators")
        self.list.setWordWrap(True)
        self.new_button = QPushButton("New indicator", self)
        self.delete_button = QPushButton("Delete", self)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        left_layout.addLayout(buttons)

        # Detail tabs
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.grid = ValuesGridWidget(db, self)
        self.chart = IndicatorChart(self)
        values_page = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(values_page)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.status_label)
        top_layout.addWidget(self.grid, 1)
        values_page.addWidget(top)
        values_page.addWidget(self.chart)
        values_page.setSizes([430, 300])
        self.form = DefinitionForm(db, plan_id, self)
        self.form.quarter_number = self.quarter.number
        self.tiles = IndicatorTilesWidget(db, plan_id, self.quarter.code, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(values_page, "Values and chart")
        self.tabs.addTab(self.form, "Definition")
        self.tabs.addTab(self.tiles, "Key priorities")

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setSizes([330, 950])
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

        self.importer = ImportController(db, plan_id, self)
        self.importer.done.connect(self._import_done)
        self.importer.failed.connect(self.show_error)
        self.quarter_combo.currentIndexChanged.connect(self._quarter_changed)
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        self.new_button.clicked.connect(self.new_indicator)
        self.delete_button.clicked.connect(self.delete_indicator)
        self.sign_off_button.clicked.connect(self.sign_off)
        self.unlock_button.clicked.connect(self.unlock)
        self.import_button.clicked.connect(self.choose_import_file)
        self.grid.changed.connect(self._values_changed)
        self.form.saved.connect(self._saved)
        self.tiles.indicatorActivated.connect(self.select_indicator)
        self.refresh()

    # -- state --
    def current_indicator_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def refresh(self, select: int | None = None) -> None:
        keep = select if select is not None else self.current_indicator_id()
        self._refresh_signoff()
        self.list.blockSignals(True)
        self.list.clear()
        for summary in svc.list_indicators(self.db, self.plan_id, self.quarter.code):
            a = summary.assessment
            text = summary.name
            item = QListWidgetItem(status_icon(a.rag), text)
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setToolTip(status_tooltip(a))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{summary.name}: {a.status_text}")
            self.list.addItem(item)
            if summary.id == keep:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self.tiles.set_quarter(self.quarter.code)
        self._show_current()

    def _refresh_signoff(self) -> None:
        state = svc.signoff_state(self.db, self.quarter.code)
        if state.signed_off and state.signed_off_at:
            who = f" by {state.signed_off_by}" if state.signed_off_by else ""
            self.signoff_label.setText(
                f"{self.quarter.label} signed off on {state.signed_off_at:%d/%m/%Y}{who}: "
                "statuses frozen, values locked."
            )
        elif state.unlocked_at:
            self.signoff_label.setText(
                f"{self.quarter.label} unlocked on {state.unlocked_at:%d/%m/%Y}: "
                f"{state.unlock_reason}"
            )
        else:
            self.signoff_label.setText(f"{self.quarter.label} is open.")
        self.signoff_label.setStyleSheet(
            "QLabel { background: #E3F2FD; border: 1px solid #1565C0; padding: 3px; }"
            if state.signed_off
            else ""
        )
        self.sign_off_button.setEnabled(not state.signed_off)
        self.unlock_button.setEnabled(state.signed_off)

    def _show_current(self) -> None:
        indicator_id = self.current_indicator_id()
        self.delete_button.setEnabled(indicator_id is not None)
        self.grid.set_indicator(indicator_id, self.plan_year)
        self.grid.scroll_to_quarter(self.quarter.code)
        self.form.load(indicator_id)
        if indicator_id is None:
            self.chart.set_series(None)
            self.status_label.setText("")
            return
        self.chart.set_series(svc.chart_series(self.db, indicator_id, self.plan_year))
        self._show_status(svc.indicator_status(self.db, indicator_id, self.quarter.code))

    def _show_status(self, a: Assessment) -> None:
        colour = a.rag.hex_colour if a.rag else "#757575"
        frozen = " (frozen at sign-off)" if a.frozen else ""
        travel = "; ".join(d.text for d in (a.vs_previous, a.vs_last_year) if d)
        flags = f"<br/><i>Data quality:</i> {_esc('; '.join(a.flags))}" if a.flags else ""
        self.status_label.setText(
            f"<b>{self.quarter.label}: <span style='color:{colour}'>{_esc(a.status_text)}</span>"
            f"{frozen}</b> — {_esc(a.explanation)}"
            + (f" <b>{_esc(travel)}</b>" if travel else "")
            + f"<br/><i>Rule:</i> {_esc(a.rule_text)}{flags}"
        )

    # -- reactions --
    def _quarter_changed(self) -> None:
        self.quarter = Quarter.parse(str(self.quarter_combo.currentData()))
        self.form.quarter_number = self.quarter.number
        self.refresh()

    def _values_changed(self) -> None:
        indicator_id = self.current_indicator_id()
        if indicator_id is None:
            return
        self.chart.set_series(svc.chart_series(self.db, indicator_id, self.plan_year))
        self._show_status(svc.indicator_status(self.db, indicator_id, self.quarter.code))
        self._update_list_item(indicator_id)
        self.tiles.refresh()

    def _update_list_item(self, indicator_id: int) -> None:
        a = svc.indicator_status(self.db, indicator_id, self.quarter.code)
        item = self.list.currentItem()
        if item is not None:
            item.setIcon(status_icon(a.rag))
            item.setToolTip(status_tooltip(a))

    def _saved(self, indicator_id: int) -> None:
        self.refresh(select=indicator_id)
        self.tabs.setCurrentIndex(1)

    def select_indicator(self, indicator_id: int) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == indicator_id:
                self.list.setCurrentRow(i)
                self.tabs.setCurrentIndex(0)
                return

    # -- commands --
    def new_indicator(self) -> None:
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.form.load(None)
        self.tabs.setCurrentIndex(1)
        self.form.name.setFocus()

    def delete_indicator(self) -> None:
        indicator_id = self.current_indicator_id()
        item = self.list.currentItem()
        if indicator_id is None or item is None:
            return
        answer = QMessageBox.question(
            self,
            TITLE,
            f"Delete '{item.text()}' and all its values? This cannot be undone.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self._run(lambda: svc.delete_indicator(self.db, indicator_id)):
            self.refresh()

    def sign_off(self) -> None:
        answer = QMessageBox.question(
            self,
            TITLE,
            f"Sign off {self.quarter.label}? Every indicator's status and the thresholds used "
            "are frozen, and the quarter's progress updates and indicator values are locked. "
            "Unlocking later needs a reason, which is kept in the audit log.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.sign_off_quarter()

    def sign_off_quarter(self) -> None:
        """Sign off in a worker: it touches every update and value of the quarter."""
        db, quarter = self.db, self.quarter

        def work(_token: CancelToken) -> svc.SignoffResult:
            return svc.sign_off_quarter(db, quarter.code)

        def done(r: svc.SignoffResult) -> None:
            self.message.setText(
                f"{quarter.label} signed off: {r.statuses_frozen} indicator status(es) "
                f"frozen, {r.updates_locked} progress update(s) and {r.values_locked} value(s) "
                "locked."
            )
            self.refresh()
            self.signoffChanged.emit()

        run_with_progress(
            self,
            work,
            title=TITLE,
            label=f"Signing off {quarter.label}…",
            done=done,
            failed=self.show_error,
            cancellable=False,
        )

    def unlock(self) -> None:
        reason, ok = QInputDialog.getMultiLineText(
            self,
            f"Unlock {self.quarter.label}",
            "Why does this signed-off quarter need to change? (kept in the audit log)",
        )
        if ok:
            self.unlock_quarter(reason)

    def unlock_quarter(self, reason: str) -> None:
        db, quarter = self.db, self.quarter

        def work(_token: CancelToken) -> svc.SignoffInfo:
            return svc.unlock_quarter(db, quarter.code, reason)

        def done(_info: svc.SignoffInfo) -> None:
            self.message.setText(f"{quarter.label} unlocked: {reason.strip()}")
            self.refresh()
            self.signoffChanged.emit()

        run_with_progress(
            self,
            work,
            title=TITLE,
            label=f"Unlocking {quarter.label}…",
            done=done,
            failed=self.show_error,
            cancellable=False,
        )

    def choose_import_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import indicator values", "", "Workbooks and CSV files (*.xlsx *.xlsm *.csv)"
        )
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        self.importer.start(path)

    def _import_done(self, message: str) -> None:
        self.message.setText(message)
        self.refresh()

    def _run(self, fn: object) -> bool:
        try:
            fn()  # type: ignore[operator]
        except (UserError, DatabaseError) as exc:
            self.show_error(str(exc))
            return False
        return True

    def show_error(self, message: str) -> None:
        self.message.setText(f"<span style='color:#B71C1C'>{_esc(message)}</span>")
        if self.isVisible():
            QMessageBox.warning(self, TITLE, message)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
