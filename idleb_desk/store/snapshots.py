"""Rows as snapshots, and snapshots written back: what an event's before and after hold.

Each row of a span, claim (with its addressees and content parts), document or actor is
a plain dict, so the event log stores it as JSON; `apply_state` writes such dicts back (a
None deletes the row), which is all an undo, a redo, a team pull or a conflict's choice
does to the rows.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from idleb_desk.store import curation_queries

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
    "flag",
    "comment",
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
    "flag",
    "comment",
    # Issue 14: undo and team sync give a claim back with the model's figure.
    "confidence",
)
DOC_COLS = ("id", "status", "reviewer", "reviewed_at")
ACTOR_COLS = ("id", "name", "label", "merged_into")


def _cols(cols: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in cols)


def snapshot_span(con: sqlite3.Connection, span_id: int) -> dict[str, Any] | None:
    row = con.execute(f"SELECT {_cols(SPAN_COLS)} FROM spans WHERE id = ?", (span_id,)).fetchone()
    return None if row is None else dict(zip(SPAN_COLS, tuple(row), strict=True))


# A claim's ordered links to spans: (table, snapshot key); positions go under their own key.
_LINKS = (("claim_addressees", "addressees"), ("claim_content_parts", "content_parts"))
_POSITIONS = {"addressees": "addressee_positions", "content_parts": "content_part_positions"}


def snapshot_claim(con: sqlite3.Connection, claim_id: int) -> dict[str, Any] | None:
    row = con.execute(
        f"SELECT {_cols(CLAIM_COLS)} FROM claims WHERE id = ?", (claim_id,)
    ).fetchone()
    if row is None:
        return None
    out = dict(zip(CLAIM_COLS, tuple(row), strict=True))
    # Positions can have gaps (a deleted span cascades away); undo must give back the
    # exact rows, not a renumbered list.
    for table, key in _LINKS:
        rows = con.execute(
            f"SELECT span_id, position FROM {table} WHERE claim_id = ? ORDER BY position, span_id",
            (claim_id,),
        ).fetchall()
        out[key] = [r[0] for r in rows]
        out[_POSITIONS[key]] = [r[1] for r in rows]
    return out


def snapshot_document(con: sqlite3.Connection, doc_id: int) -> dict[str, Any] | None:
    row = con.execute(f"SELECT {_cols(DOC_COLS)} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return None if row is None else dict(zip(DOC_COLS, tuple(row), strict=True))


def snapshot_actor(con: sqlite3.Connection, actor_id: int) -> dict[str, Any] | None:
    row = con.execute(
        f"SELECT {_cols(ACTOR_COLS)} FROM actors WHERE id = ?", (actor_id,)
    ).fetchone()
    return None if row is None else dict(zip(ACTOR_COLS, tuple(row), strict=True))


SNAPSHOTTERS = {
    "spans": snapshot_span,
    "claims": snapshot_claim,
    "documents": snapshot_document,
    "actors": snapshot_actor,
    # A gold project's curation decision (issue 13), with the versions it chose from.
    "curation_units": curation_queries.snapshot_unit,
}


# Rows of these tables are read many at a time (`snapshot_rows`): undoing a project-wide
# bulk action reads and writes thousands of spans inside one write transaction, and one
# query per row made that transaction hold the lock past issue 17's 250 ms.
_PLAIN = {"spans": SPAN_COLS, "documents": DOC_COLS, "actors": ACTOR_COLS}
_CHUNK = 500  # ids per IN list, well under SQLite's 32,766 variables


def _snapshot_many(
    con: sqlite3.Connection, table: str, cols: tuple[str, ...], keys: list[str]
) -> dict[str, dict[str, Any] | None]:
    found: dict[int, dict[str, Any]] = {}
    ids = [int(k) for k in keys]
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT {_cols(cols)} FROM {table} WHERE id IN ({marks})"
        for row in con.execute(sql, chunk):
            found[row[0]] = dict(zip(cols, tuple(row), strict=True))
    return {key: found.get(n) for key, n in zip(keys, ids, strict=True)}


def snapshot_rows(con: sqlite3.Connection, keys: Snapshot) -> Snapshot:
    """The current state of the rows a snapshot names (a missing row is None), in the
    order the snapshot names them."""
    out: Snapshot = {}
    for table, rows in keys.items():
        if table not in SNAPSHOTTERS:
            continue
        if table in _PLAIN and len(rows) > 1:
            out[table] = _snapshot_many(con, table, _PLAIN[table], list(rows))
        else:
            out[table] = {key: SNAPSHOTTERS[table](con, int(key)) for key in rows}
    return out


def _upsert_sql(table: str, cols: tuple[str, ...]) -> str:
    # An upsert, not INSERT OR REPLACE: REPLACE deletes first, which would fire the
    # ON DELETE actions of the claims that point at this row.
    names = _cols(cols)
    marks = ", ".join("?" for _ in cols)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c != "id")
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {updates}"


def _upsert(
    con: sqlite3.Connection, table: str, cols: tuple[str, ...], row: dict[str, Any]
) -> None:
    # Events logged before a column existed do not name it: it keeps its current value.
    cols = tuple(c for c in cols if c in row)
    con.execute(_upsert_sql(table, cols), tuple(row[c] for c in cols))


def _upsert_many(
    con: sqlite3.Connection, table: str, cols: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """`_upsert` of many rows, one executemany per set of columns named, in order."""
    runs: list[tuple[tuple[str, ...], list[tuple[Any, ...]]]] = []
    for row in rows:
        named = tuple(c for c in cols if c in row)
        if not runs or runs[-1][0] != named:
            runs.append((named, []))
        runs[-1][1].append(tuple(row[c] for c in named))
    for named, values in runs:
        con.executemany(_upsert_sql(table, named), values)


def apply_state(con: sqlite3.Connection, state: Snapshot) -> None:
    """Make the touched rows look exactly as in `state` (the caller owns the transaction)."""
    spans = state.get("spans", {})
    claims = state.get("claims", {})
    actors = state.get("actors", {})
    # Actors the spans will point at exist first; actors to delete go last, once no span
    # points at them (their ON DELETE SET NULL must not fire on restored spans).
    # A renamed pair (A->B, B->A) would collide on UNIQUE(name, label) midway, so names
    # are parked on a placeholder first.
    live_actors = [row for row in actors.values() if row is not None]
    for row in live_actors:
        con.execute("UPDATE actors SET name = ? WHERE id = ?", (f"(undo {row['id']})", row["id"]))
    for row in live_actors:
        _upsert(con, "actors", ACTOR_COLS, row)
    # Deletions first, claims before the spans they point at; then spans before claims.
    for cid, row in claims.items():
        if row is None:
            con.execute("DELETE FROM claims WHERE id = ?", (int(cid),))
    for sid, row in spans.items():
        if row is None:
            con.execute("DELETE FROM spans WHERE id = ?", (int(sid),))
    _upsert_many(con, "spans", SPAN_COLS, [row for row in spans.values() if row is not None])
    for cid, row in claims.items():
        if row is None:
            continue
        _upsert(con, "claims", CLAIM_COLS, {"nested_in_claim_id": None, **row})
        for table, key in _LINKS:
            con.execute(f"DELETE FROM {table} WHERE claim_id = ?", (int(cid),))
            ids = row.get(key, [])
            # Events logged before positions were recorded carry only the order.
            positions = row.get(_POSITIONS[key]) or range(len(ids))
            con.executemany(
                f"INSERT INTO {table} (claim_id, span_id, position) VALUES (?, ?, ?)",
                [(int(cid), sid, pos) for sid, pos in zip(ids, positions, strict=False)],
            )
    for row in state.get("documents", {}).values():
        if row is not None:
            con.execute(
                "UPDATE documents SET status = ?, reviewer = ?, reviewed_at = ? WHERE id = ?",
                (row["status"], row["reviewer"], row["reviewed_at"], row["id"]),
            )
    for aid, row in actors.items():
        if row is None:
            con.execute("DELETE FROM actors WHERE id = ?", (int(aid),))
    for row in state.get("curation_units", {}).values():
        if row is not None:
            curation_queries.restore_unit(con, row)
