"""What the window needs of the team server, by project path (issue 15).

The window's worker threads each open their own connection to the project (a SQLite
connection belongs to the thread that made it), so these functions take the path and
open, sync and close; reads for the status bar take the session's open store. Nothing
here imports Qt; the window calls these from its worker threads or on a timer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store
from idleb_desk.team import conflicts
from idleb_desk.team.notify import Listener
from idleb_desk.team.server import ServerOffline, TeamServerError
from idleb_desk.team.sync import Link, SyncReport, link_of, status, sync

__all__ = [
    "Conflict", "Link", "ServerOffline", "SyncReport", "TeamServerError", "link_of",
    "listen", "open_conflicts", "resolve_at", "status", "sync_at",
]  # fmt: skip
Conflict = st.Conflict
MINE, THEIRS = conflicts.MINE, conflicts.THEIRS


# A pull in the window rests this long between its local steps (of `pull.STEP_S`): a
# key waiting on the file's write lock gets it within a few milliseconds.
PAUSE_S = 0.01


def sync_at(path: Path | str) -> SyncReport:
    """Push and pull on a connection of the calling thread's own."""
    with Store.open(path, create=False) as store:
        return sync(store, pause_s=PAUSE_S)


def resolve_at(path: Path | str, conflict_id: int, choice: str, reviewer: str) -> int:
    with Store.open(path, create=False) as store:
        return conflicts.resolve(store, conflict_id, choice, reviewer)


def open_conflicts(store: Any) -> list[Conflict]:
    return conflicts.open_conflicts(store)


def listen(url: str, stop: threading.Event, woken: Callable[[], None],
           poll_s: float = 2.0, retry_s: float = 15.0) -> None:  # fmt: skip
    """Until `stop` is set: call `woken` whenever the server's log grows (LISTEN/NOTIFY).
    A notice sent while offline is lost, so the caller pulls by cursor on every wake-up
    and on its own timer too; an unreachable server is tried again every `retry_s`."""
    listener = Listener(url)
    try:
        while not stop.is_set():
            try:
                if listener.wait_for_changes(poll_s):
                    woken()
            except (ServerOffline, TeamServerError):
                listener.close()
                stop.wait(retry_s)
    finally:
        listener.close()
