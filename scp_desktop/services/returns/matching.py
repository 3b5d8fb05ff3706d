"""Matching a return's row to the plan's action, and what applying the row would do."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz, process

from scp_desktop.domain.rag import RAG
from scp_desktop.excel.return_reader import normalise_reference, tidy_narrative
from scp_desktop.services.returns.index import (
    ExistingUpdate,
    PlanAction,
    PlanIndex,
    action_label,
    normalise_title,
    shorten,
)

MATCH_SURE = 88.0


MATCH_CLOSE = 95.0  # a title match this close needs no confirmation


MATCH_WEAK = 65.0


MATCH_MARGIN = 6.0


class Outcome(StrEnum):
    UPDATE = "update"
    UNCHANGED = "unchanged"
    WARNING = "warning"
    ERROR = "error"
    UNMATCHED = "unmatched"


@dataclass
class Candidate:
    action_id: int
    label: str  # '1.1.2 Op Enlightenment'
    score: float


@dataclass(slots=True)  # one per row read: thousands in a large import
class PreviewRow:
    file: str
    sheet: str
    row: int
    reference: str  # as written in the file
    title: str
    rag: RAG | None
    rag_from_fill: bool
    written: Any  # the progress update cell as read; `narrative` is its tidy text
    reported_by: str
    reported_on: Any  # datetime.date | None
    problems: Sequence[str]
    notes: Sequence[str]
    supporting: bool
    action_id: int | None = None
    match_how: str = ""  # template | reference | title | officer
    match_score: float | None = None
    candidates: Sequence[Candidate] = ()  # the likely actions, best first, when the match is unsure
    outcome: Outcome = Outcome.UNMATCHED
    message: str = ""
    selected: bool = False
    overwrite: bool = True
    has_existing: bool = False
    file_index: int = 0
    rag_text: str = ""  # the RAG cell as written
    rag_rule: str = ""  # how it was read ('“behind schedule” read as Amber'), or why not
    rag_choices: Sequence[RAG] = ()  # 'G/A': the statuses the officer chooses between
    rag_by_officer: bool = False
    # Tidied when first asked for: a dry run compares only the rows whose RAG is unchanged.
    _narrative: str | None = field(default=None, repr=False, compare=False)

    @property
    def narrative(self) -> str:
        if self._narrative is None:
            self._narrative = tidy_narrative(self.written)
        return self._narrative

    def add_note(self, text: str) -> None:
        self.notes = [*self.notes, text]

    @property
    def applicable(self) -> bool:
        """Whether ticking the row can write something.

        A RAG written but not readable still lets the progress update apply over an update
        already held, whose RAG is left as it was.
        """
        return (
            self.action_id is not None
            and not self.problems
            and (self.rag is not None or self.keeps_rag)
        )

    @property
    def keeps_rag(self) -> bool:
        """Applying imports the progress update only: the RAG written could not be read."""
        return self.rag is None and bool(self.rag_text) and self.has_existing

    @property
    def rag_unread(self) -> bool:
        return self.rag is None and bool(self.rag_text)


def match(index: PlanIndex, row: PreviewRow) -> None:
    """Find the action by reference, else by title (fuzzy, with a score)."""
    if row.reference:
        found = index.by_reference.get(normalise_reference(row.reference))
        if found is not None:
            action = index.actions[found]
            if not row.title or _title_score(index, row.title, found) >= MATCH_WEAK:
                row.action_id, row.match_how, row.match_score = found, "reference", 100.0
                return
            row.add_note(
                f"reference {row.reference} is '{action.title}', which does not look like '{row.title}'"
            )
        else:
            row.add_note(f"no action has reference '{row.reference}'")
    if not row.title:
        return
    query = normalise_title(row.title)
    exact = index.by_title.get(query, [])
    if len(exact) == 1:
        row.action_id, row.match_how, row.match_score = exact[0], "title", 100.0
        return
    results = _title_candidates(index, query)
    row.candidates = [
        Candidate(key, action_label(index.actions[key]), round(score, 1)) for score, key in results
    ]
    if not results:
        return
    best_score = results[0][0]
    second = results[1][0] if len(results) > 1 else 0.0
    if best_score >= MATCH_SURE and best_score - second >= MATCH_MARGIN:
        row.action_id, row.match_how, row.match_score = (
            results[0][1],
            "title",
            round(best_score, 1),
        )


def _title_candidates(index: PlanIndex, query: str) -> list[tuple[float, int]]:
    """The three best (score, action id) for a normalised title, best first; computed once per title."""
    cached = index.fuzzy_results.get(query)
    if cached is not None:
        return cached
    keys, titles, sorted_titles = index.title_list
    # token_sort_ratio is the plain ratio of the titles with their words sorted: sorting the
    # plan's titles once, not once per row, makes this scan several times faster. Lists keep
    # the plan order, so ties go to the earlier action as before.
    positions = {
        found[2]
        for found in process.extract(
            " ".join(sorted(query.split())), sorted_titles, scorer=fuzz.ratio, limit=6
        )
    }
    positions.update(
        found[2] for found in process.extract(query, titles, scorer=fuzz.token_set_ratio, limit=6)
    )

    results = sorted(
        ((title_score(index, query, titles[p]), keys[p]) for p in positions),
        key=lambda r: (-r[0], r[1]),
    )[:3]
    index.fuzzy_results[query] = results
    return results


def _scorer(query: str, choice: str, **_: Any) -> float:
    """The fast character-level similarity, used only to find candidates for `title_score`."""
    return max(
        float(fuzz.token_sort_ratio(query, choice)),
        0.95 * float(fuzz.token_set_ratio(query, choice)),
    )


# Words that say nothing about which action is meant.
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "our",
        "its",
    ]
)


def _word_weights(index: PlanIndex, words: Sequence[str]) -> list[float]:
    # A word many of the plan's titles share ('awareness', 'week', 'project', 'op') tells
    # little; a word no title has tells most. Years and numbers say little either way.
    counts = index.word_counts
    total = len(index.titles) + 1
    out = []
    for w in words:
        if w in _STOP_WORDS:
            out.append(0.0)
        elif w.isdigit():
            out.append(0.5)
        else:
            out.append(math.log(total / (counts.get(w, 0) + 1)) + 1.0)
    return out


@functools.lru_cache(maxsize=65536)  # the same few thousand words meet again and again
def _word_credit(a: str, b: str) -> float:
    """How far word `a` is word `b`: 1 the same, less for a typo or an abbreviation, else 0."""
    if a == b:
        return 1.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and long.startswith(short):
        return 0.9  # 'dom' for 'domestic', 'support' for 'supporting', 'educ' for 'education'
    if len(short) >= 4:
        ratio = fuzz.ratio(a, b)
        if ratio >= 80:
            return ratio / 100  # 'enlightment' for 'enlightenment', 'visit' for 'visits'
    if len(short) >= 3 and short[0] == long[0] and len(short) >= 0.4 * len(long):
        letters = iter(long)
        if all(ch in letters for ch in short):
            return 0.8  # 'trng' for 'training', 'mgmt' for 'management'
    return 0.0


def _covered(words: Sequence[str], other: Sequence[str]) -> list[float]:
    """Each word's best credit against the other title, an acronym counting for the words it spells."""
    credits = [max((_word_credit(w, o) for o in other), default=0.0) for w in words]
    # 'TCAP' in one title spells 'Town Centre Action Plan' in the other, 'CSEOs' 'Community
    # Safety and Engagement Officers': both count (little words may be left out of an acronym).
    telling = [i for i, w in enumerate(words) if w not in _STOP_WORDS]
    for o in other:
        for i in _spelt_by(o, words, telling):
            credits[i] = 1.0
    other_telling = [i for i, w in enumerate(other) if w not in _STOP_WORDS]
    for i, w in enumerate(words):
        if credits[i] < 1.0 and _spelt_by(w, other, other_telling):
            credits[i] = 1.0
    # 'Boxsmart' for 'Box Smart', 'web site' for 'website': a word written as two, or two as one.
    joined = {a + b for a, b in itertools.pairwise(other)}
    for i, w in enumerate(words):
        if w in joined:
            credits[i] = 1.0
        if i + 1 < len(words) and w + words[i + 1] in other:
            credits[i] = credits[i + 1] = 1.0
    return credits


