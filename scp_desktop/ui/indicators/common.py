"""Colours and small helpers shared by the indicator widgets."""

from __future__ import annotations

from PySide6.QtGui import QColor

from scp_desktop.domain.indicators import Assessment
from scp_desktop.domain.rag import RAG

NO_STATUS_COLOUR = "#9E9E9E"
# Pale versions of the RAG colours for bands and cell backgrounds, so dark text stays readable.
PALE = {RAG.RED: "#FFCDD2", RAG.AMBER: "#FFE0B2", RAG.GREEN: "#C8E6C9", RAG.BLUE: "#BBDEFB"}


def rag_colour(rag: RAG | None) -> QColor:
    return QColor(rag.hex_colour if rag else NO_STATUS_COLOUR)


def pale_colour(rag: RAG | None) -> QColor:
    return QColor(PALE[rag]) if rag else QColor("#EEEEEE")


def text_on(rag: RAG | None) -> QColor:
    """Black on amber (white is unreadable there), white on the darker colours."""
    return QColor(rag.ink_colour if rag else "#000000")


def travel_text(a: Assessment | None, which: str) -> str:
    if a is None or a.value is None:
        return ""
    d = a.vs_previous if which == "previous" else a.vs_last_year
    return d.text if d else "–"


def status_tooltip(a: Assessment) -> str:
    """Rich text: the status, why, and the rule used (user text escaped)."""
    parts = [
        f"<b>{_escape(a.status_text)}</b>",
        _escape(a.explanation),
        f"<i>Rule:</i> {_escape(a.rule_text)}",
    ]
    if a.flags:
        parts.append("<i>Data quality:</i> " + _escape("; ".join(a.flags)))
    return "<br/>".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
