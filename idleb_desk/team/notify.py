"""Waking clients when the server's event log grows (LISTEN/NOTIFY, issue 15).

A notice sent while a client is offline is lost, so a wake-up only says "pull now": every
`wait_for_changes` that returns (woken or timed out) is followed by a cursor pull.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from idleb_desk.team.server import ServerOffline, connect
from idleb_desk.team.server_schema import CHANNEL


class Listener:
    """One LISTENing connection; `wait_for_changes(timeout)` blocks until a push commits
    on the server (True) or the timeout passes (False)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.con: psycopg.Connection | None = None

    def open(self) -> None:
        self.con = connect(self.url, autocommit=True)
        self.con.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))

    def wait_for_changes(self, timeout: float) -> bool:
        if self.con is None or self.con.closed:
            self.open()
        assert self.con is not None
        try:
            for _ in self.con.notifies(timeout=timeout, stop_after=1):
                return True
        except psycopg.OperationalError as exc:
            self.close()
            raise ServerOffline(f"the team server went away: {exc}") from exc
        return False

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def __enter__(self) -> Listener:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
