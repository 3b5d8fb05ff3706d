"""Quarterly report for a synthetic plan of 500 actions with 600-character narratives.

Compares, in the same run, the full report (gathering + layout) with a bare ReportLab document
holding the same paragraphs in one table. Run: python -m benchmarks.reports [--actions 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import insert, select

from scp_desktop.pdf.base import Styles
from scp_desktop.pdf.quarterly import ACTION_WIDTHS
from scp_desktop.pdf.text import esc
from scp_desktop.services import reports
from scp_desktop.storage.database import Database, open_database
from scp_desktop.storage.models import (
    Action,
    ActionPartner,
    KeyPriority,
    Objective,
    Partner,
    Partnership,
    Plan,
    QuarterUpdate,
)

WORDS = [
    "partners",
    "delivered",
    "sessions",
    "across",
    "wards",
    "with",
    "police",
    "council",
    "housing",
    "youth",
    "service",
    "referrals",
    "increased",
    "engagement",
    "patrols",
    "funding",
    "review",
    "outcome",
    "safeguarding",
    "victims",
    "community",
    "events",
    "schools",
    "training",
    "night-time",
    "economy",
    "hotspot",
    "analysis",
]


def narrative(rng: random.Random, length: int = 600) -> str:
    text = ""
    while len(text) < length:
        text += rng.choice(WORDS) + " "
    return text[:length].strip() + "."


def make_plan(path: Path, actions: int, seed: int = 1) -> Database:
    rng = random.Random(seed)
    db, _ = open_database(path, user="bench")
    with db.session(audit=False) as s:
        s.add(Partnership(name="Benchmark Partnership", area="Somewhere", prepared_by="Bench"))
        partners = [Partner(abbreviation=f"P{i}", name=f"Partner {i}") for i in range(12)]
        s.add_all(partners)
        plan = Plan(year="2022-23", title="Annual Partnership Plan 2022-23", status="live")
        s.add(plan)
        s.flush()
        per_priority = actions // 4
        n = 0
        for k in range(4):
            kp = KeyPriority(plan_id=plan.id, number=k + 1, title=f"Key priority number {k + 1}")
            s.add(kp)
            s.flush()
            for o in range(5):
                obj = Objective(priority_id=kp.id, title=f"Objective {k + 1}.{o + 1}", position=o)
                s.add(obj)
                s.flush()
                count = per_priority // 5 + (1 if o < per_priority % 5 else 0)
                rows = [
                    {
                        "objective_id": obj.id,
                        "reference": f"{k + 1}.{o + 1}.{i + 1}",
                        "title": f"Project {n + i} " + " ".join(rng.sample(WORDS, 4)),
                        "deadline_kind": "ongoing",
                        "deadline_text": "Ongoing",
                        "position": i,
                    }
                    for i in range(count)
                ]
                n += count
                s.execute(insert(Action), rows)
        ids = list(s.scalars(select(Action.id)))
        s.execute(
            insert(ActionPartner),
            [{"action_id": a, "partner_id": partners[a % 12].id, "role": "lead"} for a in ids],
        )
        s.execute(
            insert(QuarterUpdate),
            [
                {
                    "action_id": a,
                    "quarter": q,
                    "rag": rng.choices("RAGB", weights=(5, 15, 65, 15))[0],
                    "narrative": narrative(rng),
                }
                for a in ids
                for q in ("2022-23-Q1", "2022-23-Q2")
            ],
        )
    return db


def bare_document(db: Database, out: Path) -> int:
    """The same paragraphs in one table, with nothing else: the floor for the report's layout.

    It holds what the report prints: every action's narrative, and again those of the Red and
    Amber actions (the exceptions section), in a progress column as wide as the report's.
    """
    with db.session(audit=False) as s:
        rows = s.execute(
            select(Action.reference, Action.title, QuarterUpdate.rag, QuarterUpdate.narrative)
            .join(QuarterUpdate)
            .where(QuarterUpdate.quarter == "2022-23-Q2")
        ).all()
    rows += [r for r in rows if r[2] in ("R", "A")]
    progress = A4[0] - 32 * mm - sum(ACTION_WIDTHS)
    data = [[Paragraph("Ref", Styles.head_cell), Paragraph("Project", Styles.head_cell),
             Paragraph("RAG", Styles.head_cell), Paragraph("Progress", Styles.head_cell)]]  # fmt: skip
    data += [
        [
            Paragraph(esc(r), Styles.cell),
            Paragraph(esc(t), Styles.cell),
            Paragraph(rag, Styles.chip_dark),
            Paragraph(esc(n), Styles.cell_small),
        ]
        for r, t, rag, n in rows
    ]
    widths = [12 * mm, A4[0] - 32 * mm - 22 * mm - progress, 10 * mm, progress]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "grey"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm)
    doc.build([table])
    return len(PdfReader(str(out)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        db = make_plan(base / "bench.db", args.actions)
        plan_id = reports.plan_for_quarter(db, "2022-23-Q2")
        full, bare = [], []
        pages_full = pages_bare = 0
        for _ in range(args.runs):
            started = time.perf_counter()
            pages_bare = bare_document(db, base / "bare.pdf")
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            pages_full = reports.build_report(
                db, "quarterly", base / "full.pdf", plan_id=plan_id, quarter="2022-23-Q2",
                today=dt.date(2022, 10, 20),
            )  # fmt: skip
            full.append(time.perf_counter() - started)
        f, b = statistics.median(full), statistics.median(bare)
        print(f"Quarterly report, {args.actions} actions, 600-character narratives")
        print(f"  full report : {f:5.2f} s  {pages_full:4d} pages  (median of {args.runs})")
        print(f"  bare table  : {b:5.2f} s  {pages_bare:4d} pages")
        print(f"  ratio       : {f / b:5.2f}x")
        db.close()


if __name__ == "__main__":
    main()
