"""What each column of the import preview shows, rule by rule, and the table model over them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.services.returns.index import PlanAction, PlanIndex
from scp_desktop.services.returns.preview import ImportPreview
from scp_desktop.ui.returns.models import (
    PreviewTableModel,
    action_text,
    existing_text,
    message_text,
    rag_rule_text,
    rag_text,
)
from tests.services.test_returns_rules import preview_row


def test_the_action_column_shows_the_match_or_what_was_written() -> None:
    actions = {5: PlanAction(5, "1.2", "Op Enlightenment", (), None)}
    assert action_text(actions, preview_row(action_id=5)) == "1.2 Op Enlightenment"
    assert action_text(actions, preview_row()) == "? 1.2 Op Enlightenment"
    assert action_text(actions, preview_row(reference="", title="")) == "?"


def test_the_rag_column_and_its_tooltip() -> None:
    assert rag_text(preview_row(), False) == "G"
    assert rag_text(preview_row(rag_rule="“on track” read as Green"), True) == (
        "Green — “on track” read as Green"
    )
    assert rag_text(preview_row(rag=None, rag_text="Purple"), False) == "?"
    assert rag_text(preview_row(rag=None), False) == "—"
    assert rag_text(preview_row(rag=None), True).startswith("No RAG: type R, A, G or B")
    assert rag_rule_text(preview_row(rag_from_fill=True), False) == "Cell colour read as Green"
    assert rag_rule_text(preview_row(rag_text="gr"), False) == "gr"


def test_the_message_and_existing_update_columns() -> None:
    assert message_text(preview_row(message="New update: Green"), False) == "New update: Green"
    assert message_text(preview_row(message="New update: Green"), True).endswith(
        "Progress update:\nOn track"
    )
    assert existing_text(preview_row(), False) == ""
    assert existing_text(preview_row(), True) == "No update yet this quarter"
    assert existing_text(preview_row(has_existing=True), False) == "Overwrite"
    assert existing_text(preview_row(has_existing=True, overwrite=False), False) == "Keep"


def test_the_model_answers_each_role_from_its_rules(qtmodeltester: Any) -> None:
    action = PlanAction(5, "1.2", "Op Enlightenment", (), None)
    index = PlanIndex(1, Quarter.parse("2022-23-Q2"), {5: action}, {}, {}, False)
    row = preview_row(action_id=5, selected=True, message="New update: Green")
    model = PreviewTableModel()
    model.set_preview(ImportPreview(index.quarter, 1, [], [row], index))
    qtmodeltester.check(model)
    cell = model.index(0, PreviewTableModel.ACTION)
    assert model.data(cell) == "1.2 Op Enlightenment"
    apply = model.index(0, PreviewTableModel.APPLY)
    assert model.data(apply, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.data(apply) is None
    assert model.data(apply, Qt.ItemDataRole.ToolTipRole) == "Ticked rows are applied"
    rag = model.index(0, PreviewTableModel.RAG_COL)
    assert model.data(rag, Qt.ItemDataRole.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignCenter)
    assert model.data(rag, Qt.ItemDataRole.BackgroundRole).color().name().upper() == (
        RAG.GREEN.hex_colour.upper()
    )
    assert model.data(model.index(0, PreviewTableModel.FILE)) == "book.xlsx"
    assert model.data(model.index(0, PreviewTableModel.OUTCOME)) == "Not matched"
