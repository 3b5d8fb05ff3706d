import pytest

from scp_desktop.domain.rag import RAG, Travel, direction_of_travel, parse_rag, rag_from_rgb


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A", RAG.AMBER),
        ("amber ", RAG.AMBER),
        ("GREEN", RAG.GREEN),
        ("Complete", RAG.BLUE),
        ("completed", RAG.BLUE),
        ("r", RAG.RED),
        ("Red - off track", RAG.RED),
        ("RAG: amber", RAG.AMBER),
        ("on track", RAG.GREEN),
        ("Blue (complete)", RAG.BLUE),
        ("", None),
        (None, None),
        ("maybe", None),
        ("n/a", None),
    ],
)
def test_parse_rag(text: object, expected: RAG | None) -> None:
    assert parse_rag(text) is expected


@pytest.mark.parametrize(
    ("rgb", "expected"),
    [
        ("FFFF0000", RAG.RED),
        ("FFC00000", RAG.RED),
        ("FFFFC000", RAG.AMBER),
        ("FFFFFF00", RAG.AMBER),
        ("FF00B050", RAG.GREEN),
        ("FF92D050", RAG.GREEN),
        ("FF0070C0", RAG.BLUE),
        ("FFFFFFFF", None),
        ("FF000000", None),
        ("FF808080", None),
        ("nonsense", None),
    ],
)
def test_rag_from_fill_colour(rgb: str, expected: RAG | None) -> None:
    assert rag_from_rgb(rgb) is expected


def test_direction_of_travel() -> None:
    assert direction_of_travel(RAG.AMBER, RAG.GREEN) is Travel.IMPROVED
    assert direction_of_travel(RAG.GREEN, RAG.RED) is Travel.DECLINED
    assert direction_of_travel(RAG.GREEN, RAG.GREEN) is Travel.SAME
    assert direction_of_travel(None, RAG.GREEN) is Travel.NEW
    assert direction_of_travel(RAG.GREEN, None) is None
    assert direction_of_travel(RAG.GREEN, RAG.BLUE) is Travel.IMPROVED
