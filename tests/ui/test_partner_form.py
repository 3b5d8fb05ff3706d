"""The partner form refuses names and e-mail addresses holding a line break."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from scp_desktop.services.records import RecordKind
from scp_desktop.ui.reference_editors import RecordFormDialog


def test_line_breaks_in_partner_fields_are_refused_with_a_message(qtbot: QtBot) -> None:
    form = RecordFormDialog(
        RecordKind.PARTNER,
        {"abbreviation": "CARA", "name": "CARA", "contact_email": "jo@cara.example.org"},
    )
    qtbot.addWidget(form)
    ok = form.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    for field, label in (
        ("name", "Name"),
        ("contact_name", "Contact name"),
        ("contact_email", "Contact email"),
    ):
        editor = form.editors[field]
        assert isinstance(editor, QLineEdit)
        before = editor.text()
        editor.setText("jo@cara.example.org\r\nBcc: thief@example.net")
        assert not ok.isEnabled()
        assert f"{label} must be on one line" in form.problems.text()
        editor.setText(before)
        assert ok.isEnabled()
        assert form.problems.text() == ""
