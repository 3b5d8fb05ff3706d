"""The machine's settings (QSettings), each declared once here with its type, default and meaning.

Code elsewhere reads and writes a setting only through its declaration (`settings.get(OFFICER_NAME)`),
never by a key string, so a setting cannot be misspelt in one place or read as another type in
another. A stored value that is missing or not of the declared type reads as the default: a settings
file damaged by hand or written by another program never stops the window from opening.

The keys are those earlier versions wrote, so an officer's settings carry over either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, cast

from PySide6.QtCore import QByteArray, QSettings


def _text(stored: object) -> str | None:
    return stored if isinstance(stored, str) else None


def _whole_number(stored: object) -> int | None:
    if isinstance(stored, bool):
        return None
    if isinstance(stored, int):
        return stored
    if isinstance(stored, str):
        try:
            return int(stored.strip())
        except ValueError:
            return None
    return None


def _flag(stored: object) -> bool | None:
    if isinstance(stored, bool):
        return stored
    # The INI format gives every value back as text.
    if isinstance(stored, str) and stored.strip().lower() in ("true", "false"):
        return stored.strip().lower() == "true"
    return None


def _text_list(stored: object) -> list[str] | None:
    # QSettings gives back one string for a one-item list on some platforms.
    if isinstance(stored, str):
        return [stored] if stored else []
    if isinstance(stored, (list, tuple)):
        return [item for item in stored if isinstance(item, str) and item]
    return None


def _bytes(stored: object) -> QByteArray | None:
    return stored if isinstance(stored, QByteArray) else None


def _store_flag(value: bool) -> str:
    # Written as earlier versions wrote it, which read only the text "true".
    return "true" if value else "false"


def _store_as_is(value: object) -> object:
    return value


# How each declared type is read from what QSettings hands back, and written to it.
_READERS: dict[type, Callable[[object], Any]] = {
    str: _text,
    int: _whole_number,
    bool: _flag,
    list: _text_list,
    QByteArray: _bytes,
}
_WRITERS: dict[type, Callable[[Any], object]] = {bool: _store_flag}


@dataclass(frozen=True)
class Option[T]:
    """One setting: its key in the settings file, its type, its default and what it is for.

    A key holding "{}" is a family of settings, one per plan for instance; `at()` names one.
    """

    name: str
    kind: type
    default: T
    description: str

    def at(self, part: object) -> Option[T]:
        """The one setting of this family for `part` (a plan id, say)."""
        if "{}" not in self.name:
            raise ValueError(f"The setting {self.name} is not one per item.")
        return replace(self, name=self.name.format(part))

    def read(self, stored: object) -> T:
        value = _READERS[self.kind](stored)
        return self.fresh_default() if value is None else cast(T, value)

    def fresh_default(self) -> T:
        # A copy, so a caller changing what it was given never changes the declaration.
        if isinstance(self.default, list):
            return cast(T, list(self.default))
        if isinstance(self.default, QByteArray):
            return cast(T, QByteArray(self.default))
        return self.default

    def stored(self, value: T) -> object:
        return _WRITERS.get(self.kind, _store_as_is)(value)


OPTIONS: dict[str, Option[Any]] = {}


def option[T](name: str, kind: type, default: T, description: str) -> Option[T]:
    """Declare a setting; each key is declared once."""
    if name in OPTIONS:
        raise ValueError(f"The setting {name} is declared twice.")
    if kind not in _READERS:
        raise TypeError(f"The setting {name} has a type settings cannot hold: {kind.__name__}.")
    declared = Option(name, kind, default, description)
    OPTIONS[name] = declared
    return declared


OFFICER_NAME: Option[str] = option(
    "officer/name", str, "", "The officer's name, written beside each change in the history."
)
RECENT_FILES: Option[list[str]] = option(
    "files/recent", list, [], "The plan files opened most recently, newest first."
)
LAST_FILE: Option[str] = option(
    "files/last", str, "", "The plan file the next start opens; empty to show the start page."
)
WINDOW_GEOMETRY: Option[QByteArray] = option(
    "layout/main_window", QByteArray, QByteArray(), "Where the main window was, and its size."
)
WINDOW_STATE: Option[QByteArray] = option(
    "layout/main_window_state", QByteArray, QByteArray(), "The main window's panels and toolbars."
)
ACTION_TABLE_HEADER: Option[QByteArray] = option(
    "layout/action_table_header",
    QByteArray,
    QByteArray(),
    "The action table's columns: which are shown, their order and widths.",
)
SHOW_ARCHIVED: Option[bool] = option(
    "workspace/show_archived", bool, False, "Whether archived plans are offered in the plan picker."
)
LAST_PLAN: Option[int] = option(
    "workspace/plan_id", int, 0, "The plan shown when the file opens; 0 for the first plan."
)
PLAN_QUARTER: Option[str] = option(
    "plan/{}/quarter", str, "", "The quarter last shown for each plan (e.g. 2022-23 Q2)."
)


class Settings:
    """The settings of this machine's user, read and written through their declarations."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._q = qsettings or QSettings()

    def get[T](self, setting: Option[T]) -> T:
        if "{}" in setting.name:
            raise ValueError(f"The setting {setting.name} is one per item: name one with at().")
        return setting.read(self._q.value(setting.name))

    def set[T](self, setting: Option[T], value: T) -> None:
        if "{}" in setting.name:
            raise ValueError(f"The setting {setting.name} is one per item: name one with at().")
        self._q.setValue(setting.name, setting.stored(value))

    @property
    def officer_name(self) -> str:
        return self.get(OFFICER_NAME)

    @officer_name.setter
    def officer_name(self, value: str) -> None:
        self.set(OFFICER_NAME, value.strip())

    def sync(self) -> None:
        self._q.sync()

    def elsewhere(self) -> Settings:
        """The same settings through a QSettings of their own, for one other thread to use."""
        return Settings(QSettings(self._q.fileName(), self._q.format()))


RECENT_LIMIT = 8


def recent_files(settings: Settings) -> list[str]:
    """The plan files opened most recently, newest first."""
    return settings.get(RECENT_FILES)


def remember_file(settings: Settings, path: str) -> None:
    """Put `path` first in Recent files and make it the file the next start opens."""
    items = [path] + [p for p in recent_files(settings) if p != path]
    settings.set(RECENT_FILES, items[:RECENT_LIMIT])
    settings.set(LAST_FILE, path)


def forget_file(settings: Settings, path: str) -> None:
    settings.set(RECENT_FILES, [p for p in recent_files(settings) if p != path])
    if settings.get(LAST_FILE) == path:
        settings.set(LAST_FILE, "")


def last_file(settings: Settings) -> str:
    return settings.get(LAST_FILE)
