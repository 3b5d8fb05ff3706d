"""Builders for files the importer must refuse: wrong types, broken, encrypted, bombs, entity tricks."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl


def small_workbook_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Reference", "Project / initiative", "RAG", "Progress update"])
    ws.append(["1.1.2", "Op Enlightenment", "Green", "Going well"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_zip_bomb(path: Path, megabytes: int = 60) -> Path:
    """A workbook-shaped zip whose sheet expands a thousandfold (kept small enough for a test)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zipfile.ZipFile(io.BytesIO(small_workbook_bytes())) as src:
            for info in src.infolist():
                zf.writestr(info.filename, src.read(info.filename))
        zf.writestr("xl/worksheets/sheet2.xml", b"<x>" + b" " * (megabytes * 2**20) + b"</x>")
    return path


def _with_part_changed(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """A real small workbook written to `path` with one part's bytes changed."""
    with (
        zipfile.ZipFile(io.BytesIO(small_workbook_bytes())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            zf.writestr(info.filename, change(data) if info.filename == part else data)
    return path


def write_entity_trick(path: Path) -> Path:
    """A real workbook whose shared strings declare an entity (billion laughs / external entity)."""
    declaration = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'

    def declare(data: bytes) -> bytes:
        head, _, rest = data.partition(b"?>")
        return head + b"?>" + declaration + rest.replace(b"Going well", b"&lol2;")

    return _with_part_changed(path, "xl/worksheets/sheet1.xml", declare)


def write_hidden_entity_trick(path: Path, part: str, *, padding: int, utf16: bool = False) -> Path:
    """The entity trick with the declaration pushed `padding` bytes in by a comment (a check
    of only the first kilobyte misses it), optionally in UTF-16, which XML allows."""
    declaration = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'

    def declare(data: bytes) -> bytes:
        _, _, rest = data.partition(b"?>")
        text = (
            b'<?xml version="1.0" encoding="UTF-16"?>'
            if utf16
            else b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        )
        text += b"<!--" + b" " * padding + b"-->" + declaration + rest
        return text.decode().encode("utf-16") if utf16 else text

    return _with_part_changed(path, part, declare)


OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def write_old_xls(path: Path) -> Path:
    path.write_bytes(OLE_MAGIC + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 2000)
    return path


def write_encrypted(path: Path) -> Path:
    """The shape of a password-protected .xlsx: an OLE container with encryption streams."""
    path.write_bytes(
        OLE_MAGIC
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 64
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 2000
    )
    return path


def write_truncated(path: Path) -> Path:
    data = small_workbook_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
