"""Log lines for the work officers do, written with ids, counts and durations only."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

log = logging.getLogger("scp_desktop.activity")


def import_previewed(
    files: int, rejected: int, outcomes: Counter[str], cancelled: bool, seconds: float
) -> None:
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(outcomes.items())) or "no rows"
    log.info(
        "import previewed%s: %d file(s), %d refused; %d row(s): %s; in %.2f s",
        " (cancelled)" if cancelled else "",
        files,
        rejected,
        sum(outcomes.values()),
        counts,
        seconds,
    )


def import_applied(created: int, updated: int, kept: int, batches: int, seconds: float) -> None:
    log.info(
        "import applied: %d new update(s), %d replaced, %d kept, from %d file(s); in %.2f s",
        created,
        updated,
        kept,
        batches,
        seconds,
    )


def report_written(kind: str, pages: int, size: int, seconds: float) -> None:
    log.info("report %s written: %d page(s), %d bytes, in %.2f s", kind, pages, size, seconds)


def returns_exported(workbooks: int, drafts: int, notes: Iterable[str], seconds: float) -> None:
    log.info(
        "returns exported: %d workbook(s), %d e-mail draft(s), %d note(s); in %.2f s",
        workbooks,
        drafts,
        len(list(notes)),
        seconds,
    )
