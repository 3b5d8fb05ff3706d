"""What each column of a plan spreadsheet holds, and whose plan for which year the sheet says it is.

Partnerships keep their plan with columns of their own ("What is it?", "Partners", "Notes"). Every
column is given a meaning or kept as a note on the action; only the officer can set one aside.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from scp_desktop.excel.columns import (
    HEADER_SEARCH_ROWS,
    Meaning,
    _two_row_header,
    best_header,
    meaning_of,
    normalise_header,
)
from scp_desktop.excel.return_reader import cell_text

# What the officer may say a column of a plan holds, in the order the mapping lists them.
PLAN_MEANINGS = (
    Meaning.PRIORITY,
    Meaning.OBJECTIVE,
    Meaning.REFERENCE,
    Meaning.TITLE,
    Meaning.ABOUT,
    Meaning.OUTCOMES,
    Meaning.TARGET_AREA,
    Meaning.LEAD,
    Meaning.SUPPORT,
    Meaning.FUNDING,
    Meaning.DEADLINE,
    Meaning.PFCC,
    Meaning.ECPS,
    Meaning.FRAMEWORK,
    Meaning.STATUS,
    Meaning.NOTES,
    Meaning.IGNORE,
)

# A plan's own wording, tried before the rules shared with returns (where "Partners" means the
# lead agency and "Notes" a progress update).
_PLAN_RULES: tuple[tuple[str, Meaning], ...] = (
    (r"\bpfcc\b|police (and |fire and )?crime (plan|priorit|commissioner)|\bpcc\b", Meaning.PFCC),
    (r"\becps\b|\bstrand", Meaning.ECPS),
    (r"\brag\b|\bprogress\b|\bupdate\b|\bnotes?\b|\bcomments?\b|\bremarks?\b", Meaning.NOTES),
    (r"\bstatus\b", Meaning.STATUS),
    (r"\bwhat is it\b|\bwhat (is|does) (it|the project|this)\b|\bdescription\b", Meaning.ABOUT),
    (r"\blead\b|\bowner\b|\bresponsible\b", Meaning.LEAD),
    (
        r"^(supporting |other |partner )?(partners?|agencies|organisations)( involved)?$"
        r"|\bsupport|\bpartners involved\b|\bworking with\b",
        Meaning.SUPPORT,
    ),
    (r"\bkey priorit", Meaning.PRIORITY),
    (r"^aims?$", Meaning.OBJECTIVE),
    (r"\bwhat (we will|will we) do\b", Meaning.TITLE),
    (r"\bwhere\b", Meaning.TARGET_AREA),
)
_PLAN_COMPILED = tuple((re.compile(p), m) for p, m in _PLAN_RULES)
# Meanings of a return that a plan has no place for: such a column is kept as a note.
_RETURN_ONLY = {
    Meaning.RAG,
    Meaning.PROGRESS,
    Meaning.REPORTED_BY,
    Meaning.REPORTED_ON,
    Meaning.PREVIOUS,
}
# A plan column may hold each of these once; notes, and the codes of a partnership's own
# frameworks, may come from any number of columns.
_REPEATABLE = (Meaning.NOTES, Meaning.IGNORE, Meaning.FRAMEWORK)


def plan_meaning_of(header: object, frameworks: Collection[str] = ()) -> Meaning | None:
    """What a plan column headed so holds; None when the header says nothing recognisable.

    `frameworks` are the headings of the partnership's own frameworks: a column headed by one
    of them holds that framework's codes, whatever the built-in rules would make of its words.
    """
    if isinstance(header, str) and len(header) > 120:
        return None
    key = normalise_header(header)
    if not key or len(key) > 80:
        return None
    if frameworks and key in {normalise_header(f) for f in frameworks}:
        return Meaning.FRAMEWORK
    for pattern, meaning in _PLAN_COMPILED:
        if pattern.search(key):
            return meaning
    found = meaning_of(key)
    if found in _RETURN_ONLY:
        return Meaning.NOTES
    return found


@dataclass(frozen=True)
class PlanColumn:
    index: int  # 0-based
    header: str  # as written; '' when the column has no heading
    meaning: Meaning  # IGNORE: set aside by the officer
    filled: int  # cells with something in them below the header
    samples: tuple[str, ...] = ()

    @property
    def letter(self) -> str:
        return str(get_column_letter(self.index + 1))

    @property
    def name(self) -> str:
        """The header, or 'Column H' for a column without one."""
        return self.header or f"Column {self.letter}"


@dataclass
class PlanColumns:
    """Where a plan sheet's header is, and every column that has a header or holds anything."""

    header_row: int  # 1-based
    columns: list[PlanColumn] = field(default_factory=list)

    def column(self, meaning: Meaning) -> int | None:
        return next((c.index for c in self.columns if c.meaning is meaning), None)

    def has(self, meaning: Meaning) -> bool:
        return self.column(meaning) is not None

    def of(self, meaning: Meaning) -> list[PlanColumn]:
        return [c for c in self.columns if c.meaning is meaning]

    def overrides(self) -> dict[int, Meaning]:
        return {c.index: c.meaning for c in self.columns}


