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


_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = b"http://schemas.openxmlformats.org/package/2006/relationships"


def cell_xml(ref: str, value: str | float) -> bytes:
    """One cell as Excel writes it: text inline, numbers as numbers."""
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;").encode()
        return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), text)
    return b'<c r="%s"><v>%s</v></c>' % (ref.encode(), repr(value).encode())


def return_rows_xml(rows: int = 3, *, first_row: int = 1) -> bytes:
    """The rows of a small, ordinary return: a header and `rows` actions."""
    header = ["Reference", "Project / initiative", "RAG", "Progress update"]
    out = [b'<row r="%d">' % first_row]
    out += [cell_xml(f"{letter}{first_row}", h) for letter, h in zip("ABCD", header, strict=True)]
    out.append(b"</row>")
    for n in range(1, rows + 1):
        r = first_row + n
        values = [f"1.1.{n}", f"Project {n}", "Green", f"Going well {n}"]
        out.append(b'<row r="%d">' % r)
        out += [cell_xml(f"{letter}{r}", v) for letter, v in zip("ABCD", values, strict=True)]
        out.append(b"</row>")
    return b"".join(out)


def sheet_xml(rows: bytes, *, dimension: str | None = None) -> bytes:
    dim = b'<dimension ref="%s"/>' % dimension.encode() if dimension else b""
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="%s">%s'
        b"<sheetData>%s</sheetData></worksheet>" % (_MAIN, dim, rows)
    )


def write_raw_workbook(
    path: Path,
    sheets: list[tuple[str, bytes]],
    *,
    shared_strings: bytes | None = None,
    extra_parts: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A workbook package written part by part, so a test can put anything in its XML.

    `sheets` are (name, whole worksheet XML); `shared_strings` the whole sharedStrings part.
    """
    types = [
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/>',
        b'<Default Extension="xml" ContentType="application/xml"/>',
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sheet.main+xml"/>',
    ]
    rels = []
    entries = []
    for n, (name, _) in enumerate(sheets, start=1):
        types.append(
            b'<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % n
        )
        rels.append(
            b'<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>'
            % (n, _DOC_RELS, n)
        )
        entries.append(b'<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (name.encode(), n, n))
    if shared_strings is not None:
        types.append(
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        rels.append(
            b'<Relationship Id="rId%d" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
            % (len(sheets) + 1, _DOC_RELS)
        )
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://'
        b'schemas.openxmlformats.org/package/2006/content-types">%s</Types>' % b"".join(types),
        "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="%s">'
        b'<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/>'
        b"</Relationships>" % (_PACKAGE_RELS, _DOC_RELS),
        "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="%s" '
        b'xmlns:r="%s"><sheets>%s</sheets></workbook>' % (_MAIN, _DOC_RELS, b"".join(entries)),
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<Relationships xmlns="%s">%s</Relationships>' % (_PACKAGE_RELS, b"".join(rels)),
    }
    for n, (_, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = xml
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra_parts or {})
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def write_value_in_last_cell(path: Path) -> Path:
    """An ordinary return with one stray value in XFD1048576, the last cell a sheet can have."""
    rows = return_rows_xml() + b'<row r="1048576">' + cell_xml("XFD1048576", "x") + b"</row>"
    return write_raw_workbook(path, [("Q2", sheet_xml(rows, dimension="A1:XFD1048576"))])


def write_stray_value(path: Path, ref: str = "ZZ200000") -> Path:
    """An ordinary return with one stray value far away (a sparse sheet)."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    rows = return_rows_xml() + b'<row r="%d">' % row + cell_xml(ref, 7) + b"</row>"
    return write_raw_workbook(path, [("Q2", sheet_xml(rows, dimension=f"A1:{ref}"))])


def write_huge_unique_count(path: Path, declared: int = 4_000_000_000) -> Path:
    """Shared strings declaring far more strings than they hold (four billion by default)."""
    strings = b"".join(b"<si><t>%s</t></si>" % t for t in (b"Reference", b"RAG", b"Green"))
    shared = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="%s" count="%d" uniqueCount="%d">'
        b"%s</sst>" % (_MAIN, declared, declared, strings)
    )
    rows = (
        b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        b'<row r="2"><c r="A2" t="s"><v>2</v></c></row>'
    )
    return write_raw_workbook(
        path, [("Q2", sheet_xml(rows, dimension="A1:B2"))], shared_strings=shared
    )


def write_lying_dimension(path: Path) -> Path:
    """An ordinary return whose sheet declares itself the size of the whole grid."""
    return write_raw_workbook(
        path, [("Q2", sheet_xml(return_rows_xml(), dimension="A1:XFD1048576"))]
    )


def write_many_cells(path: Path, rows: int, columns: int = 10) -> Path:
    """A sheet filled with numbers, `rows` × `columns` of them."""
    body = b"".join(
        b'<row r="%d">%s</row>' % (r, b"".join(b"<c><v>%d</v></c>" % c for c in range(columns)))
        for r in range(1, rows + 1)
    )
    return write_raw_workbook(path, [("Data", sheet_xml(body))])


def write_repeated_row(path: Path, rows: int, columns: int = 20) -> Path:
    """`rows` copies of one filled row, stored uncompressed (so it is no zip bomb)."""
    cells = b"".join(b'<c r="%s1"><v>1</v></c>' % _letters(c).encode() for c in range(columns))
    body = (b'<row r="1">' + cells + b"</row>") * rows
    return write_raw_workbook(path, [("Data", sheet_xml(body))], compression=zipfile.ZIP_STORED)


def _letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_many_sheets(path: Path, count: int) -> Path:
    return write_raw_workbook(
        path, [(f"S{n}", sheet_xml(return_rows_xml(1))) for n in range(1, count + 1)]
    )


def write_deeply_nested(path: Path, depth: int = 200_000) -> Path:
    """A sheet whose XML nests elements `depth` deep inside a cell."""
    nested = b"<x>" * depth + b"</x>" * depth
    rows = return_rows_xml() + b'<row r="9"><c r="A9" t="inlineStr"><is>%s</is></c></row>' % nested
    return write_raw_workbook(path, [("Q2", sheet_xml(rows))])


def write_long_text(path: Path, characters: int) -> Path:
    """An ordinary return with one progress update `characters` long."""
    rows = return_rows_xml() + b'<row r="5">' + cell_xml("D5", "a" * characters) + b"</row>"
    return write_raw_workbook(path, [("Q2", sheet_xml(rows))])


def write_huge_part(path: Path, megabytes: int) -> Path:
    """A sheet padded with whitespace between rows, inflating to `megabytes` (compresses well)."""
    padding = b" " * (megabytes * 2**20)
    rows = return_rows_xml() + padding
    return write_raw_workbook(path, [("Q2", sheet_xml(rows))])
