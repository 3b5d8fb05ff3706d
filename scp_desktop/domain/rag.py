"""RAG status (Red/Amber/Green, Blue = complete) and reading it from the many ways people write it."""

from __future__ import annotations

import re
from enum import StrEnum


class RAG(StrEnum):
    RED = "R"
    AMBER = "A"
    GREEN = "G"
    BLUE = "B"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]

    @property
    def rank(self) -> int:
        """Higher is better; used for direction of travel between quarters."""
        return _RANKS[self]

    @property
    def hex_colour(self) -> str:
        return _COLOURS[self]

    @property
    def ink_colour(self) -> str:
        """The colour of text on `hex_colour`: black on amber (white is unreadable there),
        white on the darker colours."""
        return "#000000" if self is RAG.AMBER else "#FFFFFF"


_LABELS = {RAG.RED: "Red", RAG.AMBER: "Amber", RAG.GREEN: "Green", RAG.BLUE: "Blue"}
_MEANINGS = {
    RAG.RED: "Off track",
    RAG.AMBER: "At risk",
    RAG.GREEN: "On track",
    RAG.BLUE: "Complete",
}
_RANKS = {RAG.RED: 0, RAG.AMBER: 1, RAG.GREEN: 2, RAG.BLUE: 3}
# Colours chosen so the letter stays readable on them and they differ in greyscale.
_COLOURS = {RAG.RED: "#C62828", RAG.AMBER: "#F9A825", RAG.GREEN: "#2E7D32", RAG.BLUE: "#1565C0"}

RAG_ORDER: tuple[RAG, ...] = (RAG.RED, RAG.AMBER, RAG.GREEN, RAG.BLUE)

_WORDS: dict[str, RAG] = {
    "r": RAG.RED,
    "red": RAG.RED,
    "off track": RAG.RED,
    "a": RAG.AMBER,
    "amber": RAG.AMBER,
    "orange": RAG.AMBER,
    "yellow": RAG.AMBER,
    "at risk": RAG.AMBER,
    "g": RAG.GREEN,
    "green": RAG.GREEN,
    "on track": RAG.GREEN,
    "b": RAG.BLUE,
    "blue": RAG.BLUE,
    "complete": RAG.BLUE,
    "completed": RAG.BLUE,
    "done": RAG.BLUE,
    "achieved": RAG.BLUE,
    "finished": RAG.BLUE,
}


def parse_rag(text: object) -> RAG | None:
    """Read a RAG from free text: 'A', 'amber ', 'GREEN', 'Complete', 'Red - off track'.

    Returns None for blank text or text that names no status (the caller decides
    whether that is an error).
    """
    if text is None:
        return None
    raw = str(text).strip().lower()
    if not raw:
        return None
    raw = re.sub(r"[\s_]+", " ", raw)
    if raw in _WORDS:
        return _WORDS[raw]
    cleaned = re.sub(r"[^a-z ]", " ", raw)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    # 'Green - on track', 'RAG: amber', 'Blue (complete)': first word that names a status.
    for word in cleaned.split(" "):
        if len(word) > 1 and word in _WORDS:
            return _WORDS[word]
    for phrase in ("off track", "on track", "at risk"):
        if phrase in cleaned:
            return _WORDS[phrase]
    return None


def rag_from_rgb(rgb: str) -> RAG | None:
    """Guess a RAG from a cell fill colour such as 'FFFF0000' or '#00B050'.

    Uses hue so that the many reds, ambers and greens of office palettes all read.
    """
    value = rgb.strip().lstrip("#")
    if len(value) == 8:
        value = value[2:]
    if len(value) != 6 or not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        return None
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hi, lo = max(r, g, b), min(r, g, b)
    if hi - lo < 0.15 or hi < 0.25:
        return None  # grey, white or black: not a status colour
    delta = hi - lo
    if hi == r:
        hue = (60 * ((g - b) / delta)) % 360
    elif hi == g:
        hue = 60 * ((b - r) / delta) + 120
    else:
        hue = 60 * ((r - g) / delta) + 240
    if hue < 20 or hue >= 330:
        return RAG.RED
    if hue < 70:
        return RAG.AMBER
    if hue < 170:
        return RAG.GREEN
    if hue < 260:
        return RAG.BLUE
    return None


