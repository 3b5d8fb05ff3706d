"""The action table's filter: which rows to show, and how to say so in words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scp_desktop.domain.rag import RAG
    from scp_desktop.services.plan_reads import ActionRow


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

    def matches(
        self, row: ActionRow, quarter_number: int, search_texts: Mapping[int, bytes] | None = None
    ) -> bool:
        return self.predicate(quarter_number, search_texts)(row)

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

    def predicate(
        self, quarter_number: int, search_texts: Mapping[int, bytes] | None = None
    ) -> Callable[[ActionRow], bool]:
        """One function testing every condition, built once per filter change.

        `search_texts` maps action ids to their lower-case title, about, reference and
        narratives in UTF-8 (`workspace.load_search_texts`); without it the text is looked
        for in the row's own title, about and reference only.
        """
        checks = _text_checks(self.text.lower().split(), search_texts)
        checks += self._field_checks(quarter_number)
        if len(checks) == 1:
            return checks[0]
        return lambda r: all(check(r) for check in checks)

    def _field_checks(self, quarter_number: int) -> list[Callable[[ActionRow], bool]]:
        """The checks of the chosen lead, priority, objective, RAG, flags and status."""
        checks: list[Callable[[ActionRow], bool]] = []
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
        return checks


def _text_checks(
    words: list[str], search_texts: Mapping[int, bytes] | None
) -> list[Callable[[ActionRow], bool]]:
    """The checks that every searched word is found, in the search texts or the row's own."""
    checks: list[Callable[[ActionRow], bool]] = []
    if words and search_texts is not None:
        texts = search_texts
        pairs = [(word.encode(), word) for word in words]
        if len(pairs) == 1:
            ((one_raw, one_word),) = pairs

            # One word (the usual case): no loop over words for each of thousands of rows.
            def word_ok(row: ActionRow) -> bool:
                return one_raw in texts.get(row.id, b"") or one_word in row.lead_lower

            checks.append(word_ok)

        def text_ok(row: ActionRow) -> bool:
            text = texts.get(row.id, b"")
            # Every word must appear somewhere: "knife crime" finds "crime ... knife".
            # A plain loop: all() with a generator costs a third more per keystroke.
            for raw, word in pairs:  # noqa: SIM110
                if raw not in text and word not in row.lead_lower:
                    return False
            return True

        if len(pairs) > 1:
            checks.append(text_ok)
    elif words:

        def own_text_ok(row: ActionRow) -> bool:
            text = f"{row.title} {row.about} {row.reference}".lower()
            for word in words:  # noqa: SIM110
                if word not in text and word not in row.lead_lower:
                    return False
            return True

        checks.append(own_text_ok)
    return checks
