"""The two rules a partner's RAG cell is read by: statuses named, and phrases."""

from __future__ import annotations

import pytest

from scp_desktop.domain.rag import RAG, _phrase_statuses, _statuses_named


@pytest.mark.parametrize(
    ("plain", "named"),
    [
        ("a", {RAG.AMBER}),
        ("green", {RAG.GREEN}),
        ("g/a", {RAG.GREEN, RAG.AMBER}),
        ("amber-green", {RAG.AMBER, RAG.GREEN}),
        ("on track", set()),
        ("", set()),
        ("g/maybe", set()),
    ],
)
def test_statuses_named(plain: str, named: set[RAG]) -> None:
    assert _statuses_named(plain) == named


def test_phrases_and_colour_words() -> None:
    found, negated = _phrase_statuses("behind schedule")
    assert found == {RAG.AMBER} and not negated
    found, negated = _phrase_statuses("mostly green this quarter")
    assert found == {RAG.GREEN} and not negated
    found, negated = _phrase_statuses("not green")
    assert found == {RAG.GREEN} and negated
    assert _phrase_statuses("see notes") == (set(), False)
