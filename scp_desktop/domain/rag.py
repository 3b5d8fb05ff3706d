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
