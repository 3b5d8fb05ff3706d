"""Deterministic synthetic partnerships of any size, written into a real plan database.

The database is created with `open_database`, so the schema is the product's own (migrations and
all); rows go in with `session.execute(insert(Model), rows)` because the ORM unit of work is ~4×
slower for tens of thousands of rows. Every value comes from `random.Random(seed)` and fixed
dates: the same seed and size give the same database, row for row.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

YEAR = "2022-23"
QUARTERS = ("2022-23-Q1", "2022-23-Q2", "2022-23-Q3", "2022-23-Q4")
QUARTER_ENDS = (
    dt.date(2022, 6, 30),
    dt.date(2022, 9, 30),
    dt.date(2022, 12, 31),
    dt.date(2023, 3, 31),
)
FIXED_TIME = dt.datetime(2023, 4, 14, 9, 30)
LEAD_AGENCIES = 20
INDICATORS = 50

# The agencies that lead work in a real partnership; the rest only support.
BASE_PARTNERS: tuple[tuple[str, str, bool], ...] = (
    ("CBC", "Colchester Borough Council", True),
    ("EP", "Essex Police", True),
    ("ECFRS", "Essex County Fire and Rescue Service", True),
    ("ECC", "Essex County Council", True),
    ("PROB", "Probation Service", True),
    ("ICB", "NHS Suffolk and North East Essex ICB", True),
    ("CBH", "Colchester Borough Homes", False),
    ("UOE", "University of Essex", False),
    ("OR", "Open Road", False),
    ("NC", "Next Chapter", False),
    ("CARA", "Centre for Action on Rape and Abuse", False),
    ("GAR", "Colchester Garrison", False),
    ("BID", "Our Colchester BID", False),
    ("CS", "Crimestoppers", False),
    ("PFCC", "Police, Fire and Crime Commissioner for Essex", False),
    ("YOS", "Youth Offending Service", False),
    ("CVS", "Community360", False),
    ("SAF", "Safer Essex Roads Partnership", False),
    ("ST", "Street Pastors – Colchester", False),
    ("EHT", "East of England Ambulance Service NHS Trust", True),
)
GROUP_KINDS = (
    "Residents' Association",
    "Youth Club",
    "Food Bank",
    "Tenants' Forum",
    "Neighbourhood Watch",
    "Mosque Outreach",
    "Church Trust",
    "Café Project",
    "Boxing Academy",
    "Women's Refuge",
)
WARDS = (
    "Castle",
    "Berechurch",
    "Greenstead",
    "Highwoods",
    "Mile End",
    "New Town & Christ Church",
    "Old Heath & The Hythe",
    "Prettygate",
    "Shrub End",
    "St Anne's & St John's",
    "Lexden & Braiswick",
    "Wivenhoe",
    "Tiptree",
    "Marks Tey & Layer",
)
TOPICS = (
    "county lines",
    "knife crime",
    "anti-social behaviour",
    "domestic abuse",
    "hate crime",
    "night-time economy",
    "cuckooing",
    "retail theft",
    "exploitation of young people",
    "violence against women and girls",
    "rough sleeping",
    "fly-tipping",
    "drug-related harm",
    "road safety",
    "fraud against older people",
)
VERBS = ("Deliver", "Expand", "Pilot", "Commission", "Review", "Coordinate", "Launch", "Sustain")
THINGS = (
    "outreach sessions",
    "a diversionary programme",
    "target hardening",
    "awareness campaign",
    "multi-agency problem-solving",
    "safe spaces",
    "CCTV upgrades",
    "mentoring scheme",
    "weapons sweeps",
    "Op Sceptre activity",
    "Pubwatch support",
    "Safer Streets works",
)
NAMES = ("Zoë", "José", "Siân", "Chloé", "Renée", "Seán", "Márta", "Dáithí", "Anaïs", "Gwenllïan")
PLACES = (
    "Tŷ Newydd",
    "Café Nero",
    "the Hythe quay",
    "Jumbo water tower",
    "Castle Park",
    "St Botolph's",
)
SENTENCES = (
    "{name} from {agency} reports {n} referrals this quarter – up from {m} last quarter.",
    "£{money:,} of {fund} funding was spent on {thing} in {ward}.",
    "Sessions at {place} reached {n} young people; feedback was positive (“felt safer”).",
    "The {topic} hotspot in {ward} saw {n} incidents, against {m} in the same quarter last year.",
    "A naïve reading of the figures would overstate progress – the data are provisional.",
    "{agency} officers carried out {n} joint visits with partners, including a café-based drop-in.",
    "Delays with the contractor mean the {thing} will now complete in {month} – not {month2}.",
    "The steering group met {n} times; {name} chaired and the résumé of actions was circulated.",
    "Bid submitted for £{money:,} to the {fund} fund; decision expected in {month}.",
    "{n} arrests and {m} warrants linked to {topic}; intelligence shared via the weekly tasking.",
    "Training on {topic} delivered to {n} front-line staff across {agency} and partners.",
    "Footfall survey at {place} complete; {n}% of respondents felt safe after dark.",
)
FUNDS = (
    "Safer Streets",
    "PFCC Community Safety",
    "Violence and Vulnerability Unit",
    "CBC",
    "UKSPF",
)
MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
PFCC_ITEMS = 12
ECPS_ITEMS = ("SV", "VU", "OC", "CN")


@dataclass(frozen=True)
class Spec:
    """What to generate. `narrative` is the (min, max) length of progress updates in characters."""

    actions: int
    seed: int = 2022
    narrative: tuple[int, int] = (200, 1500)

    @property
    def partners(self) -> int:
        # 20 agencies for a small plan, 200 for the largest, straight line in between.
        share = (min(max(self.actions, 50), 5000) - 50) / (5000 - 50)
        return round(20 + share * 180)

    @property
    def objectives(self) -> int:
        return max(8, self.actions // 12)

    def name(self) -> str:
        lo, hi = self.narrative
        return f"plan-{self.actions}-s{self.seed}-n{lo}-{hi}"


@dataclass
class Generated:
    path: Path
    spec: Spec
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Maker:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.rnd = random.Random(spec.seed * 1_000_003 + spec.actions)

    # -- text -----------------------------------------------------------------------------
    def sentence(self, agency: str) -> str:
        r = self.rnd
        m1, m2 = r.sample(MONTHS, 2)
        return r.choice(SENTENCES).format(
            name=r.choice(NAMES),
            agency=agency,
            n=r.randint(2, 400),
            m=r.randint(2, 400),
            money=r.randrange(500, 250_000, 50),
            fund=r.choice(FUNDS),
            thing=r.choice(THINGS),
            ward=r.choice(WARDS),
            place=r.choice(PLACES),
            topic=r.choice(TOPICS),
            month=f"{m1} 2023",
            month2=f"{m2} 2023",
        )

    def narrative(self, agency: str) -> str:
        lo, hi = self.spec.narrative
        target = self.rnd.randint(lo, hi)
        # Every narrative carries £, an en dash and accented letters, whatever its length.
        parts = [
            f"Q update – £{self.rnd.randrange(100, 90_000, 10):,} committed; lead {self.rnd.choice(NAMES)}."
        ]
        length = len(parts[0])
        while length < target:
            s = self.sentence(agency)
            parts.append(s)
            length += len(s) + 1
        text = " ".join(parts)
        if len(text) > target:
            cut = text.rfind(" ", 0, target)
            text = text[: cut if cut > target - 40 else target].rstrip(" ,;–") + "."
        while len(text) < lo:
            text += " Further detail to follow."
        return text[:hi]

    def title(self, i: int) -> str:
        r = self.rnd
        return f"{r.choice(VERBS)} {r.choice(THINGS)} on {r.choice(TOPICS)} ({i + 1})"

    def rag(self, quarter_index: int, previous: str | None) -> str:
        r = self.rnd
        if previous == "B":
            return "B"
        if previous and r.random() < 0.55:
            return previous
        weights = [50, 25, 15, 4 + quarter_index * 6]
        return r.choices(("G", "A", "R", "B"), weights=weights)[0]

    def deadline(self) -> dict[str, Any]:
        r = self.rnd
        kind = r.choices(
            ("date", "month", "ongoing", "tbc", "unknown"), weights=(25, 35, 30, 6, 4)
        )[0]
        if kind == "date":
            day = dt.date(2022, 4, 1) + dt.timedelta(days=r.randint(0, 364))
            return {
                "deadline_kind": kind,
                "deadline_date": day,
                "deadline_text": day.strftime("%d/%m/%Y"),
            }
        if kind == "month":
            year = r.choice((2022, 2023))
            month = r.randint(4, 12) if year == 2022 else r.randint(1, 3)
            day = (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
                days=1
            )
            label = MONTHS[(month - 4) % 12]
            return {"deadline_kind": kind, "deadline_date": day, "deadline_text": f"{label} {year}"}
        text = {"ongoing": "Ongoing", "tbc": "TBC", "unknown": "??"}[kind]
        return {"deadline_kind": kind, "deadline_date": None, "deadline_text": text}

    # -- tables ---------------------------------------------------------------------------
    def partners(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for i in range(self.spec.partners):
            if i < len(BASE_PARTNERS):
                abbr, name, statutory = BASE_PARTNERS[i]
            else:
                kind = GROUP_KINDS[i % len(GROUP_KINDS)]
                ward = WARDS[(i // len(GROUP_KINDS)) % len(WARDS)]
                abbr, name, statutory = f"VCS{i + 1:03d}", f"{ward} {kind} ({i + 1})", False
            rows.append(
                {
                    "id": i + 1,
                    "abbreviation": abbr,
                    "name": name,
                    "statutory": statutory,
                    "contact_name": f"{self.rnd.choice(NAMES)} {abbr.title()}",
                    "contact_email": f"returns@{abbr.lower()}.example.org.uk",
                    "import_mapping": "",
                }
            )
        return rows


@dataclass
class _PlanRows:
    """The rows of each action and what hangs off it, as they are generated."""

    actions: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)
    action_partners: list[dict[str, Any]] = field(default_factory=list)
    action_items: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)


def _add_action(
    mk: _Maker,
    rows: _PlanRows,
    i: int,
    obj: dict[str, Any],
    pos: int,
    leads: list[int],
    abbr: dict[int, str],
    partner_count: int,
) -> None:
    """The i-th action with its outputs, funding, agencies, framework items and updates
    (the random draws in the same order as ever, so a seed gives the same plan)."""
    r = mk.rnd
    aid = i + 1
    # Round robin first, so each of the 20 lead agencies leads at least one action.
    lead = leads[i % len(leads)] if i < len(leads) or r.random() < 0.7 else r.choice(leads)
    rows.actions.append(
        {
            "id": aid,
            "objective_id": obj["id"],
            "reference": f"{obj['priority_id']}.{obj['id']}.{pos + 1}",
            "title": mk.title(i),
            "about": " ".join(mk.sentence(abbr[lead]) for _ in range(r.randint(1, 3))),
            "outcome": f"Reduce {r.choice(TOPICS)} by {r.randint(2, 20)}% in {r.choice(WARDS)}",
            "target_area": r.choice(("All wards", "Town Centre", *WARDS)),
            **mk.deadline(),
            # All active: every action is in a return (Blue RAG marks the finished ones).
            "status": "active",
            "position": pos,
            "carried_from_id": None,
        }
    )
    for k in range(r.randint(0, 3)):
        rows.outputs.append(
            {
                "id": len(rows.outputs) + 1,
                "action_id": aid,
                "text": f"{r.randint(2, 60)} {r.choice(THINGS)}",
                "position": k,
            }
        )
    for k in range(r.choices((0, 1, 2), weights=(50, 35, 15))[0]):
        rows.funding.append(
            {
                "id": len(rows.funding) + 1,
                "action_id": aid,
                "source": r.choice(FUNDS),
                "amount_pence": r.randrange(50_000, 5_000_000, 100),
                "note": "",
                "position": k,
            }
        )
    rows.action_partners.append(
        {
            "id": len(rows.action_partners) + 1,
            "action_id": aid,
            "partner_id": lead,
            "role": "lead",
            "position": 0,
        }
    )
    supporters = r.sample(range(1, partner_count + 1), r.randint(0, 3))
    for k, pid in enumerate(p for p in supporters if p != lead):
        rows.action_partners.append(
            {
                "id": len(rows.action_partners) + 1,
                "action_id": aid,
                "partner_id": pid,
                "role": "support",
                "position": k + 1,
            }
        )
    chosen = set(r.sample(range(1, PFCC_ITEMS + 1), r.randint(1, 3)))
    chosen.add(PFCC_ITEMS + r.randint(1, len(ECPS_ITEMS)))
    for item_id in sorted(chosen):
        rows.action_items.append(
            {"id": len(rows.action_items) + 1, "action_id": aid, "item_id": item_id}
        )
    previous: str | None = None
    for q, quarter in enumerate(QUARTERS):
        rag = mk.rag(q, previous)
        previous = rag
        rows.updates.append(
            {
                "id": len(rows.updates) + 1,
                "action_id": aid,
                "quarter": quarter,
                "rag": rag,
                "narrative": mk.narrative(abbr[lead]),
                "reported_by": f"{r.choice(NAMES)} ({abbr[lead]})",
                "reported_on": QUARTER_ENDS[q] + dt.timedelta(days=r.randint(5, 25)),
                "rag_illustrative": False,
                "source": "typed",
                "import_batch_id": None,
                "source_sheet": "",
                "source_row": None,
                "locked": q < 2,
                "updated_at": FIXED_TIME,
            }
        )


def _indicators(
    mk: _Maker, leads: list[int], abbr: dict[int, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The indicators and their values for each quarter."""
    r = mk.rnd
    indicators: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    for i in range(INDICATORS):
        unit = r.choice(("count", "percent", "rate_per_1000", "gbp"))
        base = {
            "count": r.randint(20, 900),
            "percent": r.randint(5, 90),
            "rate_per_1000": r.randint(2, 60),
            "gbp": r.randrange(1_000, 250_000, 50),
        }[unit]
        # The kinds the indicator rules know: none, absolute, or percent change on baseline.
        target_kind = r.choice(("none", "percent_change", "absolute"))
        target_value = {
            "none": "",
            "percent_change": str(r.choice((-5, -10, 5, 10))),
            "absolute": str(round(base * r.uniform(0.8, 1.2))),
        }[target_kind]
        indicators.append(
            {
                "id": i + 1,
                "name": f"{r.choice(TOPICS).capitalize()} – {r.choice(('offences', 'referrals', 'repeat victims', 'arrests'))} ({i + 1})",
                "description": mk.sentence(abbr[leads[i % len(leads)]]),
                "unit": unit,
                "polarity": r.choice(("higher_better", "lower_better", "neither")),
                "frequency": "quarterly",
                "rollup": "sum",
                "source_partner_id": leads[i % len(leads)],
                "priority_id": (i % 4) + 1,
                "baseline_value": str(base),
                "baseline_period": "2021-22",
                "target_kind": target_kind,
                "target_value": target_value,
                "tolerance_kind": "none",
                "tolerance_value": "",
            }
        )
        for q, quarter in enumerate(QUARTERS):
            values.append(
                {
                    "id": len(values) + 1,
                    "indicator_id": i + 1,
                    "period": quarter,
                    "value": str(round(base * r.uniform(0.7, 1.3), 1)),
                    "comparator": str(round(base * r.uniform(0.8, 1.2), 1)),
                    "comparator_label": "Essex",
                    "previous_year": str(round(base * r.uniform(0.8, 1.2), 1)),
                    "note": "",
                    "provisional": q == 3,
                    "locked": q < 2,
                }
            )
    return indicators, values


