"""The indicator definition form: what is measured, which way is good, target and tolerance."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.indicators import (
    Frequency,
    Polarity,
    Rollup,
    TargetKind,
    ToleranceKind,
    Unit,
    thresholds_for,
    why_no_target,
)
from scp_desktop.services import indicators as svc
from scp_desktop.services.errors import ConflictError, UserError
from scp_desktop.storage.database import Database, DatabaseError
from scp_desktop.ui.conflict_dialog import Resolution, ask_resolution


def _combo[E: StrEnum](enum: type[E], parent: QWidget) -> QComboBox:
    combo = _narrow(QComboBox(parent))
    for member in enum:
        combo.addItem(str(getattr(member, "label", member.value)), member.value)
    return combo


def _narrow(combo: QComboBox) -> QComboBox:
    """Long key priority titles must not widen the whole form beyond the window."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(16)
    return combo


def _set_combo(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


class DefinitionForm(QWidget):
    """Edits one indicator's definition; shows the resulting rule in words as it is typed."""

    saved = Signal(int)

    def __init__(self, db: Database, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.plan_id = plan_id
        self.indicator_id: int | None = None
        self.quarter_number = 2
        choices = svc.definition_choices(db, plan_id)

        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(body)
        self.description = QPlainTextEdit(body)
        self.description.setFixedHeight(54)
        self.notes = QPlainTextEdit(body)
        self.notes.setFixedHeight(54)
        self.notes.setPlaceholderText("How it is counted, exclusions, where the figure comes from")
        self.unit = _combo(Unit, body)
        self.polarity = _combo(Polarity, body)
        self.source = _narrow(QComboBox(body))
        self.source.addItem("(none)", None)
        for c in choices.partners:
            self.source.addItem(c.label, c.id)
        self.priority = _narrow(QComboBox(body))
        self.priority.addItem("(partnership-wide)", None)
        for c in choices.priorities:
            self.priority.addItem(c.label, c.id)
        self.frequency = _combo(Frequency, body)
        self.rollup = _combo(Rollup, body)
        self.numerator_label = QLineEdit(body)
        self.numerator_label.setPlaceholderText("e.g. crimes recorded")
        self.denominator_label = QLineEdit(body)
        self.denominator_label.setPlaceholderText("e.g. residents / 1,000")
        form.addRow("Name", self.name)
        form.addRow("Description", self.description)
        form.addRow("Definition notes", self.notes)
        form.addRow("Unit", self.unit)
        form.addRow("Which way is good", self.polarity)
        form.addRow("Source agency", self.source)
        form.addRow("Key priority", self.priority)
        form.addRow("Frequency", self.frequency)
        form.addRow("Months make a quarter by", self.rollup)
        rates = QHBoxLayout()
        rates.addWidget(self.numerator_label)
        rates.addWidget(QLabel("per"))
        rates.addWidget(self.denominator_label)
        form.addRow("Rate: numerator", rates)

        target_box = QGroupBox("Target and tolerance", body)
        tform = QFormLayout(target_box)
        self.baseline_value = QLineEdit(target_box)
        self.baseline_period = QLineEdit(target_box)
        self.baseline_period.setPlaceholderText("e.g. 2021-22 or Q2 2021-22")
        baseline = QHBoxLayout()
        baseline.addWidget(self.baseline_value)
        baseline.addWidget(QLabel("in"))
        baseline.addWidget(self.baseline_period)
        self.target_kind = _combo(TargetKind, target_box)
        self.target_value = QLineEdit(target_box)
        self.target_value.setPlaceholderText("e.g. 95, or -5 for a 5% reduction")
        target = QHBoxLayout()
        target.addWidget(self.target_kind)
        target.addWidget(self.target_value)
        profile = QGridLayout()
        self.profile: dict[int, QLineEdit] = {}
        for q in (1, 2, 3, 4):
            edit = QLineEdit(target_box)
            edit.setPlaceholderText("as target")
            edit.setAccessibleName(f"Q{q} target")
            self.profile[q] = edit
            profile.addWidget(QLabel(f"Q{q}"), 0, (q - 1) * 2)
            profile.addWidget(edit, 0, (q - 1) * 2 + 1)
        self.tolerance_kind = _combo(ToleranceKind, target_box)
        self.tolerance_value = QLineEdit(target_box)
        tolerance = QHBoxLayout()
        tolerance.addWidget(self.tolerance_kind)
        tolerance.addWidget(self.tolerance_value)
        self.trend_rule = QCheckBox(
            "Red only if beyond tolerance and not improving on the previous quarter", target_box
        )
        tform.addRow("Baseline", baseline)
        tform.addRow("Target", target)
        tform.addRow("Profile by quarter", profile)
        tform.addRow("Amber band", tolerance)
        tform.addRow("", self.trend_rule)
        form.addRow(target_box)

        self.action_list = QListWidget(body)
        self.action_list.setMaximumHeight(120)
        self.action_list.setAccessibleName("Actions this indicator measures")
        for c in choices.actions:
            item = QListWidgetItem(c.label)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.action_list.addItem(item)
        form.addRow("Linked actions", self.action_list)

        self.rule = QLabel(body)
        self.rule.setWordWrap(True)
        self.rule.setObjectName("rulePreview")
        self.rule.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Rule", self.rule)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.save_button = QPushButton("Save indicator", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        for edit in (
            self.baseline_value,
            self.target_value,
            self.tolerance_value,
            self.baseline_period,
            *self.profile.values(),
        ):
            edit.textChanged.connect(self.update_rule)
        for combo in (self.polarity, self.unit, self.target_kind, self.tolerance_kind):
            combo.currentIndexChanged.connect(self.update_rule)
        self.frequency.currentIndexChanged.connect(self._frequency_changed)
        self.trend_rule.toggled.connect(self.update_rule)
        self.load(None)

    def _frequency_changed(self) -> None:
        self.rollup.setEnabled(self.frequency.currentData() == Frequency.MONTHLY.value)

    def load(self, indicator_id: int | None) -> None:
        self.indicator_id = indicator_id
        d = svc.get_definition(self.db, indicator_id) if indicator_id else svc.IndicatorDefinition()
        # A save is checked against the version shown here.
        self.version = d.version
        self.name.setText(d.name)
        self.description.setPlainText(d.description)
        self.notes.setPlainText(d.definition_notes)
        _set_combo(self.unit, d.unit.value)
        _set_combo(self.polarity, d.polarity.value)
        _set_combo(self.source, d.source_partner_id)
        _set_combo(self.priority, d.priority_id)
        _set_combo(self.frequency, d.frequency.value)
        _set_combo(self.rollup, d.rollup.value)
        self.numerator_label.setText(d.numerator_label)
        self.denominator_label.setText(d.denominator_label)
        self.baseline_value.setText(d.baseline_value)
        self.baseline_period.setText(d.baseline_period)
        _set_combo(self.target_kind, d.target_kind.value)
        self.target_value.setText(d.target_value)
        for q, edit in self.profile.items():
            edit.setText(d.target_profile.get(q, ""))
        _set_combo(self.tolerance_kind, d.tolerance_kind.value)
        self.tolerance_value.setText(d.tolerance_value)
        self.trend_rule.setChecked(d.trend_rule)
        linked = set(d.action_ids)
        for i in range(self.action_list.count()):
            item = self.action_list.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in linked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.message.setText("")
        self._frequency_changed()
        self.update_rule()

    def definition(self) -> svc.IndicatorDefinition:
        return svc.IndicatorDefinition(
            version=self.version,
            id=self.indicator_id,
            name=self.name.text(),
            description=self.description.toPlainText(),
            definition_notes=self.notes.toPlainText(),
            unit=Unit(self.unit.currentData()),
            polarity=Polarity(self.polarity.currentData()),
            source_partner_id=self.source.currentData(),
            frequency=Frequency(self.frequency.currentData()),
            rollup=Rollup(self.rollup.currentData()),
            priority_id=self.priority.currentData(),
            baseline_value=self.baseline_value.text(),
            baseline_period=self.baseline_period.text(),
            target_kind=TargetKind(self.target_kind.currentData()),
            target_value=self.target_value.text(),
            target_profile={q: e.text() for q, e in self.profile.items() if e.text().strip()},
            tolerance_kind=ToleranceKind(self.tolerance_kind.currentData()),
            tolerance_value=self.tolerance_value.text(),
            trend_rule=self.trend_rule.isChecked(),
            numerator_label=self.numerator_label.text(),
            denominator_label=self.denominator_label.text(),
            action_ids=tuple(
                int(self.action_list.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.action_list.count())
                if self.action_list.item(i).checkState() == Qt.CheckState.Checked
            ),
        )

    def update_rule(self) -> None:
        has_target = self.target_kind.currentData() != TargetKind.NONE.value
        self.target_value.setEnabled(has_target)
        for edit in self.profile.values():
            edit.setEnabled(has_target)
        self.tolerance_value.setEnabled(
            self.tolerance_kind.currentData() != ToleranceKind.NONE.value
        )
        d = self.definition()
        problems = [p for p in svc.validate_definition(d) if "name" not in p]
        if problems:
            self.rule.setStyleSheet("QLabel#rulePreview { color: #B71C1C; }")
            self.rule.setText("\n".join(problems))
            return
        rule = d.rule()
        t = thresholds_for(rule, self.quarter_number)
        self.rule.setStyleSheet("QLabel#rulePreview { color: #1B5E20; }")
        text = t.rule_text if t else why_no_target(rule, self.quarter_number)
        self.rule.setText(f"Q{self.quarter_number}: {text}")

    def save(self) -> None:
        mine = self.definition()
        try:
            new_id = svc.save_definition(self.db, mine)
        except ConflictError as conflict:
            choice = ask_resolution(conflict, self)
            if choice is Resolution.OVERWRITE:
                try:
                    new_id = svc.save_definition(
                        self.db, replace(mine, version=conflict.current_version), overwrite=True
                    )
                except (UserError, DatabaseError) as exc:
                    self.message.setStyleSheet("color: #B71C1C;")
                    self.message.setText(str(exc))
                    return
                self._saved(new_id)
                return
            if choice is Resolution.RELOAD and self.indicator_id is not None:
                self.load(self.indicator_id)
                self.message.setStyleSheet("color: #B71C1C;")
                self.message.setText(
                    "Reloaded their version. Yours, not saved: "
                    f"name “{mine.name}”, target {mine.target_kind.value} {mine.target_value}, "
                    f"tolerance {mine.tolerance_kind.value} {mine.tolerance_value}."
                )
            return
        except (UserError, DatabaseError) as exc:
            self.message.setStyleSheet("color: #B71C1C;")
            self.message.setText(str(exc))
            return
        self._saved(new_id)

    def _saved(self, new_id: int) -> None:
        # Shown again as saved, with its version: the next save is checked against it.
        self.load(new_id)
        self.message.setStyleSheet("color: #1B5E20;")
        self.message.setText("Saved. Signed-off quarters keep their frozen statuses.")
        self.saved.emit(new_id)
