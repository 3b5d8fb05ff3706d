"""Committee reports: the officer's sections kept per meeting and quarter, and the report's data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scp_desktop.domain.committee import ALL_KEYS, CommitteeReport, standard_texts
from scp_desktop.domain.meetings import item_number
from scp_desktop.domain.periods import Quarter
from scp_desktop.services import reports
from scp_desktop.services.errors import UserError
from scp_desktop.services.profile import profile_in
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Meeting, Partner, ReportText

# The longest text a section keeps: a whole page of a committee report is far less.
TEXT_LIMIT = 50_000


@dataclass(frozen=True)
class CommitteeTexts:
    """The texts to edit, and where they came from when not saved for this report yet."""

    texts: dict[str, str]
    saved: bool  # saved for this meeting and quarter
    started_from: str  # "" or e.g. "Crime and Disorder Committee, 07/11/2022, Q1 2022-23"


def _quarter(code: str) -> Quarter:
    try:
        return Quarter.parse(code)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def _meeting(s: Session, meeting_id: int) -> Meeting:
    meeting = s.get(Meeting, meeting_id)
    if meeting is None:
        raise UserError(f"There is no meeting {meeting_id}.")
    return meeting


def _defaults(s: Session, meeting: Meeting) -> dict[str, str]:
    profile = profile_in(s)
    name = profile.name if profile else "Community Safety Partnership"
    found = standard_texts(meeting.body, name)
    if profile is not None:
        found["author"] = profile.prepared_by
        found["contact"] = profile.contact
    report_items = [it for it in meeting.items if it.kind == "report"]
    if report_items:
        found["item"] = item_number(report_items[0].number, report_items[0].position)
    return found


def _saved(s: Session, meeting_id: int, quarter: str) -> dict[str, str]:
    return {
        r.section: r.text
        for r in s.scalars(
            select(ReportText).where(
                ReportText.meeting_id == meeting_id, ReportText.quarter == quarter
            )
        )
    }


def load_texts(db: Database, meeting_id: int, quarter_code: str) -> CommitteeTexts:
    """This report's saved texts; else the latest earlier report's, offered as a start."""
    quarter = _quarter(quarter_code)
    with db.session(audit=False) as s:
        meeting = _meeting(s, meeting_id)
        texts = _defaults(s, meeting)
        own = _saved(s, meeting_id, quarter.code)
        if own:
            texts.update(own)
            return CommitteeTexts(texts, True, "")
        earlier = s.execute(
            select(ReportText.meeting_id, ReportText.quarter)
            .join(Meeting, ReportText.meeting_id == Meeting.id)
            .where(
                (ReportText.quarter < quarter.code)
                | ((ReportText.quarter == quarter.code) & (ReportText.meeting_id != meeting_id))
            )
            .order_by(ReportText.quarter.desc(), Meeting.date.desc(), Meeting.id.desc())
            .limit(1)
        ).first()
        if earlier is None:
            return CommitteeTexts(texts, False, "")
        before = s.get(Meeting, earlier.meeting_id)
        assert before is not None
        start = _saved(s, earlier.meeting_id, earlier.quarter)
        # The item number belongs to this meeting's agenda, not the one the text came from.
        start.pop("item", None)
        texts.update(start)
        label = (
            f"{before.body}, {before.date.strftime('%d/%m/%Y')}, "
            f"{Quarter.parse(earlier.quarter).label}"
        )
        return CommitteeTexts(texts, False, label)


def save_texts(db: Database, meeting_id: int, quarter_code: str, texts: dict[str, str]) -> None:
    """Keep the officer's texts for this meeting and quarter, all sections at once."""
    quarter = _quarter(quarter_code)
    unknown = sorted(set(texts) - ALL_KEYS)
    if unknown:
        raise UserError(f"Unknown section(s) of a committee report: {', '.join(unknown)}.")
    for key, value in texts.items():
        if len(value) > TEXT_LIMIT:
            raise UserError(
                f"The section '{key}' is {len(value):,} characters long; "
                f"at most {TEXT_LIMIT:,} are kept."
            )
    with db.session() as s:
        _meeting(s, meeting_id)
        s.execute(
            delete(ReportText).where(
                ReportText.meeting_id == meeting_id, ReportText.quarter == quarter.code
            )
        )
        for key in sorted(texts):
            s.add(
                ReportText(
                    meeting_id=meeting_id, quarter=quarter.code, section=key, text=texts[key]
                )
            )


def committee_data(
    db: Database, meeting_id: int, quarter_code: str, today: dt.date
) -> CommitteeReport:
    """The committee report of a meeting on one quarter, with the quarter's plan as appendix."""
    quarter = _quarter(quarter_code)
    plan_id = reports.plan_for_quarter(db, quarter.code)
    texts = load_texts(db, meeting_id, quarter.code).texts
    with db.session(audit=False) as s:
        meeting = _meeting(s, meeting_id)
        body, date = meeting.body, meeting.date
        names = {p.abbreviation: p.name for p in s.scalars(select(Partner))}
    quarterly = reports.quarterly_data(db, plan_id, quarter.code, today)
    plan = reports.plan_data(db, plan_id, today)
    info = quarterly.info
    title = texts.get("title", "").strip() or info.partnership
    info = replace(
        info,
        title=f"{body}: {title}",
        subtitle=f"{date.strftime('%d %B %Y')} · {quarter.label}",
    )
    return CommitteeReport(info, body, date, texts, quarterly, plan, names)
