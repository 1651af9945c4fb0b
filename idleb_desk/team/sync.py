"""Offline-first sync of a project's event log with the team server (issue 15).

`sync(store)` pushes the local events not yet on the server, then pulls the server's
events after the stored cursor and applies them through the store's write path (the
rows written by `snapshots.apply_state`, the event logged by `history.append_event`, as an
undo or a review operation does). Review never waits on it: the window runs it in a
worker thread on its own `Store`; nothing here imports Qt.

- **Applied once.** Each local event gets a client-made uid, written locally *before* it
  is sent; a push cut off (a killed client, a dropped connection) is sent again with the
  same uid and the server answers 'dup' with what it stored.
- **Never overwritten unseen.** Every change names the row version it was based on; a
  stale one makes the server refuse the whole event, which is recorded as a conflict
  (mine, theirs and the base) until the analyst chooses (`resolve`); the choice is a new
  local event, pushed like any other. A pull never writes a row a local event not yet on
  the server (or an open conflict) holds.
- **Undo and redo** of an event already on the server are pushed as events of their own.
- **Offline.** A server that cannot be reached leaves everything as it was: the time is
  recorded (`offline since`) and the next sync carries on.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from idleb_desk.model import Event
from idleb_desk.store import history
from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store
from idleb_desk.team import keys
from idleb_desk.team import server_schema as ss
from idleb_desk.team.pull import bookkeeping, pull
from idleb_desk.team.server import ServerOffline, TeamServerError, connect, require_schema, whoami
from idleb_desk.team.status import LINK, Link, SyncReport, link_of, status

log = logging.getLogger(__name__)
BATCH = 2000


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def join(store: Store, url: str, analyst: str, curated: bool = False) -> Link:
    """Link the project to the server as ANALYST (who must be the login role the URL and
    libpq's environment connect as). Stores the URL, never a password."""
    with connect(url) as con:
        require_schema(con)
        user, role = whoami(con)
    if user != analyst:
        raise TeamServerError(
            f"the server knows this login as {user!r}, not {analyst!r}: connect as the "
            "analyst's own role (user=... in the URL, PGUSER or the service file)"
        )
    if role is None:
        raise TeamServerError(f"{user!r} is not a member of the team (team add-member)")
    if curated and role not in ("curator", "admin"):
        raise TeamServerError(f"{user!r} is an analyst; only a curator writes the curated layer")
    old = link_of(store)
    if old is not None and (old.analyst, old.url) != (analyst, url):
        raise TeamServerError(
            f"the project is already joined to a team as {old.analyst!r}; a project syncs "
            "with one team as one analyst"
        )
    link = Link(url, analyst, ss.CURATED if curated else analyst)
    with store.transaction():
        _set_link(store, link)
        if st.get_state(store.con, "since") is None:
            st.set_state(store.con, "since", history.last_event_id(store.con))
            st.set_state(store.con, "cursor", 0)
            keys.baseline_keys(store.con, link.layer)
    return link


def _set_link(store: Store, link: Link) -> None:
    store.con.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (LINK, json.dumps(link.__dict__)),
    )


def sync(store: Store, *, batch: int = BATCH, pause_s: float = 0.0) -> SyncReport:
    """Push, then pull. Raises ServerOffline (after recording when) if the server cannot
    be reached; TeamServerError for a project not joined or a newer server schema.
    `pause_s`: a rest between two local steps of a pull, for a window's keys to take the
    file's write lock (SQLite hands it to no one in particular: a sync taking it again at
    once kept a waiting key out for tens of milliseconds)."""
    link = link_of(store)
    if link is None:
        raise TeamServerError(f"{store.path}: is not joined to a team (team join)")
    report = SyncReport()
    try:
        with connect(link.url, autocommit=True) as pg:
            require_schema(pg)
            _push(store, pg, link, report, batch)
            pull(store, pg, link, report, batch, pause_s)
    except (psycopg.OperationalError, ServerOffline) as exc:
        _offline(store)
        raise ServerOffline(f"the team server went away: {exc}") from exc
    if st.get_state(store.con, "offline_since") is not None:
        with bookkeeping(store):
            st.set_state(store.con, "offline_since", None)
    now = status(store)
    report.pending, report.open_conflicts = now.pending, now.open_conflicts
    return report


