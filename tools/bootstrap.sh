#!/usr/bin/env bash
# Creates .venv with Python 3.12 or 3.13 and installs SCP Desktop into it (with EXTRAS if given).
# Usage: tools/bootstrap.sh [extras]     e.g. tools/bootstrap.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

find_python() {
  local candidates=("${SCP_PYTHON:-}" python3.12 python3.13)
  for dir in "$HOME"/.pyenv/versions/3.12* "$HOME"/.pyenv/versions/3.13* /root/.pyenv/versions/3.12* /usr/local/bin; do
    [ -d "$dir" ] && candidates+=("$dir/bin/python3.12" "$dir/bin/python3.13" "$dir/python3.12" "$dir/python3.13")
  done
  for py in "${candidates[@]}"; do
    [ -n "$py" ] || continue
    if "$py" -c 'import sys, venv; sys.exit(0 if (3, 12) <= sys.version_info[:2] <= (3, 13) else 1)' >/dev/null 2>&1; then
      echo "$py"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 12) else 1)'; then
  py=$(find_python) || {
    echo "SCP Desktop needs Python 3.12 or 3.13 (PySide6 6.12 crashes on 3.11). Install one, or set SCP_PYTHON to its path." >&2
    exit 1
  }
  rm -rf .venv
  "$py" -m venv .venv
fi
stamp=".venv/.installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  if [ -n "$extras" ]; then spec=".[$extras]"; else spec="."; fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
  touch "$stamp"
fi
