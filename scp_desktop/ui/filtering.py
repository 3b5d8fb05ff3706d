"""The action table's filter: which rows to show, and how to say so in words."""

from __future__ import annotations

from collections.abc import Callable
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
        return self.predicate(quarter_number)(row)

    def narrows(self, previous: ActionFilter) -> bool:
        """True when every row this filter shows is also shown by `previous` (typing on
        in the search box), so only the rows already shown need checking."""
        if replace(self, text=previous.text) != previous:
            return False
        old_words = previous.text.lower().split()
        new_words = self.text.lower().split()
        # Each old word must still be required, possibly lengthened ("kn" → "knife").
        return len(new_words) >= len(old_words) and all(
            old in new for old, new in zip(old_words, new_words, strict=False)
        )

    def predicate(self, quarter_number: int) -> Callable[[ActionRow], bool]:
        """One function testing every condition, built once per filter change."""
        checks: list[Callable[[ActionRow], bool]] = []
        words = self.text.lower().split()
        if words:

            def text_ok(row: ActionRow) -> bool:
                # Every word must appear somewhere: "knife crime" finds "crime ... knife".
                for word in words:
                    if word not in row.search_text and word not in row.lead_lower:
                        return False
                return True

            checks.append(text_ok)
        if self.lead_id is not None:
            lead = self.lead_id
            checks.append(lambda r: lead in r.lead_ids)
        if self.priority_id is not None:
            pid = self.priority_id
            checks.append(lambda r: r.priority_id == pid)
        if self.objective_id is not None:
            oid = self.objective_id
            checks.append(lambda r: r.objective_id == oid)
        if self.rag is not None:
            rag, i = self.rag, quarter_number - 1
            checks.append(lambda r: r.rags[i] is rag)
        if self.not_reported:
            checks.append(lambda r: r.not_reported)
        if self.overdue:
            checks.append(lambda r: r.overdue)
        if self.framework_item:
            item = self.framework_item
            checks.append(lambda r: item in r.frameworks)
        if self.status:
            status = self.status
            checks.append(lambda r: r.status == status)
        if len(checks) == 1:
            return checks[0]
        return lambda r: all(check(r) for check in checks)
