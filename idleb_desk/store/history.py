"""The event log: before/after snapshots of the rows an operation touched.

Undo writes each row's "before" state back, redo its "after" state. Because the log lives
in the project file, undo and redo survive closing and reopening it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from idleb_desk.core.model import Event

Snapshot = dict[str, dict[str, Any]]  # {"spans": {"12": row|None}, "claims": ..., "documents": ...}

SPAN_COLS = (
    "id",
    "document_id",
    "start",
    "end",
    "label",
    "layer",
    "status",
    "origin",
    "actor_id",
    "reviewer",
    "reviewed_at",
)
CLAIM_COLS = (
    "id",
    "document_id",
    "speaker_span_id",
    "cue_span_id",
    "content_span_id",
    "antecedent_span_id",
    "kind",
    "quote_type",
    "status",
    "origin",
    "reviewer",
    "reviewed_at",
    "nested_in_claim_id",
)
DOC_COLS = ("id", "status", "reviewer", "reviewed_at")

DONE = "done"
UNDONE = "undone"
DROPPED = "dropped"  # undone, then overwritten by a new operation: no longer redoable


def _cols(cols: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in cols)


def snapshot_span(con: sqlite3.Connection, span_id: int) -> dict[str, Any] | None:
    row = con.execute(f"SELECT {_cols(SPAN_COLS)} FROM spans WHERE id = ?", (span_id,)).fetchone()
    return None if row is None else dict(zip(SPAN_COLS, tuple(row), strict=True))


def snapshot_claim(con: sqlite3.Connection, claim_id: int) -> dict[str, Any] | None:
    row = con.execute(
        f"SELECT {_cols(CLAIM_COLS)} FROM claims WHERE id = ?", (claim_id,)
    ).fetchone()
    if row is None:
        return None
    out = dict(zip(CLAIM_COLS, tuple(row), strict=True))
    out["addressees"] = [
        r[0]
        for r in con.execute(
            "SELECT span_id FROM claim_addressees WHERE claim_id = ? ORDER BY position",
            (claim_id,),
        )
    ]
    out["content_parts"] = [
        r[0]
        for r in con.execute(
            "SELECT span_id FROM claim_content_parts WHERE claim_id = ? ORDER BY position",
            (claim_id,),
        )
    ]
    return out


def snapshot_document(con: sqlite3.Connection, doc_id: int) -> dict[str, Any] | None:
    row = con.execute(f"SELECT {_cols(DOC_COLS)} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return None if row is None else dict(zip(DOC_COLS, tuple(row), strict=True))


SNAPSHOTTERS = {"spans": snapshot_span, "claims": snapshot_claim, "documents": snapshot_document}


def _upsert(
    con: sqlite3.Connection, table: str, cols: tuple[str, ...], row: dict[str, Any]
) -> None:
    # An upsert, not INSERT OR REPLACE: REPLACE deletes first, which would fire the
    # ON DELETE actions of the claims that point at this row.
    names = _cols(cols)
    marks = ", ".join("?" for _ in cols)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c != "id")
    con.execute(
        f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {updates}",
        tuple(row[c] for c in cols),
    )


def apply_state(con: sqlite3.Connection, state: Snapshot) -> None:
    """Make the touched rows look exactly as in `state` (the caller owns the transaction)."""
    spans = state.get("spans", {})
    claims = state.get("claims", {})
    # Deletions first, claims before the spans they point at; then spans before claims.
    for cid, row in claims.items():
        if row is None:
            con.execute("DELETE FROM claims WHERE id = ?", (int(cid),))
    for sid, row in spans.items():
        if row is None:
            con.execute("DELETE FROM spans WHERE id = ?", (int(sid),))
    for row in spans.values():
        if row is not None:
            _upsert(con, "spans", SPAN_COLS, row)
    for cid, row in claims.items():
        if row is None:
            continue
        _upsert(con, "claims", CLAIM_COLS, {"nested_in_claim_id": None, **row})
        con.execute("DELETE FROM claim_addressees WHERE claim_id = ?", (int(cid),))
        con.executemany(
            "INSERT INTO claim_addressees (claim_id, span_id, position) VALUES (?, ?, ?)",
            [(int(cid), sid, i) for i, sid in enumerate(row.get("addressees", []))],
        )
        con.execute("DELETE FROM claim_content_parts WHERE claim_id = ?", (int(cid),))
        con.executemany(
            "INSERT INTO claim_content_parts (claim_id, span_id, position) VALUES (?, ?, ?)",
            [(int(cid), sid, i) for i, sid in enumerate(row.get("content_parts", []))],
        )
    for row in state.get("documents", {}).values():
        if row is not None:
            con.execute(
                "UPDATE documents SET status = ?, reviewer = ?, reviewed_at = ? WHERE id = ?",
                (row["status"], row["reviewer"], row["reviewed_at"], row["id"]),
            )


def append_event(
    con: sqlite3.Connection,
    time: str,
    reviewer: str,
    op: str,
    document_id: int | None,
    before: Snapshot,
    after: Snapshot,
) -> int:
    # A new operation ends the redo chain of its document.
    con.execute(
        "UPDATE events SET state = ? WHERE state = ? AND document_id IS ?",
        (DROPPED, UNDONE, document_id),
    )
    cur = con.execute(
        "INSERT INTO events (time, reviewer, op, document_id, before, after, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (time, reviewer, op, document_id, json.dumps(before), json.dumps(after), DONE),
    )
    return int(cur.lastrowid or 0)


def _event(row: sqlite3.Row | tuple) -> Event:
    return Event(
        id=row[0],
        time=row[1],
        reviewer=row[2],
        op=row[3],
        document_id=row[4],
        before=json.loads(row[5]),
        after=json.loads(row[6]),
        state=row[7],
    )


EVENT_COLS = "id, time, reviewer, op, document_id, before, after, state"


def last_done(con: sqlite3.Connection, document_id: int | None) -> Event | None:
    row = con.execute(
        f"SELECT {EVENT_COLS} FROM events WHERE state = ? AND document_id IS ? "
        "ORDER BY id DESC LIMIT 1",
        (DONE, document_id),
    ).fetchone()
    return None if row is None else _event(row)


def next_undone(con: sqlite3.Connection, document_id: int | None) -> Event | None:
    # The undone events of a document are always the newest ones; the oldest of them is
    # the one undone last, so it is the first to redo.
    row = con.execute(
        f"SELECT {EVENT_COLS} FROM events WHERE state = ? AND document_id IS ? "
        "ORDER BY id ASC LIMIT 1",
        (UNDONE, document_id),
    ).fetchone()
    return None if row is None else _event(row)


def set_state(con: sqlite3.Connection, event_id: int, state: str, time: str | None) -> None:
    con.execute("UPDATE events SET state = ?, undone_at = ? WHERE id = ?", (state, time, event_id))


def events(con: sqlite3.Connection, document_id: int | None = None) -> list[Event]:
    if document_id is None:
        rows = con.execute(f"SELECT {EVENT_COLS} FROM events ORDER BY id").fetchall()
    else:
        rows = con.execute(
            f"SELECT {EVENT_COLS} FROM events WHERE document_id = ? ORDER BY id", (document_id,)
        ).fetchall()
    return [_event(r) for r in rows]
