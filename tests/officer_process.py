"""One officer's SCP Desktop, as a process of its own, for the many-officers test: it gets
ready, waits for the starting signal (a file appearing), then imports a return or edits
actions on the shared plan, and prints what happened, one line per outcome."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from scp_desktop.domain.periods import Quarter
from scp_desktop.services import editing
from scp_desktop.services.edit_inputs import fields_of
from scp_desktop.services.errors import ConflictError
from scp_desktop.services.returns.apply import apply_import
from scp_desktop.services.returns.preview import preview_import
from scp_desktop.storage.database import open_database
from scp_desktop.storage.models import Action


def _wait(go: Path) -> None:
    deadline = time.monotonic() + 120
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no starting signal")
        time.sleep(0.005)


def main(argv: list[str]) -> int:
    mode, url, password, go = argv[0], argv[1], argv[2], Path(argv[3])
    db, _ = open_database(url, password=password)
    if mode == "import":
        quarter, file = Quarter.parse(argv[4]), Path(argv[5])
        preview = preview_import(db, [file], quarter)
        print("ready", flush=True)
        _wait(go)
        result = apply_import(db, preview)
        print(f"imported {result.created} {result.updated} {len(result.conflicts)}")
    else:
        ids = [int(i) for i in argv[4].split(",")]
        seen = {}
        with db.session(audit=False) as s:
            for action_id in ids:
                a = s.get(Action, action_id)
                assert a is not None
                seen[action_id] = (fields_of(a), a.version)
        print("ready", flush=True)
        _wait(go)
        for action_id, (fields, version) in seen.items():
            try:
                editing.save_action(
                    db,
                    action_id,
                    replace(fields, title=f"Edited by {db.user}"),
                    expected_version=version,
                )
                print(f"saved {action_id}")
            except ConflictError as exc:
                print(f"conflict {action_id} {str(exc).splitlines()[0]}")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
