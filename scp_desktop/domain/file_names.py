"""File names made safe to write on Windows, macOS and Linux from names found in files."""

from __future__ import annotations

import re

MAX_NAME_BYTES = 255
FALLBACK_NAME = "evidence"

# Invisible characters that reorder what is shown: "invoice\u202efdp.exe" reads as
# "invoiceexe.pdf". Removed, never shown.
_BIDI = re.compile(r"[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# Path separators, characters Windows refuses in names, control characters (C0, DEL, C1),
# and lone surrogates that no file system can store.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f\ud800-\udfff]')
# Windows opens the device instead of the file for these names, with any extension.
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)")
_LONGEST_EXTENSION = 16


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(text: str, max_bytes: int) -> str:
    """`text` shortened to at most `max_bytes` in UTF-8, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not ext or " " in ext or _utf8_length(ext) > _LONGEST_EXTENSION:
        return name, ""
    return stem, "." + ext


def safe_file_name(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A name every common file system accepts, as close to `name` as can be.

    Bidirectional-override marks are removed; separators, control and reserved characters
    become "_"; leading and trailing spaces and dots go; Windows device names (CON, NUL.txt,
    COM1.pdf) get a leading "_"; a name longer than `max_bytes` in UTF-8 is shortened keeping
    its extension. An empty result is "evidence".
    """
    cleaned = _UNSAFE.sub("_", _BIDI.sub("", name)).strip(" .")
    if _RESERVED.fullmatch(cleaned.split(".", 1)[0].rstrip(" ")):
        cleaned = "_" + cleaned
    if _utf8_length(cleaned) > max_bytes:
        stem, ext = _split_extension(cleaned)
        ext = _cut(ext, max_bytes // 2)
        stem = _cut(stem, max_bytes - _utf8_length(ext)).rstrip(" .")
        cleaned = (stem or FALLBACK_NAME[: max(max_bytes - _utf8_length(ext), 1)]) + ext
        cleaned = _cut(cleaned, max_bytes).strip(" .")
    return cleaned or FALLBACK_NAME
