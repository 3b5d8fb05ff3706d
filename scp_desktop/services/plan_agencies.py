"""Agency names as a plan spreadsheet writes them, resolved against the partnership's known agencies.

A name is matched by abbreviation, by full name, or (shown for review) by a closely similar
name; a new one is proposed an abbreviation and full name the officer can correct.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

KNOWN = "known"  # an agency already in the database
SIMILAR = "similar"  # matched to a known agency by a closely similar name: shown for review
NEW = "new"  # to be created

_STOP_WORDS = {"of", "and", "the", "for", "in", "on", "at", "to", "&"}
# Agency names that hold a separator: never split there.
_WHOLE_PHRASES = (
    "fire and rescue",
    "fire & rescue",
    "police, fire and crime",
    "police and crime",
    "police & crime",
    "drug and alcohol",
    "drugs and alcohol",
    "health and social care",
    "health and wellbeing",
    "crime and disorder",
    "children and families",
    "children and young people",
    "neighbourhoods and communities",
)
SIMILARITY = 0.88
# Words a name may gain or lose and still be the same agency's.
_GENERIC_TAIL = re.compile(r"(\s+(service|services|team|department|dept|ltd|limited|uk|cic))+$")
MAX_ABBREVIATION = 30


@dataclass(frozen=True)
class KnownAgency:
    abbreviation: str
    name: str


@dataclass
class AgencyChoice:
    """One agency name found in the spreadsheet and what it will be."""

    text: str  # as the spreadsheet writes it
    abbreviation: str
    name: str
    status: str  # KNOWN, SIMILAR or NEW
    how: str = ""  # why: 'abbreviation', 'full name', 'similar to Essex Police (EP)', 'proposed'
    uses: int = 0  # rows that name it

    @property
    def is_new(self) -> bool:
        return self.status == NEW


def normalise_name(text: str) -> str:
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(r"^the ", "", re.sub(r"\s+", " ", text).strip())
    return text


def _abbreviation_key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "", text).upper()


class AgencyDirectory:
    """The known agencies, looked up by abbreviation, by name and by similar name."""

    def __init__(self, known: Iterable[KnownAgency]) -> None:
        self.known = list(known)
        self._by_abbreviation = {_abbreviation_key(k.abbreviation): k for k in self.known}
        self._by_name: dict[str, KnownAgency] = {}
        for k in self.known:
            self._by_name.setdefault(normalise_name(k.name), k)

    def by_abbreviation(self, text: str) -> KnownAgency | None:
        key = _abbreviation_key(text)
        return self._by_abbreviation.get(key) if key else None

    def find(self, text: str) -> tuple[KnownAgency, str, str] | None:
        """(agency, KNOWN or SIMILAR, how) for a name as written, or None."""
        bracketed = re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", text)
        candidates = [text] + ([bracketed.group(2), bracketed.group(1)] if bracketed else [])
        for candidate in candidates:
            found = self.by_abbreviation(candidate)
            if found is not None:
                return found, KNOWN, "abbreviation"
            found = self._by_name.get(normalise_name(candidate))
            if found is not None:
                return found, KNOWN, "full name"
        return self._similar(bracketed.group(1) if bracketed else text)

    def _similar(self, text: str) -> tuple[KnownAgency, str, str] | None:
        key = normalise_name(text)
        if len(key) < 6:
            return None  # short names and abbreviations are too easily alike
        core = _GENERIC_TAIL.sub("", key)
        same_core = [k for name, k in self._by_name.items() if _GENERIC_TAIL.sub("", name) == core]
        if len(same_core) == 1 and len(core) >= 6:
            found = same_core[0]  # 'Essex Police Service' for 'Essex Police'
            return found, SIMILAR, f"similar to {found.name} ({found.abbreviation})"
        scored = sorted(
            (
                (difflib.SequenceMatcher(None, key, name).ratio(), name)
                for name in self._by_name
                if len(name) >= 6
            ),
            reverse=True,
        )
        if not scored or scored[0][0] < SIMILARITY:
            return None
        if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.03:
            return None  # two known agencies are as alike: not safe to choose
        found = self._by_name[scored[0][1]]
        return found, SIMILAR, f"similar to {found.name} ({found.abbreviation})"

    def split(self, text: str) -> list[str]:
        """The agencies of one cell: split at commas, semicolons, slashes, new lines, '&' and
        'and', except inside a known agency's name or a phrase such as 'Fire and Rescue'."""
        if not text.strip():
            return []
        whole = text.strip(" .")
        found = self.find(whole)
        if found is not None and found[1] == KNOWN:
            return [whole]
        protected = text
        for phrase in _WHOLE_PHRASES + tuple(k.name for k in self.known if len(k.name) > 3):
            protected = re.sub(
                re.escape(phrase),
                lambda m: (
                    m.group(0).replace(",", "\x00").replace("&", "\x01").replace(" and ", "\x02")
                ),
                protected,
                flags=re.IGNORECASE,
            )
        parts = re.split(r"\s*(?:[,;/\n]|&|\band\b)\s*", protected)
        result = []
        for part in parts:
            restored = part.replace("\x00", ",").replace("\x01", "&").replace("\x02", " and ")
            restored = restored.strip(" .")
            if restored and restored not in result:
                result.append(restored)
        return result


def propose(text: str, taken: set[str]) -> tuple[str, str]:
    """An abbreviation and full name for an agency not yet known (`taken`: abbreviations in
    use, upper case): 'Tendring CVS' → ('TCVS', 'Tendring CVS'), 'Citizens Advice (CA)' →
    ('CA', 'Citizens Advice'), a single word or abbreviation kept whole."""
    name = re.sub(r"\s+", " ", text).strip()
    bracketed = re.fullmatch(r"(.+?)\s*\(([^()]{1,30})\)", name)
    if bracketed and " " not in bracketed.group(2).strip():
        base, name = bracketed.group(2).strip(), bracketed.group(1).strip()
    elif " " not in name:
        base = name
    else:
        letters = []
        for word in re.findall(r"[A-Za-z0-9']+", name):
            if word.lower() in _STOP_WORDS:
                continue
            if (len(word) >= 2 and word.isupper()) or any(ch.isdigit() for ch in word):
                letters.append(word)  # 'CVS', 'NHS', '999' stay whole
            else:
                letters.append(word[0].upper())
        base = "".join(letters)
        if len(base) < 2:
            base = name
    base = base[:MAX_ABBREVIATION]
    if base.upper() not in taken:
        return base, name
    if len(name) <= MAX_ABBREVIATION and name.upper() not in taken:
        return name, name  # the derived one is another agency's: keep the name whole
    n = 2
    while f"{base[: MAX_ABBREVIATION - 2]}{n}".upper() in taken:
        n += 1
    return f"{base[: MAX_ABBREVIATION - 2]}{n}", name
