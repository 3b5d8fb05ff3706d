"""SCP Desktop started as a process of its own on a plan file and closed the moment its plan is
on screen, while the day's backup is still being taken in the background."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from scp_desktop import APP_NAME
from scp_desktop.app import run_gui
from scp_desktop.ui.main_window import MainWindow


def main(argv: list[str]) -> int:
    QCoreApplication.setOrganizationName("SCP Desktop")
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(sys.argv[:1])

    def look() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or not windows[0].has_database:
            QTimer.singleShot(1, look)
            return
        for widget in app.topLevelWidgets():
            if widget is not windows[0] and widget.isVisible():
                widget.close()  # the officer's name, asked on a first start
        windows[0].close()

    QTimer.singleShot(0, look)
    code = run_gui(Path(argv[0]))
    print(f"exit={code}", flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
