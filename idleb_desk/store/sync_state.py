"""What a project joined to a team server knows of it (issue 15; schema v10 tables).

Every function here takes the store's connection and leaves the transaction to the
caller (`team.sync` makes each push and pull step one local transaction, so a process
killed between two steps leaves the marks and the cursor agreeing with the rows).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from idleb_desk.model import Event
from idleb_desk.store.history import EVENT_COLS, _event

# sync_events.state
SENDING = "sending"  # a uid was given and the push may have reached the server
PUSHED = "pushed"
PULLED = "pulled"  # came from the server: never pushed back
CONFLICT = "conflict"  # refused as stale; waits for the analyst's choice
SUPERSEDED = "superseded"  # a conflict the analyst resolved (the choice is its own event)


@dataclass(frozen=True)
class Conflict:
    id: int
    event_id: int
    uid: str
    op: str
    rows: list[dict[str, Any]]  # each: tbl, key, base, mine, theirs, theirs_version
    found_at: str
    resolution: str | None


def get_state(con: sqlite3.Connection, key: str, default: Any = None) -> Any:
    row = con.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def set_state(con: sqlite3.Connection, key: str, value: Any) -> None:
    con.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )


def stamp(con: sqlite3.Connection) -> None:
    """Count one more commit of the sync's own bookkeeping (inside its transaction): a
    window that sees the file changed with no new event and this count moved knows the
    sync wrote only its own tables (`core.outside`)."""
    con.execute(
        "INSERT INTO sync_state (key, value) VALUES ('stamp', '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def read_stamp(con: sqlite3.Connection) -> int:
    """The count `stamp` keeps (0 in a project never joined, or of an older schema)."""
    try:
        row = con.execute("SELECT value FROM sync_state WHERE key = 'stamp'").fetchone()
    except sqlite3.OperationalError:  # no sync_state table: nothing was ever synced
        return 0
    return 0 if row is None else int(row[0])


# ---- row keys and versions ---------------------------------------------------------------


def key_of(con: sqlite3.Connection, tbl: str, local_id: int) -> str | None:
    row = con.execute(
        "SELECT key FROM sync_keys WHERE tbl = ? AND local_id = ?", (tbl, local_id)
    ).fetchone()
    return None if row is None else str(row[0])


def local_of(con: sqlite3.Connection, tbl: str, key: str) -> int | None:
    row = con.execute(
        "SELECT local_id FROM sync_keys WHERE tbl = ? AND key = ?", (tbl, key)
    ).fetchone()
    return None if row is None else int(row[0])


def add_key(con: sqlite3.Connection, tbl: str, local_id: int, key: str, version: int = 0) -> bool:
    """Name a local row; False (nothing written) if the key names another row already."""
    cur = con.execute(
        "INSERT OR IGNORE INTO sync_keys (tbl, local_id, key, version) VALUES (?, ?, ?, ?)",
        (tbl, local_id, key, version),
    )
    return cur.rowcount == 1


def new_key() -> str:
    import uuid  # here: uuid imports `platform`, which the window need not load to start

    return uuid.uuid4().hex


def version_of(con: sqlite3.Connection, tbl: str, key: str) -> int:
    row = con.execute(
        "SELECT version FROM sync_keys WHERE tbl = ? AND key = ?", (tbl, key)
    ).fetchone()
    return 0 if row is None else int(row[0])


def set_version(con: sqlite3.Connection, tbl: str, key: str, version: int) -> None:
    con.execute("UPDATE sync_keys SET version = ? WHERE tbl = ? AND key = ?", (version, tbl, key))


def all_keys(con: sqlite3.Connection) -> list[tuple[str, int, str, int]]:
    """(table, local id, key, version) of every named row."""
    return [
        (r[0], int(r[1]), r[2], int(r[3]))
        for r in con.execute("SELECT tbl, local_id, key, version FROM sync_keys")
    ]


def raise_versions(con: sqlite3.Connection, versions: list[tuple[str, str, int]]) -> None:
    """Move rows' known versions forward (never back: a late answer is older news)."""
    con.executemany(
        "UPDATE sync_keys SET version = ? WHERE tbl = ? AND key = ? AND version < ?",
        [(v, tbl, key, v) for tbl, key, v in versions],
    )


def bulk_keys(con: sqlite3.Connection, rows: list[tuple[str, int, str]]) -> None:
    """Name many rows at once (joining); rows already named keep their key."""
    con.executemany(
        "INSERT OR IGNORE INTO sync_keys (tbl, local_id, key, version) VALUES (?, ?, ?, 0)", rows
    )


def local_ids(con: sqlite3.Connection, table: str) -> list[int]:
    """Every row id of a project table the sync names (spans, claims, actors, documents,
    a gold project's curation units)."""
    if table not in ("spans", "claims", "actors", "documents", "curation_units"):
        raise ValueError(table)
    return [int(r[0]) for r in con.execute(f"SELECT id FROM {table} ORDER BY id")]


