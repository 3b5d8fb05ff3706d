"""Standalone proof that a Qt window held only by a reference cycle is freed mid-paint.

No project code: a parentless window with a table and an undo stack whose command points back
at the window (the shape ValuesGridWidget had). Once the last plain reference goes, only the
cycle keeps the shown window alive; with collections frequent (as under load), one starts at an
allocation inside the model's data() while the table paints, frees the window and its model,
and Qt crashes in QTableView::paintEvent.

    python tools/repro_gc_during_paint.py cycle   # segfault (exit 139), PySide6 6.11.3 and 6.12.0
    python tools/repro_gc_during_paint.py weak    # command holds a weak reference: survives
    python tools/repro_gc_during_paint.py guard   # collections only from a timer: survives
"""

from __future__ import annotations

import gc
import os
import sys
import weakref
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QTableView, QVBoxLayout, QWidget

MODE = sys.argv[1] if len(sys.argv) > 1 else "cycle"
Index = QModelIndex | QPersistentModelIndex


class Model(QAbstractTableModel):
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 30

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return f"row {index.row()} col {index.column()}"  # allocates: a collection may start
        return None


class Command(QUndoCommand):
    def __init__(self, window: QWidget) -> None:
        super().__init__("edit")
        self.window: object = weakref.ref(window) if MODE == "weak" else window


class Window(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.model = Model(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        QVBoxLayout(self).addWidget(self.table)
        self.stack = QUndoStack(self)
        self.stack.push(Command(self))  # the stack owns the command: window → stack → command


def main() -> int:
    app = QApplication(sys.argv)
    timer = QTimer()
    if MODE == "guard":
        gc.disable()
        timer.timeout.connect(gc.collect)
        timer.start(50)
    window = Window()
    window.resize(900, 700)
    window.show()
    app.processEvents()
    window.table.viewport().update()  # a repaint is due when the loop next runs
    del window  # from here only the cycle (if any) keeps the shown window alive
    if MODE != "guard":
        gc.set_threshold(1, 1, 1)  # a full collection at (nearly) every allocation
    for _ in range(5):
        app.processEvents()
    gc.set_threshold(700, 10, 10)
    print(MODE, "survived; windows left:", len(app.topLevelWidgets()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
