"""The report preview zooms and pages by keys, wheel and boxes, and each new document opens at
its first page."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from scp_desktop.storage.database import Database
from tests.ui.test_report_dialog import _dialog


def _preview(qtbot: QtBot, dialog: object, kind: str) -> int:
    dialog.choose(kind)  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.built, timeout=60000) as blocker:  # type: ignore[attr-defined]
        dialog.preview()  # type: ignore[attr-defined]
    pages = int(blocker.args[1])
    qtbot.waitUntil(lambda: not dialog.is_busy())  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.document.pageCount() == pages)  # type: ignore[attr-defined]
    return pages


def test_preview_pages_zooms_and_starts_each_document_at_page_one(
    qtbot: QtBot, demo_db: Database
) -> None:
    dialog = _dialog(qtbot, demo_db)
    dialog.resize(900, 700)
    dialog.show()
    controls = dialog.preview_controls
    view = dialog.view
    assert isinstance(view, QPdfView)
    pages = _preview(qtbot, dialog, "plan")
    assert pages > 2
    assert controls.of_pages.text() == f"of {pages}"
    assert controls.page.value() == 1 and not controls.previous.isEnabled()

    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert controls.current_page() == 2 and controls.page.value() == 3
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert controls.current_page() == 1
    controls.page.setValue(pages)
    assert controls.current_page() == pages - 1 and not controls.next.isEnabled()

    controls.zoom.setCurrentText("Fit width")
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    controls.zoom.setCurrentText("Fit page")
    assert view.zoomMode() == QPdfView.ZoomMode.FitInView
    controls.zoom.setCurrentText("150 %")
    assert view.zoomMode() == QPdfView.ZoomMode.Custom and view.zoomFactor() == 1.5
    wheel = QWheelEvent(
        QPointF(50, 50),
        QPointF(view.viewport().mapToGlobal(QPoint(50, 50))),
        QPoint(),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert abs(view.zoomFactor() - 1.875) < 1e-6
    assert controls.zoom.currentText() == "188 %"

    # Left on the last page, a newly built document opens at its first.
    assert controls.current_page() == pages - 1
    _preview(qtbot, dialog, "quarterly")
    qtbot.waitUntil(lambda: controls.page.value() == 1)
    assert controls.current_page() == 0
