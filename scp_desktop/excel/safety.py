"""Deciding what a file really is, and refusing hostile or broken ones before any parser sees them.

Readers misbehave on bad input in ways that cannot be caught (a zip bomb exhausts memory,
calamine aborts the process), so every check here works on bytes and the zip's directory only.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

MAX_FILE_BYTES = 60 * 1024 * 1024
# A real return of a few thousand rows expands to tens of MB; 400 MB is far beyond any.
MAX_EXPANDED_BYTES = 400 * 1024 * 1024
# Spreadsheet XML compresses well (20-40×); a bomb compresses by thousands.
MAX_RATIO = 150
RATIO_APPLIES_ABOVE = 2 * 1024 * 1024
MAX_MEMBERS = 5000

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_MARKERS = (
    "EncryptionInfo".encode("utf-16-le"),
    "EncryptedPackage".encode("utf-16-le"),
)
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}

Kind = Literal["xlsx", "csv"]


class SpreadsheetRejected(Exception):
    """A whole file refused; the message names the file and says what to do."""


@dataclass(frozen=True)
class SniffResult:
    kind: Kind
    size: int


def sniff(path: Path, *, check_package: bool = True) -> SniffResult:
    """Say whether a file is a workbook or CSV we can read safely, or raise SpreadsheetRejected.

    With `check_package=False` a workbook's zip package is left for the caller to check with
    `check_zip` (the last check made here), once it has read the file's bytes.
    """
    name = path.name
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise SpreadsheetRejected(f"{name} is a folder, not a spreadsheet.")
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise SpreadsheetRejected(f"{name} could not be read: {exc.strerror or exc}.") from exc
    if size == 0:
        raise SpreadsheetRejected(f"{name} is empty (0 bytes): ask the agency to send it again.")
    if size > MAX_FILE_BYTES:
        raise SpreadsheetRejected(
            f"{name} is {size // 2**20} MB, far larger than any return; it was not read."
        )
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        _raise_for_ole(path)
    if head.startswith(b"PK"):
        if check_package:
            check_zip(path)
        return SniffResult("xlsx", size)
    if suffix in WORKBOOK_SUFFIXES or suffix == ".xls":
        lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if lowered.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table")):
            raise SpreadsheetRejected(
                f"{name} is a web page or XML file saved with a spreadsheet name, not a real "
                "workbook. Open it in Excel and save it as an Excel Workbook (.xlsx)."
            )
        if suffix == ".xls" and _looks_like_text(head):
            return SniffResult("csv", size)
        raise SpreadsheetRejected(
            f"{name} is damaged or is not really an Excel workbook (it is not a zip package). "
            "Ask the agency to save it again as .xlsx."
        )
    if suffix in TEXT_SUFFIXES:
        if not _looks_like_text(head):
            raise SpreadsheetRejected(f"{name} is not a text (CSV) file: it contains binary data.")
        return SniffResult("csv", size)
    raise SpreadsheetRejected(
        f"{name} is not a spreadsheet ({_describe(head, suffix)}). "
        "Returns must be Excel workbooks (.xlsx) or CSV files."
    )


def _describe(head: bytes, suffix: str) -> str:
    if head.startswith(b"%PDF"):
        return "it is a PDF document"
    if head.startswith(b"\x89PNG") or head[:3] == b"\xff\xd8\xff" or head[:4] == b"GIF8":
        return "it is a picture"
    if _looks_like_text(head):
        return f"it is a text file ending {suffix or 'in nothing'}"
    return f"files ending {suffix or 'in nothing'} are not read"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    sample = head[:4096]
    if not sample:
        return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control <= len(sample) // 100


def _raise_for_ole(path: Path) -> None:
    # Password-protected .xlsx files are OLE containers too: the encryption streams tell them apart.
    with path.open("rb") as fh:
        content = fh.read(2 * 1024 * 1024)
    if any(marker in content for marker in _ENCRYPTED_MARKERS):
        raise SpreadsheetRejected(
            f"{path.name} is protected with a password, so it cannot be read. Ask the agency to "
            "remove the password (File > Info > Protect Workbook) and send it again."
        )
    raise SpreadsheetRejected(
        f"{path.name} is in the old Excel 97-2003 format (.xls). Open it in Excel, choose "
        "File > Save As > Excel Workbook (.xlsx), and import the .xlsx file."
    )


# A package that is not a workbook, told by a part only that other kind has.
_OTHER_PACKAGES = (
    ("word/document.xml", "a Word document"),
    ("content.xml", "an OpenDocument file: save it from LibreOffice as .xlsx"),
)


def _check_parts(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a package with too many parts, two parts of one name, or parts that would
    expand far beyond their compressed size or beyond any return in all."""
    if len(infos) > MAX_MEMBERS:
        raise SpreadsheetRejected(
            f"{name} holds {len(infos)} parts, far more than any workbook; it was not read."
        )
    counts = Counter(info.filename for info in infos)
    twice = next((n for n, k in counts.items() if k > 1), None)
    if twice is not None:
        # Readers disagree on which of two same-named parts counts (one reads the
        # first, another the last), so the sheet read may not be the sheet Excel shows.
        raise SpreadsheetRejected(
            f"{name} is damaged: it holds two parts named {twice}, which Excel never "
            "writes; it was not read. Ask the agency to save it again as .xlsx."
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_APPLIES_ABOVE and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise SpreadsheetRejected(
                f"{name} would expand from {info.compress_size // 1024} KB to "
                f"{info.file_size // 2**20} MB (part {info.filename}): it looks like a "
                "zip bomb and was not read."
            )
    if total > MAX_EXPANDED_BYTES:
        raise SpreadsheetRejected(
            f"{name} would expand to {total // 2**20} MB, far beyond any return; it was not read."
        )


def _check_kind(name: str, names: set[str]) -> None:
    """Refuse a package that is not an Excel workbook, or is one locked with a password."""
    if "xl/workbook.xml" not in names:
        what = next(
            (what for part, what in _OTHER_PACKAGES if part in names),
            "a zip file, not an Excel workbook",
        )
        raise SpreadsheetRejected(f"{name} is {what}.")
    if "EncryptedPackage" in names:
        raise SpreadsheetRejected(f"{name} is protected with a password.")


def check_zip(path: Path, content: bytes | None = None) -> dict[str, zipfile.ZipInfo]:
    """Refuse zip packages that are broken, not workbooks, or would expand beyond a sane size.

    `content` is the file's bytes when the caller has read them already. Returns the
    package's parts by name, as checked.
    """
    name = path.name
    try:
        with zipfile.ZipFile(path if content is None else io.BytesIO(content)) as zf:
            infos = zf.infolist()
            _check_parts(name, infos)
            _check_kind(name, {info.filename for info in infos})
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and info.file_size:
                    _check_prolog(name, info, content, zf)
            return {info.filename: info for info in infos}
    except SpreadsheetRejected:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        ValueError,
        zlib.error,
    ) as exc:
        raise SpreadsheetRejected(
            f"{name} is damaged (the workbook package cannot be opened: {exc}). "
            "Ask the agency to save it again as .xlsx."
        ) from exc
    except NotImplementedError as exc:
        raise SpreadsheetRejected(
            f"{name} uses a compression Excel does not write ({exc}); it was not read."
        ) from exc


