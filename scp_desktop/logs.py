"""The application's log file: ids, counts, durations and errors, never what officers wrote.

Narratives hold criminal-offence and victim information, so nothing that could carry them
reaches the file: messages are written with ids and counts only, and every message and error
text passes through `scrub`, which drops SQL statements with their parameters, quoted values
and e-mail addresses.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from pathlib import Path
from types import TracebackType

from scp_desktop import APP_NAME, __version__

LOG_FILE_NAME = "scp-desktop.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
ROOT_LOGGER = "scp_desktop"
_MAX_MESSAGE = 300

# SQLAlchemy's error text ends with the statement and its parameters (which hold the
# narratives being written): everything from there on is dropped.
_SQL_TAIL = re.compile(r"\s*\[(?:SQL|parameters|generated in)\b.*", re.S)
_BACKGROUND = re.compile(r"\s*\(Background on this error at: [^)]*\)")
# Values in messages are quoted (repr or '...'), and a quoted value may itself hold quotes
# (a narrative with an apostrophe): everything from the first quote on is dropped.
_FIRST_QUOTE = re.compile(r"['\"“”‘’«»`].*", re.S)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def log_folder() -> Path:
    """Windows: %LOCALAPPDATA%\\SCP Desktop\\Logs; Linux: ~/.local/state/scp-desktop/log."""
    from platformdirs import user_log_path

    if sys.platform == "win32":
        return user_log_path("SCP Desktop", appauthor=False)
    return user_log_path("scp-desktop", appauthor=False)


def scrub(text: object) -> str:
    """`text` without SQL, parameters, anything from its first quote on, or e-mail addresses,
    on one short line."""
    out = _BACKGROUND.sub("", _SQL_TAIL.sub("", str(text)))
    out = _EMAIL.sub("<email>", _FIRST_QUOTE.sub("'…'", out))
    out = " ".join(out.split())
    return out if len(out) <= _MAX_MESSAGE else out[:_MAX_MESSAGE] + "…"


def safe_traceback(exc: BaseException) -> str:
    """The traceback of `exc` and the exceptions it came from: where it happened (files,
    lines, code) and each exception's type with its scrubbed message."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not c for c in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for n, item in enumerate(reversed(chain)):
        if n:
            parts.append("Which led to:\n")
        if item.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(_frames(item.__traceback__).format())
        parts.append(f"{exception_name(item)}: {scrub(item)}\n")
    return "".join(parts).rstrip("\n")


def _frames(tb: TracebackType) -> traceback.StackSummary:
    """The frames with file names from the package or library folder down: the folders above
    them hold the user's name (C:\\Users\\jo.smith\\…)."""
    frames = traceback.extract_tb(tb)
    for frame in frames:
        _ = frame.line  # the source line is read from the full name before it is shortened
        frame.filename = _short_path(frame.filename)
    return frames


def _short_path(filename: str) -> str:
    parts = re.split(r"[\\/]", filename)
    lowered = [p.lower() for p in parts]
    for marker, keep in (("site-packages", False), ("scp_desktop", True), ("lib", False)):
        if marker in lowered:
            last = len(lowered) - 1 - lowered[::-1].index(marker)
            return "/".join(parts[last if keep else last + 1 :])
    return parts[-1]


def exception_name(exc: BaseException) -> str:
    kind = type(exc)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


class ScrubbingFormatter(logging.Formatter):
    """Every message scrubbed; exceptions as `safe_traceback` (never their raw text)."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = scrub(record.getMessage())
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + safe_traceback(record.exc_info[1])
        return text


# The name of the handler this module adds, so configuring again replaces it. The handler's
# module (logging.handlers, with socket and pickle) loads when the log is configured, after
# the window shows.
_HANDLER_NAME = "scp_desktop.file"


def _own_handlers() -> list[logging.FileHandler]:
    return [
        h
        for h in logging.getLogger(ROOT_LOGGER).handlers
        if h.get_name() == _HANDLER_NAME and isinstance(h, logging.FileHandler)
    ]


def current_log_file() -> Path | None:
    for handler in _own_handlers():
        return Path(handler.baseFilename)
    return None


def configure_logging(folder: Path | None = None, *, level: int = logging.INFO) -> Path | None:
    """Send the application's log records to a rotating file in the user's log folder.

    Called once at start-up by the window and the command line; calling it again with the
    same folder changes nothing. Returns the log file, or None when the folder cannot be
    written (the application runs on without a log rather than refusing to start).
    """
    target = (folder or log_folder()) / LOG_FILE_NAME
    logger = logging.getLogger(ROOT_LOGGER)
    if current_log_file() == target:
        return target
    import platform
    from logging.handlers import RotatingFileHandler

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in _own_handlers():
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    logger.setLevel(level)
    # Records stay in the file: the command line's output and the console are unchanged.
    logger.propagate = False
    logger.info(
        "%s %s started (Python %s, %s)",
        APP_NAME,
        __version__,
        platform.python_version(),
        platform.system(),
    )
    return target


def log_unexpected(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str
) -> None:
    """Record an exception nothing else handled."""
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    logging.getLogger(f"{ROOT_LOGGER}.errors").error(
        "unexpected %s in %s", kind.__name__, where, exc_info=exc
    )
