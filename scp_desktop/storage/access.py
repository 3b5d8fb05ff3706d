"""Why a plan file is open read-only, said once and shown by the window and every refusal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ReadOnlyKind(Enum):
    NETWORK = "network"  # on a network drive: SQLite's locking cannot be trusted there
    IN_USE = "in use"  # another window has it open for changes
    NOT_WRITABLE = "not writable"  # the file or its folder cannot be written
    ASKED = "asked"  # opened read-only on purpose
    ROLE = "role"  # a shared plan's database role that may only read


@dataclass(frozen=True)
class ReadOnly:
    kind: ReadOnlyKind
    why: str  # one or two sentences for the officer

    @property
    def copy_helps(self) -> bool:
        """Whether working on a copy on this computer is the way forward (it is not when
        another officer is changing the same plan: two copies would part ways)."""
        return self.kind in (ReadOnlyKind.NETWORK, ReadOnlyKind.NOT_WRITABLE)