def plan_columns(
    rows: Sequence[Sequence[Any]],
    overrides: Mapping[int, Meaning] | None = None,
    frameworks: Collection[str] = (),
) -> PlanColumns | None:
    """The header below any banner rows and the meaning of every column, with the officer's
    choices (column index → meaning) taking precedence; None when no row looks like a plan header.
    `frameworks`: the headings of the partnership's own frameworks (see plan_meaning_of).
    """

    def classify(header: object) -> Meaning | None:
        return plan_meaning_of(header, frameworks)

    found = best_header(
        _header_candidates(rows[:HEADER_SEARCH_ROWS]),
        classify,
        needed=(Meaning.TITLE,),
        repeatable=_REPEATABLE,
    )
    if found is None:
        return None
    header_row, header, meanings = found
    below = rows[header_row:]
    width = max([len(header)] + [len(r) for r in below], default=0)
    chosen: dict[int, Meaning] = {}
    for index in range(width):
        heading, filled = _column_cells(header, below, index)
        if not heading and not filled:
            continue  # an empty column: nothing to map, nothing to lose
        meaning = meanings.get(index)
        if meaning is None:
            meaning = classify(heading) if heading else None
        chosen[index] = meaning if meaning is not None else Meaning.NOTES
    _keep_first_of_each(chosen)
    _apply_overrides(chosen, overrides or {})
    columns = []
    for index, meaning in sorted(chosen.items()):
        heading, filled = _column_cells(header, below, index)
        samples = tuple(dict.fromkeys(v if len(v) <= 60 else v[:59] + "…" for v in filled))[:3]
        columns.append(PlanColumn(index, heading, meaning, len(filled), samples))
    return PlanColumns(header_row, columns)


def _header_candidates(limit: Sequence[Sequence[Any]]) -> list[tuple[int, Sequence[Any]]]:
    """Each row as a possible header (by row number), then each pair of rows read as one."""
    candidates: list[tuple[int, Sequence[Any]]] = [(i + 1, row) for i, row in enumerate(limit)]
    for i in range(len(limit) - 1):
        combined = _two_row_header(limit[i], limit[i + 1])
        if combined is not None:
            candidates.append((i + 2, combined))
    return candidates


def _column_cells(
    header: Sequence[Any], below: Sequence[Sequence[Any]], index: int
) -> tuple[str, list[str]]:
    """A column's heading and the texts of its filled cells below the header."""
    text = header[index] if index < len(header) else ""
    heading = text.strip() if isinstance(text, str) else cell_text(text)
    values = [cell_text(r[index]) for r in below if index < len(r)]
    return heading, [v for v in values if v]


def _keep_first_of_each(chosen: dict[int, Meaning]) -> None:
    """A meaning named twice (two "Project" columns): the first holds it, the next is kept
    as notes."""
    taken: set[Meaning] = set()
    for index, meaning in sorted(chosen.items()):
        if meaning in taken and meaning not in _REPEATABLE:
            chosen[index] = Meaning.NOTES
        taken.add(chosen[index])


