"""Preparing a quarter's returns: one workbook per lead agency (or one for all), email drafts, the whole plan."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scp_desktop.domain.deadlines import deadline_from_storage
from scp_desktop.domain.frameworks import column_heading, sort_codes
from scp_desktop.domain.money import format_pounds
from scp_desktop.domain.periods import Quarter
from scp_desktop.domain.profile import STANDARD_WORDING
from scp_desktop.domain.rag import RAG
from scp_desktop.excel.plan_workbook import (
    PlanSheetAction,
    PlanSheetData,
    PlanSheetObjective,
    PlanSheetPriority,
    write_plan,
)
from scp_desktop.excel.return_workbook import ReturnRow, ReturnSpec, return_bytes
from scp_desktop.services import activity
from scp_desktop.services.email_drafts import one_line, recipient
from scp_desktop.services.errors import UserError
from scp_desktop.services.profile import profile_in
from scp_desktop.services.returns.status import return_status
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import (
    Action,
    ActionPartner,
    Framework,
    KeyPriority,
    Objective,
    Partner,
    Partnership,
    Plan,
    QuarterUpdate,
)

XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class AgencyChoice:
    """An agency that can be sent a return, for the Prepare returns dialog."""

    abbreviation: str
    name: str
    email: str
    leads: int
    supports: int


@dataclass
class ExportedReturn:
    agency: str  # abbreviation, '' for the all-agencies return
    agency_name: str
    path: Path
    lead_actions: int
    support_actions: int
    email_path: Path | None = None
    email_to: str = ""


@dataclass
class ExportResult:
    folder: Path
    returns: list[ExportedReturn] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False

    def lines(self) -> list[str]:
        out = [f"{len(self.returns)} return(s) written to {self.folder}"]
        for r in self.returns:
            who = r.agency or "all agencies"
            extra = f", email draft {r.email_path.name}" if r.email_path else ""
            out.append(
                f"  {who}: {r.path.name} ({r.lead_actions} led, {r.support_actions} supported{extra})"
            )
        out += [f"  note: {n}" for n in self.notes]
        return out


def _plan_actions(s: Session, plan_id: int) -> list[Action]:
    stmt = (
        select(Action)
        .join(Objective, Action.objective_id == Objective.id)
        .join(KeyPriority, Objective.priority_id == KeyPriority.id)
        .where(KeyPriority.plan_id == plan_id, Action.status == "active")
        .order_by(KeyPriority.number, Objective.position, Action.position, Action.id)
        .options(selectinload(Action.partners).selectinload(ActionPartner.partner))
    )
    return list(s.scalars(stmt))


def agency_choices(db: Database, plan_id: int) -> list[AgencyChoice]:
    """Agencies leading or supporting active actions of the plan, most work first."""
    with db.session(audit=False) as s:
        leads: dict[int, int] = {}
        supports: dict[int, int] = {}
        partners: dict[int, Partner] = {}
        for action in _plan_actions(s, plan_id):
            for ap in action.partners:
                partners[ap.partner_id] = ap.partner
                bucket = leads if ap.role == "lead" else supports
                bucket[ap.partner_id] = bucket.get(ap.partner_id, 0) + 1
        choices = [
            AgencyChoice(
                p.abbreviation, p.name, p.contact_email, leads.get(pid, 0), supports.get(pid, 0)
            )
            for pid, p in partners.items()
        ]
    return sorted(choices, key=lambda c: (-c.leads, c.abbreviation.lower()))


def _row(action: Action, previous: dict[int, QuarterUpdate]) -> ReturnRow:
    update = previous.get(action.id)
    deadline = deadline_from_storage(
        action.deadline_kind, action.deadline_date, action.deadline_text
    )
    return ReturnRow(
        action_id=action.id,
        reference=action.reference,
        title=action.title,
        lead=", ".join(ap.partner.abbreviation for ap in action.partners if ap.role == "lead"),
        by_when=deadline.display,
        previous_rag=RAG(update.rag) if update else None,
        previous_narrative=update.narrative if update else "",
    )


def return_specs(
    db: Database,
    plan_id: int,
    quarter: Quarter,
    *,
    agencies: list[str] | None = None,
    one_for_all: bool = False,
    return_by: str = "",
    today: dt.date | None = None,
) -> list[ReturnSpec]:
    """What each return will hold; `agencies` (abbreviations) limits which are prepared."""
    with db.session(audit=False) as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise UserError("That plan no longer exists.")
        profile = profile_in(s)
        partnership_name = profile.name if profile else "Community Safety Partnership"
        actions = _plan_actions(s, plan_id)
        previous_q = quarter.previous()
        previous = {
            u.action_id: u
            for u in s.scalars(
                select(QuarterUpdate).where(
                    QuarterUpdate.quarter == previous_q.code,
                    QuarterUpdate.action_id.in_([a.id for a in actions]),
                )
            )
        }

        def spec(
            abbreviation: str, name: str, lead: list[ReturnRow], support: list[ReturnRow]
        ) -> ReturnSpec:
            return ReturnSpec(
                partnership=partnership_name,
                plan_id=plan.id,
                plan_year=plan.year,
                quarter_code=quarter.code,
                quarter_label=quarter.label,
                previous_label=previous_q.label,
                agency_abbreviation=abbreviation,
                agency_name=name,
                lead_rows=lead,
                support_rows=support,
                return_by=return_by,
                generated_on=today,
                rag=profile.rag if profile else STANDARD_WORDING,
                prepared_by=profile.prepared_by if profile else "",
                contact=profile.contact if profile else "",
                footer=profile.footer if profile else "",
            )

        if one_for_all:
            return [spec("", "", [_row(a, previous) for a in actions], [])]
        wanted = {a.upper() for a in agencies} if agencies else None
        by_partner: dict[int, tuple[Partner, list[ReturnRow], list[ReturnRow]]] = {}
        for action in actions:
            row = _row(action, previous)
            for ap in action.partners:
                entry = by_partner.setdefault(ap.partner_id, (ap.partner, [], []))
                (entry[1] if ap.role == "lead" else entry[2]).append(row)
        if wanted is not None:
            known = {p.abbreviation.upper() for p, _, _ in by_partner.values()}
            unknown = sorted(wanted - known)
            if unknown:
                raise UserError(
                    f"No active action of the {plan.year} plan is led or supported by: {', '.join(unknown)}."
                )
        specs = []
        for partner, lead_rows, support_rows in sorted(
            by_partner.values(), key=lambda e: e[0].abbreviation.lower()
        ):
            if wanted is not None and partner.abbreviation.upper() not in wanted:
                continue
            if not lead_rows and wanted is None:
                continue  # agencies that only support are asked through the lead's return
            specs.append(spec(partner.abbreviation, partner.name, lead_rows, support_rows))
        return specs


def return_file_name(quarter: Quarter, agency: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", agency) or "all"
    return f"Return {quarter.code} {safe}.xlsx"


def export_returns(
    db: Database,
    plan_id: int,
    quarter: Quarter,
    folder: Path,
    *,
    agencies: list[str] | None = None,
    one_for_all: bool = False,
    emails: bool = False,
    return_by: str = "",
    today: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ExportResult:
    """Write the returns (and optionally .eml drafts) into `folder`; returns what was written.
    Cancelling stops between returns: each one written is whole, the note says how many."""
    started = time.perf_counter()
    specs = return_specs(
        db,
        plan_id,
        quarter,
        agencies=agencies,
        one_for_all=one_for_all,
        return_by=return_by,
        today=today,
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"The folder {folder} cannot be created: {exc.strerror or exc}.") from exc
    contacts = _contacts(db)
    result = ExportResult(folder)
    for number, spec in enumerate(specs):
        if cancelled is not None and cancelled():
            result.cancelled = True
            result.notes.append(
                f"Cancelled: {number} of {len(specs)} return(s) written, each complete; "
                "the others were not written"
            )
            break
        if progress is not None:
            who = spec.agency_abbreviation or "every agency"
            progress(number, len(specs), f"Writing the return for {who}…")
        content = return_bytes(spec)
        path = folder / return_file_name(quarter, spec.agency_abbreviation)
        _write(path, content)
        exported = ExportedReturn(
            spec.agency_abbreviation,
            spec.agency_name,
            path,
            len(spec.lead_rows),
            len(spec.support_rows),
        )
        if emails and spec.agency_abbreviation:
            name, address = contacts.get(spec.agency_abbreviation.upper(), ("", ""))
            to, problem = recipient(name, address)
            if not address.strip():
                result.notes.append(
                    f"{spec.agency_abbreviation} has no contact email: its draft has no recipient"
                )
            elif to is None:
                result.notes.append(
                    f"{one_line(spec.agency_abbreviation)}: {problem}, so its draft has no "
                    "recipient; correct it under Partners, frameworks, funding and acronyms"
                )
            message = covering_email(
                spec, path.name, content, contact_name=name, contact_email=address
            )
            exported.email_path = path.with_suffix(".eml")
            exported.email_to = to.addr_spec if to else ""
            _write(exported.email_path, bytes(message))
        result.returns.append(exported)
    if not specs:
        result.notes.append("No agency leads an active action of this plan: nothing to send.")
    activity.returns_exported(
        len(result.returns),
        sum(r.email_path is not None for r in result.returns),
        result.notes,
        time.perf_counter() - started,
    )
    return result


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise UserError(f"{path} cannot be written: {exc.strerror or exc}.") from exc


def _contacts(db: Database) -> dict[str, tuple[str, str]]:
    with db.session(audit=False) as s:
        return {
            p.abbreviation.upper(): (p.contact_name, p.contact_email)
            for p in s.scalars(select(Partner))
        }


def covering_email(
    spec: ReturnSpec,
    attachment_name: str,
    attachment: bytes,
    *,
    contact_name: str,
    contact_email: str,
    reminder: bool = False,
) -> EmailMessage:
    """An unsent email (opens as a draft in Outlook) with the return attached."""
    # Names and addresses come from partner records and plan files: any line break in them
    # would end a header and start another, so each header value is one line and the
    # recipient is a parsed address (a bad one leaves the draft without a recipient).
    message = EmailMessage()
    message["Subject"] = one_line(
        f"{'Reminder: ' if reminder else ''}{spec.partnership} quarterly return {spec.quarter_label}"
        f" ({spec.agency_abbreviation})"
    )
    to, _problem = recipient(contact_name, contact_email)
    message["To"] = to if to is not None else ""
    message["X-Unsent"] = "1"  # Outlook opens the file as a draft ready to send
    contact_name = one_line(contact_name)
    spec = replace(spec, agency_name=one_line(spec.agency_name))
    greeting = f"Dear {contact_name}," if contact_name else "Hello,"
    lines = [
        greeting,
        "",
        (
            f"Our records show that the {spec.quarter_label} return for {spec.agency_name} has not come back yet."
            if reminder
            else f"Please find attached the {spec.quarter_label} return for {spec.agency_name}, "
            f"covering the {len(spec.lead_rows)} action(s) you lead in the Annual Partnership Plan "
            f"{spec.plan_year}"
            + (f" and {len(spec.support_rows)} you support." if spec.support_rows else ".")
        ),
        "",
        "For each action, please choose a RAG and write a short progress update, then save the "
        "file and reply with it attached. The colours mean:",
        *(f"  {line}" for line in spec.rag.lines()),
    ]
    if spec.return_by:
        lines += ["", f"Please return it by {spec.return_by}."]
    lines += ["", "Thank you,"]
    lines += [t for t in (spec.prepared_by, spec.partnership, spec.contact) if t]
    if spec.footer:
        lines += ["", spec.footer]
    message.set_content("\n".join(lines))
    message.add_attachment(
        attachment, maintype=XLSX_MIME[0], subtype=XLSX_MIME[1], filename=attachment_name
    )
    return message


def plan_sheet_data(db: Database, plan_id: int, quarter: Quarter | None = None) -> PlanSheetData:
    """The whole plan as the Appendix A spreadsheet shows it, with a quarter's RAG when given."""
    with db.session(audit=False) as s:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise UserError("That plan no longer exists.")
        partnership = s.scalars(select(Partnership)).first()
        updates: dict[int, QuarterUpdate] = {}
        if quarter is not None:
            updates = {
                u.action_id: u
                for u in s.scalars(
                    select(QuarterUpdate).where(QuarterUpdate.quarter == quarter.code)
                )
            }
        priorities = []
        named: dict[str, str] = {}
        codes: set[tuple[str, str, str, int]] = set()
        cited = _cited_frameworks(plan)
        for kp in plan.priorities:
            objectives = []
            for obj in kp.objectives:
                actions = []
                for a in obj.actions:
                    actions.append(
                        replace(
                            sheet_action(a, updates.get(a.id)),
                            cross_references=_codes_by_framework(a, cited),
                        )
                    )
                    for ap in a.partners:
                        named.setdefault(ap.partner.abbreviation, ap.partner.name)
                    for afi in a.framework_items:
                        item = afi.item
                        codes.add((item.framework.name, item.code, item.title, item.position))
                objectives.append(PlanSheetObjective(obj.title, actions))
            priorities.append(PlanSheetPriority(kp.number, kp.kind, kp.title, objectives))
        return PlanSheetData(
            partnership=partnership.name if partnership else "",
            footer=partnership.footer if partnership else "",
            year=plan.year,
            title=plan.title,
            quarter_label=quarter.label if quarter else "",
            priorities=priorities,
            agencies=sorted(named.items(), key=lambda item: item[0].lower()),
            cross_references=[
                (name, code, title)
                for name, code, title, _ in sorted(codes, key=lambda c: (c[0], c[3], c[1]))
            ],
            frameworks=[column_heading(fw.code, fw.name) for fw in cited],
        )


