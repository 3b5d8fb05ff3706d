"""The start in two steps: the window's frame shown before the database layer loads, then the
plan file opened off the GUI thread and the window filled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from scp_desktop import APP_NAME
from scp_desktop.ui.lazy import lazy_module, lazy_name
from scp_desktop.ui.main_window import MainWindow
from scp_desktop.ui.menu_bar import MENUS
from scp_desktop.ui.settings import Settings

HEAVY = ("sqlalchemy", "alembic", "openpyxl", "reportlab", "docx")
# Modules of the window built after its frame is shown.
BODY = (
    "scp_desktop.ui.action_registry",
    "scp_desktop.ui.action_table",
    "scp_desktop.ui.dashboard",
    "scp_desktop.ui.menus",
    "scp_desktop.ui.navigator",
)


def test_the_window_and_its_first_screen_load_without_the_database_layer_or_documents() -> None:
    # The first screen is read with sqlite3 alone while the database layer loads.
    script = textwrap.dedent(
        f"""
        import sys
        import scp_desktop.ui.main_window
        import scp_desktop.app
        import scp_desktop.ui.start_up
        import scp_desktop.services.first_screen
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
        print("scp_desktop.storage.database" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )
    loaded, database = done.stdout.split("\n")[:2]
    assert loaded == "[]", done.stdout
    assert database == "False"


