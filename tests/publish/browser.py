"""Checking a written HTML file in a real browser engine: axe-core run in headless Chromium."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# Where `.ci/run` (and a developer, with the same npm command) puts axe-core.
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / ".cache/axe/node_modules/axe-core/axe.min.js"))
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def axe_violations(page: Path, work: Path) -> list[dict[str, Any]]:
    """The axe-core violations of the page, as axe reports them (empty when it passes)."""
    browser = chromium()
    assert browser is not None and AXE.exists()
    source = page.read_text(encoding="utf-8")
    runner = (
        f"<script>{AXE.read_text(encoding='utf-8')}</script>\n<script>"
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(RULES)}}}}})"
        ".then(function (r) { var out = document.createElement('pre');"
        " out.id = 'axe-results'; out.textContent = JSON.stringify(r.violations);"
        " document.documentElement.appendChild(out); })"
        ".catch(function (e) { var out = document.createElement('pre');"
        " out.id = 'axe-results'; out.textContent = JSON.stringify([{id: 'axe-error',"
        " help: String(e)}]); document.documentElement.appendChild(out); });</script>\n"
    )
    checked = work / ("checked-" + page.name)
    checked.write_text(source.replace("</body>", runner + "</body>"), encoding="utf-8")
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={work / 'chromium-profile'}",
            "--virtual-time-budget=30000",
            "--dump-dom",
            checked.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    found = re.search(r'<pre id="axe-results">(.*?)</pre>', result.stdout, re.S)
    assert found, f"axe did not report (exit {result.returncode}): {result.stderr[-2000:]}"
    violations: list[dict[str, Any]] = json.loads(html.unescape(found.group(1)))
    return violations


def summary(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [n.get("target") for n in v.get("nodes", [])][:3]
        lines.append(f"{v.get('id')}: {v.get('help')} ({len(v.get('nodes', []))} nodes) {targets}")
    return "\n".join(lines)
