"""Renders the main views and dialogs to PNG files, for the README and for review."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from scp_desktop.domain.rag import RAG
from scp_desktop.paths import data_folder
from scp_desktop.services import workspace
from scp_desktop.services.profile import read_profile
from scp_desktop.services.records import RecordKind
from scp_desktop.storage.database import Database
from scp_desktop.ui.dialogs import (
    MoveActionDialog,
    NewPlanDialog,
    PreferencesDialog,
    RolloverDialog,
)
from scp_desktop.ui.indicators import IndicatorsWindow
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.profile_dialog import PartnershipDialog
from scp_desktop.ui.reference_editors import RecordFormDialog, ReferenceDataDialog
from scp_desktop.ui.reports import ReportDialog
from scp_desktop.ui.returns import ExportPlanDialog, ImportReturnsDialog, PrepareReturnsDialog
from scp_desktop.ui.settings import Settings
from scp_desktop.ui.start_page import StartPage
from scp_desktop.ui.update_editor import UpdateEditorDialog

SCREEN = (1366, 768)


def _save(widget: QWidget, path: Path, size: tuple[int, int] | None = None) -> Path:
    if size is not None:
        widget.resize(*size)
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def render_screenshots(
    db: Database, out_dir: Path, *, today: dt.date | None = None, officer: str = "Demo Officer"
) -> list[Path]:
    """Main window (table, filtered, dashboard) at 1366×768 and each dialog at its own size."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ini = Path(tempfile.mkdtemp(prefix="scp-shots-")) / "settings.ini"
    settings = Settings(QSettings(str(ini), QSettings.Format.IniFormat))
    settings.officer_name = officer
    window = MainWindow(db, settings, today=today)
    written: list[Path] = []
    window.resize(*SCREEN)
    window.show()
    QApplication.processEvents()
    first = window.model.row_at(0).id if window.model.rowCount() else None
    if first is not None:
        window.select_action(first)
    written.append(_save(window, out_dir / "01-action-table.png", SCREEN))

    bar = window.filter_bar
    lead = bar.lead.findText("EP")
    if lead >= 0:
        bar.lead.setCurrentIndex(lead)
    bar.rag.setCurrentIndex(max(bar.rag.findData("G"), 0))
    written.append(_save(window, out_dir / "02-filtered.png", SCREEN))
    bar.clear()
    if first is not None:
        window.select_action(first)

    window.show_dashboard()
    written.append(_save(window, out_dir / "03-dashboard.png", SCREEN))
    window.show_table()

    dialogs: list[tuple[str, Callable[[], QDialog | None]]] = []
    action_id = window.current_action_id()
    quarter = window.quarter
    if action_id is not None and quarter is not None:
        detail = workspace.action_detail(db, action_id)
        dialogs.append(
            (
                "04-action-form.png",
                lambda: window.action_commands.form(
                    fields=detail.fields, objective_id=detail.objective_id
                ),
            )
        )
        dialogs.append(
            (
                "06-progress-update.png",
                lambda: UpdateEditorDialog(
                    workspace.update_pair(db, action_id, quarter.code),
                    officer=officer,
                    today=window.today,
                    parent=window,
                ),
            )
        )
        row = window.model.row_at(window.model.row_of(action_id))
        dialogs.append(
            (
                "08-move-action.png",
                lambda: MoveActionDialog(window.structure, row.objective_id, window),
            )
        )
    dialogs.append(("05-new-action.png", lambda: window.action_commands.form()))
    if window.plan_id is not None and quarter is not None:
        plan_id = window.plan_id
        dialogs.append(
            (
                "07-roll-over.png",
                lambda: RolloverDialog(
                    quarter.year.label,
                    workspace.load_action_rows(db, plan_id, quarter.code, window.today),
                    window,
                ),
            )
        )
    dialogs += [
        ("09-reference-data.png", lambda: ReferenceDataDialog(db, window.edits, window)),
        ("10-key-priority.png", lambda: RecordFormDialog(RecordKind.PRIORITY, None, window)),
        ("11-preferences.png", lambda: PreferencesDialog(officer, window)),
        ("12-new-plan.png", lambda: NewPlanDialog("2023-24", window)),
        ("19-start-page.png", lambda: StartPage([str(db.path)], window)),
        ("20-new-partnership.png", lambda: _new_partnership_example(window)),
        ("21-partnership.png", lambda: PartnershipDialog(read_profile(db), window)),
    ]
    for name, make in dialogs:
        dialog = make()
        if dialog is not None:
            written.append(_save(dialog, out_dir / name))
            dialog.close()
            dialog.deleteLater()
    written += _external_dialogs(window, db, out_dir)
    window.close()
    return written


def _new_partnership_example(window: MainWindow) -> QDialog:
    """The New partnership dialog as an officer fills it in."""
    dialog = PartnershipDialog(None, window, new_file_folder=data_folder(), today=window.today)
    dialog.name.setText("Safer Anytown Partnership")
    dialog.abbreviation.setText("SAP")
    dialog.area.setText("Anytown Borough")
    dialog.prepared_by.setText("Anytown Community Safety Team")
    dialog.contact.setText("community.safety@anytown.gov.uk")
    dialog.footer.setText("OFFICIAL – Safer Anytown Partnership")
    dialog.rag_edits[RAG.BLUE].setText("Delivered and closed")
    return dialog


def _external_dialogs(window: MainWindow, db: Database, out_dir: Path) -> list[Path]:
    """The returns and reports dialogs, when this build has them."""

    written: list[Path] = []
    if window.plan_id is None or window.quarter is None:
        return written
    feature_dialogs: list[tuple[str, Any]] = [
        ("prepare-returns", PrepareReturnsDialog),
        ("import-returns", ImportReturnsDialog),
        ("export-plan", ExportPlanDialog),
        ("reports", ReportDialog),
        ("indicators", IndicatorsWindow),
    ]
    for n, (name, dialog_class) in enumerate(feature_dialogs, start=13):
        dialog = dialog_class(db, window.plan_id, window.quarter.code, window)
        size = (1280, 720) if name in {"indicators", "import-returns", "reports"} else None
        written.append(_save(dialog, out_dir / f"{n}-{name}.png", size))
        dialog.close()
        dialog.deleteLater()
    from scp_desktop.ui.returns.review_example import import_review_example

    review = import_review_example(
        db, window.plan_id, window.quarter.code, Path(tempfile.mkdtemp(prefix="scp-shots-"))
    )
    written.append(_save(review, out_dir / "18-import-review.png", (1280, 720)))
    review.close()
    review.deleteLater()
    return written