def test_the_frame_is_drawn_before_the_rest_of_the_window_and_qt_s_namespace_load(
    tmp_path: Path, demo_template: Path
) -> None:
    # The real start, looked at as its event loop begins: the frame has been shown, and
    # neither the window's other modules nor the `Qt` namespace (about 90 enum types,
    # ~20 ms) have been loaded for it; they are, once the rest is built.
    plan_file = _demo_copy(demo_template, tmp_path)
    script = textwrap.dedent(
        f"""
        import os, sys
        from PySide6 import QtCore
        from PySide6.QtWidgets import QApplication, QMainWindow
        from PySide6.QtCore import QTimer

        app = QApplication(sys.argv[:1])
        BODY = {BODY!r}

        def loaded():
            return sorted(m for m in BODY if m in sys.modules), "Qt" in QtCore.__dict__

        def at_first_event():
            window = next(w for w in app.topLevelWidgets() if isinstance(w, QMainWindow))
            print(window.isVisible(), window.is_complete, *loaded())
            window.complete()
            print(window.is_complete, *loaded())
            sys.stdout.flush()
            os._exit(0)

        QTimer.singleShot(0, at_first_event)
        from scp_desktop.cli import main
        main(["--db", sys.argv[1]])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(plan_file)],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
        },
    )
    frame, complete = done.stdout.splitlines()[:2]
    assert frame == "True False [] False", done.stdout + done.stderr
    assert complete == f"True {sorted(BODY)!r} True"


def test_a_lazy_module_imports_on_first_read_and_sees_the_module_itself() -> None:
    name = "scp_desktop.domain.file_names"
    sys.modules.pop(name, None)
    stand_in = lazy_module(name)
    assert name not in sys.modules
    assert stand_in.safe_file_name("a/b.pdf") == sys.modules[name].safe_file_name("a/b.pdf")
    with pytest.raises(AttributeError):
        stand_in.no_such_name  # noqa: B018


def test_a_lazy_name_calls_reads_members_and_checks_instances() -> None:
    kind = lazy_name("scp_desktop.domain.rag", "RAG")
    from scp_desktop.domain.rag import RAG

    assert kind.RED is RAG.RED
    assert kind("R") is RAG.RED
    assert isinstance(RAG.GREEN, kind)


def _demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "plan.db"
    shutil.copy(demo_template, path)
    return path


def test_the_window_shows_before_its_plan_file_is_attached_then_fills(
    qtbot: QtBot, demo_template: Path, tmp_path: Path
) -> None:
    from scp_desktop.app import run_gui

    path = _demo_copy(demo_template, tmp_path)
    # The settings' place, as run_gui names it; the name is then not asked for on this start.
    QCoreApplication.setOrganizationName("SCP Desktop")
    QCoreApplication.setApplicationName(APP_NAME)
    Settings(QSettings()).officer_name = "Pat Officer"
    seen: dict[str, Any] = {}
    app = QApplication.instance()
    assert isinstance(app, QApplication)

    def look() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(5, look)
            return
        window = windows[0]
        seen["window"] = window
        if "frame" not in seen:
            menus = [a.menu() for a in window.menuBar().actions()]
            seen["frame"] = {
                "complete": window.is_complete,
                "attached": window.has_database,
                "title": window.windowTitle(),
                "menus": [a.text() for a in window.menuBar().actions()],
                "empty": [m.isEmpty() for m in menus if isinstance(m, QMenu)],
                "status": window.db_label.text(),
                "busy": window.opening_bar is not None and window.opening_bar.isVisible(),
                "icon": not app.windowIcon().isNull(),
            }
            window.grab().save(str(tmp_path / "frame.png"))
        if not window.is_complete:
            QTimer.singleShot(5, look)
            return
        if "first" not in seen:
            seen["first"] = {
                "attached": window.has_database,
                "title": window.windowTitle(),
                "rows": window.model.rowCount(),
                "new_action": window.acts.new_action.isEnabled(),
                "quit": window.acts.quit.isEnabled(),
                "busy": window.opening_bar is not None and window.opening_bar.isVisible(),
                "icon": not app.windowIcon().isNull(),
            }
            window.grab().save(str(tmp_path / "opening.png"))
        if window.table_filled and not window.has_database and "early" not in seen:
            # The plan's rows read straight from the file, while it is still being opened.
            table = window.table
            rag = window.model.index(0, 7)
            seen["early"] = {
                "rows": window.model.rowCount(),
                "ids": [r.id for r in window.model.all_rows()],
                "quarter": window.quarter_combo.currentText(),
                "plan": window.plan_combo.currentText(),
                "notice": window.demo_notice.isVisibleTo(window),
                "state": window.filter_bar.state.text(),
                "on_screen": window.rows_on_screen(),
                "table_on": table.isEnabled(),
                "rag_editable": bool(window.model.flags(rag) & Qt.ItemFlag.ItemIsEditable),
                "rag_set": window.model.setData(rag, "R"),
                "new_action": window.acts.new_action.isEnabled(),
                "busy": window.opening_bar is not None and window.opening_bar.isVisible(),
            }
        if not window.has_database:
            QTimer.singleShot(5, look)
            return
        seen["filled"] = {
            "rows": window.model.rowCount(),
            "ids": [r.id for r in window.model.all_rows()],
            "quarter": window.quarter_combo.currentText(),
            "plan": window.plan_combo.currentText(),
            "rag_editable": bool(
                window.model.flags(window.model.index(0, 7)) & Qt.ItemFlag.ItemIsEditable
            ),
            "title": window.windowTitle(),
            "new_action": window.acts.new_action.isEnabled(),
            "undo": window.acts.undo.isEnabled(),
            "busy": window.opening_bar,
        }
        app.exit(0)

    # Closing the last window would post a quit for the event loops of the tests that follow.
    app.setQuitOnLastWindowClosed(False)
    try:
        QTimer.singleShot(0, look)
        assert run_gui(path) == 0
    finally:
        if "window" in seen:
            seen["window"].close()
            if seen["window"].has_database:
                seen["window"].db.close()
            seen["window"].deleteLater()
        app.setQuitOnLastWindowClosed(True)
    frame, first, early, filled = seen["frame"], seen["first"], seen["early"], seen["filled"]
    # The frame first, drawn before the rest of the window is built: it names the file it
    # opens and shows the menus' titles, each to be filled.
    assert frame["complete"] is False and frame["attached"] is False
    assert frame["title"] == "SCP Desktop — plan.db"
    assert frame["menus"] == [title for title, _name in MENUS]
    assert frame["empty"] == [True] * len(MENUS)
    assert frame["status"] == f"Opening {path}…"
    assert frame["busy"] is True and frame["icon"] is True
    # Shown first, saying what it opens, with the commands that need a plan switched off.
    assert first["attached"] is False and first["rows"] == 0
    assert first["title"] == "SCP Desktop — plan.db"
    assert first["new_action"] is False and first["quit"] is True
    assert first["busy"] is True and first["icon"] is True
    # Then the plan's first rows, as many as the table shows, read from the file while it
    # is still being opened: the same plan, quarter and first rows as once it is attached,
    # to look at but not yet to change.
    assert early["rows"] >= early["on_screen"] > 5 and early["notice"] is True
    assert (early["ids"], early["quarter"], early["plan"]) == (
        filled["ids"][: early["rows"]],
        filled["quarter"],
        filled["plan"],
    )
    assert early["state"] == f"Showing the first {early['rows']} of {filled['rows']} actions"
    assert early["table_on"] is False and early["busy"] is True
    assert early["rag_editable"] is False and early["rag_set"] is False
    assert early["new_action"] is False
    # Then attached and filled: the demo's actions, commands back on, Undo still off.
    assert filled["rag_editable"] is True
    assert filled["rows"] > 10
    assert filled["title"] == "SCP Desktop — Demo — plan.db"
    assert filled["new_action"] is True and filled["undo"] is False
    assert filled["busy"] is None


# A start that never ends prints where it is stuck after 30 s, instead of the test waiting on.
STOPS_IF_STUCK = (
    "import faulthandler, runpy, sys; faulthandler.dump_traceback_later(30, exit=True); "
    "module, sys.argv = sys.argv[1], sys.argv[1:]; runpy.run_module(module, run_name='__main__')"
)


def test_closing_while_the_day_s_backup_is_taken_ends_cleanly(
    tmp_path: Path, demo_template: Path
) -> None:
    """The backup job is asked to stop and waited for: the interpreter never shuts down
    under a worker, and no half-written backup is left."""
    from scp_desktop.storage.backups import folder_beside

    plan_file = tmp_path / "plan.db"
    shutil.copy(demo_template, plan_file)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", STOPS_IF_STUCK, "tests.close_while_working", str(plan_file)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "exit=0" in done.stdout
    assert "Traceback" not in done.stderr and "Error calling" not in done.stderr, done.stderr
    folder = folder_beside(plan_file)
    left = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    assert not [name for name in left if "partial" in name or name.endswith(".tmp")], left


def test_a_plan_whose_year_was_changed_outside_says_so_and_the_window_stays(
    qtbot: QtBot, demo_template: Path, tmp_path: Path
) -> None:
    import sqlite3

    from scp_desktop.services.first_screen import FileReads
    from scp_desktop.storage.database import open_database
    from tests.test_first_screen import ALL, DEMO_DAY, _wanted
    from tests.ui.test_read_only_window import answer_next_message

    path = _demo_copy(demo_template, tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE \"plan\" SET year = 'year <&> one'")
    # No first screen from such a file: the opening says what is wrong.
    assert FileReads(path).first_screen(_wanted(DEMO_DAY), ALL) is None
    window = MainWindow(None, Settings(), opening=path)
    qtbot.addWidget(window)
    window.show()
    db, result = open_database(path, user="pat", create=False)
    seen: list[str] = []
    answer_next_message("OK", seen)
    window.attach_database(db, result)
    try:
        assert len(seen) == 1 and "“year <&> one”, which is not a financial year" in seen[0]
        assert "restore it from a backup" in seen[0]
        # The window stays, attached, its table empty, the file's backups still to hand.
        assert window.isVisible() and window.has_database and window.model.rowCount() == 0
        assert window.acts.backups.isEnabled()
    finally:
        window.close()
        db.close()


def test_the_rest_of_the_window_is_built_into_the_frame_s_own_menus_once(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtGui import QAction

    from tests.ui.windows import officer_settings

    window = MainWindow(
        None, officer_settings(tmp_path), opening=tmp_path / "plan.db", frame_only=True
    )
    qtbot.addWidget(window)
    window.show()
    menus = [a.menu() for a in window.menuBar().actions()]
    assert [m.title() for m in menus if isinstance(m, QMenu)] == [t for t, _n in MENUS]
    assert not window.is_complete and not window.table_filled
    window.complete()
    # The same menus, filled: no second row of titles.
    assert [a.menu() for a in window.menuBar().actions()] == menus
    assert [window.acts.menus[name] for _t, name in MENUS] == menus
    assert not any(m.isEmpty() for m in menus if isinstance(m, QMenu))
    actions = len(window.findChildren(QAction))
    window.complete()
    assert len(window.findChildren(QAction)) == actions
    # Still opening: only what needs no plan file can be used, and the demo notice waits.
    assert window.acts.quit.isEnabled() and not window.acts.new_action.isEnabled()
    assert window.demo_notice.isHidden() and not window.table.isEnabled()
    qtbot.waitUntil(lambda: window.table.isVisible() and window.rows_on_screen() > 5)


def test_a_window_closed_before_the_rest_is_built_keeps_its_size_and_place(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from tests.ui.windows import officer_settings

    settings = officer_settings(tmp_path)
    window = MainWindow(None, settings, opening=tmp_path / "plan.db", frame_only=True)
    qtbot.addWidget(window)
    window.show()
    window.resize(700, 500)  # within the offscreen screen's 800×600
    assert window.close()
    again = MainWindow(None, settings, opening=tmp_path / "plan.db", frame_only=True)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 500)