def _spelt_by(acronym: str, words: Sequence[str], telling: Sequence[int]) -> list[int]:
    """The positions of the words whose initials `acronym` is ('cseos': plural too), or []."""
    if len(acronym) < 2 or acronym.isdigit():
        return []
    for letters in (acronym, acronym[:-1] if len(acronym) > 3 and acronym.endswith("s") else ""):
        n = len(letters)
        if n < 2:
            continue
        for start in range(len(telling) - n + 1):
            run = telling[start : start + n]
            if "".join(words[i][0] for i in run) == letters:
                return list(range(run[0], run[-1] + 1))
    return []


def title_score(index: PlanIndex, query: str, title: str) -> float:
    """How surely a (normalised) title a return holds is a (normalised) title of the plan, 0–100.

    The share of each title's telling words found in the other, weighted by how rare each
    word is in the plan: retyped titles, typos, abbreviations and acronyms score high; titles
    that only share the plan's common words ('awareness week', 'project') score low.
    """
    if query == title or query.replace(" ", "") == title.replace(" ", ""):
        return 100.0
    q, t = query.split(), title.split()
    if not q or not t:
        return 0.0
    wq, wt = _word_weights(index, q), _word_weights(index, t)
    if not any(wq):
        wq = [1.0] * len(q)  # a title of little words only: each counts
    if not any(wt):
        wt = [1.0] * len(t)
    cq = _covered(q, t)
    ct = _covered(t, q)
    of_query = sum(w * c for w, c in zip(wq, cq, strict=True)) / sum(wq)
    of_title = sum(w * c for w, c in zip(wt, ct, strict=True)) / sum(wt)
    # What the partner wrote matters most: a shortened title is still the action.
    if _all_found(wq, cq) or _all_found(wt, ct):
        # Every word of one title is in the other: a title shortened or added to
        # ('Mobile CCTV', 'Crucial Crew event'), scored by how much was left out or added.
        score = CONTAINED_FLOOR + (1 - CONTAINED_FLOOR) * min(of_query, of_title)
    else:
        score = 0.6 * of_query + 0.4 * of_title
    # A telling word on each side that the other lacks is a different thing, not a retyping:
    # 'Fire station open day' is not 'Police station open day'.
    if _has_unmatched(wq, cq) and _has_unmatched(wt, ct):
        score *= SUBSTITUTION_FACTOR
    return round(100.0 * score, 1)


