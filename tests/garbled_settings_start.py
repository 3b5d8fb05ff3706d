"""SCP Desktop started as a process of its own over a settings file given as text (garbled, or
as an earlier version left it): it prints what the window opened on, one `name=value` a line."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from scp_desktop import APP_NAME
from scp_desktop.app import run_gui
from scp_desktop.ui.main_window import MainWindow


def main(argv: list[str]) -> int:
    plan_file, settings_text = Path(argv[0]), Path(argv[1]).read_text(encoding="utf-8")
    QCoreApplication.setOrganizationName("SCP Desktop")
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(sys.argv)
    place = Path(QSettings().fileName())
    place.parent.mkdir(parents=True, exist_ok=True)
    place.write_text(settings_text, encoding="utf-8")
    seen: dict[str, str] = {}

    def look() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        # The window shows first and its plan file is attached once opened.
        if not windows or not windows[0].has_database:
            QTimer.singleShot(50, look)
            return
        # The officer's name is asked for just after the window shows, when it is missing.
        QTimer.singleShot(500, lambda: finish(windows[0]))

    def finish(window: MainWindow) -> None:
        asked = [w for w in app.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
        seen["asked"] = ",".join(sorted(d.windowTitle() for d in asked)) or "nothing"
        for dialog in asked:
            dialog.reject()
        seen["title"] = window.windowTitle()
        seen["plan"] = window.plan_combo.currentText()
        seen["quarter"] = window.quarter.code if window.quarter else ""
        seen["officer"] = window.settings.officer_name
        seen["show_archived"] = str(window.file_commands.show_archived)
        window.close()
        app.exit(0)

    QTimer.singleShot(200, look)
    code = run_gui(plan_file)
    for name, value in seen.items():
        print(f"{name}={value}")
    print(f"exit={code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