def _offline(store: Store) -> None:
    if st.get_state(store.con, "offline_since") is None:
        with bookkeeping(store):
            st.set_state(store.con, "offline_since", _now())


# ---- push ----------------------------------------------------------------------------------


@dataclass
class _Out:
    event: Event
    uid: str
    changes: list[dict[str, Any]]
    # (tbl, key) -> (local id, the base row as stored locally, mine as the server holds it);
    # the base is translated only if the server refuses the event
    rows: dict[tuple[str, str], tuple[int, Any, Any]]
    docs: list[str]  # the documents' SHA-256: row-level security hides blind ones
    flip_to: str | None = None  # for an undo/redo of a synced event: the state pushed


def _changes(
    store: Store,
    event: Event,
    state: dict[str, Any],
    other: dict[str, Any],
    expected: dict[tuple[str, str], int],
    cache: keys.KeyCache,
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], tuple[int, Any, Any]], list[str]]:
    """The server changes writing `state` (the rows after), based on `other` (before):
    each names its row's key, document, base version b and the version v it makes. The
    base data stays here (shown in a conflict); the server keeps the rows after."""
    con = store.con
    out: list[dict[str, Any]] = []
    rows: dict[tuple[str, str], tuple[int, Any, Any]] = {}
    docs: set[str] = set()
    for tbl in keys.SYNCED:
        for local, row in state.get(tbl, {}).items():
            old = other.get(tbl, {}).get(local)
            key, doc, data = keys.to_global(con, tbl, int(local), row, old, cache)
            b = expected.get((tbl, key), cache.version(tbl, key))
            expected[(tbl, key)] = b + 1
            out.append({"t": tbl, "k": key, "d": doc, "b": b, "v": b + 1, "a": data})
            rows[(tbl, key)] = (int(local), old, data)
            if doc is not None:
                docs.add(doc)
    for doc_id in history.listed_documents(con, event.id):
        docs.add(keys.key_for(con, "documents", doc_id, None, cache))
    return out, rows, sorted(docs)


def _push(store: Store, pg: psycopg.Connection, link: Link, report: SyncReport,
          batch: int) -> None:  # fmt: skip
    con = store.con
    since = int(st.get_state(con, "since", 0))
    flips_done = False
    while True:
        # A read first: most of the window's syncs have nothing to push and need not take
        # the file's write lock (nor commit, which the window would then look at).
        if (flips_done or not st.flipped_events(con)) and not st.count_pending(con, since):
            return
        # Read and translated outside the file's write lock (the events pushed do not
        # change, and only a sync names rows), so the window's keys do not wait on it;
        # the lock is taken only to record the keys made and the uids given. Should
        # another writer have named one of those rows meanwhile, all is done again
        # inside the lock.
        outs, cache = _collect(store, since, batch, flips_done, defer=True)
        try:
            with bookkeeping(store):
                if not cache.write(con) or not _mark_sending(con, outs):
                    raise _Again
        except _Again:
            with bookkeeping(store):
                outs, _ = _collect(store, since, batch, flips_done, defer=False)
                _mark_sending(con, outs)
        flips_done = True
        if not outs:
            return
        payload = [
            {"uid": o.uid, "layer": _layer(link, o.changes), "op": o.event.op,
             "time": o.event.time, "documents": o.docs,
             "changes": o.changes}
            for o in outs
        ]  # fmt: skip
        started = time.perf_counter()
        # One statement in autocommit is its own transaction: the server's push lock is
        # released when it ends, not after one more round trip to a busy client.
        results = pg.execute(
            f"SELECT uid, status, id, info FROM {ss.SCHEMA}.push(%s)", (Jsonb(payload),)
        ).fetchall()
        report.server_seconds += time.perf_counter() - started
        by_uid = {o.uid: o for o in outs}
        with bookkeeping(store):
            done = _Settled()
            for uid, state, server_id, info in results:
                _settle(store, by_uid[uid], state, server_id, info, report, done)
            done.write(con)