SUBSTITUTION_FACTOR = 0.8


CONTAINED_FLOOR = 0.8


def _all_found(weights: Sequence[float], credits: Sequence[float]) -> bool:
    return all(c == 1.0 for w, c in zip(weights, credits, strict=True) if w > 0)


def _has_unmatched(weights: Sequence[float], credits: Sequence[float]) -> bool:
    return any(w > 0.5 and c == 0.0 for w, c in zip(weights, credits, strict=True))


def _title_score(index: PlanIndex, title: str, action_id: int) -> float:
    return title_score(index, normalise_title(title), index.titles[action_id])


def evaluate(index: PlanIndex, row: PreviewRow, *, file_agency: str = "") -> None:
    """Decide the row's outcome and message from its match and values (again after any fix)."""
    action = index.actions.get(row.action_id) if row.action_id is not None else None
    row.has_existing = bool(action and action.existing)
    if action is None:
        row.outcome, row.message = unmatched_verdict(row)
        row.selected = False
        return
    existing = action.existing
    stopped = refused_verdict(index, row, existing)
    if stopped is None and row.rag is not None:
        stopped = unchanged_verdict(index, row, existing)
    if stopped is not None:
        row.outcome, row.message = stopped
        row.selected = False
        return
    if row.rag is None:
        _evaluate_unread_rag(row, existing)
        return
    warnings, note = match_doubts(row)
    lead = lead_doubt(row, action, file_agency)
    if lead:
        warnings.append(lead)
    change = _CHANGES[(existing.rag if existing is not None else None, row.rag)]
    row.message = "; ".join([change, *warnings, *row.notes, *([note] if note else [])])
    if warnings:
        row.outcome = Outcome.WARNING
        row.selected = row.match_how == "officer"
    else:
        row.outcome = Outcome.UPDATE
        row.selected = existing is None or row.overwrite


Verdict = tuple[Outcome, str]


