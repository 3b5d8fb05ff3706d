"""Reports as accessible documents to publish (.docx, HTML) beside the printed PDF."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from scp_desktop.services import activity, committee, reports
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database

FORMATS: dict[str, str] = {
    "pdf": "PDF (to print)",
    "docx": "Word document (.docx, to publish)",
    "html": "Web page (HTML, to publish)",
}
KINDS: dict[str, str] = {
    "quarterly": "Quarterly performance report",
    "plan": "Annual Partnership Plan",
    "year-end": "Year-end report",
    "committee": "Committee report",
}
SUFFIX = {"pdf": ".pdf", "docx": ".docx", "html": ".html"}


def write_document(
    db: Database,
    kind: str,
    fmt: str,
    out: Path,
    *,
    plan_id: int | None = None,
    quarter: str = "",
    meeting_id: int | None = None,
    today: dt.date | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> int:
    """Build one document in one format; returns pages for a PDF, bytes written otherwise."""
    report = progress or (lambda _f, _m: None)
    if fmt not in FORMATS:
        raise UserError(f"Unknown format '{fmt}' (expected {', '.join(FORMATS)}).")
    if kind == "pack" and fmt != "pdf":
        raise UserError(
            "A meeting pack is printed as a PDF; write the committee report "
            "(--kind committee) as .docx or HTML to publish."
        )
    if fmt == "pdf" and kind != "committee":
        return reports.build_report(
            db,
            kind,
            out,
            plan_id=plan_id,
            quarter=quarter,
            meeting_id=meeting_id,
            today=today,
            progress=progress,
        )
    if kind not in KINDS:
        raise UserError(f"Unknown report '{kind}' (expected {', '.join(KINDS)}).")
    if kind == "committee" and fmt == "pdf":
        raise UserError(
            "The committee report is written as a Word document or web page "
            "(--format docx or html) for the council's committee system."
        )
    started = time.perf_counter()
    day = today or dt.date.today()
    report(0.02, "Reading the plan…")
    data = (
        _committee_data(db, quarter, meeting_id, day)
        if kind == "committee"
        else _report_data(db, kind, plan_id, quarter, day)
    )
    # Imported here: python-docx and lxml cost ~0.1 s, which start-up need not pay.
    from scp_desktop.publish import documents, html, word

    report(0.4, "Laying out the document…")
    doc = documents.build(data)
    report(0.6, "Writing the file…")
    try:
        size = word.write(doc, out) if fmt == "docx" else html.write(doc, out)
    except OSError as exc:
        raise UserError(f"Could not write {out}: {exc.strerror or exc}") from exc
    activity.report_written(f"{kind} {fmt}", 0, size, time.perf_counter() - started)
    return size


def _committee_data(db: Database, quarter: str, meeting_id: int | None, day: dt.date) -> object:
    """The committee report's content; the meeting may be left out when there is only one."""
    if not quarter:
        raise UserError("Choose the quarter the committee report covers (e.g. 2022-23-Q2).")
    if meeting_id is None:
        meetings = reports.list_meetings(db)
        if len(meetings) != 1:
            raise UserError("Choose the meeting the report goes to (--meeting ID).")
        meeting_id = meetings[0].id
    return committee.committee_data(db, meeting_id, quarter, day)


def _report_data(
    db: Database, kind: str, plan_id: int | None, quarter: str, day: dt.date
) -> object:
    """A quarterly, plan or year-end report's content; the plan is the quarter's, or the
    only one when neither is given."""
    if kind == "quarterly" and not quarter:
        raise UserError("Choose a quarter (e.g. 2022-23-Q2).")
    if plan_id is None:
        plan_id = reports.plan_for_quarter(db, quarter) if quarter else _only_plan(db)
    if kind == "quarterly":
        return reports.quarterly_data(db, plan_id, quarter, day)
    if kind == "plan":
        return reports.plan_data(db, plan_id, day)
    return reports.year_end_data(db, plan_id, day)


def _only_plan(db: Database) -> int:
    plan = reports._single_plan(db)
    if plan is None:
        raise UserError("Choose a quarter (e.g. 2022-23-Q2) or a plan.")
    return plan
