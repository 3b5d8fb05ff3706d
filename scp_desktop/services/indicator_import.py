"""Importing indicator values from a workbook: preview every change first, then apply in one go."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scp_desktop.domain.indicators import decimal_text, parse_period
from scp_desktop.excel.indicator_values import ReadResult, WorkbookError, read_indicator_values
from scp_desktop.services import versions
from scp_desktop.services.errors import ConflictError, UserError
from scp_desktop.services.indicators import (
    ValueEdit,
    apply_value_edit,
    get_plan,
    lock_quarter,
    plan_indicators,
    signed_off_quarters,
)
from scp_desktop.services.versions import ABSENT
from scp_desktop.storage.database import Database
from scp_desktop.storage.models import ImportBatch, Indicator


@dataclass(frozen=True)
class PreviewRow:
    where: str  # sheet, row and column of the figure
    indicator_id: int
    indicator_name: str
    period: str
    period_label: str
    old_value: str
    new_value: str
    comparator: str
    note: str
    # The version of the period's value the preview read (0: none stored): Apply writes
    # only over that, so a figure changed since the preview is listed, not overwritten.
    version: int = ABSENT

    @property
    def change(self) -> str:
        if not self.old_value:
            return "new"
        return "same" if self.old_value == self.new_value else "changed"


@dataclass
class ImportPreview:
    file_name: str
    content_hash: str
    plan_id: int
    rows: list[PreviewRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def can_apply(self) -> bool:
        return (
            not self.problems and not self.cancelled and any(r.change != "same" for r in self.rows)
        )


def _key(name: str) -> str:
    text = name.lower().replace("–", "-").replace("—", "-").replace("’", "'")
    return re.sub(r"[^a-z0-9%']+", " ", text).strip()


def preview_import(
    db: Database,
    plan_id: int,
    path: Path,
    *,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPreview:
    """Read the workbook and say what would change; nothing is written."""
    path = Path(path)
    try:
        result: ReadResult = read_indicator_values(path, should_stop=should_stop, progress=progress)
    except WorkbookError as exc:
        raise UserError(str(exc)) from exc
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    preview = ImportPreview(path.name, digest, plan_id, cancelled=result.cancelled)
    preview.problems.extend(result.problems)
    preview.warnings.extend(result.warnings)
    if result.cancelled:
        return preview
    with db.session(audit=False) as s:
        get_plan(s, plan_id)
        indicators = plan_indicators(s, plan_id)
        by_key = {_key(i.name): i for i in indicators}
        names = list(by_key)
        signed = signed_off_quarters(s)
        earlier = s.scalars(
            select(ImportBatch).where(
                ImportBatch.content_hash == digest, ImportBatch.kind == "indicators"
            )
        ).first()
        if earlier is not None:
            preview.warnings.append(
                f"This file was imported before, on {earlier.imported_at:%d/%m/%Y at %H:%M}."
            )
        seen: dict[tuple[int, str], str] = {}
        unknown: set[str] = set()
        for rv in result.values:
            ind = by_key.get(_key(rv.name))
            if ind is None:
                if rv.name in unknown:
                    continue
                unknown.add(rv.name)
                hint = ""
                match = process.extractOne(_key(rv.name), names, scorer=fuzz.token_sort_ratio)
                if match is not None and match[1] >= 75:
                    hint = f" Did you mean '{by_key[match[0]].name}'?"
                preview.problems.append(
                    f"{rv.name_ref}: '{rv.name}' is not an indicator of this plan.{hint}"
                )
                continue
            period = parse_period(rv.period_text)
            quarter = lock_quarter(period)
            if quarter is not None and quarter.code in signed:
                preview.problems.append(
                    f"{rv.ref}: {quarter.label} is signed off, so the value for '{ind.name}' "
                    "cannot be changed. Unlock the quarter first."
                )
                continue
            key = (ind.id, period.code)
            if key in seen:
                preview.problems.append(
                    f"{rv.ref}: a second value for '{ind.name}' in {period.label} "
                    f"(the first is at {seen[key]})."
                )
                continue
            seen[key] = str(rv.ref)
            old = next((v for v in ind.values if v.period == period.code), None)
            preview.rows.append(
                PreviewRow(
                    where=str(rv.ref),
                    indicator_id=ind.id,
                    indicator_name=ind.name,
                    period=period.code,
                    period_label=period.label,
                    old_value=(old.value or "") if old else "",
                    new_value=decimal_text(rv.value),
                    comparator=decimal_text(rv.comparator),
                    note=rv.note,
                    version=old.version if old else ABSENT,
                )
            )
    return preview


def _changed_since_preview(s: Session, ind: Indicator, rows: list[PreviewRow]) -> list[str]:
    """The figures of `rows` stored differently now than when previewed, in words: where in
    the file, which value, and who changed it when (old → new)."""
    officer = str(s.info.get("user") or "")
    now = {v.period: v for v in ind.values}
    lines = []
    for row in rows:
        current = now.get(row.period)
        if versions.version_of(current) == row.version:
            continue
        what = f"{row.where}: the {row.period_label} value of {ind.name}"
        changes = (
            versions.changes_since(s, "indicator_value", current.id, row.version)
            if current is not None
            else ()
        )
        if changes:
            line = f"{what} was " + versions.describe_change(changes[-1], officer)
            if current is not None and not changes[-1].fields:
                line += f"; it is now {current.value or '(blank)'}"
            lines.append(line)
        else:
            state = "deleted" if current is None else "changed"
            lines.append(f"{what} was {state} after the preview")
    return lines


def apply_import(db: Database, preview: ImportPreview, *, user_file: str = "") -> int:
    """Write the previewed values in one transaction; returns how many were written."""
    if preview.cancelled:
        raise UserError("The import was cancelled; nothing was written.")
    if preview.problems:
        raise UserError(
            f"{preview.file_name} has {len(preview.problems)} problem(s) to fix first; "
            "nothing was written."
        )
    changes = [r for r in preview.rows if r.change != "same"]
    if not changes:
        raise UserError(f"{preview.file_name} holds no new or changed values.")
    with (
        versions.stale_is_conflict(
            db, Indicator, None, None, what=f"The values from {preview.file_name}"
        ),
        db.session(reason=f"indicator values imported from {preview.file_name}") as s,
    ):
        by_indicator: dict[int, list[PreviewRow]] = {}
        for row in changes:
            by_indicator.setdefault(row.indicator_id, []).append(row)
        signed = signed_off_quarters(s)
        loaded: list[tuple[Indicator, list[PreviewRow]]] = []
        stale: list[str] = []
        for indicator_id, rows in by_indicator.items():
            ind = s.get(Indicator, indicator_id, options=[selectinload(Indicator.values)])
            if ind is None:
                raise UserError(
                    "An indicator in the preview was deleted meanwhile; nothing was written."
                )
            loaded.append((ind, rows))
            stale.extend(_changed_since_preview(s, ind, rows))
        if stale:
            shown = stale[:20]
            more = f"\n… and {len(stale) - len(shown)} more" if len(stale) > len(shown) else ""
            raise ConflictError(
                f"{len(stale)} value(s) in {preview.file_name} were changed in this file after "
                "the preview, so nothing was written. Preview the import again to see the "
                "values as they are now:\n" + "\n".join(shown) + more,
                what=f"The values from {preview.file_name}",
                read_version=ABSENT,
                current_version=ABSENT,
                officer=str(s.info.get("user") or ""),
            )
        for ind, rows in loaded:
            for row in rows:
                fields: dict[str, str | bool] = {"value": row.new_value}
                if row.comparator:
                    fields["comparator"] = row.comparator
                if row.note:
                    fields["note"] = row.note
                edit = ValueEdit(row.period, fields, where=row.where, expected_version=row.version)
                apply_value_edit(s, ind, edit, signed)
        quarters = sorted({p.code for r in changes if (p := parse_period(r.period).quarter)})
        s.add(
            ImportBatch(
                file_name=user_file or preview.file_name,
                content_hash=preview.content_hash,
                quarter=quarters[-1] if quarters else "",
                kind="indicators",
                imported_by=str(s.info.get("user", "")),
                rows_applied=len(changes),
            )
        )
        return len(changes)
