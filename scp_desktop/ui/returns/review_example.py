"""The import review with a messy return loaded, for the README's picture of it."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from scp_desktop.domain.rag import RAG
from scp_desktop.services.returns.preview import preview_import
from scp_desktop.storage.database import Database
from scp_desktop.ui.returns.import_dialog import ImportReturnsDialog


def write_messy_return(path: Path) -> Path:
    """A partner's own sheet as returns really come back: RAGs in words and emoji, 'G/A',
    'N/A', retyped titles, a scheme the plan does not have."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Q2 update"
    ws.append(["ESSEX POLICE – QUARTERLY UPDATE"])
    ws.append([])
    ws.append(["Initiative", "Status", "Progress this quarter", "Updated by"])
    for values in (
        (
            "Operation Enlightenment",
            "behind schedule",
            "Two schools dropped out of the autumn programme.\n"
            "New dates offered for November; the trust has agreed to host both sessions.",
            "PC Smith",
        ),
        ("Op Halfback", "G/A", "Patrols on Friday and Saturday nights", "PC Jones"),
        ("Project Servator", "N/A", "Deployments paused for the summer", ""),
        ("Op Luscombe", "🟢", "Drop-in sessions every week", ""),
        ("Crucial crew event", "✅", "Event held in June for 1,200 pupils", ""),
        ("Op Oscar", "see notes", "Funding agreed for another year", ""),
        ("Knife crime awareness week", "on track", "Bins placed in the town centre", ""),
        ("Safe & Well visits", "slipping", "Fewer visits while two posts are vacant", ""),
    ):
        ws.append(list(values))
    wb.save(path)
    return path


def import_review_example(
    db: Database, plan_id: int, quarter_code: str, folder: Path
) -> ImportReturnsDialog:
    """The dialog with the messy return read, one RAG set by the officer, the first row chosen."""
    path = write_messy_return(folder / "EP Q2 return.xlsx")
    dialog = ImportReturnsDialog(db, plan_id, quarter_code)
    # Read here, on this thread: a picture is wanted, not a responsive window.
    preview = preview_import(db, [path], dialog.quarter, plan_id=plan_id)
    dialog.paths = [path]
    dialog._show_preview(preview)
    halfback = next((r for r in preview.rows if r.title == "Op Halfback"), None)
    if halfback is not None and halfback.action_id is not None:
        dialog.preview_model.set_rag(halfback, RAG.GREEN)
    dialog.preview_view.setCurrentIndex(dialog.preview_model.index(0, 0))
    return dialog
