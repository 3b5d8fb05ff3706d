"""Typed access to the machine's settings (QSettings): officer name, window layout, recent files."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings


class Settings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._q = qsettings or QSettings()

    def _get_str(self, key: str, default: str = "") -> str:
        value = self._q.value(key, default)
        return str(value) if value is not None else default

    @property
    def officer_name(self) -> str:
        return self._get_str("officer/name")

    @officer_name.setter
    def officer_name(self, value: str) -> None:
        self._q.setValue("officer/name", value.strip())

    def geometry(self, key: str) -> QByteArray | None:
        value = self._q.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, key: str, value: QByteArray) -> None:
        self._q.setValue(f"layout/{key}", value)

    def value(self, key: str, default: object = None) -> object:
        return self._q.value(key, default)

    def set_value(self, key: str, value: object) -> None:
        self._q.setValue(key, value)

    def sync(self) -> None:
        self._q.sync()


RECENT_KEY = "files/recent"
LAST_FILE_KEY = "files/last"
RECENT_LIMIT = 8


def recent_files(settings: Settings) -> list[str]:
    """The plan files opened most recently, newest first."""
    value = settings.value(RECENT_KEY, [])
    # QSettings gives back one string for a one-item list on some platforms.
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    return [str(item) for item in items if str(item)]


def remember_file(settings: Settings, path: str) -> None:
    """Put `path` first in Recent files and make it the file the next start opens."""
    items = [path] + [p for p in recent_files(settings) if p != path]
    settings.set_value(RECENT_KEY, items[:RECENT_LIMIT])
    settings.set_value(LAST_FILE_KEY, path)


def forget_file(settings: Settings, path: str) -> None:
    settings.set_value(RECENT_KEY, [p for p in recent_files(settings) if p != path])
    if settings.value(LAST_FILE_KEY) == path:
        settings.set_value(LAST_FILE_KEY, "")


def last_file(settings: Settings) -> str:
    value = settings.value(LAST_FILE_KEY, "")
    return value if isinstance(value, str) else ""
