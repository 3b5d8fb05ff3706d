"""The action table's filter: which rows to show, and how to say so in words."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from scp_desktop.domain.rag import RAG
from scp_desktop.services.workspace import ActionRow


@dataclass(frozen=True)
class ActionFilter:
    """Combinable conditions; an empty filter (the default) shows every row."""

    text: str = ""
    lead_id: int | None = None
    priority_id: int | None = None
    objective_id: int | None = None
    rag: RAG | None = None  # RAG this quarter
    not_reported: bool = False
    overdue: bool = False
    framework_item: str = ""  # "PFCC:3" or "ECPS:Serious Violence"
    status: str = ""  # "" = any

    @property
    def is_empty(self) -> bool:
        return self == ActionFilter()

    def without(self, name: str) -> ActionFilter:
        default = getattr(ActionFilter(), name)
        return replace(self, **{name: default})

    def active_names(self) -> list[str]:
        empty = ActionFilter()
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(empty, f.name)]

    def matches(self, row: ActionRow, quarter_number: int) -> bool:
        if self.text:
            # Every word must appear somewhere: "knife crime" finds "crime ... knife".
            for word in self.text.lower().split():
                if word not in row.search_text and word not in row.lead.lower():
                    return False
        if self.lead_id is not None and self.lead_id not in row.lead_ids:
            return False
        if self.priority_id is not None and row.priority_id != self.priority_id:
            return False
        if self.objective_id is not None and row.objective_id != self.objective_id:
            return False
        if self.rag is not None and row.rags[quarter_number - 1] is not self.rag:
            return False
        if self.not_reported and not row.not_reported:
            return False
        if self.overdue and not row.overdue:
            return False
        if self.framework_item and self.framework_item not in row.frameworks:
            return False
        return not (self.status and row.status != self.status)
