"""Canonical actors as stored: the writes behind rename, merge and split (the reads are in
`store.actor_queries`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from idleb_desk.store.store import Store


def rename(store: Store, actor_id: int, name: str) -> None:
    store.con.execute("UPDATE actors SET name = ? WHERE id = ?", (name, actor_id))


def merge(store: Store, source_id: int, target_id: int) -> None:
    """Every mention of `source` points at `target`, and `source` says it was merged
    there: kept, not deleted, so its name keeps leading to the target and no later actor
    takes its id while undo or redo may still need it."""
    store.con.execute("UPDATE spans SET actor_id = ? WHERE actor_id = ?", (target_id, source_id))
    store.con.execute("UPDATE actors SET merged_into = ? WHERE id = ?", (target_id, source_id))


def insert(store: Store, name: str, label: str) -> int:
    cur = store.con.execute("INSERT INTO actors (name, label) VALUES (?, ?)", (name, label))
    return int(cur.lastrowid or 0)
