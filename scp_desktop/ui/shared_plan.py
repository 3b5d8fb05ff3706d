"""File ▸ Connect to a shared plan…: a plan on the council's PostgreSQL server, its password
asked for (and kept in the computer's password store if the officer wishes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from scp_desktop import APP_NAME
from scp_desktop.storage.errors import DatabaseError
from scp_desktop.ui.user_guide import install_help

# The database layer loads when a shared plan is opened, not with the window's menus.
if TYPE_CHECKING:
    from scp_desktop.storage.database import Database, OpenResult
    from scp_desktop.storage.server import ServerPlace
    from scp_desktop.ui.main_window import MainWindow

ADDRESS_HINT = "postgresql+psycopg://ROLE@HOST/DATABASE"
NO_PASSWORD_STORE = (
    "This computer has no password store SCP Desktop can use, so the password is not "
    "kept: you will be asked for it each time you open the plan."
)
# The README section (and user guide page) about shared plans.
SHARED_PLAN_SECTION = "Several officers on one plan: a shared plan server"


class PasswordDialog(QDialog):
    """The password of the officer's database role; never written anywhere by us."""

    def __init__(self, place: ServerPlace, problem: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        url = place.url
        self.setWindowTitle(f"{APP_NAME} — password")
        self.setObjectName("serverPasswordDialog")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"The shared plan <b>{url.database}</b> on <b>{url.host}</b> asks for the password "
            f"of your database role <b>{url.username}</b>.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.problem = QLabel(problem, self)
        self.problem.setObjectName("passwordProblem")
        self.problem.setStyleSheet("color: #B71C1C;")
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(problem))
        layout.addWidget(self.problem)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setPlaceholderText("Password")
        layout.addWidget(self.password)
        self.keep = QCheckBox("&Keep it in this computer's password store", self)
        self.keep.setToolTip(
            "Kept by the operating system's password store (Windows Credential Manager, "
            "macOS Keychain, the desktop's keyring), never in a file of SCP Desktop's."
        )
        layout.addWidget(self.keep)
        self.no_store = QLabel(NO_PASSWORD_STORE, self)
        self.no_store.setObjectName("noPasswordStore")
        self.no_store.setWordWrap(True)
        layout.addWidget(self.no_store)
        from scp_desktop.storage.server import password_store_available

        store = password_store_available()
        self.keep.setVisible(store)
        self.no_store.setVisible(not store)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        install_help(self, SHARED_PLAN_SECTION)
        self.resize(420, self.sizeHint().height())


class ConnectDialog(QDialog):
    """The shared plan's address, as the council's IT gave it."""

    def __init__(self, parent: QWidget | None = None, address: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} — connect to a shared plan")
        self.setObjectName("connectSharedPlanDialog")
        self.place: ServerPlace | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "A plan several officers share is kept on the council's database server. Type "
            f"its address as your IT team gave it:<br><tt>{ADDRESS_HINT}</tt>",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.address = QLineEdit(address, self)
        self.address.setAccessibleName("Shared plan address")
        self.address.setPlaceholderText(ADDRESS_HINT)
        layout.addWidget(self.address)
        self.problem = QLabel("", self)
        self.problem.setObjectName("addressProblem")
        self.problem.setStyleSheet("color: #B71C1C;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Connect")
        buttons.accepted.connect(self.check_and_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        install_help(self, SHARED_PLAN_SECTION)
        self.resize(520, self.sizeHint().height())

    def check_and_accept(self) -> None:
        text = self.address.text().strip()
        if not text.lower().startswith(("postgresql", "postgres")):
            self.problem.setText(f"Write the address as {ADDRESS_HINT}.")
            self.problem.show()
            return
        from scp_desktop.storage.server import ServerAddressError, server_place

        try:
            self.place = server_place(text)
        except ServerAddressError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        self.accept()


def ask_password(
    place: ServerPlace, problem: str, parent: QWidget | None
) -> tuple[str, bool] | None:
    dialog = PasswordDialog(place, problem, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.password.text(), dialog.keep.isChecked()
    finally:
        dialog.deleteLater()


def open_shared_plan(
    place: ServerPlace,
    user: str,
    parent: QWidget | None,
    *,
    ask: Any = ask_password,
) -> tuple[Database, OpenResult] | None:
    """Open the shared plan, asking for the password as long as the server refuses it; None
    when the officer cancels. Raises DatabaseError for anything a password does not mend."""
    from scp_desktop.storage.database import open_database
    from scp_desktop.storage.server import (
        PasswordNeeded,
        forget_password,
        remember_password,
        remembered_password,
    )

    password = remembered_password(place)
    from_store = password is not None
    keep = False
    problem = ""
    while True:
        try:
            db, result = open_database(place, user=user, create=True, password=password)
        except PasswordNeeded as exc:
            if from_store:
                forget_password(place)  # changed since it was kept: ask, and keep the new one
                from_store = False
            problem = str(exc) if exc.refused else ""
            answer = ask(place, problem, parent)
            if answer is None:
                return None
            password, keep = answer
            continue
        if keep and password:
            trouble = remember_password(place, password)
            if trouble and parent is not None and hasattr(parent, "statusBar"):
                parent.statusBar().showMessage(trouble, 10000)
        return db, result


def connect_to_shared_plan(window: MainWindow) -> bool:
    """File ▸ Connect to a shared plan…: the plan opens in a window of its own in place of
    this one (a read-only role's window is built with its banner)."""
    dialog = ConnectDialog(window)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.place is None:
            return False
        place = dialog.place
    finally:
        dialog.deleteLater()
    return _open_in_place_of(window, place)


def open_shared_address(window: MainWindow, address: str) -> bool:
    """A shared plan chosen from Open recent."""
    if address == str(window.db.path):
        return True
    from scp_desktop.storage.server import ServerAddressError, server_place

    try:
        place = server_place(address)
    except ServerAddressError as exc:
        window.show_error(str(exc))
        return False
    return _open_in_place_of(window, place)


def _open_in_place_of(window: MainWindow, place: ServerPlace) -> bool:
    try:
        opened = open_shared_plan(place, window.settings.officer_name, window)
    except DatabaseError as exc:
        window.show_error(str(exc))
        return False
    if opened is None:
        return False
    db, result = opened
    from scp_desktop.ui.settings import remember_file

    remember_file(window.settings, str(db.path))
    replacement = type(window)(db, window.settings, open_result=result)
    replacement.show()
    window.close()
    window.db.close()
    return True