class Travel(StrEnum):
    IMPROVED = "improved"
    SAME = "same"
    DECLINED = "declined"
    NEW = "new"

    @property
    def arrow(self) -> str:
        return {"improved": "▲", "same": "►", "declined": "▼", "new": "•"}[self.value]


def direction_of_travel(previous: RAG | None, current: RAG | None) -> Travel | None:
    if current is None:
        return None
    if previous is None:
        return Travel.NEW
    if current.rank > previous.rank:
        return Travel.IMPROVED
    if current.rank < previous.rank:
        return Travel.DECLINED
    return Travel.SAME


# ---------------------------------------------------------------- reading a partner's RAG cell
# Returns say more than R, A, G or B. Each reading carries the rule it used, shown to the officer
# beside the row, and a cell naming two statuses ('G/A') is never settled by guessing.

# Said in words beside the symbol: not every screen's fonts draw it.
_EMOJI_NAMES = {
    "\U0001f7e2": "green circle",
    "\U0001f7e9": "green square",
    "\U0001f7e0": "orange circle",
    "\U0001f7e1": "yellow circle",
    "\U0001f7e7": "orange square",
    "\U0001f7e8": "yellow square",
    "\U0001f534": "red circle",
    "\U0001f7e5": "red square",
    "\U0001f535": "blue circle",
    "\U0001f7e6": "blue square",
    "\u2705": "tick",
    "\u2714": "tick",
}

_EMOJI: dict[str, RAG] = {
    "\U0001f7e2": RAG.GREEN,  # large green circle
    "\U0001f7e9": RAG.GREEN,  # green square
    "\U0001f7e0": RAG.AMBER,  # large orange circle
    "\U0001f7e1": RAG.AMBER,  # large yellow circle
    "\U0001f7e7": RAG.AMBER,  # orange square
    "\U0001f7e8": RAG.AMBER,  # yellow square
    "\U0001f534": RAG.RED,  # large red circle
    "\U0001f7e5": RAG.RED,  # red square
    "\U0001f535": RAG.BLUE,  # large blue circle
    "\U0001f7e6": RAG.BLUE,  # blue square
    "\u2705": RAG.BLUE,  # white heavy check mark: done
    "\u2714": RAG.BLUE,  # heavy check mark
}

# Longest first, so 'not on track' is read before 'on track' and 'not started' before 'started'.
_PHRASES: tuple[tuple[str, RAG], ...] = tuple(
    sorted(
        {
            "not on track": RAG.RED,
            "off track": RAG.RED,
            "not started": RAG.RED,
            "stalled": RAG.RED,
            "behind schedule": RAG.AMBER,
            "behind": RAG.AMBER,
            "at risk": RAG.AMBER,
            "slipping": RAG.AMBER,
            "slipped": RAG.AMBER,
            "delayed": RAG.AMBER,
            "on track": RAG.GREEN,
            "on schedule": RAG.GREEN,
            "on target": RAG.GREEN,
            "ahead of schedule": RAG.GREEN,
            "complete": RAG.BLUE,
            "completed": RAG.BLUE,
            "closed": RAG.BLUE,
            "done": RAG.BLUE,
            "achieved": RAG.BLUE,
            "finished": RAG.BLUE,
        }.items(),
        key=lambda item: -len(item[0]),
    )
)
_COLOUR_WORDS: dict[str, RAG] = {
    "red": RAG.RED,
    "amber": RAG.AMBER,
    "orange": RAG.AMBER,
    "yellow": RAG.AMBER,
    "green": RAG.GREEN,
    "blue": RAG.BLUE,
}
_LETTERS: dict[str, RAG] = {"r": RAG.RED, "a": RAG.AMBER, "g": RAG.GREEN, "b": RAG.BLUE}
_BETWEEN = re.compile(r"\s*(?:/|\\|\||&|\+|,|-|–|\bor\b|\bto\b)\s*")


