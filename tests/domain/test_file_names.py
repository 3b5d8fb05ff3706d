"""The file-name cleaner: every name it gives can be written on Windows, macOS and Linux."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scp_desktop.domain.file_names import MAX_NAME_BYTES, safe_file_name

RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def _well_formed(name: str, max_bytes: int = MAX_NAME_BYTES) -> None:
    assert name
    assert len(name.encode("utf-8")) <= max_bytes
    assert not set(name) & set('\\/:*?"<>|' + BIDI)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in name)
    assert name == name.strip(" .")
    assert not RESERVED.fullmatch(name.split(".", 1)[0].rstrip(" "))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CON", "_CON"),
        ("con", "_con"),
        ("NUL.txt", "_NUL.txt"),
        ("COM1.pdf", "_COM1.pdf"),
        ("lpt9.tar.gz", "_lpt9.tar.gz"),
        ("Aux", "_Aux"),
        ("PRN.docx", "_PRN.docx"),
        ("CON .txt", "_CON .txt"),
        ("Console log.txt", "Console log.txt"),
        ("COM10.pdf", "COM10.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("a\u2066b\u2069\u200e\u200f\u061cc.pdf", "abc.pdf"),
        ("minutes\x00\x1f\x7f\x85.docx", "minutes____.docx"),
        ("report. . .", "report"),
        ("  spaced  ", "spaced"),
        ("..\\..\\etc/passwd", "_.._etc_passwd"),
        ("C:\\Users\\x.pdf", "C__Users_x.pdf"),
        ("", "evidence"),
        ("...", "evidence"),
        ("\u202e", "evidence"),
        ("Q2 return (CARA).xlsx", "Q2 return (CARA).xlsx"),
    ],
)
def test_names(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected
    _well_formed(safe_file_name(name))


def test_long_names_are_shortened_keeping_the_extension() -> None:
    long_ascii = "Partnership minutes " * 20 + ".pdf"
    cleaned = safe_file_name(long_ascii)
    assert cleaned.endswith(".pdf")
    assert len(cleaned.encode()) <= 255
    assert cleaned.startswith("Partnership minutes Partnership")
    # Two- and four-byte characters are never cut in half.
    for char in ("é", "ŵ", "📎"):
        name = char * 200 + ".docx"
        cleaned = safe_file_name(name)
        assert cleaned.endswith(".docx")
        assert len(cleaned.encode()) <= 255
        assert set(cleaned[: -len(".docx")]) == {char}
    # An "extension" that is itself enormous is not kept whole.
    assert len(safe_file_name("a." + "b" * 400).encode()) <= 255


def test_a_shortened_name_can_be_written(tmp_path: Path) -> None:
    name = safe_file_name("ŵ" * 300 + ".xlsx")
    (tmp_path / name).write_bytes(b"x")
    assert (tmp_path / name).read_bytes() == b"x"


pieces = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.text(st.sampled_from(list(BIDI + '\\/:*?"<>|. \r\n\t\x00\ud800')), max_size=4),
    st.sampled_from(["CON", "nul", "COM1", "LPT¹", "aux ", ".txt", ".pdf", "ŵ" * 90, "x" * 200]),
)
names = st.lists(pieces, max_size=8).map("".join)


@given(name=names, max_bytes=st.sampled_from([255, 120, 40]))
@settings(max_examples=200, deadline=None)
def test_any_name_comes_out_well_formed_and_stable(name: str, max_bytes: int) -> None:
    cleaned = safe_file_name(name, max_bytes)
    _well_formed(cleaned, max_bytes)
    assert safe_file_name(cleaned, max_bytes) == cleaned


@given(name=names)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_cleaned_name_is_a_file_this_system_accepts(tmp_path: Path, name: str) -> None:
    target = tmp_path / safe_file_name(name)
    target.write_bytes(b"evidence")
    assert target.parent == tmp_path
    assert target.read_bytes() == b"evidence"
    target.unlink()