_LOCAL_HEADER = struct.Struct("<4s2xHH8xII2H")  # signature, flags, method, sizes, name/extra
# Excel's parts start with their root element within a hundred bytes. The start of each is
# read to find a DTD; one that is still in comments and instructions this far in is refused.
_PROLOG_BYTES = 1024
_LONGEST_PROLOG = 64 * 1024


def _check_prolog(
    name: str, info: zipfile.ZipInfo, content: bytes | None, zf: zipfile.ZipFile
) -> None:
    """Refuse a part that declares a DTD (entities, the "billion laughs") before its root."""
    size = _PROLOG_BYTES
    while True:
        head = _prolog(content, info, size) if content is not None else None
        if head is None:
            with zf.open(info) as member:
                head = member.read(size)
        declared = _declares_before_root(head)
        if declared is None and size < _LONGEST_PROLOG and len(head) >= size:
            size = _LONGEST_PROLOG  # a long comment or instruction first: look further
            continue
        break
    if declared or b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise SpreadsheetRejected(
            f"{name} contains XML entity declarations ({info.filename}), which "
            "Excel never writes; it may be an attack and was not read."
        )
    if declared is None and len(head) >= _LONGEST_PROLOG:
        raise SpreadsheetRejected(
            f"{name} has a part ({info.filename}) whose XML does not begin within "
            f"{_LONGEST_PROLOG // 1024} KB, which Excel never writes; it was not read."
        )


