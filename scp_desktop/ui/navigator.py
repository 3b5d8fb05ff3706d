"""The plan navigator dock: plans → key priorities → objectives → actions, with counts and RAG mix."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QDockWidget,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QWidget,
)

from scp_desktop.domain.rag import RAG, RAG_ORDER
from scp_desktop.ui.action_table import paint_rag_chip

if TYPE_CHECKING:
    from scp_desktop.services.plan_reads import ActionRow, PlanInfo
    from scp_desktop.services.workspace import PlanStructure

NODE_ROLE = Qt.ItemDataRole.UserRole
# In the RAG column: a node's counts (R, A, G, B, not reported), or an action's RAG letter.
MIX_ROLE = Qt.ItemDataRole.UserRole + 1
RAG_ROLE = Qt.ItemDataRole.UserRole + 2
MIX_WIDTH = 112
_NOT_REPORTED = QColor("#D6D6D6")
# Plans with more objectives than this open with their priorities closed.
EAGER_OBJECTIVES = 60


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


def _show_mix(item: QTreeWidgetItem, mix: Counter[RAG], total: int) -> None:
    """The RAG column of a plan, priority or objective line: text for search and screen
    readers, words in the tooltip, and the counts the bar is drawn from."""
    item.setText(2, rag_mix_text(mix, total))
    item.setToolTip(2, rag_mix_words(mix, total))
    counts = [mix[r] for r in RAG_ORDER]
    item.setData(2, MIX_ROLE, (*counts, max(0, total - sum(counts))))


class RagMixDelegate(QStyledItemDelegate):
    """Draws a line's RAG mix as one bar split in RAG order (red, amber, green, blue, then grey
    for not reported), each part as long as its share with its count in it where it fits, so
    a column a hundred pixels wide shows what a line of text needs three times that for. The
    order is fixed, so it reads in greyscale too; the tooltip says it in words."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        counts = index.data(MIX_ROLE)
        letter = index.data(RAG_ROLE)
        if counts is None and letter is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = opt.rect.adjusted(2, 1, -4, -1)
        if letter is not None:
            chip = QRect(rect.left(), rect.top(), min(rect.width(), 28), rect.height())
            paint_rag_chip(painter, chip, RAG(letter) if letter else None, opt.font)
            return
        self._paint_bar(painter, rect, counts, opt)

    def _paint_bar(
        self, painter: QPainter, rect: QRect, counts: tuple[int, ...], opt: QStyleOptionViewItem
    ) -> None:
        total = sum(counts)
        if total <= 0 or rect.width() <= 0:
            return
        colours = [QColor(r.hex_colour) for r in RAG_ORDER] + [_NOT_REPORTED]
        text_colours = [QColor(r.ink_colour) for r in RAG_ORDER] + [QColor("#333333")]
        painter.save()
        # Counts in a slightly smaller font, so they sit inside a bar the height of a line.
        font = QFont(opt.font)
        font.setPixelSize(max(8, rect.height() - 2))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        x, done = rect.left(), 0
        for count, colour, ink in zip(counts, colours, text_colours, strict=True):
            if not count:
                continue
            done += count
            # Ends placed by the running total, so the parts always fill the bar exactly.
            end = rect.left() + round(rect.width() * done / total)
            part = QRect(x, rect.top(), max(end - x, 2), rect.height())
            painter.fillRect(part, colour)
            label = str(count)
            if metrics.horizontalAdvance(label) + 4 <= part.width():
                painter.setPen(ink)
                painter.drawText(part, Qt.AlignmentFlag.AlignCenter, label)
            x = end
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(MIX_WIDTH, size.height())


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
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, MIX_WIDTH)
        self.mix_delegate = RagMixDelegate(self.tree)
        self.tree.setItemDelegateForColumn(2, self.mix_delegate)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(lambda item, _old: self._activated(item))
        self.tree.itemExpanded.connect(self._expanded)
        self._actions: defaultdict[int, list[ActionRow]] = defaultdict(list)
        self._quarter = 1
        self._retired: list[QTreeWidgetItem | None] = []
        # Per priority: its objectives' ids, labels and RAG mixes, for lines made on opening.
        self._objectives: dict[int, list[tuple[int, str, Counter[RAG]]]] = {}
        self.setWidget(self.tree)
        self._building = False

    def show_plans(
        self,
        plans: list[PlanInfo],
        plan_id: int | None,
        structure: PlanStructure | None,
        rows: list[ActionRow],
        quarter_number: int,
        quarter_label: str,
    ) -> None:
        """Rebuild from rows already loaded for the table: no query of its own."""
        previous = self.tree.currentItem()
        keep = previous.data(0, NODE_ROLE) if previous is not None else None
        del previous
        self._building = True
        # No signals while items are torn down and rebuilt: a slot must never see a dying item.
        self.tree.blockSignals(True)
        # Taken out rather than clear()ed: Python then owns the old items, so a reference
        # still held elsewhere keeps its item alive instead of pointing at freed memory.
        old = [self.tree.takeTopLevelItem(0) for _ in range(self.tree.topLevelItemCount())]
        self._retired = old
        self.tree.setHeaderLabels(["Plan", "#", f"RAG {quarter_label}"])
        self._actions = defaultdict(list)
        for r in rows:
            self._actions[r.objective_id].append(r)
        self._quarter = quarter_number
        plan_item: QTreeWidgetItem | None = None
        for plan in plans:
            item = QTreeWidgetItem([f"{plan.year} — {plan.title} ({plan.status})", "", ""])
            item.setData(0, NODE_ROLE, ("plan", plan.id))
            item.setToolTip(0, plan.title)
            self.tree.addTopLevelItem(item)
            if plan.id == plan_id and structure is not None:
                plan_item = item
                self._fill(item, structure)
        if plan_item is not None:
            plan_item.setExpanded(True)
            found = self._find(keep) if keep else None
            self.tree.setCurrentItem(found or plan_item)
        self.tree.blockSignals(False)
        self._building = False

    def _mix(self, rows: list[ActionRow]) -> Counter[RAG]:
        i = self._quarter - 1
        return Counter(r.rags[i] for r in rows if r.rags[i] is not None)  # type: ignore[misc]

    def _fill(self, plan_item: QTreeWidgetItem, structure: PlanStructure) -> None:
        self._objectives = {}
        mixes = {
            o.id: self._mix(self._actions.get(o.id, []))
            for _p, obs in structure.priorities
            for o in obs
        }
        total_objectives = sum(len(obs) for _p, obs in structure.priorities)
        # A large plan opens with its priorities closed: hundreds of objective lines would
        # slow the first paint and fill the dock; each priority's are made when opened.
        eager = total_objectives <= EAGER_OBJECTIVES
        every_count = 0
        every_mix: Counter[RAG] = Counter()
        for priority, objectives in structure.priorities:
            count = sum(len(self._actions.get(o.id, ())) for o in objectives)
            mix: Counter[RAG] = Counter()
            for o in objectives:
                mix.update(mixes[o.id])
            every_count += count
            every_mix.update(mix)
            label = (
                priority.label.split(": ", 1)[-1]
                if priority.id in structure.other_priority_ids
                else priority.label
            )
            p_item = QTreeWidgetItem([label, str(count), ""])
            _show_mix(p_item, mix, count)
            p_item.setData(0, NODE_ROLE, ("priority", priority.id))
            p_item.setToolTip(0, priority.label)
            plan_item.addChild(p_item)
            self._objectives[priority.id] = [(o.id, o.label, mixes[o.id]) for o in objectives]
            if eager:
                self._add_objectives(p_item, priority.id)
                p_item.setExpanded(True)
            elif objectives:
                p_item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
        plan_item.setText(1, str(every_count))
        _show_mix(plan_item, every_mix, every_count)

    def _add_objectives(self, p_item: QTreeWidgetItem, priority_id: int) -> None:
        items = []
        for objective_id, label, o_mix in self._objectives.get(priority_id, []):
            actions = self._actions.get(objective_id, [])
            o_item = QTreeWidgetItem([label, str(len(actions)), ""])
            _show_mix(o_item, o_mix, len(actions))
            o_item.setData(0, NODE_ROLE, ("objective", objective_id))
            o_item.setToolTip(0, label)
            if actions:
                # Action rows are added when the objective is opened (large plans).
                o_item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            items.append(o_item)
        p_item.addChildren(items)

    def _expanded(self, item: QTreeWidgetItem) -> None:
        kind, node_id = item.data(0, NODE_ROLE)
        if item.childCount():
            return
        if kind == "priority":
            self._add_objectives(item, node_id)
            return
        if kind != "objective":
            return
        i = self._quarter - 1
        for r in self._actions.get(node_id, []):
            rag = r.rags[i]
            a_item = QTreeWidgetItem(
                [f"{r.reference}  {r.title}".strip(), "", rag.value if rag else "–"]
            )
            a_item.setData(0, NODE_ROLE, ("action", r.id))
            a_item.setData(2, RAG_ROLE, rag.value if rag else "")
            a_item.setToolTip(0, r.title)
            a_item.setToolTip(2, rag.label if rag else "Not reported")
            item.addChild(a_item)

    def _find(self, node: tuple[str, int]) -> QTreeWidgetItem | None:
        kind, node_id = node
        if kind == "action":
            return None
        if kind == "objective":
            # Its priority's lines may not be made yet.
            for priority_id, objectives in self._objectives.items():
                if any(o[0] == node_id for o in objectives):
                    parent = self._find(("priority", priority_id))
                    if parent is not None and not parent.childCount():
                        self._add_objectives(parent, priority_id)
        iterator = QTreeWidgetItemIterator(self.tree)
        while iterator.value() is not None:
            item = iterator.value()
            if item.data(0, NODE_ROLE) == (kind, node_id):
                return item
            iterator += 1
        return None

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