def actor_names(con: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return [(int(r[0]), r[1], r[2]) for r in con.execute("SELECT id, name, label FROM actors")]


def actor_by_name(con: sqlite3.Connection, name: str, label: str) -> int | None:
    row = con.execute(
        "SELECT id FROM actors WHERE name = ? AND label = ?", (name, label)
    ).fetchone()
    return None if row is None else int(row[0])


def ensure_actor(con: sqlite3.Connection, name: str, label: str) -> int:
    """The actor of that name and label, made if missing, as a review operation makes the
    actor a linked mention names (outside the event's rows)."""
    found = actor_by_name(con, name, label)
    if found is not None:
        return found
    cur = con.execute("INSERT INTO actors (name, label) VALUES (?, ?)", (name, label))
    return int(cur.lastrowid or 0)


def document_shas(con: sqlite3.Connection) -> dict[int, str]:
    return {int(r[0]): r[1] for r in con.execute("SELECT id, sha256 FROM documents")}


def documents_for_server(con: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """(sha256, ext_id, title, text) of every document, to publish them on the server."""
    return [tuple(r) for r in con.execute("SELECT sha256, ext_id, title, text FROM documents")]


def next_id(con: sqlite3.Connection, table: str) -> int:
    """A fresh row id for a row that came from the server (inside the caller's write
    transaction, so no other writer takes it meanwhile): past the table's rows and past
    the ids already given to rows of the same pull that are not written yet."""
    if table not in ("spans", "claims", "actors"):
        raise ValueError(table)
    row = con.execute(
        f"SELECT max((SELECT coalesce(max(id), 0) FROM {table}), "
        "(SELECT coalesce(max(local_id), 0) FROM sync_keys WHERE tbl = ?)) + 1",
        (table,),
    ).fetchone()
    return int(row[0])


def drop_key(con: sqlite3.Connection, tbl: str, local_id: int) -> None:
    con.execute("DELETE FROM sync_keys WHERE tbl = ? AND local_id = ?", (tbl, local_id))


# ---- events --------------------------------------------------------------------------------


def pending_events(con: sqlite3.Connection, since: int, limit: int) -> list[Event]:
    """Local events after `since` (the join) never pushed, or whose push may not have
    arrived; done ones only: an undone event never pushed has changed nothing anyone saw."""
    rows = con.execute(
        f"SELECT {', '.join('e.' + c for c in EVENT_COLS.split(', '))} FROM events e "
        "LEFT JOIN sync_events s ON s.event_id = e.id "
        "WHERE e.id > ? AND (s.event_id IS NULL OR s.state = ?) AND e.state = 'done' "
        "ORDER BY e.id LIMIT ?",
        (since, SENDING, limit),
    ).fetchall()
    return [_event(r) for r in rows]


def flipped_events(con: sqlite3.Connection) -> list[tuple[Event, str, int]]:
    """Synced events undone or redone here since: (event, uid, flips so far)."""
    rows = con.execute(
        f"SELECT {', '.join('e.' + c for c in EVENT_COLS.split(', '))}, s.uid, s.flips "
        "FROM events e JOIN sync_events s ON s.event_id = e.id "
        "WHERE s.state IN (?, ?) AND "
        "(CASE e.state WHEN 'dropped' THEN 'undone' ELSE e.state END) != s.pushed_state "
        "ORDER BY e.id",
        (PUSHED, PULLED),
    ).fetchall()
    return [(_event(r[:9]), str(r[9]), int(r[10])) for r in rows]


def uid_of(con: sqlite3.Connection, event_id: int) -> str | None:
    row = con.execute("SELECT uid FROM sync_events WHERE event_id = ?", (event_id,)).fetchone()
    return None if row is None else str(row[0])


def uids_of(con: sqlite3.Connection, event_ids: list[int]) -> dict[int, str]:
    """The uids already given to these events (a push that may not have arrived)."""
    out: dict[int, str] = {}
    for i in range(0, len(event_ids), 500):
        part = event_ids[i : i + 500]
        marks = ",".join("?" * len(part))
        sql = f"SELECT event_id, uid FROM sync_events WHERE event_id IN ({marks})"
        out.update((int(r[0]), str(r[1])) for r in con.execute(sql, part))
    return out


def mark_sending_many(con: sqlite3.Connection, rows: list[tuple[int, str]]) -> None:
    """(event id, uid) of events about to be sent; an event given a uid before keeps it."""
    con.executemany(
        "INSERT OR IGNORE INTO sync_events (event_id, uid, state) VALUES (?, ?, ?)",
        [(e, u, SENDING) for e, u in rows],
    )


def mark_events(con: sqlite3.Connection, rows: list[tuple[int, str, int | None]]) -> None:
    """`mark_event` for many: (event id, state, server id or None)."""
    con.executemany(
        "UPDATE sync_events SET state = ?, server_id = coalesce(?, server_id) WHERE event_id = ?",
        [(state, server_id, e) for e, state, server_id in rows],
    )


def mark_sending(con: sqlite3.Connection, event_id: int, uid: str) -> None:
    con.execute(
        "INSERT OR IGNORE INTO sync_events (event_id, uid, state) VALUES (?, ?, ?)",
        (event_id, uid, SENDING),
    )


def mark_event(
    con: sqlite3.Connection, event_id: int, state: str, server_id: int | None = None
) -> None:
    con.execute(
        "UPDATE sync_events SET state = ?, server_id = coalesce(?, server_id) WHERE event_id = ?",
        (state, server_id, event_id),
    )


def mark_flip(con: sqlite3.Connection, event_id: int, pushed_state: str) -> None:
    con.execute(
        "UPDATE sync_events SET pushed_state = ?, flips = flips + 1 WHERE event_id = ?",
        (pushed_state, event_id),
    )


def mark_pulled(con: sqlite3.Connection, event_id: int, uid: str, server_id: int) -> None:
    con.execute(
        "INSERT INTO sync_events (event_id, uid, state, server_id) VALUES (?, ?, ?, ?)",
        (event_id, uid, PULLED, server_id),
    )


def known_uid(con: sqlite3.Connection, uid: str) -> bool:
    return con.execute("SELECT 1 FROM sync_events WHERE uid = ?", (uid,)).fetchone() is not None


def count_pending(con: sqlite3.Connection, since: int) -> int:
    row = con.execute(
        "SELECT count(*) FROM events e LEFT JOIN sync_events s ON s.event_id = e.id "
        "WHERE e.id > ? AND (s.event_id IS NULL OR s.state = ?) AND e.state = 'done'",
        (since, SENDING),
    ).fetchone()
    return int(row[0])


def unsynced_rows(con: sqlite3.Connection, since: int) -> set[tuple[str, int]]:
    """(table, local id) of every row a local event not yet on the server touched: a pull
    must not write over them (the push will meet the server's version as a conflict)."""
    rows = con.execute(
        "SELECT e.before FROM events e LEFT JOIN sync_events s ON s.event_id = e.id "
        "WHERE e.id > ? AND (s.event_id IS NULL OR s.state IN (?, ?))",
        (since, SENDING, CONFLICT),
    ).fetchall()
    out: set[tuple[str, int]] = set()
    for (before,) in rows:
        for table, keyed in json.loads(before).items():
            out.update((table, int(k)) for k in keyed)
    return out


# ---- the server's log as pulled, and conflicts -----------------------------------------------


def log_remote(
    con: sqlite3.Connection, server_id: int, uid: str, author: str, op: str, applied: bool
) -> None:
    con.execute(
        "INSERT OR IGNORE INTO sync_log (server_id, uid, author, op, applied) "
        "VALUES (?, ?, ?, ?, ?)",
        (server_id, uid, author, op, int(applied)),
    )


def log_remote_many(con: sqlite3.Connection, rows: list[tuple[int, str, str, str, bool]]) -> None:
    con.executemany(
        "INSERT OR IGNORE INTO sync_log (server_id, uid, author, op, applied) "
        "VALUES (?, ?, ?, ?, ?)",
        [(i, u, a, o, int(ap)) for i, u, a, o, ap in rows],
    )


def logged_after(con: sqlite3.Connection, server_id: int) -> set[int]:
    """The server ids after `server_id` this client already logged (its own pushes)."""
    rows = con.execute("SELECT server_id FROM sync_log WHERE server_id > ?", (server_id,))
    return {int(r[0]) for r in rows}


def logged(con: sqlite3.Connection, server_id: int) -> bool:
    return (
        con.execute("SELECT 1 FROM sync_log WHERE server_id = ?", (server_id,)).fetchone()
        is not None
    )


def remote_log(con: sqlite3.Connection) -> list[tuple[int, str]]:
    """(server id, uid) of every server event this client has seen, in server order."""
    rows = con.execute("SELECT server_id, uid FROM sync_log ORDER BY server_id")
    return [(int(r[0]), r[1]) for r in rows]


def add_conflict(
    con: sqlite3.Connection, event_id: int, uid: str, op: str, rows: list[dict], time: str
) -> int:
    cur = con.execute(
        "INSERT INTO sync_conflicts (event_id, uid, op, rows, found_at) VALUES (?, ?, ?, ?, ?)",
        (event_id, uid, op, json.dumps(rows), time),
    )
    return int(cur.lastrowid or 0)


def conflicts(con: sqlite3.Connection, open_only: bool = True) -> list[Conflict]:
    sql = "SELECT id, event_id, uid, op, rows, found_at, resolution FROM sync_conflicts"
    if open_only:
        sql += " WHERE resolution IS NULL"
    return [
        Conflict(int(r[0]), int(r[1]), r[2], r[3], json.loads(r[4]), r[5], r[6])
        for r in con.execute(sql + " ORDER BY id")
    ]


def resolve_conflict(
    con: sqlite3.Connection, conflict_id: int, resolution: str, time: str, event_id: int
) -> None:
    con.execute(
        "UPDATE sync_conflicts SET resolution = ?, resolved_at = ?, resolution_event_id = ? "
        "WHERE id = ?",
        (resolution, time, event_id, conflict_id),
    )


def open_conflict_rows(con: sqlite3.Connection) -> set[tuple[str, str]]:
    """(table, key) of every row an unresolved conflict holds."""
    out: set[tuple[str, str]] = set()
    for c in conflicts(con):
        out.update((r["tbl"], r["key"]) for r in c.rows)
    return out
