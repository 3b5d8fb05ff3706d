"""The report preview's controls: zoom (fit width, fit page, percentages, Ctrl+wheel) and
pages (Page Up/Down, a page box); each newly built document opens at its first page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QToolButton, QWidget

FIT_WIDTH = "Fit width"
FIT_PAGE = "Fit page"
PERCENTAGES = (50, 75, 100, 125, 150, 200, 300)
_MIN_ZOOM, _MAX_ZOOM = 0.25, 4.0


class PreviewControls(QWidget):
    def __init__(self, view: QPdfView, document: QPdfDocument, parent: QWidget) -> None:
        super().__init__(parent)
        self.view = view
        self.document = document
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.previous = QToolButton(self)
        self.previous.setText("◀")
        self.previous.setAccessibleName("Previous page (Page Up)")
        self.previous.setToolTip("Previous page (Page Up)")
        self.page = QSpinBox(self)
        self.page.setAccessibleName("Page")
        self.page.setMinimum(1)
        self.page.setKeyboardTracking(False)
        page_label = QLabel("Pa&ge:", self)
        page_label.setBuddy(self.page)
        self.of_pages = QLabel("of 0", self)
        self.next = QToolButton(self)
        self.next.setText("▶")
        self.next.setAccessibleName("Next page (Page Down)")
        self.next.setToolTip("Next page (Page Down)")
        self.zoom = QComboBox(self)
        self.zoom.setAccessibleName("Zoom (Ctrl+wheel)")
        self.zoom.setToolTip("Zoom; Ctrl+mouse wheel over the page zooms too")
        self.zoom.addItem(FIT_WIDTH)
        self.zoom.addItem(FIT_PAGE)
        for percent in PERCENTAGES:
            self.zoom.addItem(f"{percent} %", percent / 100)
        zoom_label = QLabel("&Zoom:", self)
        zoom_label.setBuddy(self.zoom)
        for widget in (page_label, self.previous, self.page, self.of_pages, self.next):
            layout.addWidget(widget)
        layout.addSpacing(16)
        layout.addWidget(zoom_label)
        layout.addWidget(self.zoom)
        layout.addStretch(1)

        self.zoom.setCurrentText(FIT_PAGE)  # as the view was set up
        self.zoom.currentIndexChanged.connect(self._zoom_chosen)
        self.page.valueChanged.connect(lambda value: self.go_to(value - 1))
        self.previous.clicked.connect(lambda: self.go_to(self.current_page() - 1))
        self.next.clicked.connect(lambda: self.go_to(self.current_page() + 1))
        view.pageNavigator().currentPageChanged.connect(self._page_shown)
        document.statusChanged.connect(self._status_changed)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    # ------------------------------------------------------------ pages

    def page_count(self) -> int:
        return max(self.document.pageCount(), 0)

    def current_page(self) -> int:
        return int(self.view.pageNavigator().currentPage())

    def go_to(self, page: int) -> None:
        if self.page_count() == 0:
            return
        page = min(max(page, 0), self.page_count() - 1)
        self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
        self._page_shown(page)

    def _page_shown(self, page: int) -> None:
        self.page.blockSignals(True)
        self.page.setValue(page + 1)
        self.page.blockSignals(False)
        self.previous.setEnabled(page > 0)
        self.next.setEnabled(page < self.page_count() - 1)

    def _status_changed(self, status: QPdfDocument.Status) -> None:
        if status != QPdfDocument.Status.Ready:
            return
        # A new document starts at its first page, whatever page the last one was left on.
        count = self.page_count()
        self.page.setMaximum(max(count, 1))
        self.of_pages.setText(f"of {count}")
        self.go_to(0)
        self.view.verticalScrollBar().setValue(0)

    # ------------------------------------------------------------ zoom

    def _zoom_chosen(self) -> None:
        text = self.zoom.currentText()
        if text == FIT_WIDTH:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif text == FIT_PAGE:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.set_zoom(float(self.zoom.currentData()))

    def zoom_factor(self) -> float:
        return float(self.view.zoomFactor())

    def set_zoom(self, factor: float) -> None:
        factor = min(max(factor, _MIN_ZOOM), _MAX_ZOOM)
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        label = f"{round(factor * 100)} %"
        self.zoom.blockSignals(True)
        if self.zoom.findText(label) < 0:
            self.zoom.setEditable(False)
            self.zoom.addItem(label, factor)
        self.zoom.setCurrentText(label)
        self.zoom.blockSignals(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(event, QWheelEvent)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self.zoom_factor() * (1.25**steps))
            return True
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_PageDown:
                self.go_to(self.current_page() + 1)
                return True
            if event.key() == Qt.Key.Key_PageUp:
                self.go_to(self.current_page() - 1)
                return True
        return False
