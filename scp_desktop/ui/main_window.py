"""The main window shell: plan navigator, demo notice, status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scp_desktop import APP_NAME
from scp_desktop.domain.periods import FinancialYear, Quarter
from scp_desktop.domain.rag import RAG_ORDER
from scp_desktop.services import plans
from scp_desktop.storage.database import Database, OpenResult
from scp_desktop.ui.settings import Settings


class MainWindow(QMainWindow):
    def __init__(
        self, db: Database, settings: Settings, *, open_result: OpenResult | None = None
    ) -> None:
        super().__init__()
        self.db = db
        self.settings = settings
        self.setWindowTitle(f"{APP_NAME} — {db.path.name}")
        self.resize(1280, 720)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.demo_notice = QLabel(central)
        self.demo_notice.setObjectName("demoNotice")
        self.demo_notice.setWordWrap(True)
        self.demo_notice.setStyleSheet(
            "QLabel#demoNotice { background: #FFF8E1; border: 1px solid #F9A825; padding: 6px; }"
        )
        layout.addWidget(self.demo_notice)

        self.plan_combo = QComboBox(central)
        self.plan_combo.setAccessibleName("Plan year")
        layout.addWidget(self.plan_combo)

        self.navigator = QTreeWidget(central)
        self.navigator.setAccessibleName("Plan navigator")
        self.navigator.setHeaderLabels(["Plan", "Actions", "RAG this quarter"])
        self.navigator.setColumnWidth(0, 760)
        layout.addWidget(self.navigator, 1)
        self.setCentralWidget(central)

        quit_action = QAction("E&xit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menuBar().addMenu("&File").addAction(quit_action)

        self.statusBar().addPermanentWidget(QLabel(f"Database: {db.path}"))
        if open_result and open_result.backup:
            self.statusBar().showMessage(
                f"Database upgraded; the previous version was kept as {open_result.backup.name}"
            )

        self.plan_combo.currentIndexChanged.connect(self._show_plan)
        self.reload()

    def reload(self) -> None:
        info = plans.partnership(self.db)
        if info and info.is_demo:
            self.demo_notice.setText(
                "<b>Demo data.</b> This is the Safer Colchester Partnership's Annual Partnership "
                "Plan 2022-23, loaded so you can try SCP Desktop. RAG statuses marked as "
                "illustrative were chosen for the demo."
            )
            self.demo_notice.show()
        else:
            self.demo_notice.hide()
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan in plans.list_plans(self.db):
            self.plan_combo.addItem(f"{plan.title} ({plan.status})", plan.id)
        self.plan_combo.blockSignals(False)
        self._show_plan()

    def current_quarter(self, year: str) -> Quarter:
        return FinancialYear.parse(year).quarter(2)

    def _show_plan(self) -> None:
        self.navigator.clear()
        plan_id = self.plan_combo.currentData()
        if plan_id is None:
            return
        plan_list = {p.id: p for p in plans.list_plans(self.db)}
        quarter = self.current_quarter(plan_list[plan_id].year)
        tree = plans.plan_tree(self.db, plan_id, quarter.code)
        for kp in tree.priorities:
            mix = kp.rag_mix
            p_item = QTreeWidgetItem(
                [
                    f"Key priority {kp.number}: {kp.title}",
                    str(kp.action_count),
                    "  ".join(f"{r.value} {mix[r]}" for r in RAG_ORDER if mix[r]),
                ]
            )
            p_item.setData(0, Qt.ItemDataRole.UserRole, ("priority", kp.id))
            self.navigator.addTopLevelItem(p_item)
            for obj in kp.objectives:
                o_item = QTreeWidgetItem([obj.title, str(len(obj.actions)), ""])
                p_item.addChild(o_item)
                for a in obj.actions:
                    a_item = QTreeWidgetItem(
                        [f"{a.reference}  {a.title}", "", a.rag.value if a.rag else "—"]
                    )
                    o_item.addChild(a_item)
            p_item.setExpanded(True)

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, APP_NAME, message)
