"""The small rules the values grid, the action table and its filter are built from."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from scp_desktop.domain.indicators import Assessment, PeriodKind, StatusState, Unit
from scp_desktop.domain.rag import RAG
from scp_desktop.services import indicators as svc
from scp_desktop.services.plan_reads import ActionRow, Progress
from scp_desktop.ui.action_table import _progress_tooltip
from scp_desktop.ui.filtering import ActionFilter, _text_checks
from scp_desktop.ui.indicators.values_grid import (
    BASE_COLUMNS,
    Column,
    ValuesModel,
    explanation_text,
    number_text,
    status_text,
)

VALUE = next(c for c in BASE_COLUMNS if c.key == "value")


def value_row(
    value: str = "",
    *,
    derived: str = "",
    kind: PeriodKind = PeriodKind.QUARTER,
    assessment: Assessment | None = None,
    locked: bool = False,
) -> svc.ValueRow:
    return svc.ValueRow(
        period="2024-Q1",
        label="Q1 2024/25",
        kind=kind,
        value=value,
        comparator="",
        comparator_label="",
        previous_year="",
        note="",
        provisional=False,
        data_lag=False,
        baseline_missing=False,
        numerator="",
        denominator="",
        locked=locked,
        stored=True,
        derived_value=derived,
        assessment=assessment,
        assessed_label="Q1 2024/25",
    )


def assessment(rag: RAG | None, value: str | None = "12", **kw: object) -> Assessment:
    return Assessment(
        StatusState.RATED if rag else StatusState.NO_TARGET,
        rag,
        None if value is None else Decimal(value),
        None,
        "rule",
        "Below the target",
        **kw,  # type: ignore[arg-type]
    )


def test_number_text() -> None:
    assert number_text(value_row("1234"), VALUE, Unit.COUNT) == "1,234"
    assert number_text(value_row("n/a"), VALUE, Unit.COUNT) == "n/a"  # kept as typed
    assert number_text(value_row(""), VALUE, Unit.COUNT) == ""
    derived = number_text(value_row("", derived="12.5"), VALUE, Unit.PERCENT)
    assert derived.startswith("12.5")


def test_status_text() -> None:
    assert status_text(value_row(), Unit.COUNT) == ""
    assert status_text(value_row(assessment=assessment(RAG.AMBER)), Unit.COUNT) == "A Amber"
    frozen = value_row(assessment=assessment(RAG.RED, frozen=True))
    assert status_text(frozen, Unit.COUNT) == "R Red (frozen)"
    month = value_row(kind=PeriodKind.MONTH, assessment=assessment(RAG.GREEN))
    assert status_text(month, Unit.COUNT) == "Q1 2024/25 = 12: G Green"


def test_explanation_text_lists_flags() -> None:
    assert explanation_text(value_row(), Unit.COUNT) == ""
    plain = value_row(assessment=assessment(RAG.GREEN))
    assert explanation_text(plain, Unit.COUNT) == "Below the target"
    flagged = value_row(assessment=assessment(RAG.GREEN, flags=("provisional", "lag")))
    assert explanation_text(flagged, Unit.COUNT) == "Below the target [provisional; lag]"


def test_values_model_roles(qapp: QApplication) -> None:
    model = ValuesModel()
    grid_row = value_row("", derived="4", locked=True, assessment=assessment(RAG.GREEN))
    model._rows = [grid_row]
    status = model.column_index("status")
    value = model.column_index("value")
    bold = model.data(model.index(0, status), Qt.ItemDataRole.FontRole)
    assert bold.bold() and not bold.italic()
    italic = model.data(model.index(0, value), Qt.ItemDataRole.FontRole)
    assert italic.italic()
    assert model.data(model.index(0, value), Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert "Signed off" in model.data(model.index(0, value), Qt.ItemDataRole.ToolTipRole)
    accessible = model.data(model.index(0, status), Qt.ItemDataRole.AccessibleTextRole)
    assert accessible == "Q1 2024/25: G Green"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.EditRole) is None
    assert model.data(model.index(0, value), Qt.ItemDataRole.EditRole) == ""
    assert model.data(model.index(0, 0)) == "Q1 2024/25 (locked)"
    assert model.data(model.index(0, value), Qt.ItemDataRole.WhatsThisRole) is None


def test_a_custom_column_shows_its_field() -> None:
    note = Column("note", "Note", True)
    model = ValuesModel()
    assert model._display(value_row(), note) == ""


def test_progress_tooltip() -> None:
    assert _progress_tooltip(Progress("", "Q2")) is None
    tip = _progress_tooltip(Progress("Met <all>\nagencies", "Q2 2024/25"))
    assert tip == "<p><b>Q2 2024/25</b></p><p>Met &lt;all&gt;<br>agencies</p>"


def action(title: str, lead: str = "") -> ActionRow:
    return ActionRow(
        1, "1.1", title, "", 1, 1, "", "", 1, "", lead, (), "", "", None, "active",
        (None, None, None, None), (), False, False, lead.lower(),
    )  # fmt: skip


def test_text_checks() -> None:
    assert _text_checks([], None) == []
    own = _text_checks(["knife", "crime"], None)
    assert all(c(action("Crime and knife")) for c in own)
    assert not all(c(action("Knife arches")) for c in own)
    texts = {1: b"street crime"}
    one = _text_checks(["crime"], texts)
    assert len(one) == 1 and one[0](action("anything"))
    several = _text_checks(["street", "police"], texts)
    assert len(several) == 1
    assert several[0](action("x", lead="Police"))
    assert not several[0](action("x", lead="Council"))


def test_field_and_text_checks_combine() -> None:
    f = ActionFilter(text="knife", status="active", rag=RAG.RED)
    assert not f.matches(action("Knife crime"), 1)  # no RAG yet
    assert ActionFilter(text="knife", status="active").matches(action("Knife crime"), 1)
