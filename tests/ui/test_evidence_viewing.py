"""Evidence opened from the History dock: a copy in this session's temporary folder, removed
when the window closes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from scp_desktop.services import editing, plans, workspace
from scp_desktop.services.viewing_copies import PREFIX
from scp_desktop.storage.database import open_database

ROOT = Path(__file__).resolve().parents[2]

# The real application in its own process. The file URL handler stands in for the desktop's
# viewer (which would otherwise be started) and reports which file it was given.
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication, QObject, QSettings, QTimer, QUrl, Slot
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QApplication
    from scp_desktop import APP_NAME
    from scp_desktop.app import run_gui
    from scp_desktop.ui.main_window import MainWindow
    from scp_desktop.ui.settings import Settings

    QCoreApplication.setOrganizationName("SCP Desktop")
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(sys.argv)
    Settings(QSettings()).officer_name = "Pat Officer"
    action_id = int(sys.argv[2])
    seen = {}

    class Viewer(QObject):
        @Slot(QUrl)
        def show(self, url):
            seen["path"] = Path(url.toLocalFile())
            seen["content"] = seen["path"].read_bytes()

    viewer = Viewer()
    QDesktopServices.setUrlHandler("file", viewer, "show")

    def go():
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or not windows[0].isVisible() or not windows[0].has_database:
            QTimer.singleShot(50, go)
            return
        window = windows[0]
        assert window.select_action(action_id)
        window.history.evidence_view.selectRow(0)
        window.history.open_button.click()
        window.close()

    QTimer.singleShot(0, go)
    code = run_gui(Path(sys.argv[1]))
    print("OPENED", seen["path"], seen["content"].decode(), flush=True)
    # Before the interpreter's own exit handlers run: the window's closing removed it.
    print("AFTER-CLOSE", seen["path"].exists(), seen["path"].parent.parent.exists(), flush=True)
    sys.exit(code)
    """
)


def test_opened_evidence_is_removed_when_the_window_closes(
    tmp_path: Path, demo_template: Path
) -> None:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    db, _ = open_database(path, user="tester")
    try:
        plan_id = plans.list_plans(db)[0].id
        row = workspace.load_action_rows(db, plan_id, "2022-23-Q2", dt.date(2022, 10, 1))[0]
        source = tmp_path / "CON.txt"
        source.write_text("site visit notes")
        editing.attach_evidence(db, row.id, source)
    finally:
        db.close()
    temp = tmp_path / "temp"
    temp.mkdir()
    stale = temp / f"{PREFIX}999999999-left"  # a crashed session's copies
    stale.mkdir()
    (stale / "old.pdf").write_bytes(b"x")
    env = dict(
        os.environ,
        TMPDIR=str(temp),
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(row.id)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    opened = Path(lines["OPENED"].split(" ", 1)[0])
    assert opened.name == "_CON.txt"
    assert opened.is_relative_to(temp)
    assert lines["OPENED"].endswith("site visit notes")
    assert lines["AFTER-CLOSE"] == "False False"
    assert not stale.exists()
    assert [p for p in temp.iterdir() if p.name.startswith(PREFIX)] == []
