"""Reading a partner's RAG cell: common phrasings and symbols read with the rule said; two
statuses never guessed between; what names no status left for the officer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scp_desktop.domain.rag import RAG, read_rag


@pytest.mark.parametrize(
    ("written", "rag"),
    [
        ("on track", RAG.GREEN),
        ("On Track", RAG.GREEN),
        ("behind schedule", RAG.AMBER),
        ("at risk", RAG.AMBER),
        ("off track", RAG.RED),
        ("not on track", RAG.RED),
        ("slipping", RAG.AMBER),
        ("not started", RAG.RED),
        ("complete", RAG.BLUE),
        ("Completed", RAG.BLUE),
        ("closed", RAG.BLUE),
        ("🟢", RAG.GREEN),
        ("🟠", RAG.AMBER),
        ("🔴", RAG.RED),
        ("🔵", RAG.BLUE),
        ("✅", RAG.BLUE),
        ("Red - off track", RAG.RED),
        ("RAG: amber", RAG.AMBER),
        ("Blue (complete)", RAG.BLUE),
    ],
)
def test_phrasings_are_read_with_the_rule_said(written: str, rag: RAG) -> None:
    reading = read_rag(written)
    assert reading is not None and reading.rag is rag and not reading.ambiguous
    assert reading.rule.endswith(f"read as {rag.label}") and written.split()[0] in reading.rule


@pytest.mark.parametrize("written", ["A", "a", "Amber", "AMBER ", "g", "Green", "R", "b", "Blue"])
def test_a_plain_status_needs_no_rule(written: str) -> None:
    reading = read_rag(written)
    assert reading is not None and reading.rag is not None and reading.rule == ""


@pytest.mark.parametrize(
    ("written", "choices"),
    [
        ("G/A", (RAG.AMBER, RAG.GREEN)),
        ("A/G", (RAG.AMBER, RAG.GREEN)),
        ("Amber-Green", (RAG.AMBER, RAG.GREEN)),
        ("red or amber", (RAG.RED, RAG.AMBER)),
        ("on track but at risk", (RAG.AMBER, RAG.GREEN)),
    ],
)
def test_two_statuses_are_asked_never_guessed(written: str, choices: tuple[RAG, ...]) -> None:
    reading = read_rag(written)
    assert reading is not None and reading.rag is None
    assert reading.ambiguous and reading.choices == choices
    assert "choose one" in reading.rule


@pytest.mark.parametrize("written", ["N/A", "see notes", "purple", "tbc", "not complete", "?"])
def test_what_names_no_status_is_not_read(written: str) -> None:
    reading = read_rag(written)
    assert reading is not None and reading.rag is None and not reading.choices
    assert f"“{written}”" in reading.rule


@pytest.mark.parametrize("written", [None, "", "   ", "\n"])
def test_a_blank_cell_is_no_reading(written: object) -> None:
    assert read_rag(written) is None


@given(st.text(max_size=40))
def test_any_text_reads_to_one_status_two_or_none(text: str) -> None:
    reading = read_rag(text)
    if reading is None:
        assert not text.strip()
        return
    assert (reading.rag is None) or not reading.choices
    assert len(reading.choices) != 1
    assert reading.rag is not None or reading.rule
