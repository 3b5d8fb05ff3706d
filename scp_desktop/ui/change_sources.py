"""Where a window hears of changes saved elsewhere: a plan file's SQLite data version, or a
shared plan's change counter on the server. The one watcher (ui/change_watch.py) takes
whichever the database's dialect calls for."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from scp_desktop.services.outside_changes import ChangeFeed, OutsideChange, SqliteChangeFeed
from scp_desktop.services.shared_changes import Seen, changes_since, where_we_stand

if TYPE_CHECKING:
    from scp_desktop.storage.database import Database


class ChangeSource(ChangeFeed, Protocol):
    """A feed of changes, with what the watcher needs to know of how to poll it and tell them."""

    interval_ms: int  # between two polls
    in_background: bool  # poll() may wait on a network: it runs on a worker thread
    shown_ms: int  # how long the status bar tells of a change read in

    def describe(self, change: OutsideChange, officer: str) -> str:
        """The status bar's line for `change`; `officer` is this window's officer, casefolded."""
        ...


class PlanFileSource(SqliteChangeFeed):
    """A plan file, written by other windows, instances and the command line.

    Polled on the GUI thread: a poll that finds nothing is one PRAGMA, no read of the file, and
    reading what changed reads at most about 2,000 audit entries of a local file (under 10 ms).
    """

    # Often enough that a change made in another window shows before the officer looks for it.
    interval_ms = 1500
    in_background = False
    shown_ms = 30000

    def describe(self, change: OutsideChange, officer: str) -> str:
        own = bool(officer) and all(who.strip().casefold() == officer for who in change.who)
        if own and change.who and not change.replaced:
            # Saved under this officer's name: by a dialog of this window, or in another of
            # their windows. Either way it is theirs; "by <their own name>" would read oddly.
            return "The table was brought up to date with your latest saved changes."
        return change.describe()


class SharedPlanSource:
    """A shared plan on a server: its change counter, then the audit log's new entries.

    A round trip to the server can take a while, so it is polled on a worker thread; the
    watcher never has two polls running at once, so `seen` is written by one poll at a time.
    """

    interval_ms = 4000
    in_background = True
    shown_ms = 8000

    def __init__(self, db: Database) -> None:
        self.db = db
        self.seen: Seen | None = None

    def poll(self) -> OutsideChange | None:
        if self.seen is None:
            # The first look only notes where the plan stands: what was there is shown.
            self.seen = where_we_stand(self.db)
            return None
        found = changes_since(self.db, self.seen)
        self.seen = found.seen
        if not found.any:
            return None
        return OutsideChange(
            found.action_ids,
            found.removed_action_ids,
            found.structure,
            found.reference,
            who=found.who,
        )

    def mark_seen(self) -> None:
        # Nothing to do: the server's audit log names this window's own changes, and
        # changes_since leaves them out.
        pass

    def close(self) -> None:
        # The window's database owns the connections; it closes them itself.
        pass

    def describe(self, change: OutsideChange, officer: str) -> str:
        who = ", ".join(change.who) or "another officer"
        return f"Changes by {who} are now shown."


def source_for(db: Database) -> ChangeSource | None:
    """The source for `db`: a shared plan's, or its file's; None when there is nothing to
    watch (a plan file not on disk)."""
    if db.shared:
        return SharedPlanSource(db)
    path = Path(db.path)
    return PlanFileSource(path) if path.is_file() else None