@dataclass
class _Settled:
    """What the server took, written in three statements for a whole batch (one per event
    cost a third of the client's time)."""

    versions: list[tuple[str, str, int]] = field(default_factory=list)
    events: list[tuple[int, str, int | None]] = field(default_factory=list)
    logs: list[tuple[int, str, str, str, bool]] = field(default_factory=list)

    def write(self, con: sqlite3.Connection) -> None:
        st.raise_versions(con, self.versions)
        st.mark_events(con, self.events)
        st.log_remote_many(con, self.logs)


class _Again(Exception):
    """Keys made outside the lock collided with another writer's: translate again."""


def _collect(store: Store, since: int, batch: int, flips_done: bool, defer: bool
             ) -> tuple[list[_Out], keys.KeyCache]:  # fmt: skip
    """The events to push (synced events undone or redone since, unless done already this
    sync, then the pending ones), translated to the server's keys."""
    con = store.con
    flipped = [] if flips_done else st.flipped_events(con)
    pending = st.pending_events(con, since, batch)
    cache = keys.KeyCache(con, len(flipped) + len(pending), defer)
    expected: dict[tuple[str, str], int] = {}
    outs: list[_Out] = []
    for event, uid, flips in flipped:
        undo = event.state != history.DONE
        state, other = (event.before, event.after) if undo else (event.after, event.before)
        ch, rows, docs = _changes(store, event, state, other, expected, cache)
        outs.append(_Out(event, f"{uid}~{flips + 1}", ch, rows, docs,
                         "undone" if undo else history.DONE))  # fmt: skip
    given = st.uids_of(con, [e.id for e in pending])
    for event in pending:
        ch, rows, docs = _changes(store, event, event.after, event.before, expected, cache)
        outs.append(_Out(event, given.get(event.id) or st.new_key(), ch, rows, docs))
    return outs, cache


def _mark_sending(con: sqlite3.Connection, outs: list[_Out]) -> bool:
    """Give the pending events their uids before they are sent (a flip's is derived);
    False if one already holds another (given by another sync meanwhile)."""
    given = [(o.event.id, o.uid) for o in outs if o.flip_to is None]
    st.mark_sending_many(con, given)
    return st.uids_of(con, [e for e, _ in given]) == dict(given)


def _layer(link: Link, changes: list[dict[str, Any]]) -> str:
    """Actor-only events are the team's (shared); any other row is the pusher's layer."""
    return ss.SHARED if changes and all(c["t"] == "actors" for c in changes) else link.layer


def _settle(store: Store, out: _Out, state: str, server_id: int | None, info: Any,
            report: SyncReport, done: _Settled) -> None:  # fmt: skip
    con = store.con
    if state in ("ok", "dup"):
        done.versions += (
            [(c["t"], c["k"], c["b"] + 1) for c in out.changes] if state == "ok"
            else [(c["t"], c["k"], c["v"]) for c in info]
        )  # fmt: skip
        if out.flip_to is not None:
            st.mark_flip(con, out.event.id, out.flip_to)
        else:
            done.events.append((out.event.id, st.PUSHED, server_id))
        done.logs.append((int(server_id or 0), out.uid, out.event.reviewer, out.event.op, True))
        report.pushed += state == "ok"
        report.duplicates += state == "dup"
        return
    rows = []
    for stale in info:
        local, old, mine = out.rows[(stale["t"], stale["k"])]
        _, _, base = keys.to_global(con, stale["t"], local, old, mine)
        rows.append(
            {
                "tbl": stale["t"],
                "key": stale["k"],
                "base": base,
                "mine": mine,
                "theirs": stale["theirs"],
                "theirs_version": stale["theirs_version"],
            }
        )
    if out.flip_to is not None:
        st.mark_flip(con, out.event.id, out.flip_to)
    else:
        st.mark_event(con, out.event.id, st.CONFLICT)
    op = ("undo " if out.flip_to == "undone" else "redo " if out.flip_to else "") + out.event.op
    cid = st.add_conflict(con, out.event.id, out.uid, op, rows, _now())
    report.new_conflicts.append(cid)
    log.warning("sync: %s (event %d) conflicts with the server's rows: conflict %d",
                out.event.op, out.event.id, cid)  # fmt: skip