def _cited_frameworks(plan: Plan) -> list[Framework]:
    """The frameworks the plan's actions cite, in the order they were set up."""
    found = {
        afi.item.framework.id: afi.item.framework
        for kp in plan.priorities
        for obj in kp.objectives
        for a in obj.actions
        for afi in a.framework_items
    }
    return [found[i] for i in sorted(found)]


def _codes_by_framework(a: Action, frameworks: list[Framework]) -> list[str]:
    """The action's codes under each framework, as its column shows them: numbered priorities
    in number order ('2, 10'), codes such as strands as the action lists them."""
    items = [afi.item for afi in a.framework_items]
    out = []
    for fw in frameworks:
        codes = [i.code for i in items if i.framework_id == fw.id]
        out.append(", ".join(sort_codes(codes) if all(c.isdigit() for c in codes) else codes))
    return out


def sheet_action(a: Action, update: QuarterUpdate | None) -> PlanSheetAction:
    """One action's row of the plan spreadsheet, with the quarter's update when there is one."""
    return PlanSheetAction(
        reference=a.reference,
        title=a.title,
        about=a.about,
        outcomes=[o.text for o in a.outputs] or ([a.outcome] if a.outcome else []),
        target_area=a.target_area,
        lead=[ap.partner.abbreviation for ap in a.partners if ap.role == "lead"],
        support=[ap.partner.abbreviation for ap in a.partners if ap.role == "support"],
        by_when=deadline_from_storage(a.deadline_kind, a.deadline_date, a.deadline_text).display,
        rag=RAG(update.rag) if update else None,
        narrative=update.narrative if update else "",
        status=a.status,
        funding=[funding_text(f.source, f.amount_pence, f.note) for f in a.funding],
        notes=a.notes,
    )


