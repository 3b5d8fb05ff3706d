"""The partnership's profile, asked when a partnership is started and edited in Plan ▸ Partnership…"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QImageWriter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scp_desktop.domain.periods import FinancialYear
from scp_desktop.domain.profile import MAX_LOGO_BYTES, RagWording, check_logo
from scp_desktop.domain.rag import RAG, RAG_ORDER
from scp_desktop.services.errors import UserError
from scp_desktop.services.profile import FIELD_LIMITS, PartnershipProfile, validate
from scp_desktop.ui.screen_fit import content_height, scrolled_layout
from scp_desktop.ui.user_guide import install_help

# A logo wider than this is scaled down when chosen: it prints a few centimetres wide.
LOGO_MAX_PIXELS = 800
LOGO_FILTER = "Pictures (*.png *.jpg *.jpeg *.bmp *.gif)"


def file_name_for(name: str) -> str:
    """'Safer Anytown Partnership' → 'Safer Anytown Partnership.db', safe on Windows."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", name).strip(" .")
    return f"{' '.join(cleaned.split()) or 'Partnership'}.db"


def logo_from_file(path: Path) -> bytes:
    """The picture at `path` as stored: PNG or JPEG as it is when small enough, otherwise
    read and scaled down by Qt and kept as PNG. UserError naming the file when it cannot be."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path} cannot be read: {exc.strerror or exc}.") from exc
    try:
        check_logo(data, where=path.name)
        image = QImage.fromData(data)
        if not image.isNull() and image.width() <= LOGO_MAX_PIXELS:
            return data
    except ValueError:
        image = QImage.fromData(data)
    if image.isNull():
        raise UserError(f"{path.name} is not a picture SCP Desktop can read (use PNG or JPEG).")
    if image.width() > LOGO_MAX_PIXELS:
        image = image.scaledToWidth(LOGO_MAX_PIXELS, Qt.TransformationMode.SmoothTransformation)
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(device, QByteArray(b"png"))
    if not writer.write(image):
        raise UserError(f"{path.name} cannot be turned into a logo: {writer.errorString()}.")
    device.close()
    scaled = bytes(buffer.data())
    if len(scaled) > MAX_LOGO_BYTES:
        raise UserError(
            f"{path.name} is still {len(scaled) // 1024} KB as a logo; it may be at most "
            f"{MAX_LOGO_BYTES // 1024} KB. Use a simpler picture."
        )
    return scaled


class PartnershipDialog(QDialog):
    """Name, area, who prepares the reports, contact, logo, RAG wording and footer.

    With `new_file_folder` set it starts a new partnership: it also asks the first plan's
    year and where the new file goes.
    """

    def __init__(
        self,
        profile: PartnershipProfile | None,
        parent: QWidget | None = None,
        *,
        new_file_folder: Path | None = None,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self._new = new_file_folder is not None
        self._folder = new_file_folder or Path.home()
        self._path_edited = False
        self._logo: bytes | None = profile.logo if profile else None
        self._is_demo = profile.is_demo if profile else False
        title = "New partnership" if self._new else "Partnership"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        # The form scrolls on a short screen (1366×768 at 150 %); the buttons stay in view.
        layout = scrolled_layout(self, outer)
        intro = QLabel(
            "A new partnership gets a plan file of its own with an empty plan for its first "
            "year. Everything here is printed on its reports, returns and emails, and can be "
            "changed later in Plan ▸ Partnership…"
            if self._new
            else "What the partnership's reports, returns and emails say about it.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        layout.addLayout(form)

        def line(key: str, label: str, value: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit(value, self)
            edit.setMaxLength(FIELD_LIMITS[key][1])
            edit.setAccessibleName(FIELD_LIMITS[key][0])
            if placeholder:
                edit.setPlaceholderText(placeholder)
            form.addRow(label, edit)
            return edit

        p = profile
        self.name = line(
            "name", "Partnership &name:", p.name if p else "", "e.g. Safer Anytown Partnership"
        )
        self.abbreviation = line(
            "abbreviation", "S&hort name:", p.abbreviation if p else "", "e.g. SAP"
        )
        self.area = line("area", "&Area:", p.area if p else "", "e.g. Anytown Borough")
        self.prepared_by = line(
            "prepared_by", "&Prepared by:", p.prepared_by if p else "", "e.g. Community Safety Team"
        )
        self.contact = line(
            "contact", "&Contact:", p.contact if p else "", "e.g. community.safety@anytown.gov.uk"
        )
        self.footer = line(
            "footer", "Document &footer:", p.footer if p else "", "e.g. OFFICIAL – for partners"
        )

        logo_box = QWidget(self)
        logo_row = QHBoxLayout(logo_box)
        logo_row.setContentsMargins(0, 0, 0, 0)
        self.logo_preview = QLabel(self)
        self.logo_preview.setFixedSize(160, 56)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("QLabel { border: 1px solid #BDBDBD; background: white; }")
        self.logo_preview.setAccessibleName("Logo")
        self.choose_logo = QPushButton("Choose a p&icture…", self)
        self.choose_logo.setAccessibleName("Choose a logo")
        self.remove_logo = QPushButton("Re&move", self)
        self.remove_logo.setAccessibleName("Remove the logo")
        self.choose_logo.clicked.connect(self._choose_logo)
        self.remove_logo.clicked.connect(lambda: self.set_logo(None))
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.choose_logo)
        logo_row.addWidget(self.remove_logo)
        logo_row.addStretch(1)
        logo_label = QLabel("&Logo (optional):", self)
        logo_label.setBuddy(self.choose_logo)
        form.addRow(logo_label, logo_box)

        rag_box = QGroupBox("What each RAG colour means (blank: the usual wording)", self)
        rag_form = QFormLayout(rag_box)
        wording = p.rag if p else RagWording()
        own = {RAG.RED: wording.red, RAG.AMBER: wording.amber, RAG.GREEN: wording.green}
        own[RAG.BLUE] = wording.blue
        self.rag_edits: dict[RAG, QLineEdit] = {}
        for rag in RAG_ORDER:
            edit = QLineEdit(own[rag], rag_box)
            edit.setPlaceholderText(rag.meaning)
            edit.setAccessibleName(f"What {rag.label} means")
            edit.setMaxLength(200)
            chip = QLabel(f" {rag.value} ", rag_box)
            chip.setStyleSheet(
                f"QLabel {{ background: {rag.hex_colour}; color: {rag.ink_colour}; "
                "font-weight: bold; }"
            )
            row = QHBoxLayout()
            row.addWidget(chip)
            row.addWidget(edit, 1)
            rag_label = QLabel(f"{rag.label}:", rag_box)
            rag_label.setBuddy(edit)
            rag_form.addRow(rag_label, row)
            self.rag_edits[rag] = edit
        layout.addWidget(rag_box)

        self.year_combo: QComboBox | None = None
        self.path_edit: QLineEdit | None = None
        if self._new:
            new_box = QGroupBox("The new plan file", self)
            new_form = QFormLayout(new_box)
            this_year = FinancialYear.containing(today or dt.date.today())
            self.year_combo = QComboBox(new_box)
            self.year_combo.setAccessibleName("First plan year")
            for year in (this_year.previous(), this_year, this_year.next()):
                self.year_combo.addItem(year.label, year.label)
            self.year_combo.setCurrentIndex(1)
            new_form.addRow("First plan &year:", self.year_combo)
            path_row = QHBoxLayout()
            self.path_edit = QLineEdit(str(self._folder / file_name_for("")), new_box)
            self.path_edit.setAccessibleName("Plan file")
            self.path_edit.textEdited.connect(self._path_typed)
            browse = QPushButton("&Browse…", new_box)
            browse.clicked.connect(self._browse)
            path_row.addWidget(self.path_edit, 1)
            path_row.addWidget(browse)
            path_label = QLabel("Sa&ve as:", new_box)
            path_label.setBuddy(self.path_edit)
            new_form.addRow(path_label, path_row)
            layout.addWidget(new_box)
            self.name.textChanged.connect(self._suggest_path)

        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #B71C1C;")
        self.problem.setWordWrap(True)
        outer.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Create partnership" if self._new else "Save")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        install_help(self, "The partnership's profile")
        self.name.textChanged.connect(self._validate)
        self.set_logo(self._logo)
        self._validate()
        # Opens showing the whole form where the screen allows it (the window is then
        # clamped to the screen as it is shown).
        self.resize(
            self.width(),
            content_height(layout) + self.buttons.sizeHint().height() + 3 * outer.spacing() + 40,
        )

    # ------------------------------------------------------------ logo

    def set_logo(self, data: bytes | None) -> None:
        self._logo = data
        self.remove_logo.setEnabled(data is not None)
        if data is None:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("(no logo)")
            return
        pixmap = QPixmap()
        pixmap.loadFromData(data)
        self.logo_preview.setPixmap(
            pixmap.scaled(
                self.logo_preview.width() - 8,
                self.logo_preview.height() - 8,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def choose_logo_file(self, path: Path) -> bool:
        """Take the picture at `path` as the logo; False (with the reason shown) if it cannot be."""
        try:
            self.set_logo(logo_from_file(path))
        except UserError as exc:
            self.problem.setText(str(exc))
            return False
        self.problem.clear()
        return True

    def _choose_logo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a logo", str(Path.home()), LOGO_FILTER)
        if name:
            self.choose_logo_file(Path(name))

    # ------------------------------------------------------------ new file

    def _suggest_path(self, name: str) -> None:
        if self.path_edit is not None and not self._path_edited:
            self.path_edit.setText(str(self._folder / file_name_for(name)))

    def _path_typed(self, _text: str) -> None:
        self._path_edited = True

    def _browse(self) -> None:
        assert self.path_edit is not None
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the new plan file as", self.path_edit.text(), "Plan files (*.db)"
        )
        if name:
            if not name.lower().endswith(".db"):
                name += ".db"
            self.path_edit.setText(name)
            self._path_edited = True

    def new_file_path(self) -> Path:
        assert self.path_edit is not None
        return Path(self.path_edit.text().strip()).expanduser()

    def first_year(self) -> FinancialYear:
        assert self.year_combo is not None
        return FinancialYear.parse(str(self.year_combo.currentData()))

    # ------------------------------------------------------------ result

    def profile(self) -> PartnershipProfile:
        return PartnershipProfile(
            name=self.name.text(),
            abbreviation=self.abbreviation.text(),
            area=self.area.text(),
            prepared_by=self.prepared_by.text(),
            contact=self.contact.text(),
            footer=self.footer.text(),
            rag=RagWording(*(self.rag_edits[r].text() for r in RAG_ORDER)),
            logo=self._logo,
            is_demo=self._is_demo,
        )

    def _validate(self) -> None:
        ok = bool(self.name.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        if not ok:
            self.problem.setText("The partnership needs a name.")
        elif self.problem.text() == "The partnership needs a name.":
            self.problem.clear()

    def _accept(self) -> None:
        try:
            validate(self.profile())
            if self._new:
                path = self.new_file_path()
                if not path.name or path.is_dir():
                    raise UserError("Choose a file name for the new plan file.")
                if path.exists() and path.stat().st_size > 0:
                    raise UserError(
                        f"{path} already exists. Choose another name, or open that file instead."
                    )
        except UserError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()
