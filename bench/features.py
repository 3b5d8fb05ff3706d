"""Where the benchmark finds the product's features, imported late so a missing one is reported.

Features are built in parallel branches; a case whose feature is absent reports "not available"
with the reason instead of failing the whole run. The headless commands named in the issues
(`export-returns`, `import --dry-run --json`, `report`) are stable contracts, so they are the
fallback when no service function with a known name is found.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
from collections.abc import Callable
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


def find(candidates: list[tuple[str, str]]) -> Callable[..., Any] | None:
    """The first (module, attribute) that exists."""
    for module_name, attr in candidates:
        module = _module(module_name)
        if module is not None and hasattr(module, attr):
            return getattr(module, attr)  # type: ignore[no-any-return]
    return None


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


def export_returns(db_path: Path, quarter: str, out_dir: Path, partner: str) -> list[Path]:
    """Write the return workbook(s) for one agency with the product's own exporter."""
    require_command("export-returns", "return templates")
    before = set(out_dir.glob("*.xlsx")) if out_dir.exists() else set()
    out_dir.mkdir(parents=True, exist_ok=True)
    run_cli(
        [
            "export-returns",
            "--db",
            str(db_path),
            "--quarter",
            quarter,
            "--out",
            str(out_dir),
            "--partner",
            partner,
        ]
    )
    return sorted(set(out_dir.glob("*.xlsx")) - before)


def import_dry_run(db_path: Path, quarter: str, files: list[Path]) -> dict[str, Any]:
    """Read and match every file without writing; returns the command's JSON document."""
    require_command("import", "return import")
    text = run_cli(
        ["import", "--db", str(db_path), "--quarter", quarter, "--dry-run", "--json"]
        + [str(f) for f in files]
    )
    start = text.find("{")
    return json.loads(text[start:])  # type: ignore[no-any-return]


# -- reports (issue 5) ------------------------------------------------------------------


def quarterly_report(db_path: Path, quarter: str, out: Path) -> None:
    require_command("report", "quarterly report")
    run_cli(
        [
            "report",
            "--db",
            str(db_path),
            "--kind",
            "quarterly",
            "--quarter",
            quarter,
            "--out",
            str(out),
        ]
    )