def funding_text(source: str, amount_pence: int | None, note: str) -> str:
    """'Home Office £1,200 match funded': the parts given, in that order."""
    amount = format_pounds(amount_pence) if amount_pence is not None else ""
    return " ".join(filter(None, [source, amount, note]))


def export_plan_workbook(
    db: Database, plan_id: int, path: Path, quarter: Quarter | None = None
) -> int:
    """Write the whole plan to an .xlsx laid out like Appendix A; returns the number of actions."""
    data = plan_sheet_data(db, plan_id, quarter)
    try:
        write_plan(data, path)
    except OSError as exc:
        raise UserError(f"{path} cannot be written: {exc.strerror or exc}.") from exc
    return sum(len(o.actions) for p in data.priorities for o in p.objectives)


def plan_id_for_year(db: Database, year: str) -> int | None:
    with db.session(audit=False) as s:
        return s.scalar(select(Plan.id).where(Plan.year == year))


def write_chase_emails(
    db: Database, plan_id: int, quarter: Quarter, folder: Path, *, today: dt.date | None = None
) -> list[Path]:
    """Reminder drafts, each with a fresh copy of the return, for agencies whose return has not come back."""
    missing = [a.abbreviation for a in return_status(db, plan_id, quarter) if not a.returned]
    if not missing:
        return []
    specs = return_specs(db, plan_id, quarter, agencies=missing, today=today)
    contacts = _contacts(db)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"The folder {folder} cannot be created: {exc.strerror or exc}.") from exc
    written = []
    for spec in specs:
        name, address = contacts.get(spec.agency_abbreviation.upper(), ("", ""))
        file_name = return_file_name(quarter, spec.agency_abbreviation)
        message = covering_email(
            spec,
            file_name,
            return_bytes(spec),
            contact_name=name,
            contact_email=address,
            reminder=True,
        )
        path = folder / f"Reminder {quarter.code} {Path(file_name).stem.split()[-1]}.eml"
        _write(path, bytes(message))
        written.append(path)
    return written
