"""Property tests: the title matcher takes any reference and title a return holds, and finds an
action whatever case, spacing and punctuation its title was retyped with."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import plans
from scp_desktop.services.returns.index import PlanIndex, load_index, normalise_title
from scp_desktop.services.returns.matching import MATCH_SURE, PreviewRow, match
from scp_desktop.storage.database import Database

Q2 = Quarter.parse("2022-23-Q2")


def _index(db: Database) -> PlanIndex:
    return load_index(db, plans.list_plans(db)[0].id, Q2)


def _row(reference: str, title: str) -> PreviewRow:
    return PreviewRow(
        "return.xlsx", "Sheet1", 5, reference, title, None, False, "", "", None, (), (), False
    )


def test_any_reference_and_title(demo_db: Database) -> None:
    index = _index(demo_db)
    titles = [a.title for a in index.actions.values()]
    references = [a.reference for a in index.actions.values() if a.reference]

    @given(
        reference=st.one_of(st.text(max_size=20), st.sampled_from(references)),
        title=st.one_of(
            st.text(max_size=120),
            st.sampled_from(titles),
            st.sampled_from(titles).map(lambda t: t[: len(t) // 2]),
        ),
    )
    @settings(max_examples=100, deadline=None)
    def check(reference: str, title: str) -> None:
        row = _row(reference, title)
        match(index, row)
        assert row.action_id is None or row.action_id in index.actions
        scores = [c.score for c in row.candidates]
        assert len(scores) <= 3 and scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 100 for s in scores)
        assert all(c.action_id in index.actions for c in row.candidates)
        if row.match_how == "title":
            assert row.match_score is not None and row.match_score >= MATCH_SURE

    check()


def _retype(title: str, data: st.DataObject) -> str:
    """The title as a partner might retype it: any case, spacing and punctuation between words."""
    words = title.replace("&", " and ").split()
    out = []
    for word in words:
        cased = data.draw(st.sampled_from([word, word.upper(), word.lower(), word.title()]))
        out.append(cased)
        out.append(data.draw(st.sampled_from([" ", "  ", " - ", ", ", " / ", "\u00a0", "' "])))
    return data.draw(st.sampled_from(["", " ", '"', "“"])) + "".join(out).strip() + "."


def test_a_retyped_title_finds_its_action(demo_db: Database) -> None:
    index = _index(demo_db)
    unique = [
        a for a in index.actions.values() if len(index.by_title[normalise_title(a.title)]) == 1
    ]
    assert len(unique) > 20

    @given(action=st.sampled_from(unique), data=st.data())
    @settings(max_examples=100, deadline=None)
    def check(action: object, data: st.DataObject) -> None:
        assert hasattr(action, "title") and hasattr(action, "id")
        retyped = _retype(action.title, data)
        assert normalise_title(retyped) == normalise_title(action.title)
        row = _row("", retyped)
        match(index, row)
        assert row.action_id == action.id

    check()


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_normalised_titles(text: str) -> None:
    key = normalise_title(text)
    assert normalise_title(key) == key
    assert key == " ".join(key.split())
    assert all(c.isascii() and (c.isalnum() or c == " ") for c in key)
