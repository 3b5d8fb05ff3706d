"""E-mail drafts: names and addresses with line breaks never break a draft or add a header."""

from __future__ import annotations

import shutil
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from scp_desktop.cli import main
from scp_desktop.domain.periods import Quarter
from scp_desktop.services import records
from scp_desktop.services.email_drafts import one_line, recipient
from scp_desktop.services.errors import UserError
from scp_desktop.services.returns.export import covering_email, return_specs
from scp_desktop.services.returns.index import plan_for_quarter
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import Partner

HEADERS = {"Subject", "To", "X-Unsent", "MIME-Version", "Content-Type"}
INJECTION = "\r\nBcc: thief@example.net\r\nX-Injected: yes"


def _parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def _sole_recipient(message: EmailMessage) -> list[str]:
    return [a.addr_spec for a in message["To"].addresses] if message["To"] else []


@pytest.fixture
def hostile_contacts(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    db, _ = open_database(path, user="tester")
    try:
        with db.session() as s:
            partners = {p.abbreviation: p for p in s.scalars(select(Partner))}
            # A name with a line break and a sound address; an address with one.
            partners["CARA"].name = f"CARA{INJECTION}"
            partners["CARA"].contact_name = f"Jo Smith{INJECTION}"
            partners["CARA"].contact_email = "jo.smith@cara.example.org"
            partners["CBC"].contact_name = "Sam\nJones"
            partners["CBC"].contact_email = f"sam@colchester.example.gov.uk{INJECTION}"
            partners["EP"].contact_email = "first@example.org, second@example.org"
    finally:
        db.close()
    return path


def test_export_returns_eml_writes_every_draft_without_injected_headers(
    hostile_contacts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "export-returns",
            "--db",
            str(hostile_contacts),
            "--quarter",
            "2022-23-Q2",
            "--out",
            str(out),
            "--eml",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    workbooks = sorted(p.stem for p in out.glob("*.xlsx"))
    drafts = sorted(p.stem for p in out.glob("*.eml"))
    assert len(workbooks) > 5
    assert drafts == workbooks
    for draft in out.glob("*.eml"):
        message = _parse(draft.read_bytes())
        assert set(message.keys()) == HEADERS, draft.name
        assert len(_sole_recipient(message)) <= 1
        assert not any("thief" in a for a in _sole_recipient(message))
        assert "\n" not in str(message["Subject"])
    cara = _parse((out / "Return 2022-23-Q2 CARA.eml").read_bytes())
    assert _sole_recipient(cara) == ["jo.smith@cara.example.org"]
    assert cara["To"].addresses[0].display_name == (
        "Jo Smith Bcc: thief@example.net X-Injected: yes"
    )
    body = cara.get_body(("plain",))
    assert body is not None
    assert "Dear Jo Smith Bcc: thief@example.net X-Injected: yes," in body.get_content()
    # The broken addresses leave their drafts without a recipient, and the officer is told.
    for agency in ("CBC", "EP"):
        draft = _parse((out / f"Return 2022-23-Q2 {agency}.eml").read_bytes())
        assert _sole_recipient(draft) == []
    assert "CBC: the contact email holds a line break" in printed
    assert "EP: the contact email 'first@example.org, second@example.org' is not one" in printed


def test_chase_drafts_survive_the_same_contacts(hostile_contacts: Path, tmp_path: Path) -> None:
    code = main(
        [
            "returns-status",
            "--db",
            str(hostile_contacts),
            "--quarter",
            "2022-23-Q2",
            "--chase-eml",
            str(tmp_path / "chase"),
        ]
    )
    assert code in (0, 1)
    drafts = list((tmp_path / "chase").glob("*.eml"))
    assert drafts
    for draft in drafts:
        assert set(_parse(draft.read_bytes()).keys()) == HEADERS


def test_partner_records_refuse_line_breaks(demo_db: Database) -> None:
    partners = records.list_records(demo_db, records.RecordKind.PARTNER)
    cara = next(p for p in partners if p.values["abbreviation"] == "CARA")
    for field in ("name", "contact_name", "contact_email"):
        values = dict(cara.values, **{field: "one\r\ntwo"})
        with pytest.raises(UserError, match="must be on one line"):
            records.save_record(demo_db, records.RecordKind.PARTNER, cara.id, values)
    after = records.list_records(demo_db, records.RecordKind.PARTNER)
    assert next(p for p in after if p.id == cara.id).values == cara.values


@given(
    name=st.text(max_size=60),
    email=st.one_of(
        st.text(max_size=60),
        st.emails().map(lambda e: e + "\r\nBcc: x@example.net"),
        st.emails(),
    ),
)
@settings(max_examples=80, deadline=None)
def test_any_contact_gives_a_well_formed_draft(name: str, email: str) -> None:
    message = EmailMessage()
    to, problem = recipient(name, email)
    message["To"] = to if to is not None else ""
    message["Subject"] = one_line(f"Return for {name}")
    message.set_content(f"Dear {one_line(name)},")
    parsed = _parse(bytes(message))
    assert set(parsed.keys()) == {
        "To",
        "Subject",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
    }
    if to is None:
        assert _sole_recipient(parsed) == []
        assert problem or not one_line(email)
    else:
        assert _sole_recipient(parsed) == [to.addr_spec]


def test_covering_email_with_every_line_break_kind(demo_db: Database) -> None:
    quarter = Quarter.parse("2022-23-Q2")
    spec = return_specs(demo_db, plan_for_quarter(demo_db, quarter), quarter, agencies=["CARA"])[0]
    for brk in ("\r\n", "\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x00"):
        message = covering_email(
            spec,
            "Return.xlsx",
            b"PK",
            contact_name=f"Jo{brk}Bcc: x@example.net",
            contact_email="jo@example.org",
        )
        parsed = _parse(bytes(message))
        assert set(parsed.keys()) == HEADERS
        assert _sole_recipient(parsed) == ["jo@example.org"]


def test_reference_records_refuse_control_characters(demo_db: Database) -> None:
    """An Escape sequence in an agency's abbreviation would be obeyed by the terminal each
    time the command line prints it (export-returns, returns-status)."""
    partners = records.list_records(demo_db, records.RecordKind.PARTNER)
    cara = next(p for p in partners if p.values["abbreviation"] == "CARA")
    for field, text in (
        ("abbreviation", "CARA\x1b]0;owned\x07"),
        ("name", "Nul\x00byte"),
        ("contact_name", "Del\x7f"),
        ("contact_email", "c1\x9b@example.org"),
    ):
        values = dict(cara.values, **{field: text})
        with pytest.raises(UserError, match="invisible control character"):
            records.save_record(demo_db, records.RecordKind.PARTNER, cara.id, values)
    after = records.list_records(demo_db, records.RecordKind.PARTNER)
    assert next(p for p in after if p.id == cara.id).values == cara.values
    # A tab is ordinary text, kept as typed.
    values = dict(cara.values, name="Community\tAgency")
    records.save_record(demo_db, records.RecordKind.PARTNER, cara.id, values)
