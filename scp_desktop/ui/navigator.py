"""The plan navigator dock: plans → key priorities → objectives → actions, with counts and RAG mix."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from scp_desktop.domain.rag import RAG, RAG_ORDER
from scp_desktop.services.plans import PlanInfo, PlanTree

NODE_ROLE = Qt.ItemDataRole.UserRole


def rag_mix_text(mix: Counter[RAG], total: int) -> str:
    parts = [f"{r.value} {mix[r]}" for r in RAG_ORDER if mix[r]]
    missing = total - sum(mix.values())
    if missing:
        parts.append(f"– {missing}")
    return "  ".join(parts)


def rag_mix_words(mix: Counter[RAG], total: int) -> str:
    parts = [f"{mix[r]} {r.label}" for r in RAG_ORDER if mix[r]]
    missing = total - sum(mix.values())
    if missing:
        parts.append(f"{missing} not reported")
    return ", ".join(parts) or "no actions"


class NavigatorDock(QDockWidget):
    """Choosing a node narrows the action table to it (plan: all its actions)."""

    plan_chosen = Signal(int)
    priority_chosen = Signal(int)
    objective_chosen = Signal(int)
    action_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("&Plan navigator", parent)
        self.setObjectName("navigatorDock")
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Plan navigator")
        self.tree.setHeaderLabels(["Plan", "#", "RAG"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        # The title gives way (elided, full text in the tooltip); counts and RAG mix stay whole.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(lambda item, _old: self._activated(item))
        self.setWidget(self.tree)
        self._building = False

    def show_plans(
        self,
        plans: list[PlanInfo],
        tree: PlanTree | None,
        quarter_label: str,
        other_ids: frozenset[int] = frozenset(),
    ) -> None:
        self._building = True
        self.tree.clear()
        self.tree.setHeaderLabels(["Plan", "#", f"RAG {quarter_label}"])
        current_item: QTreeWidgetItem | None = None
        for plan in plans:
            item = QTreeWidgetItem([f"{plan.year} — {plan.title} ({plan.status})", "", ""])
            item.setData(0, NODE_ROLE, ("plan", plan.id))
            item.setToolTip(0, plan.title)
            self.tree.addTopLevelItem(item)
            if tree is not None and tree.plan.id == plan.id:
                current_item = item
                self._fill(item, tree, other_ids)
        if current_item is not None:
            current_item.setExpanded(True)
            self.tree.setCurrentItem(current_item)
        self._building = False

    def _fill(self, plan_item: QTreeWidgetItem, tree: PlanTree, other_ids: frozenset[int]) -> None:
        total_mix: Counter[RAG] = Counter()
        total = 0
        for kp in tree.priorities:
            mix = kp.rag_mix
            total_mix.update(mix)
            total += kp.action_count
            label = kp.title if kp.id in other_ids else f"KP{kp.number}: {kp.title}"
            p_item = QTreeWidgetItem(
                [label, str(kp.action_count), rag_mix_text(mix, kp.action_count)]
            )
            p_item.setData(0, NODE_ROLE, ("priority", kp.id))
            p_item.setToolTip(0, kp.title)
            p_item.setToolTip(2, rag_mix_words(mix, kp.action_count))
            plan_item.addChild(p_item)
            for obj in kp.objectives:
                o_mix = obj.rag_mix
                o_item = QTreeWidgetItem(
                    [obj.title, str(len(obj.actions)), rag_mix_text(o_mix, len(obj.actions))]
                )
                o_item.setData(0, NODE_ROLE, ("objective", obj.id))
                o_item.setToolTip(0, obj.title)
                o_item.setToolTip(2, rag_mix_words(o_mix, len(obj.actions)))
                p_item.addChild(o_item)
                for a in obj.actions:
                    a_item = QTreeWidgetItem(
                        [f"{a.reference}  {a.title}".strip(), "", a.rag.value if a.rag else "–"]
                    )
                    a_item.setData(0, NODE_ROLE, ("action", a.id))
                    a_item.setToolTip(0, a.title)
                    a_item.setToolTip(2, a.rag.label if a.rag else "Not reported")
                    o_item.addChild(a_item)
            p_item.setExpanded(True)
        plan_item.setText(1, str(total))
        plan_item.setText(2, rag_mix_text(total_mix, total))
        plan_item.setToolTip(2, rag_mix_words(total_mix, total))

    def _activated(self, item: QTreeWidgetItem | None) -> None:
        if item is None or self._building:
            return
        kind, node_id = item.data(0, NODE_ROLE)
        {
            "plan": self.plan_chosen,
            "priority": self.priority_chosen,
            "objective": self.objective_chosen,
            "action": self.action_chosen,
        }[kind].emit(node_id)
