"""Spans as stored: the analyst's writes to them and the reads review operations need.

Reads of whole spans (`Store.span`, `Store.spans`) live on `Store`; what is here are the
row-level writes of the review operations and the narrow reads behind them (ids and
statuses, not `Span` values), so that no SQL runs outside `store/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from idleb_desk.model import LAYER_ACTOR, REJECTED, SUGGESTED

if TYPE_CHECKING:
    from idleb_desk.store.store import Store


def update(store: Store, span_id: int, fields: Mapping[str, object]) -> None:
    """Set the given columns of one span (column names come from the code, not input)."""
    cols = ", ".join(f'"{k}" = ?' for k in fields)
    store.con.execute(f"UPDATE spans SET {cols} WHERE id = ?", (*fields.values(), span_id))


def set_actor(store: Store, span_id: int, actor_id: int | None) -> None:
    store.con.execute("UPDATE spans SET actor_id = ? WHERE id = ?", (actor_id, span_id))


def insert(
    store: Store,
    document_id: int,
    start: int,
    end: int,
    label: str,
    layer: str,
    status: str,
    origin: str,
    actor_id: int | None,
    reviewer: str | None = None,
    reviewed_at: str | None = None,
) -> int:
    cur = store.con.execute(
        'INSERT INTO spans (document_id, start, "end", label, layer, status, origin, '
        "actor_id, reviewer, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (document_id, start, end, label, layer, status, origin, actor_id, reviewer,
         reviewed_at),
    )  # fmt: skip
    return int(cur.lastrowid or 0)


def delete(store: Store, span_id: int) -> None:
    store.con.execute("DELETE FROM spans WHERE id = ?", (span_id,))


def twin(store: Store, document_id: int, start: int, end: int, layer: str) -> int | None:
    """The span already over exactly these offsets in this layer, if any (a live one
    before a rejected one, then the oldest)."""
    row = store.con.execute(
        'SELECT id FROM spans WHERE document_id = ? AND start = ? AND "end" = ? '
        "AND layer = ? ORDER BY status = ?, id LIMIT 1",
        (document_id, start, end, layer, REJECTED),
    ).fetchone()
    return None if row is None else int(row[0])


def status(store: Store, span_id: int) -> str | None:
    row = store.execute("SELECT status FROM spans WHERE id = ?", (span_id,)).fetchone()
    return None if row is None else str(row[0])


def document_of(store: Store, table: str, item_id: int) -> int | None:
    """The document of a span or claim (`table` is "spans" or "claims"); None if gone."""
    if table not in ("spans", "claims"):
        raise ValueError(f"not an item table: {table!r}")
    row = store.execute(f"SELECT document_id FROM {table} WHERE id = ?", (item_id,)).fetchone()
    return None if row is None else int(row[0])


def set_note(store: Store, table: str, item_id: int, column: str, value: str | None) -> None:
    """Set a span's or claim's flag or comment (the review status is left alone)."""
    if table not in ("spans", "claims") or column not in ("flag", "comment"):
        raise ValueError(f"no note {column!r} on {table!r}")
    store.con.execute(f'UPDATE {table} SET "{column}" = ? WHERE id = ?', (value, item_id))


def unlinked_actor_mentions(store: Store, document_id: int) -> list[tuple[int, int, int, str]]:
    """(id, start, end, label) of the live actor mentions of a document that link to no
    actor yet, in text order."""
    rows = store.execute(
        'SELECT id, start, "end", label FROM spans WHERE document_id = ? AND layer = ? '
        "AND actor_id IS NULL AND status != ? ORDER BY start, id",
        (document_id, LAYER_ACTOR, REJECTED),
    ).fetchall()
    return [(int(r[0]), int(r[1]), int(r[2]), str(r[3])) for r in rows]


def actor_mention_rows(store: Store, document_id: int) -> list[tuple[int, int, int, str, str]]:
    """(id, start, end, label, status) of a document's actor mentions, as plain tuples:
    project memory reads these for every document holding a string on every accept, and
    building `Span` values was most of its cost."""
    rows = store.execute(
        'SELECT id, start, "end", label, status FROM spans WHERE document_id = ? AND layer = ?',
        (document_id, LAYER_ACTOR),
    ).fetchall()
    return [(int(r[0]), int(r[1]), int(r[2]), str(r[3]), str(r[4])) for r in rows]


def same_mentions(
    store: Store, label: str, text: str, document_id: int | None
) -> list[tuple[int, str, int]]:
    """(id, status, document id) of every actor mention with this exact text and label,
    in one document or (None) the whole project, in document and text order."""
    where = "" if document_id is None else "AND s.document_id = ?"
    params: tuple[object, ...] = (LAYER_ACTOR, label, len(text), text)
    if document_id is not None:
        params += (document_id,)
    # The length test first: SQLite cuts the text only for spans that could match.
    rows = store.execute(
        f"""SELECT s.id, s.status, s.document_id FROM spans s
            JOIN documents d ON d.id = s.document_id
            WHERE s.layer = ? AND s.label = ? AND s."end" - s.start = ?
              AND substr(d.text, s.start + 1, s."end" - s.start) = ? {where}
            ORDER BY s.document_id, s.start, s.id""",
        params,
    ).fetchall()
    return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]


def suggested_ids(store: Store, document_id: int) -> list[int]:
    """A document's spans still suggested, by id."""
    rows = store.execute(
        "SELECT id FROM spans WHERE document_id = ? AND status = ? ORDER BY id",
        (document_id, SUGGESTED),
    ).fetchall()
    return [int(r[0]) for r in rows]


def still_suggested(store: Store, ids: list[int], keep: int) -> set[int]:
    """Those of `ids` still suggested now, and `keep` if it is among them."""
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = store.execute(
        f"SELECT id FROM spans WHERE id IN ({marks}) AND (status = ? OR id = ?) ORDER BY id",
        (*ids, SUGGESTED, keep),
    ).fetchall()
    return {int(r[0]) for r in rows}


def marks(store: Store) -> tuple[int, int]:
    """(count, newest id) of the spans: a write by another program that logs no event
    (an extraction, project memory spread from the command line) changes them."""
    row = store.execute("SELECT count(*), coalesce(max(id), 0) FROM spans").fetchone()
    return int(row[0]), int(row[1])
