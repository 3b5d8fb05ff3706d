"""Documents built straight from report data (no database): the PDF layer on its own."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pypdf import PdfReader

from scp_desktop.domain.rag import RAG, Travel
from scp_desktop.domain.reports import (
    AcronymEntry,
    ActionLine,
    DocumentInfo,
    FundingRow,
    IndicatorPoint,
    IndicatorStats,
    ObjectiveBlock,
    PrioritySection,
    QuarterlyReport,
)
from scp_desktop.pdf import build

INFO = DocumentInfo(
    "Ŵrexham Safer Partnership", "Wrecsam", "Tîm Diogelwch – £", "Quarterly performance report",
    "Q2 2022-23 (Jul–Sep)", dt.date(2022, 10, 20),
)  # fmt: skip


def _action(ref: str, rag: RAG | None, narrative: str) -> ActionLine:
    return ActionLine(
        id=1, reference=ref, title=f"Café “{ref}” outreach", about="", lead="CBC", deadline="Sept 2022",
        deadline_day=dt.date(2022, 9, 30), status="active", rag=rag, previous_rag=RAG.RED,
        travel=Travel.IMPROVED if rag else None, narrative=narrative, reported_by="CBC",
    )  # fmt: skip


def test_quarterly_report_from_plain_data(tmp_path: Path) -> None:
    section = PrioritySection(
        1, "key", "Safer nights", ("Keep the town centre safe",),
        (ObjectiveBlock("Reduce harm", (_action("1.1.1", RAG.AMBER, "Line one\nLine two"),
                                         _action("1.1.2", None, ""))),),
    )  # fmt: skip
    stats = IndicatorStats(
        "Violence with injury", "", "percent", "lower_better", "EP", "Key priority 1", "", "Essex",
        None, "",
        (IndicatorPoint("Q1 2022-23", 12.5, "12.5%", 10.0, "10%", "", "", False),
         IndicatorPoint("Q2 2022-23", -3.0, "-3%", 1.0, "1%", "", "", True)),
    )  # fmt: skip
    data = QuarterlyReport(
        info=INFO, plan_title="Plan 2022-23", quarter_label="Q2 2022-23", previous_label="Q1 2022-23",
        quarter_end=dt.date(2022, 9, 30), priorities=(section,), indicators=(stats,),
        streams=(FundingRow("Home Office", "2022-23", "Patrols", 1234567),), action_funding=(),
        acronyms=(AcronymEntry("CBC", "Colchester Borough Council"), AcronymEntry("ZZZ", "Unused")),
    )  # fmt: skip
    out = tmp_path / "q.pdf"
    pages = build.write(data, out)
    text = "\n".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert f"Page {pages} of {pages}" in text
    assert "Ŵrexham Safer Partnership" in text and "Tîm Diogelwch – £" in text
    assert "Café “1.1.1” outreach" in text
    assert "£12,345.67" in text
    assert re.search(r"-3%\s+\(provisional\)", text)
    assert "▲ Up" in text
    assert re.search(r"CBC\s+Colchester Borough Council", text) and "ZZZ" not in text
    assert "Line one\nLine two" in text
    # Due on the quarter's last day is not yet overdue at the end of the quarter.
    assert "No action was past its deadline at 30/09/2022" in text


def test_year_end_prints_the_officers_summary_in_place_of_the_quarters(tmp_path: Path) -> None:
    from scp_desktop.domain.reports import ActionYear, QuarterStory, YearEndReport

    section = PrioritySection(
        1, "key", "Safer nights", ("Keep the town centre safe",),
        (ObjectiveBlock("Reduce harm", (_action("1.1.1", RAG.GREEN, "Q2 words"),
                                         _action("1.1.2", RAG.RED, "Q2 other"))),),
    )  # fmt: skip
    first = section.actions[0]
    years = (
        ActionYear(first.id, (QuarterStory("Q2 2022-23", RAG.GREEN, "Quarter words"),),
                   summary="The year in one paragraph written by the officer."),
    )  # fmt: skip
    data = YearEndReport(
        info=INFO, year="2022-23",
        quarter_labels=("Q1 2022-23", "Q2 2022-23", "Q3 2022-23", "Q4 2022-23"),
        priorities=(section,), acronyms=(), years=years,
    )  # fmt: skip
    out = tmp_path / "ye.pdf"
    build.write(data, out)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(out)).pages).split())
    assert "Year-end summary 2022-23 The year in one paragraph written by the officer." in text
    assert "Quarter words" not in text
    assert "Keep the town centre safe" in text  # "The Partnership will"
