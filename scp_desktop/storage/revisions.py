"""The schema revisions this version of SCP Desktop knows, read from its migration scripts
without importing Alembic or SQLAlchemy: the window's first screen checks a file's revision
before the database layer has loaded."""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Any

MIGRATIONS = Path(__file__).with_name("migrations")


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ...  # not a plain literal: let Alembic read the script


@functools.cache
def _revision_graph() -> dict[str, tuple[str, ...]]:
    """Each migration script's revision and the revisions it follows, read from the script
    files' module-level `revision` / `down_revision` literals without importing Alembic."""
    graph: dict[str, tuple[str, ...]] = {}
    for script in sorted((MIGRATIONS / "versions").glob("*.py")):
        values: dict[str, Any] = {}
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            target: ast.expr | None = None
            value: ast.expr | None = None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign):
                target, value = node.target, node.value
            if (
                isinstance(target, ast.Name)
                and target.id in ("revision", "down_revision")
                and value is not None
            ):
                values[target.id] = _literal(value)
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str) or down is ...:
            return _alembic_revision_graph()
        if down is None:
            graph[revision] = ()
        elif isinstance(down, str):
            graph[revision] = (down,)
        elif isinstance(down, (tuple, list)) and all(isinstance(d, str) for d in down):
            graph[revision] = tuple(down)
        else:
            return _alembic_revision_graph()
    return graph


def _alembic_revision_graph() -> dict[str, tuple[str, ...]]:
    from alembic.script import ScriptDirectory

    from scp_desktop.storage.database import _alembic_config

    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    graph: dict[str, tuple[str, ...]] = {}
    for rev in script.walk_revisions():
        down = rev.down_revision
        graph[rev.revision] = (
            () if down is None else (down,) if isinstance(down, str) else tuple(down)
        )
    return graph


def known_revisions() -> frozenset[str]:
    """Every schema revision this version of SCP Desktop has a migration for."""
    return frozenset(_revision_graph())


def head_revision() -> str:
    """The schema revision this version of SCP Desktop writes (the newest migration)."""
    graph = _revision_graph()
    followed = {down for downs in graph.values() for down in downs}
    heads = [rev for rev in graph if rev not in followed]
    assert len(heads) == 1, f"the migrations must have one head, not {heads}"
    return heads[0]
