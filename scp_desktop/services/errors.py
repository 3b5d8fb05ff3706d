"""Errors the services raise with a message fit to show the user as it is."""


class UserError(Exception):
    """Something the user asked for cannot be done; the message says what and where."""
