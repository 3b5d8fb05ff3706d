"""Where the benchmark finds the product's features, imported late so a missing one is reported.

Features are built in parallel branches; a case whose feature is absent reports "not available"
with the reason instead of failing the whole run. The headless commands named in the issues
(`export-returns`, `import --dry-run --json`, `report`) are stable contracts, so they are the
fallback when no service function with a known name and call shape is found.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
from pathlib import Path
from typing import Any


class Unavailable(Exception):
    """The feature a case measures is not in this build; the message says what is missing."""


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Only "this module does not exist" means unavailable; a broken import inside it is a bug.
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            return None
        raise


def accepts(fn: Any, *args: Any, **kwargs: Any) -> bool:
    """Whether `fn` can be called like this (checked without calling it)."""
    import inspect

    try:
        inspect.signature(fn).bind(*args, **kwargs)
    except TypeError:
        return False
    return True


def cli_commands() -> set[str]:
    import argparse

    from scp_desktop.cli import build_parser

    parser = build_parser()
    names: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            names.update(action.choices)
    return names


def run_cli(argv: list[str]) -> str:
    """Run a headless command in this process; return what it printed."""
    from scp_desktop.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(argv)
    if status != 0:
        raise RuntimeError(f"scp-desktop {' '.join(argv)} exited {status}: {out.getvalue()[-500:]}")
    return out.getvalue()


def require_command(name: str, feature: str) -> None:
    if name not in cli_commands():
        raise Unavailable(f"{feature}: no `scp-desktop {name}` command in this build")


# -- returns (issue 4) ------------------------------------------------------------------


def _open(db_path: Path) -> Any:
    from scp_desktop.storage.database import open_database

    db, _ = open_database(db_path, user="bench", create=False)
    return db


def export_returns(db_path: Path, quarter: str, out_dir: Path) -> tuple[list[Path], str]:
    """Write one return per lead agency with the product's own exporter; (files, how)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    svc = _module("scp_desktop.services.returns.export")
    plans = _module("scp_desktop.services.returns.index")
    if (
        svc is not None
        and plans is not None
        and hasattr(svc, "export_returns")
        and hasattr(plans, "plan_for_quarter")
        and accepts(svc.export_returns, None, 0, None, out_dir)
    ):
        from scp_desktop.domain.periods import Quarter

        db = _open(db_path)
        try:
            q = Quarter.parse(quarter)
            result = svc.export_returns(db, plans.plan_for_quarter(db, q), q, out_dir)
            return [Path(r.path) for r in result.returns], "services.returns.export.export_returns"
        finally:
            db.close()
    require_command("export-returns", "return templates")
    run_cli(["export-returns", "--db", str(db_path), "--quarter", quarter, "--out", str(out_dir)])
    return sorted(out_dir.glob("*.xlsx")), "scp-desktop export-returns"


class DryRun:
    """The import preview, prepared once (database open) and then run as often as needed."""

    def __init__(self, db_path: Path, quarter: str) -> None:
        self.db_path, self.quarter = db_path, quarter
        svc = _module("scp_desktop.services.returns.preview")
        if (
            svc is not None
            and hasattr(svc, "preview_import")
            and accepts(svc.preview_import, None, [], None)
        ):
            from scp_desktop.domain.periods import Quarter

            self.how = "services.returns.preview.preview_import"
            self._svc: Any = svc
            self._q = Quarter.parse(quarter)
            self._db = _open(db_path)
        else:
            require_command("import", "return import")
            self.how = "scp-desktop import --dry-run --json (includes opening the database)"
            self._svc = None

    def run(self, files: list[Path]) -> dict[str, int]:
        """Outcome counts of every row read ("rejected file" for refused files)."""
        counts: dict[str, int] = {}
        if self._svc is not None:
            preview = self._svc.preview_import(self._db, files, self._q)
            for f in preview.files:
                if getattr(f, "status", "ok") != "ok":
                    counts["rejected file"] = counts.get("rejected file", 0) + 1
            for row in preview.rows:
                key = str(getattr(row.outcome, "value", row.outcome))
                counts[key] = counts.get(key, 0) + 1
            return counts
        text = run_cli(
            ["import", "--db", str(self.db_path), "--quarter", self.quarter, "--dry-run", "--json"]
            + [str(f) for f in files]
        )
        doc = json.loads(text[text.find("{") :])
        for f in doc.get("files", []):
            if f.get("status") != "ok":
                counts["rejected file"] = counts.get("rejected file", 0) + 1
            for row in f.get("rows", []):
                counts[row.get("outcome", "?")] = counts.get(row.get("outcome", "?"), 0) + 1
        return counts

    def close(self) -> None:
        if self._svc is not None:
            self._db.close()


# -- reports (issue 5) ------------------------------------------------------------------


class QuarterlyReport:
    """The quarterly report builder, with its database opened once outside the timing."""

    def __init__(self, db_path: Path, quarter: str) -> None:
        self.db_path, self.quarter = db_path, quarter
        svc = _module("scp_desktop.services.reports")
        if (
            svc is not None
            and hasattr(svc, "build_report")
            and accepts(svc.build_report, None, "quarterly", Path(), quarter="", today=None)
        ):
            self.how = "services.reports.build_report"
            self._svc: Any = svc
            self._db = _open(db_path)
        else:
            require_command("report", "quarterly report")
            self.how = "scp-desktop report --kind quarterly (includes opening the database)"
            self._svc = None

    def build(self, out: Path) -> None:
        if self._svc is not None:
            import datetime as dt

            self._svc.build_report(
                self._db, "quarterly", out, quarter=self.quarter, today=dt.date(2023, 4, 20)
            )
            return
        run_cli(
            [
                "report",
                "--db",
                str(self.db_path),
                "--kind",
                "quarterly",
                "--quarter",
                self.quarter,
                "--out",
                str(out),
            ]
        )

    def close(self) -> None:
        if self._svc is not None:
            self._db.close()


# -- published documents (issue 18) -----------------------------------------------------


class PublishedReport:
    """The quarterly report as .docx or HTML, with its database opened once outside the timing."""

    def __init__(self, db_path: Path, quarter: str, fmt: str) -> None:
        self.db_path, self.quarter, self.fmt = db_path, quarter, fmt
        svc = _module("scp_desktop.services.publishing")
        if svc is None or not hasattr(svc, "write_document"):
            raise Unavailable(f"the quarterly report as {fmt} is not in this build")
        self.how = f"services.publishing.write_document (--format {fmt})"
        self._svc: Any = svc
        self._db = _open(db_path)

    def build(self, out: Path) -> None:
        import datetime as dt

        self._svc.write_document(
            self._db, "quarterly", self.fmt, out, quarter=self.quarter, today=dt.date(2023, 4, 20)
        )

    def close(self) -> None:
        self._db.close()
