"""The small functions plan documents, indicator values, plan spreadsheets and reports are
read and written by, checked on their own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from scp_desktop.domain.indicators import (
    Assessment,
    PeriodKind,
    Polarity,
    StatusState,
    Thresholds,
    Unit,
    parse_period,
)
from scp_desktop.domain.periods import FinancialYear
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.columns import Meaning
from scp_desktop.excel.plan_columns import PlanColumn, PlanColumns
from scp_desktop.excel.plan_workbook import PlanLine
from scp_desktop.services.errors import UserError
from scp_desktop.services.indicators import (
    ValueEdit,
    ValueRow,
    _clean_fields,
    _is_empty,
    _period_point,
    _quarter_point,
)
from scp_desktop.services.plan_agencies import NEW, AgencyChoice, AgencyDirectory, KnownAgency
from scp_desktop.services.plan_document import _meeting, _priority, _Reader, _refuse_on_errors
from scp_desktop.services.plan_spreadsheet import (
    PlanPreview,
    _agency_uses,
    _decide_agencies,
    _other_partnership,
)
from scp_desktop.services.reports import _action_line, _ActionRow, _ActionUpdates, _Update
from scp_desktop.storage.models import IndicatorValue

# --- plan documents ------------------------------------------------------------------------


def test_priority_number_and_kind_fall_back_with_a_problem_named() -> None:
    r = _Reader()
    p = _priority(r, {"title": "Violence", "number": "two", "kind": "main"}, "plan.p[1]", 1)
    assert (p.number, p.kind, p.title) == (2, "key", "Violence")
    assert r.errors == [
        "plan.p[1].number: expected a whole number",
        "plan.p[1].kind: 'main' is not 'key' or 'other'",
    ]
    r = _Reader()
    other = _priority(r, {"title": "Other", "kind": "other", "commitments": [" a ", "b"]}, "p", 0)
    assert (other.number, other.kind, other.commitments, r.errors) == (1, "other", "a\nb", [])


def test_meeting_agenda_numbers_kept_only_when_not_their_place() -> None:
    r = _Reader()
    items = [
        {"title": "Minutes", "number": "1", "kind": "minutes"},
        {"title": "Performance", "number": "4a", "kind": "slides"},
    ]
    meeting = _meeting(r, {"date": "14/03/2024", "body": "Board", "items": items}, "m[0]")
    assert meeting is not None and meeting.date == dt.date(2024, 3, 14)
    assert [(i.number, i.kind) for i in meeting.items] == [("", "minutes"), ("4a", "item")]
    assert r.errors == []


def test_a_meeting_without_a_date_is_left_out() -> None:
    r = _Reader()
    assert _meeting(r, {"date": "next Tuesday", "body": "Board"}, "m[1]") is None
    assert r.errors == ["m[1].date: 'next Tuesday' is not a date (dd/mm/yyyy)"]


def test_problems_listed_twenty_at_most() -> None:
    _refuse_on_errors([])
    with pytest.raises(UserError) as caught:
        _refuse_on_errors([f"problem {i}" for i in range(23)])
    message = str(caught.value)
    assert "23 problem(s); nothing was loaded" in message
    assert "- problem 19" in message and "- problem 20" not in message
    assert message.endswith("… and 3 more")


# --- indicator values ----------------------------------------------------------------------

Q2 = parse_period("Q2 2022-23")


def test_clean_fields() -> None:
    edit = ValueEdit("Q2 2022-23", {"value": "1,234", "provisional": "yes", "note": "  late "})
    assert _clean_fields(edit, "", Q2) == {"value": "1234", "provisional": True, "note": "late"}
    assert _clean_fields(ValueEdit("x", {"value": ""}), "", Q2) == {"value": None}
    with pytest.raises(UserError, match="row 3: Value for Q2 2022-23: 'lots' is not a number"):
        _clean_fields(ValueEdit("x", {"value": "lots"}), "row 3: ", Q2)
    with pytest.raises(UserError, match="'locked' cannot be edited"):
        _clean_fields(ValueEdit("x", {"locked": "yes"}), "", Q2)


def test_a_value_with_nothing_left_is_empty() -> None:
    assert _is_empty(IndicatorValue(period="2022-23-Q2", note="", comparator_label=""))
    assert not _is_empty(IndicatorValue(period="2022-23-Q2", note="late", comparator_label=""))
    assert not _is_empty(
        IndicatorValue(period="2022-23-Q2", value="4", note="", comparator_label="")
    )


def thresholds(target: str, amber: str) -> Thresholds:
    return Thresholds(
        Polarity.LOWER_BETTER, Unit.COUNT, Decimal(target), Decimal(amber), "", "", False
    )


def assessment(value: str, rag: RAG, t: Thresholds | None) -> Assessment:
    return Assessment(StatusState.RATED, rag, Decimal(value), t, "", "")


def row(period: str, kind: PeriodKind, value: str, a: Assessment | None, **kw: str) -> ValueRow:
    return ValueRow(
        period=period, label=period, kind=kind, value=value, comparator=kw.get("comparator", ""),
        comparator_label="", previous_year="", note="", provisional=False, data_lag=False,
        baseline_missing=False, numerator="", denominator="", locked=False, stored=True,
        derived_value=kw.get("derived", ""), assessment=a, assessed_label="Q2 2022-23",
    )  # fmt: skip


def test_period_point() -> None:
    a = assessment("90", RAG.GREEN, thresholds("100", "110"))
    stored = IndicatorValue(period="2022-23-Q2", comparator_label="Essex")
    point, label = _period_point(
        row("2022-23-Q2", PeriodKind.QUARTER, "90", a, comparator="80"), stored
    )
    assert point is not None and label == "Essex"
    assert (point.value, point.comparator, point.rag) == (Decimal(90), Decimal(80), RAG.GREEN)
    assert (point.target, point.amber_limit) == (Decimal(100), Decimal(110))
    # A period with nothing stored and no target is not drawn.
    assert _period_point(row("2022-23-Q3", PeriodKind.QUARTER, "", None), None) == (None, "")
    derived, _ = _period_point(row("2022-23-Q4", PeriodKind.QUARTER, "", None, derived="5"), stored)
    assert derived is not None and derived.value == Decimal(5)


def test_quarter_point_of_a_monthly_indicator() -> None:
    a = assessment("30", RAG.AMBER, thresholds("25", "35"))
    stored = {
        "2022-23-M07": IndicatorValue(period="2022-23-M07", comparator="8", comparator_label=""),
        "2022-23-M08": IndicatorValue(
            period="2022-23-M08", comparator="9", comparator_label="Force"
        ),
        "2022-23-M09": IndicatorValue(period="2022-23-M09", comparator=None, comparator_label=""),
    }
    point, label = _quarter_point(row("2022-23-M09", PeriodKind.MONTH, "10", a), stored)
    assert point is not None and label == "Force"
    assert (point.label, point.value, point.comparator) == ("Q2 2022-23", Decimal(30), Decimal(9))
    assert _quarter_point(row("2022-23-M08", PeriodKind.MONTH, "10", None), stored) == (None, "")


# --- plan spreadsheets ---------------------------------------------------------------------


def line(lead: str, support: str = "") -> PlanLine:
    return PlanLine(
        "Plan", 5, 1, "Violence", "key", "", "1.1", "Patrols", "", [], "", [], [], "", [], [],
        lead_text=lead, support_text=support,
    )  # fmt: skip


KNOWN = [KnownAgency("EP", "Essex Police"), KnownAgency("CBC", "Colchester Borough Council")]


def test_agency_uses_in_first_order() -> None:
    lines = [line("EP", "Youth Service"), line("Youth Service, EP")]
    order, uses = _agency_uses(lines, AgencyDirectory(KNOWN))
    assert order == ["EP", "Youth Service"]
    assert uses == {"EP": 2, "Youth Service": 2}
    assert lines[0].lead == ["EP"] and lines[0].support == ["Youth Service"]


def test_decide_agencies() -> None:
    directory = AgencyDirectory(KNOWN)
    chosen = {"YS": AgencyChoice("YS", "YOS", "Youth Offending Service", NEW, "chosen")}
    order = ["EP", "YS", "Tendring District Council", "TDC"]
    uses = dict.fromkeys(order, 1)
    decided = _decide_agencies(order, uses, chosen, directory, {"EP", "CBC"})
    assert not decided["EP"].is_new
    assert decided["YS"].abbreviation == "YOS"
    # The full name is proposed first, and the abbreviation written elsewhere is the same one.
    assert decided["Tendring District Council"].abbreviation == "TDC"
    assert decided["TDC"].how == "same as 'Tendring District Council'"


def preview(**kw: str) -> PlanPreview:
    return PlanPreview(Path("plan.xlsx"), "2024-25", "Plan", [], **kw)  # type: ignore[arg-type]


def test_other_partnership() -> None:
    assert _other_partnership(
        preview(read_partnership="Safer Tendring", existing_partnership="Safer Colchester")
    )
    assert not _other_partnership(
        preview(read_partnership="Safer Tendring", existing_partnership="Safer Tendring")
    )
    assert not _other_partnership(
        preview(read_partnership="", existing_partnership="Safer Colchester")
    )


def test_preview_lines() -> None:
    p = preview(partnership="Safer Tendring", partnership_from="banner row 1")
    p.columns = PlanColumns(
        4, [PlanColumn(0, "Title", Meaning.TITLE, 3), PlanColumn(5, "RAG", Meaning.IGNORE, 0),
            PlanColumn(6, "Comments", Meaning.NOTES, 2)],
    )  # fmt: skip
    p.agencies = [
        AgencyChoice("Youth", "YS", "Youth Service", NEW),
        AgencyChoice("Essex Polise", "EP", "Essex Police", "similar"),
    ]
    text = p.lines_text()
    assert text[1] == "Partnership: Safer Tendring (read from banner row 1)"
    assert "Kept as notes on each action: Comments" in text
    assert "Not used (left out): RAG" in text
    assert "Agencies not yet known (will be created): YS – Youth Service" in text
    assert "Matched by a similar name (check): 'Essex Polise' as EP" in text


# --- reports -------------------------------------------------------------------------------

YEAR = FinancialYear.parse("2022-23")


def report_action(carried_from: int | None = None) -> _ActionRow:
    return _ActionRow(
        7, "1.1", "Patrols", "", "", "ongoing", None, "Ongoing", "active", carried_from, "EP",
        (), (),
    )  # fmt: skip


def test_action_line_this_and_last_quarter() -> None:
    q2 = YEAR.quarter(2)
    updates = {
        (7, YEAR.quarter(1).code): _Update("A", False, "Started", "Sam"),
        (7, q2.code): _Update("G", True, "On track", "Kim"),
    }
    line, illustrative = _action_line(
        report_action(), _ActionUpdates(q2, updates, {}, YEAR.quarters)
    )
    assert (line.rag, line.previous_rag, line.narrative) == (RAG.GREEN, RAG.AMBER, "On track")
    assert line.path == (RAG.AMBER, RAG.GREEN, None, None)
    assert line.latest_quarter == YEAR.quarter(2).label
    assert illustrative


def test_action_line_carried_and_without_a_quarter() -> None:
    q1 = YEAR.quarter(1)
    carried = {7: _Update("R", False, "Last year", "Sam")}
    line, illustrative = _action_line(
        report_action(3), _ActionUpdates(q1, {}, carried, YEAR.quarters)
    )
    assert (line.rag, line.previous_rag, line.narrative) == (None, RAG.RED, "")
    assert line.latest_quarter == "" and not illustrative
    updates = {(7, YEAR.quarter(3).code): _Update("B", False, "Done", "Kim")}
    whole_year, _ = _action_line(report_action(), _ActionUpdates(None, updates, {}, YEAR.quarters))
    assert whole_year.rag is None and whole_year.narrative == "Done"
