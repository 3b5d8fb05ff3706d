"""Whether a pooled connection to the plan's server still works, asked only when in doubt.

A connection taken from the pool may have died while it waited: the server restarted, an
administrator ended it, the server's idle timeout closed it, or the network dropped it
silently. Asking the server (a ping) before every use would find all of these, but costs one
exchange with it per use, most of what a small read costs. It is asked only when in doubt:

- The server closes a connection by telling it so (a last message, then the end of the
  stream): the socket then has something to read while nothing was asked. That is seen on
  this computer, without an exchange.
- A connection dropped without a word (the server's computer gone, a firewall forgetting
  it) shows nothing until it is used. That takes far longer than FRESH_S to happen, so a
  connection back in the pool for longer than that is pinged.

A ping that fails makes the pool discard the connection and take a new one, as SQLAlchemy's
pre-ping does.
"""

from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

# Seconds a connection may rest in the pool and still be used without a ping. The reads that
# open a plan follow each other within a second or two.
FRESH_S = 5.0
_RETURNED = "scp_returned_at"


def has_unasked_input(dbapi_conn: Any) -> bool:
    """Whether the server sent something while nothing was asked of it (its goodbye, or the
    end of the connection), or the connection is already known to be closed."""
    if getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False):
        return True
    try:
        fd = dbapi_conn.pgconn.socket
        readable, _, _ = select.select([fd], [], [], 0)
    except Exception:  # no socket to look at: let the ping tell
        return True
    return bool(readable)


def watch_connections(engine: Engine) -> None:
    """Ping a pooled connection before use only when in doubt (see the module's notes)."""

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_conn: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def taken(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_RETURNED)
        if since is None:
            return  # made for this use just now
        if time.monotonic() - since < FRESH_S and not has_unasked_input(dbapi_conn):
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            # The pool discards this connection and takes a new one.
            raise DisconnectionError(f"The server connection was lost: {exc}") from exc