def _declares_before_root(head: bytes) -> bool | None:
    """Whether XML beginning with `head` has a declaration (<!DOCTYPE …>) before its root
    element: True, False, or None when `head` ends first."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2].count(b"\x00") == 1:
        # UTF-16, which XML allows: looked at in UTF-8 so the same markers are found.
        encoding = (
            "utf-16"
            if head[:2] in (b"\xff\xfe", b"\xfe\xff")
            else ("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be")
        )
        head = head[: len(head) // 2 * 2].decode(encoding, errors="replace").encode()
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    end = len(head)
    while True:
        while i < end and head[i] in b" \t\r\n":
            i += 1
        rest = head[i : i + 4]
        if len(rest) < 4 and (b"<!--".startswith(rest) or b"<?".startswith(rest)):
            return None  # ends before it can be told what comes next
        if rest.startswith(b"<?"):
            close, skip = head.find(b"?>", i + 2), 2
        elif rest == b"<!--":
            close, skip = head.find(b"-->", i + 4), 3
        else:
            # A DOCTYPE (or any declaration) before the root element; else the root itself,
            # or text no XML parser takes.
            return rest.startswith(b"<!")
        if close < 0:
            return None
        i = close + skip


def _prolog(content: bytes, info: zipfile.ZipInfo, size: int = _PROLOG_BYTES) -> bytes | None:
    """The first `size` bytes of a member, inflated straight from the package's bytes.

    A workbook has a dozen parts and zipfile's reader costs more to set up than to read the
    start of one. None when the member is stored in any way but the plain ones Excel writes
    (zipfile then reads it, and says what is wrong).
    """
    data_start = _data_start(content, info)
    if data_start is None:
        return None
    # Enough compressed bytes for `size` inflated ones: XML compresses, it never grows much
    # (and a run of spaces or a comment compresses far more, so a longer look takes more).
    chunk = content[data_start : data_start + min(info.compress_size, 64 * size)]
    if info.compress_type == zipfile.ZIP_STORED:
        return chunk[:size]
    try:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(chunk, size)
    except zlib.error:
        return None


def read_member(content: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A whole member of a package already checked by `check_zip`, inflated from its bytes.

    None when it cannot be read this way (the caller then asks zipfile, which says why).
    """
    data_start = _data_start(content, info)
    if data_start is None:
        return None
    chunk = content[data_start : data_start + info.compress_size]
    try:
        # Never more than one byte past the declared size: a member that lies about its
        # size (a zip bomb's trick) is caught without being inflated.
        data = (
            chunk
            if info.compress_type == zipfile.ZIP_STORED
            else zlib.decompressobj(-zlib.MAX_WBITS).decompress(chunk, info.file_size + 1)
        )
    except zlib.error:
        return None
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return None
    return data


def _data_start(content: bytes, info: zipfile.ZipInfo) -> int | None:
    """Where a member's data starts, when its local header agrees with the directory."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    start = info.header_offset
    if start < 0 or start + _LOCAL_HEADER.size > len(content):
        return None
    signature, flags, method, _, _, name_length, extra_length = _LOCAL_HEADER.unpack_from(
        content, start
    )
    if signature != b"PK\x03\x04" or flags & 0x1 or method != info.compress_type:
        return None
    name_start = start + _LOCAL_HEADER.size
    try:
        expected = info.orig_filename.encode("utf-8" if flags & 0x800 else "cp437")
    except UnicodeEncodeError:
        return None
    if content[name_start : name_start + name_length] != expected:
        return None  # zipfile says how the package is damaged
    return int(name_start + name_length + extra_length)


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 with or without BOM, else Windows-1252 (what Excel saves in the UK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")
