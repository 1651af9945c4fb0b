"""Where a project stands with its team server, read without the network (issue 15): the
link `team join` stored, and what the status bar shows (pending, conflicts, offline).

Apart from `sync.py` so that the window can show a project's team status without loading
the PostgreSQL driver: a project that is not joined never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from idleb_desk.store import settings
from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store

LINK = "team.server"  # project setting: {"url", "analyst", "layer"}


@dataclass(frozen=True)
class Link:
    url: str
    analyst: str
    layer: str  # the analyst's name, or "curated" for a curator's gold project


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    applied: int = 0
    duplicates: int = 0
    new_conflicts: list[int] = field(default_factory=list)
    open_conflicts: int = 0
    pending: int = 0
    not_applied: int = 0
    offline_since: str | None = None
    # Time spent waiting on the server's push and pull statements (the rest is local work).
    server_seconds: float = 0.0

    def summary(self) -> str:
        if self.offline_since:
            return (f"offline since {self.offline_since}: {self.pending} pending, "
                    f"{self.open_conflicts} conflicts")  # fmt: skip
        state = "synced" if not self.pending and not self.open_conflicts else "not all synced"
        return (
            f"{state}: pushed {self.pushed}, pulled {self.pulled} (applied {self.applied}), "
            f"{self.pending} pending, {self.open_conflicts} conflicts"
            + (f" ({len(self.new_conflicts)} new)" if self.new_conflicts else "")
        )


def link_of(store: Store) -> Link | None:
    raw = settings.setting(store, LINK)
    return None if not raw else Link(raw["url"], raw["analyst"], raw["layer"])


def status(store: Store) -> SyncReport:
    """What the status bar shows, without the network: pending, conflicts, offline."""
    con = store.con
    return SyncReport(
        pending=st.count_pending(con, int(st.get_state(con, "since", 0))),
        open_conflicts=len(st.conflicts(con)),
        offline_since=st.get_state(con, "offline_since"),
    )
