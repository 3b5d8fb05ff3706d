"""The bare implementations each feature is compared with: the least code doing the same job.

They set the floor a case could reach on this machine in the same run, so a figure reads as
"2.1× a bare QTableView" rather than an absolute time that moves with the machine's load.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

TABLE_SQL = """
SELECT a.reference, a.title, coalesce(p.abbreviation, ''), a.deadline_text,
       max(CASE WHEN u.quarter LIKE '%-Q1' THEN u.rag END),
       max(CASE WHEN u.quarter LIKE '%-Q2' THEN u.rag END),
       max(CASE WHEN u.quarter LIKE '%-Q3' THEN u.rag END),
       max(CASE WHEN u.quarter LIKE '%-Q4' THEN u.rag END),
       (SELECT narrative FROM quarter_update x WHERE x.action_id = a.id ORDER BY x.quarter DESC LIMIT 1)
FROM action a
LEFT JOIN action_partner ap ON ap.action_id = a.id AND ap.role = 'lead'
LEFT JOIN partner p ON p.id = ap.partner_id
LEFT JOIN quarter_update u ON u.action_id = a.id
GROUP BY a.id
ORDER BY a.id
"""
TABLE_HEADERS = (
    "Ref",
    "Project / initiative",
    "Lead agency",
    "By when",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "Progress update",
)


def table_rows(db_path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(TABLE_SQL).fetchall()
    finally:
        conn.close()


def make_table_model(rows: list[tuple[Any, ...]]) -> Any:
    """A minimal QAbstractTableModel over a Python list, sorting and filtering the list itself."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

    class BareModel(QAbstractTableModel):
        def __init__(self, data: list[tuple[Any, ...]]) -> None:
            super().__init__()
            self._all = data
            self._rows = data
            self._lower = [" ".join(str(v) for v in r if v).lower() for r in data]

        def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(self._rows)

        def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(TABLE_HEADERS)

        def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                value = self._rows[index.row()][index.column()]
                return "" if value is None else str(value)
            return None

        def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
            if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
                return TABLE_HEADERS[section]
            return None

        def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
            self.layoutAboutToBeChanged.emit()
            self._rows = sorted(
                self._rows,
                key=lambda r: "" if r[column] is None else str(r[column]),
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
            self.layoutChanged.emit()

        def set_filter(self, text: str) -> None:
            needle = text.lower().strip()
            self.beginResetModel()
            self._rows = [r for r, low in zip(self._all, self._lower, strict=True) if needle in low]
            self.endResetModel()

    return BareModel(rows)


def bare_report(paragraph_rows: list[tuple[str, ...]], out: Path, font_path: Path) -> int:
    """The same paragraphs in one ReportLab table, nothing else; returns the page count."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

    if "BenchSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BenchSans", str(font_path)))
    style = ParagraphStyle("cell", fontName="BenchSans", fontSize=8, leading=10)
    widths = [18 * mm, 55 * mm, 22 * mm, 24 * mm, 12 * mm, 136 * mm]
    data = [
        [
            Paragraph(h, style)
            for h in ("Ref", "Project", "Lead", "By when", "RAG", "Progress update")
        ]
    ]
    for row in paragraph_rows:
        data.append([Paragraph(escape(v).replace("\n", "<br/>"), style) for v in row])
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ]
        )
    )
    doc = SimpleDocTemplate(
        str(out), pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm
    )
    doc.build([table])
    return int(doc.page)


REPORT_SQL = """
SELECT a.reference, a.title, coalesce(p.abbreviation, ''), a.deadline_text, coalesce(u.rag, ''),
       coalesce(u.narrative, '')
FROM action a
LEFT JOIN action_partner ap ON ap.action_id = a.id AND ap.role = 'lead'
LEFT JOIN partner p ON p.id = ap.partner_id
LEFT JOIN quarter_update u ON u.action_id = a.id AND u.quarter = ?
ORDER BY a.id
"""


def report_rows(db_path: Path, quarter: str) -> list[tuple[str, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(REPORT_SQL, (quarter,)).fetchall()
    finally:
        conn.close()


def database_check(db_path: Path) -> dict[str, Any]:
    """What `open_database` + `check_database` establish, with the standard library alone."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        quick = conn.execute("PRAGMA quick_check").fetchall()
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("plan", "key_priority", "objective", "action", "quarter_update", "partner")
        }
        return {"quick": quick, "version": version, "integrity": integrity, "fk": len(fk), **counts}
    finally:
        conn.close()


def calamine_read(files: list[Path]) -> int:
    """Every cell of every sheet with python-calamine, the fastest reader measured here."""
    return sum(_calamine_cells(path) for path in files)


def calamine_read_threaded(files: list[Path], workers: int) -> int:
    """The same read spread over `workers` threads, as the importer reads its files."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(_calamine_cells, files))


def _calamine_cells(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            cells += len(row)
    return cells