class RagReading:
    """What a RAG cell says: one status (and the rule that read it), two to choose from, or none."""

    __slots__ = ("choices", "rag", "rule", "text")

    def __init__(
        self, text: str, rag: RAG | None, rule: str, choices: tuple[RAG, ...] = ()
    ) -> None:
        self.text = text
        self.rag = rag
        self.rule = rule  # '' when the cell simply names the status
        self.choices = choices

    @property
    def ambiguous(self) -> bool:
        return len(self.choices) > 1

    def __repr__(self) -> str:
        return f"RagReading({self.text!r}, {self.rag!r}, {self.rule!r}, {self.choices!r})"


def read_rag(text: object) -> RagReading | None:
    """Read a partner's RAG cell: None when blank, else a reading whose `rag` may be None.

    'Amber', 'a', 'AMBER ' read with no rule; 'behind schedule', 'on track', '🟢', 'Completed'
    read with the rule said ('“behind schedule” read as Amber'); 'G/A' or 'on track but at
    risk' give two `choices` and no RAG; 'N/A' or 'see notes' give neither.
    """
    if text is None:
        return None
    written = " ".join(str(text).split())
    if not written:
        return None
    quoted = f"“{written if len(written) <= 40 else written[:39] + '…'}”"
    if written in _EMOJI_NAMES:
        quoted = f"{quoted} ({_EMOJI_NAMES[written]})"
    emoji = {rag for ch, rag in _EMOJI.items() if ch in written}
    raw = written.lower().replace("_", " ")
    plain = re.sub(r"\s+", " ", re.sub(r"[^a-z/\\|&+,\-– ]", " ", raw)).strip()
    if not plain and emoji:
        return _settled(written, quoted, emoji)
    named = _statuses_named(plain)
    if named:
        return _settled(written, quoted, named | emoji)
    found, negated = _phrase_statuses(raw)
    found |= emoji
    if negated and found:
        return RagReading(written, None, f"{quoted} is not a RAG that can be read")
    if not found:
        return RagReading(written, None, f"{quoted} is not Red, Amber, Green or Blue")
    return _settled(written, quoted, found)


def _statuses_named(plain: str) -> set[RAG]:
    """The status a cell names as a letter or colour, or the statuses it joins ('G/A',
    'Amber-Green', 'red or amber'); empty when it is not written so."""
    if plain in _LETTERS or plain in _COLOUR_WORDS:
        return {_LETTERS.get(plain) or _COLOUR_WORDS[plain]}
    parts = [p for p in _BETWEEN.split(plain) if p]
    if len(parts) >= 2 and all(p in _LETTERS or p in _COLOUR_WORDS for p in parts):
        return {_LETTERS.get(p) or _COLOUR_WORDS[p] for p in parts}
    return set()


def _phrase_statuses(raw: str) -> tuple[set[RAG], bool]:
    """The statuses a sentence's phrases ('behind schedule') and colour words give, and
    whether it says 'not' or 'no' (then it cannot be read as a status)."""
    words = re.sub(r"[^a-z ]", " ", raw)
    words = f" {' '.join(words.split())} "
    found: set[RAG] = set()
    for phrase, rag in _PHRASES:
        key = f" {phrase} "
        if key in words:
            found.add(rag)
            words = words.replace(key, " ")
    negated = " not " in words or " no " in words
    for word in words.split():
        if word in _COLOUR_WORDS:
            found.add(_COLOUR_WORDS[word])
    return found, negated


def _settled(written: str, quoted: str, found: set[RAG]) -> RagReading:
    if len(found) > 1:
        names = " or ".join(r.label for r in RAG_ORDER if r in found)
        return RagReading(
            written,
            None,
            f"{quoted} could be {names}: choose one",
            tuple(r for r in RAG_ORDER if r in found),
        )
    (rag,) = found
    # A cell that simply names the status needs no rule said.
    plainly = written.lower() in (rag.value.lower(), rag.label.lower())
    return RagReading(written, rag, "" if plainly else f"{quoted} read as {rag.label}")
