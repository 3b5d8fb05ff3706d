"""The partnership's profile: its name, area, who prepares its reports, contact, logo, RAG
wording and document footer, read and saved as one plain value."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from scp_desktop.domain.profile import RagWording, check_logo
from scp_desktop.services.errors import UserError
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import Partnership

# The longest text each field holds (the column sizes of the partnership table).
FIELD_LIMITS: dict[str, tuple[str, int]] = {
    "name": ("Partnership name", 200),
    "abbreviation": ("Short name", 20),
    "area": ("Area", 200),
    "prepared_by": ("Prepared by", 200),
    "contact": ("Contact", 300),
    "footer": ("Document footer", 500),
}
RAG_LIMIT = 200


@dataclass(frozen=True)
class PartnershipProfile:
    name: str
    area: str = ""
    prepared_by: str = ""
    contact: str = ""
    footer: str = ""
    abbreviation: str = ""
    rag: RagWording = field(default_factory=RagWording)
    logo: bytes | None = None
    is_demo: bool = False

    def with_logo(self, data: bytes | None) -> PartnershipProfile:
        return replace(self, logo=data)


def _profile_of(p: Partnership) -> PartnershipProfile:
    return PartnershipProfile(
        name=p.name,
        area=p.area,
        prepared_by=p.prepared_by,
        contact=p.contact,
        footer=p.footer,
        abbreviation=p.abbreviation,
        rag=RagWording(p.rag_red, p.rag_amber, p.rag_green, p.rag_blue),
        logo=p.logo,
        is_demo=p.is_demo,
    )


def profile_in(s: Session) -> PartnershipProfile | None:
    """The profile inside a session other services already hold."""
    p = s.scalars(select(Partnership).order_by(Partnership.id)).first()
    return _profile_of(p) if p is not None else None


def read_profile(db: Database) -> PartnershipProfile | None:
    """The partnership of this file; None for a file no partnership has been set up in."""
    with db.session(audit=False) as s:
        return profile_in(s)


def validate(profile: PartnershipProfile) -> PartnershipProfile:
    """The profile with its text trimmed, or UserError naming the field that is wrong."""
    values = {key: str(getattr(profile, key)).strip() for key in FIELD_LIMITS}
    if not values["name"]:
        raise UserError("The partnership needs a name (e.g. Safer Anytown Partnership).")
    for key, (label, limit) in FIELD_LIMITS.items():
        if len(values[key]) > limit:
            raise UserError(
                f"{label} is {len(values[key])} characters long; it may be at most {limit}."
            )
    wording = RagWording(
        profile.rag.red.strip(),
        profile.rag.amber.strip(),
        profile.rag.green.strip(),
        profile.rag.blue.strip(),
    )
    for colour, text in (
        ("Red", wording.red),
        ("Amber", wording.amber),
        ("Green", wording.green),
        ("Blue", wording.blue),
    ):
        if len(text) > RAG_LIMIT:
            raise UserError(
                f"What {colour} means is {len(text)} characters long; it may be at most {RAG_LIMIT}."
            )
    if profile.logo is not None:
        # Imported here: the picture library is needed only when a logo is saved.
        from scp_desktop.pdf.logo import logo_size

        try:
            check_logo(profile.logo)
            logo_size(profile.logo)
        except ValueError as exc:
            raise UserError(str(exc)) from exc
    return replace(
        profile,
        rag=wording,
        name=values["name"],
        abbreviation=values["abbreviation"],
        area=values["area"],
        prepared_by=values["prepared_by"],
        contact=values["contact"],
        footer=values["footer"],
    )


def apply_profile(s: Session, profile: PartnershipProfile) -> None:
    """Write a validated profile into the file's partnership row (made when there is none)."""
    p = s.scalars(select(Partnership).order_by(Partnership.id)).first()
    if p is None:
        p = Partnership(name=profile.name, is_demo=False)
        s.add(p)
    p.name = profile.name
    p.abbreviation = profile.abbreviation
    p.area = profile.area
    p.prepared_by = profile.prepared_by
    p.contact = profile.contact
    p.footer = profile.footer
    p.rag_red = profile.rag.red
    p.rag_amber = profile.rag.amber
    p.rag_green = profile.rag.green
    p.rag_blue = profile.rag.blue
    p.logo = profile.logo
    p.logo_type = check_logo(profile.logo) if profile.logo is not None else ""


def save_profile(db: Database, profile: PartnershipProfile) -> PartnershipProfile:
    """Check and store the profile (one audited transaction); returns it as stored."""
    checked = validate(profile)
    with db.session(reason="partnership profile") as s:
        apply_profile(s, checked)
    return checked
