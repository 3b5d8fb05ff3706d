"""The small rules of a return's preview and apply, each checked on plain rows without a database."""

from __future__ import annotations

from typing import Any

import pytest

from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.safety import SpreadsheetRejected
from scp_desktop.services.errors import UserError
from scp_desktop.services.import_undo import first_few
from scp_desktop.services.returns.apply import ticked_actions
from scp_desktop.services.returns.export import funding_text
from scp_desktop.services.returns.index import ExistingUpdate, PlanAction, PlanIndex
from scp_desktop.services.returns.matching import (
    Candidate,
    Outcome,
    PreviewRow,
    evaluate,
    lead_doubt,
    match_doubts,
    refused_verdict,
    unchanged_verdict,
    unmatched_verdict,
)
from scp_desktop.services.returns.preview import refusal

Q2 = Quarter.parse("2022-23-Q2")


def preview_row(**changes: Any) -> PreviewRow:
    """A matched preview row of "1.2" (Green, "On track"), with `changes` made to it."""
    row = PreviewRow(
        "book.xlsx", "Q2", 7, "1.2", "Op Enlightenment", RAG.GREEN, False, "On track", "",
        None, (), (), False,
    )  # fmt: skip
    for name, value in changes.items():
        setattr(row, name, value)
    return row


def _index(existing: ExistingUpdate | None = None, *, signed_off: bool = False) -> PlanIndex:
    action = PlanAction(5, "1.2", "Op Enlightenment", ("POL",), existing)
    return PlanIndex(1, Q2, {5: action}, {}, {}, signed_off)


HELD = ExistingUpdate(RAG.AMBER, "Behind", "Sam", False, 3)


def test_an_unmatched_row_names_its_likely_actions_or_what_was_looked_for() -> None:
    close = [Candidate(5, "1.2 Op Enlightenment", 80.0), Candidate(6, "1.3 Op Sceptre", 78.0)]
    outcome, message = unmatched_verdict(preview_row(candidates=close))
    assert outcome is Outcome.WARNING
    assert "could be 1.2 Op Enlightenment (80%) or 1.3 Op Sceptre (78%)" in message
    clear = [Candidate(5, "1.2 Op Enlightenment", 90.0), Candidate(6, "1.3 Op Sceptre", 70.0)]
    assert " or " not in unmatched_verdict(preview_row(candidates=clear))[1]
    outcome, message = unmatched_verdict(preview_row(candidates=[Candidate(6, "x", 20.0)]))
    assert outcome is Outcome.UNMATCHED
    assert message == "No action of the plan has reference '1.2' or a title like 'Op Enlightenment'"
    assert unmatched_verdict(preview_row(reference="", title="")) == (
        Outcome.UNMATCHED,
        "No action of the plan has ",
    )


def test_a_matched_row_is_refused_for_problems_no_rag_or_a_locked_quarter() -> None:
    index = _index()
    assert refused_verdict(index, preview_row(problems=["bad date"]), None) == (
        Outcome.ERROR,
        "bad date",
    )
    no_rag = refused_verdict(index, preview_row(rag=None), None)
    assert no_rag is not None and no_rag[0] is Outcome.ERROR and "no RAG" in no_rag[1]
    blank = refused_verdict(index, preview_row(rag=None, written=""), None)
    assert blank == (Outcome.UNCHANGED, "Left blank in the return: nothing to import")
    locked = ExistingUpdate(RAG.AMBER, "Behind", "Sam", True, 3)
    assert refused_verdict(index, preview_row(), locked) is not None
    assert refused_verdict(_index(signed_off=True), preview_row(), None) is not None
    assert refused_verdict(index, preview_row(), HELD) is None
    # A RAG written but not read is not refused here: the officer sets it in the preview.
    assert refused_verdict(index, preview_row(rag=None, rag_text="Purple"), None) is None


