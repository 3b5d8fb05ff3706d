"""The database layer's error for the officer, in a module light enough for the window's frame
to import before SQLAlchemy is loaded."""

from __future__ import annotations


class DatabaseError(Exception):
    """A database file that cannot be used; the message says why, in the user's terms."""
