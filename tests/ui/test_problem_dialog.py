"""An unexpected exception in the window: logged, shown plainly with "Copy details", and the
window carries on."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRunnable, QThread, QThreadPool
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from scp_desktop.logs import configure_logging
from scp_desktop.ui.exception_hook import ProblemReporter, install_exception_hook

SECRET = "Kestrel-8841 victim statement"


@pytest.fixture
def reporter(qapp: QApplication) -> Iterator[ProblemReporter]:
    hook = install_exception_hook(qapp)
    yield hook
    hook.uninstall()
    if hook.dialog is not None:
        hook.dialog.close()
        hook.dialog.deleteLater()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_shown_and_the_window_stays(
    qtbot: QtBot, reporter: ProblemReporter
) -> None:
    log_file = configure_logging()
    assert log_file is not None
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    broken = QPushButton("Broken", window)
    working = QPushButton("Working", window)
    layout.addWidget(broken)
    layout.addWidget(working)
    clicks: list[str] = []

    def fail() -> None:
        clicks.append("broken")
        raise KeyError(f"no update for '{SECRET}'")

    broken.clicked.connect(fail)
    working.clicked.connect(lambda: clicks.append("working"))
    window.show()
    qtbot.waitExposed(window)

    broken.click()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert dialog is not None
    message = dialog.message.text()
    assert "Something unexpected went wrong, and SCP Desktop carried on." in message
    assert str(log_file) in message
    assert "KeyError" not in message and "Traceback" not in message  # plain words only

    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert "KeyError: '…'" in copied
    assert "Traceback (most recent call last)" in copied and "in fail" in copied
    assert SECRET not in copied
    assert dialog.copy_button.text() == "Copied"

    # A second problem while the message is up: counted, not a second dialog.
    broken.click()
    qtbot.waitUntil(lambda: "happened 2 times" in dialog.message.text())
    dialog.grab().save(str(log_file.with_name("problem.png")))

    dialog.accept()
    working.click()
    assert clicks == ["broken", "broken", "working"]
    assert window.isVisible()
    text = log_file.read_text(encoding="utf-8")
    assert text.count("unexpected KeyError in the window") == 2
    assert SECRET not in text


@pytest.mark.qt_no_exception_capture
def test_an_exception_on_a_worker_thread_is_shown_on_the_gui_thread(
    qtbot: QtBot, reporter: ProblemReporter
) -> None:
    log_file = configure_logging()
    assert log_file is not None

    def work() -> None:
        raise ValueError(f"bad value '{SECRET}'")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.dialog is not None
    assert "ValueError: bad value '…'" in reporter.dialog.details
    text = log_file.read_text(encoding="utf-8")
    assert "unexpected ValueError in a background task" in text
    assert SECRET not in text


def test_uninstall_puts_the_previous_hooks_back(qapp: QApplication) -> None:
    before = (sys.excepthook, threading.excepthook)
    hook = install_exception_hook(qapp)
    assert sys.excepthook == hook.excepthook
    hook.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


class _FailingTask(QRunnable):
    def run(self) -> None:
        raise ValueError(f"no quarter '{SECRET}'")


class _FailingThread(QThread):
    def run(self) -> None:
        raise LookupError(f"no action '{SECRET}'")


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_qt_worker_is_logged_as_background_and_shown_on_the_gui_thread(
    qtbot: QtBot, reporter: ProblemReporter
) -> None:
    log_file = configure_logging()
    assert log_file is not None
    QThreadPool.globalInstance().start(_FailingTask())
    assert QThreadPool.globalInstance().waitForDone(5000)
    thread = _FailingThread()
    thread.start()
    assert thread.wait(5000)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.count == 2)
    dialog = reporter.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.thread() is QApplication.instance().thread()
    assert "happened 2 times" in dialog.message.text()
    assert "LookupError: no action '…'" in dialog.details
    text = log_file.read_text(encoding="utf-8")
    assert "unexpected ValueError in a background task" in text
    assert "unexpected LookupError in a background task" in text
    assert SECRET not in text
