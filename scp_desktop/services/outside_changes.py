"""What other writers (another window, another instance, the command line) changed in a plan
file since a window last looked: SQLite's data version, polled cheaply, then the audit log.

A feed is anything with `poll()`, `mark_seen()` and `close()`: this one watches a SQLite
file; a shared server can give the window the same `OutsideChange` from its own notices.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# More entries than this at once (a plan loaded, a roll-over) read the whole table again.
_MANY = 2000
# Entities the action table does not show: a change to them is told, but no row is read.
_NOT_IN_TABLE = ("indicator", "meeting", "setting", "import_batch", "quarter_signoff")
_STRUCTURE = ("key_priority", "objective")


@dataclass(frozen=True)
class OutsideChange:
    """One batch of changes saved elsewhere, in the terms a window refreshes by."""

    action_ids: tuple[int, ...] = ()
    removed_action_ids: tuple[int, ...] = ()
    structure: bool = False  # priorities or objectives
    reference: bool = False  # partners, frameworks and the like: every row may show them
    plans: bool = False  # a plan added, changed or deleted
    replaced: bool = False  # the file's contents put back whole (a restore): read all again
    who: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    entries: int = 0

    def merged(self, later: OutsideChange) -> OutsideChange:
        return OutsideChange(
            tuple(dict.fromkeys(self.action_ids + later.action_ids)),
            tuple(dict.fromkeys(self.removed_action_ids + later.removed_action_ids)),
            self.structure or later.structure,
            self.reference or later.reference,
            self.plans or later.plans,
            self.replaced or later.replaced,
            tuple(dict.fromkeys(self.who + later.who)),
            tuple(dict.fromkeys(self.reasons + later.reasons)),
            self.entries + later.entries,
        )

    def describe(self) -> str:
        """One line for the status bar: what was read in, and from whom."""
        if self.replaced:
            return (
                "The plan file was restored or replaced elsewhere (another window or the "
                "command line); everything shown has been read from it again."
            )
        who = ", ".join(w or "someone" for w in self.who) or "someone"
        why = f" ({'; '.join(r for r in self.reasons[:2] if r)})" if any(self.reasons) else ""
        count = len(self.action_ids) + len(self.removed_action_ids)
        shown = f": {count} action(s) refreshed" if count else ""
        return f"Changes saved by {who}{why} have been read in{shown}."


class ChangeFeed(Protocol):
    def poll(self) -> OutsideChange | None: ...

    def mark_seen(self) -> None: ...

    def close(self) -> None: ...


class SqliteChangeFeed:
    """Watches one SQLite plan file through a connection of its own.

    `PRAGMA data_version` changes only when another connection committed, and costs no read of
    the file; only then is the audit log read, from the last entry seen. That entry gone or
    different means the file's contents were replaced (a restore).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._last_id = 0
        self._last_at: object = None
        self.mark_seen()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2
            )
        return self._conn

    def _anchor(self, conn: sqlite3.Connection) -> tuple[int, object]:
        found = conn.execute("SELECT id, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        return (int(found[0]), found[1]) if found else (0, None)

    def mark_seen(self) -> None:
        """Everything in the file now counts as seen (the window's own writes)."""
        try:
            conn = self._connection()
            self._data_version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            self._last_id, self._last_at = self._anchor(conn)
        except sqlite3.Error:
            self.close()

    def poll(self) -> OutsideChange | None:
        """The changes committed elsewhere since the last poll, or None."""
        try:
            conn = self._connection()
            version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            if version == self._data_version:
                return None
            self._data_version = version
            return self._read(conn)
        except sqlite3.Error:
            # Busy or mid-restore: the next poll looks again on a fresh connection.
            self.close()
            return None

    def _read(self, conn: sqlite3.Connection) -> OutsideChange | None:
        if self._last_id:
            same = conn.execute("SELECT at FROM audit_log WHERE id = ?", (self._last_id,))
            row = same.fetchone()
            if row is None or row[0] != self._last_at:
                self._last_id, self._last_at = self._anchor(conn)
                return OutsideChange(replaced=True)
        rows = conn.execute(
            "SELECT id, at, entity, action_id, operation, user, reason FROM audit_log "
            "WHERE id > ? ORDER BY id LIMIT ?",
            (self._last_id, _MANY + 1),
        ).fetchall()
        if not rows:
            # A write that left no audit entry (settings, a restore of the same state).
            return None
        if len(rows) > _MANY:
            self._last_id, self._last_at = self._anchor(conn)
            return OutsideChange(
                reference=True, structure=True, plans=True, who=(rows[0][5],), entries=len(rows)
            )
        self._last_id, self._last_at = int(rows[-1][0]), rows[-1][1]
        action_ids: dict[int, None] = {}
        removed: dict[int, None] = {}
        structure = reference = plans = False
        for _id, _at, entity, action_id, operation, _user, _reason in rows:
            if entity == "action" and operation == "delete" and action_id is not None:
                removed[int(action_id)] = None
            elif action_id is not None:
                action_ids[int(action_id)] = None
            elif entity == "plan":
                plans = True
            elif entity in _STRUCTURE:
                structure = True
            elif not str(entity).startswith(_NOT_IN_TABLE):
                reference = True
        for gone in removed:
            action_ids.pop(gone, None)
        return OutsideChange(
            tuple(action_ids),
            tuple(removed),
            structure,
            reference,
            plans,
            who=tuple(dict.fromkeys(str(r[5] or "") for r in rows)),
            reasons=tuple(dict.fromkeys(str(r[6] or "") for r in rows)),
            entries=len(rows),
        )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
