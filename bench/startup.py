"""Child process for the cold-start case: start, show the main window, print SHOWN, then
FILLED once its table shows the plan, then READY once the plan file is attached for work, quit.

`python -m bench.startup app DB` goes through the product's real entry point
(`scp_desktop.cli.main(["--db", DB])`); `python -m bench.startup bare` shows an empty
QMainWindow of the same size (its SHOWN is also its FILLED and READY). The parent times from spawning
the process to reading each line.
"""

from __future__ import annotations

import sys


def seed_settings() -> None:
    """Record an officer's name, as after the first start, so no first-run question is timed."""
    from PySide6.QtCore import QCoreApplication

    from scp_desktop import APP_NAME

    QCoreApplication.setOrganizationName("SCP Desktop")
    QCoreApplication.setApplicationName(APP_NAME)
    try:
        from scp_desktop.ui.settings import Settings
    except ImportError:
        return
    settings = Settings()
    if hasattr(type(settings), "officer_name"):
        settings.officer_name = "Zoë Bench"
        getattr(settings, "sync", lambda: None)()


def main(argv: list[str]) -> int:
    if argv[0] == "seed":
        seed_settings()
        return 0
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    done = {"status": 0}

    def filled(window: QMainWindow) -> bool:
        # The window says when its table shows the plan (rows read from the file while it
        # is still being opened count); a window without that is filled when it is ready.
        shown = getattr(window, "table_filled", None)
        return ready(window) if shown is None else bool(shown)

    def ready(window: QMainWindow) -> bool:
        # Ready for work: the plan file attached and the table showing it.
        if not getattr(window, "has_database", True):
            return False
        model = getattr(window, "model", None)
        return model is None or model.rowCount() > 0 or not model.total_count

    def poll() -> None:
        for widget in app.topLevelWidgets():
            if isinstance(widget, QMainWindow) and widget.isVisible():
                # Painted before each line is printed; between them the window is left to
                # its own work (a repaint every poll would compete with the opening).
                if not done.get("shown"):
                    widget.repaint()
                    done["shown"] = 1
                    print("SHOWN", flush=True)
                if not done.get("filled") and filled(widget):
                    widget.repaint()
                    done["filled"] = 1
                    print("FILLED", flush=True)
                if done.get("filled") and ready(widget):
                    widget.repaint()
                    print("READY", flush=True)
                    timer.stop()
                    app.quit()
                return
        modal = app.activeModalWidget()
        if modal is not None:
            # Something stood between the officer and the window: report it, never click it away.
            text = getattr(modal, "text", lambda: "")()
            print(f"MODAL {modal.windowTitle()}: {text}", flush=True)
            done["status"] = 3
            timer.stop()
            modal.close()
            app.quit()

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(poll)
    timer.start()

    if argv[0] == "bare":
        window = QMainWindow()
        window.setWindowTitle("Bare window")
        window.menuBar().addMenu("&File")
        window.setCentralWidget(QLabel("Bare PySide6 window"))
        window.statusBar().showMessage("Ready")
        window.resize(1280, 720)
        window.show()
        app.exec()
        return done["status"]

    from scp_desktop.cli import main as scp_main

    status = scp_main(["--db", argv[1]])
    return done["status"] or status


if __name__ == "__main__":
    from bench.probes import own_peak_kb

    code = main(sys.argv[1:])
    print(f"RSS {own_peak_kb()}", flush=True)
    sys.exit(code)
