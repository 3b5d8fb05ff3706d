"""Read views of plans for the interface and reports: plain dataclasses, never ORM objects."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from scp_desktop.domain.rag import RAG
from scp_desktop.services import plan_reads
from scp_desktop.services.errors import UserError
from scp_desktop.services.plan_reads import PartnershipInfo, PlanInfo
from scp_desktop.storage.database import Database, sqlite_connection
from scp_desktop.storage.models import (
    Action,
    KeyPriority,
    Objective,
    Plan,
    QuarterUpdate,
)


@dataclass
class ActionNode:
    id: int
    reference: str
    title: str
    rag: RAG | None


@dataclass
class ObjectiveNode:
    id: int
    title: str
    actions: list[ActionNode] = field(default_factory=list)

    @property
    def rag_mix(self) -> Counter[RAG]:
        return Counter(a.rag for a in self.actions if a.rag is not None)


@dataclass
class PriorityNode:
    id: int
    number: int
    title: str
    objectives: list[ObjectiveNode] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        return sum(len(o.actions) for o in self.objectives)

    @property
    def rag_mix(self) -> Counter[RAG]:
        total: Counter[RAG] = Counter()
        for o in self.objectives:
            total.update(o.rag_mix)
        return total


@dataclass
class PlanTree:
    plan: PlanInfo
    quarter: str
    priorities: list[PriorityNode]


# The two reads every opening of the window makes, in SQL text on the session's connection:
# the ORM compiles a statement on its first use by each database opened, which takes longer
# than these queries do.


def partnership(db: Database) -> PartnershipInfo | None:
    with db.reading() as s:
        return plan_reads.partnership(sqlite_connection(s))


def list_plans(db: Database) -> list[PlanInfo]:
    with db.reading() as s:
        return plan_reads.plans(sqlite_connection(s))


def plan_tree(db: Database, plan_id: int, quarter: str) -> PlanTree:
    """Priorities → objectives → actions, with each action's RAG for `quarter`."""
    with db.session(audit=False) as s:
        plan = s.get(
            Plan,
            plan_id,
            options=[
                selectinload(Plan.priorities)
                .selectinload(KeyPriority.objectives)
                .selectinload(Objective.actions)
            ],
        )
        if plan is None:
            raise UserError(f"Plan {plan_id} no longer exists.")
        rags: dict[int, str] = {
            action_id: rag
            for action_id, rag in s.execute(
                select(QuarterUpdate.action_id, QuarterUpdate.rag)
                .join(Action)
                .join(Objective)
                .join(KeyPriority)
                .where(KeyPriority.plan_id == plan_id, QuarterUpdate.quarter == quarter)
            )
        }
        priorities = [
            PriorityNode(
                kp.id,
                kp.number,
                kp.title,
                [
                    ObjectiveNode(
                        o.id,
                        o.title,
                        [
                            ActionNode(
                                a.id,
                                a.reference,
                                a.title,
                                RAG(rags[a.id]) if a.id in rags else None,
                            )
                            for a in o.actions
                        ],
                    )
                    for o in kp.objectives
                ],
            )
            for kp in plan.priorities
        ]
        return PlanTree(PlanInfo(plan.id, plan.year, plan.title, plan.status), quarter, priorities)