def generate(spec: Spec, path: Path) -> Generated:
    """Create `path` (replacing it) holding the synthetic partnership described by `spec`."""
    import time

    from sqlalchemy import insert

    from scp_desktop.storage import models as m
    from scp_desktop.storage.database import open_database

    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    mk = _Maker(spec)
    r = mk.rnd
    db, _ = open_database(path, user="bench")
    counts: dict[str, int] = {}
    try:
        partners = mk.partners()
        abbr = {p["id"]: p["abbreviation"] for p in partners}
        leads = [p["id"] for p in partners[:LEAD_AGENCIES]]

        frameworks = [
            {"id": 1, "code": "PFCC", "name": "Police and Crime Plan priorities"},
            {"id": 2, "code": "ECPS", "name": "Essex Community Safety strands"},
        ]
        items = [
            {
                "id": i + 1,
                "framework_id": 1,
                "code": str(i + 1),
                "title": f"PFCC priority {i + 1}",
                "position": i,
            }
            for i in range(PFCC_ITEMS)
        ]
        ecps_titles = ("Serious Violence", "Vulnerabilities", "Organised Crime", "Complex Needs")
        for j, (code, title) in enumerate(zip(ECPS_ITEMS, ecps_titles, strict=True)):
            items.append(
                {
                    "id": PFCC_ITEMS + j + 1,
                    "framework_id": 2,
                    "code": code,
                    "title": title,
                    "position": j,
                }
            )

        priorities = []
        titles = (
            "Tackling organised crime, gangs & county lines",
            "Safeguarding vulnerable people from exploitation and abuse",
            "Reducing violence in the town centre and the night-time economy",
            "Building safer, more cohesive communities",
        )
        for n, title in enumerate(titles, start=1):
            priorities.append(
                {
                    "id": n,
                    "plan_id": 1,
                    "number": n,
                    "kind": "key",
                    "title": title,
                    "commitments": "\n".join(mk.sentence("The Partnership") for _ in range(3)),
                    "evidence": mk.sentence("Strategic Assessment"),
                }
            )
        priorities.append(
            {
                "id": 5,
                "plan_id": 1,
                "number": 5,
                "kind": "other",
                "title": "Other partnership work",
                "commitments": "",
                "evidence": "",
            }
        )
        objectives: list[dict[str, Any]] = [
            {
                "id": i + 1,
                "priority_id": (i % len(priorities)) + 1,
                "title": f"Objective {i + 1}: reduce {r.choice(TOPICS)} in {r.choice(WARDS)}",
                "position": i // len(priorities),
            }
            for i in range(spec.objectives)
        ]

        rows = _PlanRows()
        per_objective: dict[int, int] = {}
        for i in range(spec.actions):
            obj = objectives[i % len(objectives)]
            pos = per_objective.get(obj["id"], 0)
            per_objective[obj["id"]] = pos + 1
            _add_action(mk, rows, i, obj, pos, leads, abbr, len(partners))
        indicators, values = _indicators(mk, leads, abbr)

        acronyms = [
            {"id": p["id"], "abbreviation": p["abbreviation"], "meaning": p["name"]}
            for p in partners
        ]
        for extra, meaning in (
            ("ASB", "Anti-social behaviour"),
            ("CSDB", "Community Safety Delivery Board"),
            ("IOM", "Integrated Offender Management"),
            ("VAWG", "Violence against women and girls"),
            ("NTE", "Night-time economy"),
        ):
            acronyms.append({"id": len(acronyms) + 1, "abbreviation": extra, "meaning": meaning})
        streams = [
            {
                "id": i + 1,
                "source": fund,
                "amount_pence": r.randrange(1_000_000, 50_000_000, 100),
                "year": YEAR,
                "funds": mk.sentence("CBC"),
            }
            for i, fund in enumerate(FUNDS)
        ]

        tables: list[tuple[Any, list[dict[str, Any]]]] = [
            (
                m.Partnership,
                [
                    {
                        "id": 1,
                        "name": f"Synthetic Community Safety Partnership ({spec.actions} actions)",
                        "abbreviation": "SYN",
                        "area": "Colchester Borough",
                        "prepared_by": "Zoë Ashworth, Community Safety Officer",
                        "is_demo": False,
                    }
                ],
            ),
            (m.Partner, partners),
            (m.Framework, frameworks),
            (m.FrameworkItem, items),
            (
                m.Plan,
                [
                    {
                        "id": 1,
                        "year": YEAR,
                        "title": f"Annual Partnership Plan {YEAR}",
                        "status": "live",
                    }
                ],
            ),
            (m.KeyPriority, priorities),
            (m.Objective, objectives),
            (m.Action, rows.actions),
            (m.ActionOutput, rows.outputs),
            (m.FundingLine, rows.funding),
            (m.ActionPartner, rows.action_partners),
            (m.ActionFrameworkItem, rows.action_items),
            (m.QuarterUpdate, rows.updates),
            (m.Indicator, indicators),
            (m.IndicatorValue, values),
            (m.Acronym, acronyms),
            (m.FundingStream, streams),
        ]
        # One transaction: a half-generated benchmark database would give misleading figures.
        with db.session(reason="benchmark data", audit=False) as s:
            for model, rows in tables:
                if rows:
                    s.execute(insert(model), rows)
                counts[model.__tablename__] = len(rows)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return Generated(path=path, spec=spec, counts=counts, seconds=time.perf_counter() - started)


def fingerprint(path: Path) -> str:
    """A hash of every row of every table except the migration bookkeeping, in key order."""
    import hashlib
    import sqlite3

    digest = hashlib.sha256()
    conn = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name != 'alembic_version' ORDER BY name"
            )
        ]
        for name in names:
            digest.update(name.encode())
            for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY 1'):
                digest.update(repr(row).encode())
    finally:
        conn.close()
    return digest.hexdigest()
