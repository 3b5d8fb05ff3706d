"""The filter bar above the action table: combinable filters, what is active, one-click clear."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from scp_desktop.domain.rag import RAG, RAG_ORDER
from scp_desktop.ui.filtering import ActionFilter

if TYPE_CHECKING:
    from scp_desktop.services.workspace import Choice, FrameworkChoices, PlanStructure


def _combo(name: str, parent: QWidget, width: int = 6) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    combo.setMinimumContentsLength(width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


class FilterBar(QWidget):
    filter_changed = Signal(object)  # ActionFilter
    search_entered = Signal()  # the search box got the focus: a search is coming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Filters")
        self._filter = ActionFilter()
        self._structure: PlanStructure | None = None
        self._updating = False
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(4)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search title, about and progress updates…")
        self.search.setAccessibleName("Search actions")
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        search_label = QLabel("Sear&ch:", self)
        search_label.setBuddy(self.search)
        self.lead = _combo("Lead agency filter", self, 6)
        lead_label = QLabel("&Lead:", self)
        lead_label.setBuddy(self.lead)
        self.priority = _combo("Key priority filter", self)
        priority_label = QLabel("Priorit&y:", self)
        priority_label.setBuddy(self.priority)
        self.objective = _combo("Objective filter", self)
        objective_label = QLabel("O&bjective:", self)
        objective_label.setBuddy(self.objective)
        self.rag = _combo("RAG this quarter filter", self, 5)
        self.rag.addItem("Any", None)
        for r in RAG_ORDER:
            self.rag.addItem(f"{r.value} — {r.label}", r.value)
        rag_label = QLabel("RA&G:", self)
        rag_label.setBuddy(self.rag)
        self.framework = _combo("Cross-reference filter", self)
        framework_label = QLabel("Cr&oss-ref:", self)
        framework_label.setBuddy(self.framework)
        self.not_reported = QCheckBox("Not reporte&d", self)
        self.not_reported.setToolTip("Active actions with no update for the chosen quarter")
        self.status = _combo("Status filter", self, 7)
        for text, value in (
            ("Any status", ""),
            ("Active", "active"),
            ("Complete", "complete"),
            ("Dropped", "dropped"),
        ):
            self.status.addItem(text, value)
        self.overdue = QCheckBox("Overd&ue", self)
        self.overdue.setToolTip("Active actions whose 'by when' has passed")
        self.clear_button = QPushButton("Clear filters", self)
        self.clear_button.setAccessibleName("Clear all filters")
        # Ctrl+Shift+L is the window's Edit ▸ Clear filters.
        self.clear_button.setToolTip("Show every action (Ctrl+Shift+L)")
        self.state = QLabel(self)
        self.state.setAccessibleName("Filter state")
        self.state.setWordWrap(False)
        # Its text changes on every keystroke: a size that followed the text would make the
        # whole window lay itself out again each time. It takes the room the layout gives it.
        self.state.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        grid.addWidget(search_label, 0, 0)
        grid.addWidget(self.search, 0, 1, 1, 3)
        grid.addWidget(lead_label, 0, 4)
        grid.addWidget(self.lead, 0, 5)
        grid.addWidget(rag_label, 0, 6)
        grid.addWidget(self.rag, 0, 7)
        grid.addWidget(priority_label, 1, 0)
        grid.addWidget(self.priority, 1, 1)
        grid.addWidget(objective_label, 1, 2)
        grid.addWidget(self.objective, 1, 3)
        grid.addWidget(framework_label, 1, 4)
        grid.addWidget(self.framework, 1, 5, 1, 3)
        bottom = QHBoxLayout()
        bottom.addWidget(self.not_reported)
        bottom.addWidget(self.overdue)
        bottom.addWidget(self.status)
        bottom.addSpacing(12)
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.clear_button)
        grid.addLayout(bottom, 2, 0, 1, 8)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 3)
        grid.setColumnStretch(5, 2)
        grid.setColumnStretch(7, 1)

        self.search.textChanged.connect(self._read)
        for combo in (
            self.lead,
            self.priority,
            self.objective,
            self.rag,
            self.framework,
            self.status,
        ):
            combo.currentIndexChanged.connect(self._read)
        self.priority.currentIndexChanged.connect(self._fill_objectives)
        self.not_reported.toggled.connect(self._read)
        self.overdue.toggled.connect(self._read)
        self.clear_button.clicked.connect(self.clear)

    # -- choices

    def set_choices(
        self,
        partners: list[Choice],
        structure: PlanStructure,
        frameworks: list[FrameworkChoices],
    ) -> None:
        self._updating = True
        self._structure = structure
        self.lead.clear()
        self.lead.addItem("Any", None)
        for p in partners:
            self.lead.addItem(p.label.split(" — ")[0], p.id)
            self.lead.setItemData(self.lead.count() - 1, p.label, 3)  # tooltip role
        self.priority.clear()
        self.priority.addItem("Any", None)
        for priority, _objectives in structure.priorities:
            self.priority.addItem(priority.label, priority.id)
        self.framework.clear()
        self.framework.addItem("Any", "")
        for fw in frameworks:
            for item in fw.items:
                code = item.label.split(". ", 1)[0]
                self.framework.addItem(f"{fw.code} {item.label}", f"{fw.code}:{code}")
        self._updating = False
        self._fill_objectives()
        self.show_filter(self._filter)

    def _fill_objectives(self) -> None:
        if self._structure is None:
            return
        was = self._updating
        self._updating = True
        chosen = self.objective.currentData()
        self.objective.clear()
        self.objective.addItem("Any", None)
        pid = self.priority.currentData()
        for priority, objectives in self._structure.priorities:
            if pid is None or priority.id == pid:
                for o in objectives:
                    self.objective.addItem(o.label, o.id)
        i = self.objective.findData(chosen)
        self.objective.setCurrentIndex(max(i, 0))
        self._updating = was

    # -- state

    def _read(self) -> None:
        if self._updating:
            return
        f = ActionFilter(
            text=self.search.text().strip(),
            lead_id=self.lead.currentData(),
            priority_id=self.priority.currentData(),
            objective_id=self.objective.currentData(),
            rag=RAG(self.rag.currentData()) if self.rag.currentData() else None,
            not_reported=self.not_reported.isChecked(),
            overdue=self.overdue.isChecked(),
            framework_item=self.framework.currentData() or "",
            status=self.status.currentData() or "",
        )
        if f != self._filter:
            self._filter = f
            self.filter_changed.emit(f)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.FocusIn:
            self.search_entered.emit()
        return super().eventFilter(watched, event)

    def show_filter(self, f: ActionFilter) -> None:
        """Put the widgets in line with `f` (e.g. chosen from the navigator) and announce it."""
        self._updating = True
        if self.search.text().strip() != f.text:
            self.search.setText(f.text)
        self.lead.setCurrentIndex(max(self.lead.findData(f.lead_id), 0))
        self.priority.setCurrentIndex(max(self.priority.findData(f.priority_id), 0))
        self._fill_objectives()
        self.objective.setCurrentIndex(max(self.objective.findData(f.objective_id), 0))
        self.rag.setCurrentIndex(max(self.rag.findData(f.rag.value), 0) if f.rag else 0)
        self.not_reported.setChecked(f.not_reported)
        self.overdue.setChecked(f.overdue)
        self.framework.setCurrentIndex(max(self.framework.findData(f.framework_item), 0))
        self.status.setCurrentIndex(max(self.status.findData(f.status), 0))
        self._updating = False
        if f != self._filter:
            self._filter = f
            self.filter_changed.emit(f)

    def clear(self) -> None:
        self.show_filter(ActionFilter())

    @property
    def current(self) -> ActionFilter:
        return self._filter

    def _style_state(self, *, filtered: bool) -> None:
        # Only on a change: a new style sheet re-polishes the label, on every keystroke.
        if self.state.property("filtered") is filtered:
            return
        self.state.setProperty("filtered", filtered)
        self.state.setStyleSheet(
            "background: #E3F2FD; padding: 2px 4px;" if filtered else "padding: 2px 4px;"
        )

    def describe(self, shown: int, total: int) -> None:
        f = self._filter
        parts = []
        if f.text:
            parts.append(f"text “{f.text}”")
        if f.lead_id is not None:
            parts.append(f"lead {self.lead.currentText()}")
        if f.priority_id is not None:
            parts.append(self.priority.currentText().split(":")[0])
        if f.objective_id is not None:
            parts.append(f"objective “{self.objective.currentText()[:40]}”")
        if f.rag is not None:
            parts.append(f"RAG {f.rag.label}")
        if f.not_reported:
            parts.append("not reported")
        if f.overdue:
            parts.append("overdue")
        if f.framework_item:
            parts.append(f.framework_item.replace(":", " "))
        if f.status:
            parts.append(f.status)
        if parts:
            summary = f"showing {shown} of {total} actions — " + ", ".join(parts)
            self.state.setText(f"<b>Filtered:</b> {html.escape(summary)}")
            self.state.setToolTip(f"Filtered: {summary}")  # the whole of it, if the label is cut
            self._style_state(filtered=True)
            self.clear_button.setEnabled(True)
        else:
            self.state.setText(f"Showing all {total} actions")
            self.state.setToolTip("")
            self._style_state(filtered=False)
            self.clear_button.setEnabled(False)
