"""Keeping a project synced from a background thread (issue 15), for the window.

`SyncLoop` syncs at start, then after every server notice (LISTEN/NOTIFY) or every
`interval` seconds, and soon after `nudge()` (the window calls it after a local change).
It opens its own `Store` in its own thread: review on the GUI thread never waits on it.
Its callbacks run in the loop's thread; the window posts them to the GUI thread (a
queued signal) and redraws from there. No Qt here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from idleb_desk.store.store import Store
from idleb_desk.team.notify import Listener
from idleb_desk.team.server import ServerOffline, TeamServerError
from idleb_desk.team.sync import SyncReport, link_of, sync

log = logging.getLogger(__name__)
TICK = 0.5  # how long one wait on the server lasts: the longest a stop or nudge waits


class SyncLoop:
    def __init__(
        self, path: Path, on_report: Callable[[SyncReport], None],
        on_problem: Callable[[str], None] | None = None, interval: float = 60.0,
    ) -> None:  # fmt: skip
        self.path = path
        self.on_report = on_report
        self.on_problem = on_problem or (lambda message: log.warning("sync: %s", message))
        self.interval = interval
        self._stop = threading.Event()
        self._nudge = threading.Event()
        self._thread = threading.Thread(target=self._run, name="team-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def nudge(self) -> None:
        self._nudge.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        with Store.open(self.path, create=False) as store:
            link = link_of(store)
            if link is None:
                self.on_problem(f"{self.path}: is not joined to a team")
                return
            listener = Listener(link.url)
            try:
                while not self._stop.is_set():
                    self._nudge.clear()
                    self._once(store)
                    self._wait(listener)
            finally:
                listener.close()

    def _once(self, store: Store) -> None:
        try:
            self.on_report(sync(store))
        except ServerOffline as exc:
            self.on_problem(str(exc))
        except TeamServerError as exc:  # a newer server schema: nothing more to do
            self.on_problem(str(exc))
            self._stop.set()

    def _wait(self, listener: Listener) -> None:
        """Until a notice, a nudge, a stop or the interval; offline, just the interval."""
        waited = 0.0
        while waited < self.interval and not self._stop.is_set() and not self._nudge.is_set():
            try:
                if listener.wait_for_changes(TICK):
                    return
            except ServerOffline:
                self._stop.wait(min(TICK, self.interval - waited))
            waited += TICK