def _apply_overrides(chosen: dict[int, Meaning], overrides: Mapping[int, Meaning]) -> None:
    """The officer's meanings for columns; a column that held a meaning given to another is
    kept as notes."""
    for index, meaning in overrides.items():
        if index not in chosen:
            continue
        if meaning not in _REPEATABLE:
            for other, m in list(chosen.items()):
                if m is meaning and other != index:
                    chosen[other] = Meaning.NOTES  # displaced, not lost
        chosen[index] = meaning


# ---------------------------------------------------------------- whose plan, which year

_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*[-/–—_ ]\s*(20\d\d|\d\d)(?!\d)")
_SHORT_YEAR = re.compile(r"(?<![\d/])(\d\d)\s*[-/–_]\s*(\d\d)(?![\d/])")
_PLAN_WORDS = re.compile(
    r"\s*\b(appendix\s+[a-z0-9]+\b\s*[:.\-–—]?\s*)?(annual\s+(partnership\s+)?)?"
    r"((delivery|action|strategic)\s+)?plan\b.*$",
    re.IGNORECASE,
)
# A name is written as one: "Safer Tendring Partnership", "Braintree CSP" (a sentence such as
# "agreed by the partnership board" is not one).
_NAME_WORDS = re.compile(r"\bPartnership\b|\bCommunity Safety\b|\bCSP\b|\bSafer\b|\bSafety\b")
_SEPARATORS = re.compile(r"\s+[-–—|]\s+|\s*[:|]\s*|\s*[–—]\s*")


def year_in(text: str) -> str:
    """'2024-25' for '… Plan 2024/25', 'APP 2024-2025' or 'APP 24-25'; '' when none is there."""
    m = _YEAR.search(text)
    if m:
        first, second = int(m.group(1)), m.group(2)
        follows = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if follows == first + 1:
            return f"{first}-{str(follows)[-2:]}"
    m = _SHORT_YEAR.search(text)
    if m and int(m.group(2)) == (int(m.group(1)) + 1) % 100:
        return f"20{m.group(1)}-{m.group(2)}"
    return ""


def partnership_in(text: str) -> str:
    """'Safer Tendring Partnership' for 'Safer Tendring Partnership — Annual Partnership Plan
    2024-25'; '' when the text names no partnership."""
    for segment in _SEPARATORS.split(text):
        segment = _YEAR.sub(" ", segment)
        segment = _SHORT_YEAR.sub(" ", segment)
        segment = _PLAN_WORDS.sub("", segment)
        segment = re.sub(r"\s+", " ", segment).strip(" -–—,.:;")
        words = segment.split()
        if (
            words
            and _NAME_WORDS.search(segment)
            and len(words) <= 10
            and words[0][:1].isupper()
            and sum(w[:1].isupper() for w in words) * 2 > len(words)
        ):
            if segment.lower() in ("partnership", "community safety"):
                continue
            return segment
    return ""


@dataclass(frozen=True)
class PlanIdentity:
    partnership: str
    partnership_from: str  # 'banner row 1', "the sheet's name", 'the file name' or ''
    year: str
    year_from: str


def plan_identity(
    banners: Sequence[tuple[int, str]], sheet_name: str, file_stem: str
) -> PlanIdentity:
    """The partnership and year read from the banner rows (row number, text), then the sheet's
    name, then the file's name: the first that says it wins."""
    sources = [(f"banner row {row}", text) for row, text in banners]
    sources += [(f"the sheet's name ('{sheet_name}')", sheet_name)]
    sources += [(f"the file name ('{file_stem}')", file_stem.replace("_", " "))]
    partnership = year = ""
    partnership_from = year_from = ""
    for where, text in sources:
        if not year and (found := year_in(text)):
            year, year_from = found, where
        if not partnership and (name := partnership_in(text)):
            partnership, partnership_from = name, where
    return PlanIdentity(partnership, partnership_from, year, year_from)
