"""No function more complex than the house limit unless a reason is written above it."""

from __future__ import annotations

from pathlib import Path

import pytest
from radon.complexity import cc_visit
from radon.visitors import Function

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 20
REASON = "# complexity:"


def _blocks(source: str) -> list[Function]:
    """Every function and method of a module, closures included (radon lists methods
    beside functions; a class's own figure is its methods' total, so it is left out)."""
    found: list[Function] = []
    pending = [b for b in cc_visit(source) if isinstance(b, Function)]
    while pending:
        block = pending.pop()
        found.append(block)
        pending.extend(block.closures)
    return sorted(found, key=lambda b: b.lineno)


def _first_line(lines: list[str], block: Function) -> int:
    """The 0-based line of the function's first decorator, or of its def."""
    index = block.lineno - 1
    while index > 0 and lines[index - 1].lstrip().startswith("@"):
        index -= 1
    return index


def _has_reason(lines: list[str], block: Function) -> bool:
    """True when the line above the def (above its decorators) gives a reason."""
    first = _first_line(lines, block)
    above = lines[first - 1].strip() if first > 0 else ""
    return above.startswith(REASON) and len(above) > len(REASON)


def too_complex(source: str, relative: str) -> list[str]:
    """`path:line name (complexity)` for each function over the limit with no reason."""
    lines = source.splitlines()
    return [
        f"{relative}:{b.lineno} {b.fullname} ({b.complexity})"
        for b in _blocks(source)
        if b.complexity > LIMIT and not _has_reason(lines, b)
    ]


def _sources() -> list[tuple[Path, str]]:
    found = []
    for folder in ("scp_desktop", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found.append((path, path.relative_to(ROOT).as_posix()))
    return found


def test_no_function_above_the_limit_without_a_reason() -> None:
    sources = _sources()
    assert len(sources) > 50  # the whole code base was looked at
    offenders = [
        line
        for path, relative in sources
        for line in too_complex(path.read_text(encoding="utf-8"), relative)
    ]
    assert not offenders, (
        f"Functions above complexity {LIMIT}: split them into small functions or rule "
        f"tables, or write '{REASON} <why>' on the line above the def:\n" + "\n".join(offenders)
    )


BRANCHY = "\n".join(
    ["def branchy(x):"]
    + [f"    if x == {i}:\n        return {i}" for i in range(LIMIT)]
    + ["    return -1"]
)


def test_a_function_over_the_limit_is_named() -> None:
    assert too_complex(BRANCHY, "m.py") == [f"m.py:1 branchy ({LIMIT + 1})"]


def test_a_method_and_a_closure_over_the_limit_are_named() -> None:
    inner = "\n".join("    " + line for line in BRANCHY.splitlines())
    method = "class Thing:\n" + inner
    assert too_complex(method, "m.py") == [f"m.py:2 Thing.branchy ({LIMIT + 1})"]
    closure = "def outer():\n" + inner + "\n    return branchy\n"
    assert [line.split(" ")[0] for line in too_complex(closure, "m.py")] == ["m.py:2"]


def test_a_reason_above_the_def_or_its_decorators_is_accepted() -> None:
    assert too_complex("# complexity: one rule per form field\n" + BRANCHY, "m.py") == []
    decorated = "# complexity: one rule per form field\n@staticmethod\n" + BRANCHY
    assert too_complex(decorated, "m.py") == []


@pytest.mark.parametrize(
    "above",
    ["", "# complexity:", "# a plain comment", "# complexity: why\n\n"],
)
def test_no_reason_or_an_empty_one_is_not_enough(above: str) -> None:
    assert too_complex(above + "\n" + BRANCHY, "m.py") != []


def test_every_module_of_the_package_and_the_bench_is_read() -> None:
    read = {relative for _, relative in _sources()}
    assert "scp_desktop/services/returns/matching.py" in read
    assert "bench/__main__.py" in read