def test_a_row_changes_nothing_when_it_repeats_or_keeps_the_held_update() -> None:
    index = _index(HELD)
    assert unchanged_verdict(index, preview_row(), None) is None
    same = preview_row(rag=RAG.AMBER, written="Behind", reported_by="Sam")
    assert unchanged_verdict(index, same, HELD) == (
        Outcome.UNCHANGED,
        f"Same as the update already held for {Q2.label}",
    )
    kept = unchanged_verdict(index, preview_row(overwrite=False), HELD)
    assert kept is not None and kept[1].startswith("Keep the existing update (Amber)")
    assert unchanged_verdict(index, preview_row(), HELD) is None


def test_how_a_row_was_matched_gives_a_warning_or_a_note() -> None:
    assert match_doubts(preview_row(match_how="title", match_score=90.0)) == (
        ["matched by title at 90%: check it is the right action"],
        "",
    )
    assert match_doubts(preview_row(match_how="title", match_score=97.0)) == (
        [],
        "matched by title (97%)",
    )
    assert match_doubts(preview_row(match_how="title", match_score=100.0)) == ([], "")
    assert match_doubts(preview_row(match_how="officer")) == ([], "match chosen by you")
    assert match_doubts(preview_row(match_how="reference", match_score=100.0)) == ([], "")


def test_a_row_from_an_agency_that_does_not_lead_the_action_is_questioned() -> None:
    action = _index().actions[5]
    assert lead_doubt(preview_row(), action, "POL") == ""
    assert lead_doubt(preview_row(), action, "pol") == ""
    assert lead_doubt(preview_row(), action, "FIRE") == "FIRE does not lead this action (lead: POL)"
    assert lead_doubt(preview_row(match_how="officer"), action, "FIRE") == ""
    assert lead_doubt(preview_row(match_how="template"), action, "FIRE") == ""
    assert lead_doubt(preview_row(), action, "") == ""
    assert lead_doubt(preview_row(supporting=True), action, "POL").startswith("from a supporting")


def test_evaluate_joins_the_change_its_warnings_notes_and_note() -> None:
    index = _index(HELD)
    row = preview_row(action_id=5, match_how="title", match_score=97.0, notes=["a note"])
    evaluate(index, row, file_agency="FIRE")
    assert row.outcome is Outcome.WARNING and not row.selected
    assert row.message == (
        "RAG change Amber → Green; FIRE does not lead this action (lead: POL); a note; "
        "matched by title (97%)"
    )
    plain = preview_row(action_id=5, match_how="reference", match_score=100.0)
    evaluate(index, plain, file_agency="POL")
    assert (plain.outcome, plain.message, plain.selected) == (
        Outcome.UPDATE,
        "RAG change Amber → Green",
        True,
    )


def test_a_refused_file_says_why_in_words() -> None:
    assert refusal("a.xlsx", SpreadsheetRejected("a.xlsx is locked.")) == ("a.xlsx is locked.", [])
    assert refusal("a.xlsx", MemoryError()) == ("a.xlsx is too large to read.", [])
    message, sheets = refusal("a.xlsx", KeyError("xl/workbook.xml"))
    assert message == "a.xlsx could not be read (KeyError: 'xl/workbook.xml')." and sheets == []


def test_ticked_rows_must_apply_and_update_different_actions() -> None:
    assert ticked_actions([preview_row(action_id=5), preview_row(action_id=6, row=8)]) == [5, 6]
    with pytest.raises(UserError, match="row 7 cannot be applied"):
        ticked_actions([preview_row(action_id=None, message="no match")])
    with pytest.raises(UserError, match="Two ticked rows update the same action"):
        ticked_actions([preview_row(action_id=5), preview_row(action_id=5, file="other.xlsx")])


def test_funding_lines_and_lists_of_reasons_read_as_text() -> None:
    assert funding_text("Home Office", 120000, "match funded") == "Home Office £1,200 match funded"
    assert funding_text("", None, "in kind") == "in kind"
    assert funding_text("PCC", 0, "") == "PCC £0"
    assert first_few(["a", "b"]) == "a; b"
    assert first_few([str(n) for n in range(7)]) == "0; 1; 2; 3; 4; and 2 more"
    assert first_few([str(n) for n in range(5)]) == "0; 1; 2; 3; 4"
