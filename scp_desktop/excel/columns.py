"""What a spreadsheet's columns mean ("Status (RAG)", "Comments / progress this quarter"…) and where the header is.

Partners rename, reorder and decorate the columns of their returns; the header is often below a
title or banner. A column's meaning is read from its header text; the officer's corrections,
remembered per agency, take precedence over the built-in rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Meaning(StrEnum):
    REFERENCE = "reference"
    TITLE = "title"
    RAG = "rag"
    PROGRESS = "progress"
    REPORTED_BY = "reported_by"
    REPORTED_ON = "reported_on"
    LEAD = "lead"
    SUPPORT = "support"
    DEADLINE = "deadline"
    PREVIOUS = "previous"  # last quarter's RAG or narrative: shown for context, never imported
    PRIORITY = "priority"
    OBJECTIVE = "objective"
    ABOUT = "about"
    OUTCOMES = "outcomes"
    TARGET_AREA = "target_area"
    FUNDING = "funding"
    PFCC = "pfcc"
    ECPS = "ecps"
    FRAMEWORK = "framework"  # another framework's codes: which one, its heading says
    STATUS = "status"  # of a plan's action: active, complete, dropped
    NOTES = "notes"  # a plan column kept with the action as a note
    IGNORE = "ignore"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Meaning.REFERENCE: "Reference",
    Meaning.TITLE: "Project / initiative",
    Meaning.RAG: "RAG",
    Meaning.PROGRESS: "Progress update",
    Meaning.REPORTED_BY: "Reported by",
    Meaning.REPORTED_ON: "Date",
    Meaning.LEAD: "Lead agency",
    Meaning.SUPPORT: "Supporting agencies",
    Meaning.DEADLINE: "By when",
    Meaning.PREVIOUS: "Last quarter (not imported)",
    Meaning.PRIORITY: "Key priority",
    Meaning.OBJECTIVE: "Objective",
    Meaning.ABOUT: "About",
    Meaning.OUTCOMES: "Outcomes",
    Meaning.TARGET_AREA: "Target area",
    Meaning.FUNDING: "Funding",
    Meaning.PFCC: "PFCC priority",
    Meaning.ECPS: "ECPS strand",
    Meaning.FRAMEWORK: "Cross-reference (framework)",
    Meaning.STATUS: "Status",
    Meaning.NOTES: "Notes (kept with the action)",
    Meaning.IGNORE: "Not used",
}

RETURN_MEANINGS = (
    Meaning.REFERENCE,
    Meaning.TITLE,
    Meaning.RAG,
    Meaning.PROGRESS,
    Meaning.REPORTED_BY,
    Meaning.REPORTED_ON,
    Meaning.LEAD,
)


def normalise_header(text: object) -> str:
    if isinstance(text, str):
        return _normalise_header_text(text)
    return _normalise_header_text("" if text is None else str(text))


def same_heading(a: str, b: str) -> bool:
    """Two headings name the same column as the header search reads them (normalise_header):
    differing only in case, spacing, "&" for "and", and most punctuation."""
    key = normalise_header(a)
    return key != "" and key == normalise_header(b)


@functools.lru_cache(maxsize=8192)
def _normalise_header_text(raw: str) -> str:
    # The header search looks at the same cells of every file of a batch: cache the cleaning.
    raw = raw.replace("&", " and ").replace("\n", " ").lower()
    raw = re.sub(r"[^a-z0-9/£#() ]+", " ", raw)
    return re.sub(r"\s+", " ", raw).strip()


_RULES: tuple[tuple[str, Meaning], ...] = (
    (r"\bpfcc\b|police (and )?crime (plan|priorit)|\bpcc\b", Meaning.PFCC),
    (r"\becps\b|\bstrand", Meaning.ECPS),
    (
        r"\b(last|previous|prev|prior)\b.*\b(rag|status|progress|update|comment|narrative)",
        Meaning.PREVIOUS,
    ),
    (
        r"^(ref|ref no|reference|reference no|ref number|no|#|id|item|item no|action ref|action no|action number|action id)$",
        Meaning.REFERENCE,
    ),
    (r"\bref(erence)?\b", Meaning.REFERENCE),
    (
        r"\b(reported|completed|updated|submitted|filled in|returned) by\b|^name$|\bofficer\b|\bauthor\b|^your name",
        Meaning.REPORTED_BY,
    ),
    (
        r"\b(by when|deadline|timing|timescale|due|target date|end date|completion date|delivery date)\b",
        Meaning.DEADLINE,
    ),
    (r"^date\b|\bdate$|\bdate (of|updated|completed|returned)\b|\bas at\b", Meaning.REPORTED_ON),
    (r"\brag\b|^status\b|\bstatus$|\brating\b|\bred amber green\b", Meaning.RAG),
    (r"\bprogress\b|\bcomment|\bupdate\b|\bnarrative\b|\bcommentary\b|^notes?$", Meaning.PROGRESS),
    (r"\bsupport", Meaning.SUPPORT),
    (r"\blead\b|\bagency\b|\bpartner\b|\bowner\b|\bresponsible\b", Meaning.LEAD),
    (r"\bobjective", Meaning.OBJECTIVE),
    (r"\bpriority\b|\btheme\b", Meaning.PRIORITY),
    (
        r"\bproject\b|\binitiative\b|\baction\b|\bactivity\b|\btitle\b|\bscheme\b|\bintervention\b",
        Meaning.TITLE,
    ),
    (r"\babout\b|\bdescription\b|\bdetail|\bsummary\b", Meaning.ABOUT),
    (r"\boutcome|\boutput", Meaning.OUTCOMES),
    (r"\btarget area\b|\bwards?\b|\barea\b|\blocation\b", Meaning.TARGET_AREA),
    (r"\bfunding\b|\bbudget\b|\bcost\b|£", Meaning.FUNDING),
)
_COMPILED = tuple((re.compile(p), m) for p, m in _RULES)
_QUARTER_IN_HEADER = re.compile(r"\bq\s?([1-4])\b")


def meaning_of(
    header: object, *, quarter_number: int | None = None, overrides: Mapping[str, str] | None = None
) -> Meaning | None:
    """The meaning of one header cell; None when nothing is recognised."""
    if isinstance(header, str) and len(header) > 120:
        return None  # a sentence or a narrative, not a header
    key = normalise_header(header)
    if not key:
        return None
    if overrides and key in overrides:
        try:
            return Meaning(overrides[key])
        except ValueError:
            pass
    return _meaning_of_key(key, quarter_number)


@functools.lru_cache(maxsize=2048)
def _meaning_of_key(key: str, quarter_number: int | None) -> Meaning | None:
    # Header search looks at every text cell of the first rows of every file: cache the rules.
    if len(key) > 80:
        return None  # a sentence, not a header
    for pattern, meaning in _COMPILED:
        if pattern.search(key):
            if (
                meaning in (Meaning.RAG, Meaning.PROGRESS)
                and quarter_number is not None
                and (m := _QUARTER_IN_HEADER.search(key))
                and int(m.group(1)) != quarter_number
            ):
                return Meaning.PREVIOUS
            return meaning
    return None


@dataclass
class ColumnMap:
    """Where the header of a sheet is and what each of its columns means."""

    header_row: int  # 1-based
    headers: list[str]
    meanings: dict[int, Meaning] = field(default_factory=dict)  # 0-based column → meaning

    def column(self, meaning: Meaning) -> int | None:
        return next((c for c, m in self.meanings.items() if m is meaning), None)

    def has(self, meaning: Meaning) -> bool:
        return self.column(meaning) is not None


HEADER_SEARCH_ROWS = 30


def detect_header(
    rows: Sequence[Sequence[Any]],
    *,
    needed: Sequence[Meaning] = (Meaning.TITLE, Meaning.REFERENCE),
    quarter_number: int | None = None,
    overrides: Mapping[str, str] | None = None,
) -> ColumnMap | None:
    """Find the header row below any title or banner rows.

    The header is the row among the first few that names the most distinct meanings, one of
    which must be in `needed` (a return without a title or reference column cannot be matched).
    """
    limit = rows[:HEADER_SEARCH_ROWS]
    candidates: list[tuple[int, Sequence[Any]]] = [
        (index + 1, row) for index, row in enumerate(limit)
    ]
    # A two-row header: a group heading ("Q2 update") over its columns ("RAG", "Comments").
    for index in range(len(limit) - 1):
        combined = _two_row_header(limit[index], limit[index + 1])
        if combined is not None:
            candidates.append((index + 2, combined))
    found = best_header(
        candidates,
        lambda cell: meaning_of(cell, quarter_number=quarter_number, overrides=overrides),
        needed=needed,
        repeatable=(Meaning.PREVIOUS, Meaning.IGNORE),
    )
    if found is None:
        return None
    header_row, row, meanings = found
    meanings = {c: m for c, m in meanings.items() if m is not Meaning.IGNORE}
    return ColumnMap(
        header_row=header_row,
        headers=["" if c is None else str(c).strip() for c in row],
        meanings=meanings,
    )


def best_header[M](
    candidates: Sequence[tuple[int, Sequence[Any]]],
    classify: Callable[[str], M | None],
    *,
    needed: Sequence[M],
    repeatable: Sequence[M] = (),
    min_score: int = 2,
) -> tuple[int, Sequence[Any], dict[int, M]] | None:
    """The candidate row (row number, cells) naming the most distinct meanings, one of them `needed`.

    Shared by every importer (returns, indicator values): the header is found below any title
    or banner rows the same way whatever the columns mean. `classify` gives a text cell's
    meaning; meanings in `repeatable` may name several columns and do not add to the score.
    Ties go to the higher row.
    """
    best: tuple[int, Sequence[Any], dict[int, M]] | None = None
    best_score = 0
    for header_row, row in candidates:
        texts = [c for c in row if isinstance(c, str) and c.strip()]
        if len(texts) < min(2, min_score):
            continue
        meanings: dict[int, M] = {}
        taken: set[M] = set()
        for col, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            meaning = classify(cell)
            if meaning is None:
                continue
            # The first column of a meaning wins; later ones are context (e.g. a second comment).
            if meaning in taken and meaning not in repeatable:
                continue
            meanings[col] = meaning
            taken.add(meaning)
        if not any(m in taken for m in needed):
            continue
        score = len(taken - set(repeatable))
        if score >= min_score and (
            score > best_score or (score == best_score and best and header_row < best[0])
        ):
            best_score = score
            best = (header_row, row, meanings)
    return best


def _two_row_header(upper: Sequence[Any], lower: Sequence[Any]) -> list[str] | None:
    """Join a group heading row to the row below it, carrying a merged heading to the right."""
    if not _group_over_subheadings(upper, lower):
        return None
    joined = _joined_headings(upper, lower)
    if joined == [str(c).strip() if isinstance(c, str) else "" for c in upper]:
        return None
    return joined


def _group_over_subheadings(upper: Sequence[Any], lower: Sequence[Any]) -> bool:
    """True when `upper` reads as group headings over a row of short sub-headings."""
    upper_texts = [c for c in upper if isinstance(c, str) and c.strip()]
    lower_texts = [c for c in lower if isinstance(c, str) and c.strip()]
    # A title row has one cell; a group heading row has several over a row of sub-headings.
    if len(upper_texts) < 2 or len(lower_texts) < 2:
        return False
    # Sub-headings are short labels, and sit (at least partly) under an empty, merged cell.
    if any(not isinstance(c, str) or len(c) > 40 for c in lower if c not in ("", None)):
        return False
    return any(
        isinstance(c, str)
        and c.strip()
        and not (col < len(upper) and str(upper[col] or "").strip())
        for col, c in enumerate(lower)
    )


def _text_at(row: Sequence[Any], col: int) -> str:
    cell = row[col] if col < len(row) else ""
    return cell.strip() if isinstance(cell, str) else ""


def _joined_headings(upper: Sequence[Any], lower: Sequence[Any]) -> list[str]:
    """Each column's group heading and sub-heading as one; a group heading carries right
    over the sub-headings beside it until a column with neither."""
    joined: list[str] = []
    carried = ""
    for col in range(max(len(upper), len(lower))):
        top_text, bottom_text = _text_at(upper, col), _text_at(lower, col)
        if top_text:
            carried = top_text
        elif not bottom_text:
            carried = ""
        heading = top_text or (carried if bottom_text else "")
        parts = [p for p in (heading, bottom_text) if p]
        joined.append(" ".join(dict.fromkeys(parts)))
    return joined


def apply_overrides(columns: ColumnMap, overrides: Mapping[int, Meaning]) -> ColumnMap:
    """A copy of the map with the officer's choices for some columns (IGNORE clears a column)."""
    meanings = dict(columns.meanings)
    for col, meaning in overrides.items():
        for other, m in list(meanings.items()):
            if m is meaning and other != col and meaning is not Meaning.PREVIOUS:
                del meanings[other]
        if meaning is Meaning.IGNORE:
            meanings.pop(col, None)
        else:
            meanings[col] = meaning
    return ColumnMap(columns.header_row, list(columns.headers), meanings)


def remembered_mapping(columns: ColumnMap) -> dict[str, str]:
    """The map as header text → meaning, to remember for an agency whatever the column order."""
    result: dict[str, str] = {}
    for col, header in enumerate(columns.headers):
        key = normalise_header(header)
        if key:
            result[key] = columns.meanings.get(col, Meaning.IGNORE).value
    return result