def unmatched_verdict(row: PreviewRow) -> Verdict:
    """A row matched to no action: the likely actions named, or what was looked for."""
    weak = [c for c in row.candidates if c.score >= MATCH_WEAK]
    if weak:
        best = weak[0]
        ambiguous = len(weak) > 1 and weak[0].score - weak[1].score < MATCH_MARGIN
        return Outcome.WARNING, (
            f"'{row.title}' could be {best.label} ({best.score:.0f}%)"
            + (f" or {weak[1].label} ({weak[1].score:.0f}%)" if ambiguous else "")
            + ": choose the action to apply it"
        )
    what = f"reference '{row.reference}'" if row.reference else ""
    what += (" or " if what else "") + (f"a title like '{shorten(row.title)}'" if row.title else "")
    return Outcome.UNMATCHED, f"No action of the plan has {what}"


def refused_verdict(
    index: PlanIndex, row: PreviewRow, existing: ExistingUpdate | None
) -> Verdict | None:
    """A matched row that cannot apply: problems read, nothing given, or a locked quarter."""
    if row.problems:
        return Outcome.ERROR, "; ".join(row.problems)
    if row.rag is None and not row.rag_text:
        if row.narrative:
            return Outcome.ERROR, "A progress update but no RAG: set it (R, A, G or B)"
        return Outcome.UNCHANGED, "Left blank in the return: nothing to import"
    if index.signed_off or (existing is not None and existing.locked):
        return Outcome.ERROR, f"{index.quarter.label} is signed off: its updates are locked"
    return None


def unchanged_verdict(
    index: PlanIndex, row: PreviewRow, existing: ExistingUpdate | None
) -> Verdict | None:
    """A row with a RAG that would change nothing: the same update, or the officer keeps the held one."""
    if existing is None:
        return None
    if (
        existing.rag == row.rag
        and existing.narrative.strip() == row.narrative.strip()
        and (not row.reported_by or existing.reported_by == row.reported_by)
    ):
        return Outcome.UNCHANGED, f"Same as the update already held for {index.quarter.label}"
    if not row.overwrite:
        return Outcome.UNCHANGED, (
            f"Keep the existing update ({existing.rag.label}): the return's row is not applied"
        )
    return None


def match_doubts(row: PreviewRow) -> tuple[list[str], str]:
    """Warnings about how the row was matched, and at most one note (a close title, the officer's choice)."""
    score = row.match_score
    if row.match_how == "title" and score is not None and score < 100:
        if score < MATCH_CLOSE:
            return [f"matched by title at {score:.0f}%: check it is the right action"], ""
        return [], f"matched by title ({score:.0f}%)"
    if row.match_how == "officer":
        return [], "match chosen by you"
    return [], ""


def lead_doubt(row: PreviewRow, action: PlanAction, file_agency: str) -> str:
    """Why the row may not be the lead agency's word on the action ('' when it is)."""
    leads = ", ".join(action.leads)
    if row.supporting:
        return f"from a supporting agency's sheet (lead: {leads})"
    trusted = row.match_how in ("template", "officer")
    if (
        file_agency
        and action.leads
        and not trusted
        and file_agency.upper() not in {x.upper() for x in action.leads}
    ):
        return f"{file_agency} does not lead this action (lead: {leads})"
    return ""


def _evaluate_unread_rag(row: PreviewRow, existing: ExistingUpdate | None) -> None:
    """A RAG written but not read: the officer sets it, or imports the progress update alone."""
    why = row.rag_rule or f"RAG “{row.rag_text}” is not Red, Amber, Green or Blue"
    row.selected = False
    if existing is None:
        row.outcome = Outcome.ERROR
        row.message = f"{why}: set the RAG (R, A, G or B) to import this row"
    elif existing.narrative.strip() == row.narrative.strip() or not row.narrative:
        row.outcome = Outcome.UNCHANGED
        row.message = f"{why}; the progress update is the one already held"
    elif not row.overwrite:
        row.outcome = Outcome.UNCHANGED
        row.message = (
            f"Keep the existing update ({existing.rag.label}): the return's row is not applied"
        )
    else:
        row.outcome = Outcome.WARNING
        row.message = (
            f"{why}: set the RAG (R, A, G or B), or tick the row to import its progress update "
            f"with the RAG left {existing.rag.label}"
        )


# What an applicable row does, by (RAG held, RAG returned): the start of every row's message.
_CHANGES: dict[tuple[RAG | None, RAG], str] = {
    (old, new): (
        f"New update: {new.label}"
        if old is None
        else f"RAG change {old.label} → {new.label}"
        if old is not new
        else f"RAG stays {new.label}; progress update replaced"
    )
    for old in (None, *RAG)
    for new in RAG
}
