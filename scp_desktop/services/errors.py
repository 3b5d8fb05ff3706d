"""Errors the services raise with a message fit to show the user as it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class UserError(Exception):
    """Something the user asked for cannot be done; the message says what and where."""


@dataclass(frozen=True)
class FieldChange:
    """One field of another officer's change, in words ("Progress": old → new)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class OtherChange:
    """A change someone else saved: one transaction's audit entries for the record."""

    user: str
    at: dt.datetime  # UTC, as the audit log keeps it
    operation: str  # insert | update | delete
    reason: str
    fields: tuple[FieldChange, ...]


class ConflictError(UserError):
    """A write refused because the record changed since the caller read it.

    Carries what the other change was (who, when, each field old → new, from the audit
    log) and the record's version now, so the caller can show it and offer to reload, or
    to write again over it knowingly with `current_version`.
    """

    def __init__(
        self,
        message: str,
        *,
        what: str,
        read_version: int,
        current_version: int,
        changes: tuple[OtherChange, ...] = (),
        officer: str = "",
    ) -> None:
        super().__init__(message)
        # Who was writing when refused: a change of their own (another window) is worded so.
        self.officer = officer
        self.what = what
        self.read_version = read_version
        # 0: the record is no longer there.
        self.current_version = current_version
        self.changes = changes
