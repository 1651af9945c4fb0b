"""The pull half of a team sync (issue 15), and the local transaction both halves write in.

`pull` asks the server for the events after the project's cursor (only the changes this
project may apply: its own layer's and the shared actors'; every other event is only
logged) and applies them through the store's write path, in steps of about STEP_S, each
its own local transaction with the cursor moved to its last event, so that a window's
keys wait on the file's write lock for one step at most (`team.sync` pushes first).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from idleb_desk.store import history, snapshots
from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store
from idleb_desk.team import keys
from idleb_desk.team import server_schema as ss
from idleb_desk.team.status import Link, SyncReport

log = logging.getLogger(__name__)
STEP_S = 0.005  # a pull's local transactions last about this long


@contextmanager
def bookkeeping(store: Store) -> Iterator[None]:
    """A local transaction of the sync's, stamped (`sync_state.stamp`): an open window
    then tells a commit of only marks, versions, the log and the cursor from one that
    changed what it shows, and does not re-read everything after each sync."""
    with store.transaction():
        yield
        st.stamp(store.con)


# ---- pull ----------------------------------------------------------------------------------


def pull(store: Store, pg: psycopg.Connection, link: Link, report: SyncReport,
          batch: int, pause_s: float = 0.0) -> None:  # fmt: skip
    con = store.con
    while True:
        cursor = int(st.get_state(con, "cursor", 0))
        seen = st.logged_after(con, cursor)  # this client's own pushes
        started = time.perf_counter()
        # Only the changes this project may apply are sent (its own layer's, the shared
        # actors', not its own pushes); every other event is only logged, so its rows are
        # never parsed here.
        rows = pg.execute(
            f"SELECT id, uid, author, layer, op, time, CASE WHEN id = ANY(%s) THEN NULL "
            "WHEN layer = %s OR jsonb_path_exists(changes, '$[*] ? (@.t == \"actors\")') "
            f"THEN changes END FROM {ss.SCHEMA}.events WHERE id > %s ORDER BY id LIMIT %s",
            (sorted(seen), link.layer, cursor, batch),
        ).fetchall()
        # The actors' part of what blind coding hides here, up to the same id.
        upto = rows[-1][0] if len(rows) == batch else 2**62
        visible = {r[0] for r in rows}
        rows += [
            (i, u, a, ss.SHARED, o, t, c)
            for i, u, a, o, t, c in pg.execute(
                f"SELECT * FROM {ss.SCHEMA}.shared_part(%s, %s)", (cursor, upto)
            ).fetchall()
            if i not in visible
        ]
        rows.sort(key=lambda r: r[0])
        report.server_seconds += time.perf_counter() - started
        if not rows:
            return
        i = 0
        held = _Held()
        while i < len(rows):
            if i and pause_s:
                time.sleep(pause_s)
            # In steps of about STEP_S, each its own local transaction with the cursor
            # moved to its last event: the window's keys wait on the file's write lock
            # for one step at most, not for a whole batch being applied.
            with bookkeeping(store):
                held_local, held_keys = held.now(con)
                ends = time.perf_counter() + STEP_S
                logs: list[tuple[int, str, str, str, bool]] = []
                while i < len(rows):
                    server_id, uid, author, layer, op, when, changes = rows[i]
                    i += 1
                    report.pulled += 1
                    if server_id in seen:
                        continue  # this client's own push
                    applied = False
                    if changes and not st.known_uid(con, uid):
                        applied = _apply(store, link, server_id, uid, author, layer, op, when,
                                         changes, held_local, held_keys, report)  # fmt: skip
                    logs.append((server_id, uid, author, op, applied))
                    if time.perf_counter() > ends:
                        break
                st.log_remote_many(con, logs)
                st.set_state(con, "cursor", int(rows[i - 1][0]))


class _Held:
    """The rows a pull must not write: those a local event not on the server yet holds
    (by local id) and those an open conflict holds (by key). Read again in a step only
    when the project logged an event since (the analyst's key between two steps)."""

    def __init__(self) -> None:
        self.last = -1
        self.rows: tuple[set[tuple[str, int]], set[tuple[str, str]]] = (set(), set())

    def now(self, con: sqlite3.Connection) -> tuple[set[tuple[str, int]], set[tuple[str, str]]]:
        last = history.last_event_id(con)
        if last != self.last:
            since = int(st.get_state(con, "since", 0))
            self.rows = (st.unsynced_rows(con, since), st.open_conflict_rows(con))
            self.last = last
        return self.rows


def _apply(
    store: Store,
    link: Link,
    server_id: int,
    uid: str,
    author: str,
    layer: str,
    op: str,
    time: str,
    changes: list[dict[str, Any]],
    held_local: set[tuple[str, int]],
    held_keys: set[tuple[str, str]],
    report: SyncReport,
) -> bool:
    """Write a pulled event's rows that belong in this project (the project's own layer
    and the shared actors) as one local event; False if nothing of it was applied."""
    con = store.con
    mine = [c for c in changes if c["t"] == "actors" or layer == link.layer]
    state: dict[str, dict[str, Any]] = {}
    versions: list[tuple[str, str, int]] = []
    con.execute("SAVEPOINT pulled")
    try:
        for c in sorted(mine, key=lambda c: keys.SYNCED.index(c["t"])):
            tbl, key = c["t"], c["k"]
            known = st.local_of(con, tbl, key)
            if (tbl, key) in held_keys or (known is not None and (tbl, known) in held_local):
                report.not_applied += 1
                continue
            placed = keys.place(con, tbl, key, c["a"])
            if placed is None:
                if c["a"] is not None and tbl != "documents":
                    report.not_applied += 1  # its document is not in this project
                continue
            local, row = placed
            versions.append((tbl, key, int(c["v"])))
            if row != snapshots.SNAPSHOTTERS[tbl](con, local):
                state.setdefault(tbl, {})[str(local)] = row
        if not state:  # nothing here differs: only the versions move on
            for tbl, key, v in versions:
                st.set_version(con, tbl, key, v)
            con.execute("RELEASE pulled")
            return False
        wanted = {tbl: dict.fromkeys(rows) for tbl, rows in state.items()}
        before = snapshots.snapshot_rows(con, wanted)
        snapshots.apply_state(con, state)
        docs = history.documents_of(before, state)
        doc = docs[0] if len(docs) == 1 else None
        event_id = history.append_event(con, time, author, op, doc, before, state,
                                        docs if doc is None and docs else None)  # fmt: skip
        st.mark_pulled(con, event_id, uid, server_id)
        for tbl, key, v in versions:
            st.set_version(con, tbl, key, v)
        con.execute("RELEASE pulled")
    except Exception as exc:  # noqa: BLE001 - one event that cannot be placed must not stop the rest
        con.execute("ROLLBACK TO pulled")
        con.execute("RELEASE pulled")
        log.warning("sync: server event %d (%s by %s) could not be applied here: %s",
                    server_id, op, author, exc)  # fmt: skip
        report.not_applied += 1
        return False
    report.applied += 1
    return True
