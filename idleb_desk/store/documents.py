"""Documents as stored: their text, title and review progress."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from idleb_desk.model import SUGGESTED, Document, DocumentSummary, text_sha256
from idleb_desk.store.rows import now

if TYPE_CHECKING:
    from idleb_desk.store.store import Store


def document_id_by_sha(store: Store, sha: str) -> int | None:
    row = store.execute("SELECT id FROM documents WHERE sha256 = ?", (sha,)).fetchone()
    return None if row is None else int(row[0])


def insert_document(
    store: Store,
    ext_id: str,
    title: str,
    text: str,
    path: str = "",
    encoding: str = "utf-8",
    meta: dict[str, Any] | None = None,
) -> int | None:
    """Add a document; returns None (and adds nothing) if the same text is stored."""
    sha = text_sha256(text)
    if store.document_id_by_sha(sha) is not None:
        return None
    cur = store.execute(
        "INSERT INTO documents (ext_id, title, path, text, sha256, encoding, meta, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (ext_id, title, path, text, sha, encoding, json.dumps(meta or {}), now()),
    )
    return int(cur.lastrowid or 0)


def document(store: Store, doc_id: int) -> Document:
    row = store.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise KeyError(f"no document {doc_id}")
    return Document(
        id=row["id"],
        ext_id=row["ext_id"],
        title=row["title"],
        text=row["text"],
        sha256=row["sha256"],
        path=row["path"],
        encoding=row["encoding"],
        status=row["status"],
        meta=json.loads(row["meta"] or "{}"),
        reviewer=row["reviewer"],
        reviewed_at=row["reviewed_at"],
    )


def document_summaries(store: Store) -> list[DocumentSummary]:
    """Documents in import order with their review progress (items reviewed of all)."""
    rows = store.execute(
        """SELECT d.id, d.ext_id, d.title, d.status,
              (SELECT count(*) FROM spans s WHERE s.document_id = d.id) +
              (SELECT count(*) FROM claims c WHERE c.document_id = d.id) AS n_items,
              (SELECT count(*) FROM spans s WHERE s.document_id = d.id
                   AND s.status != 'suggested') +
              (SELECT count(*) FROM claims c WHERE c.document_id = d.id
                   AND c.status != 'suggested') AS n_reviewed
           FROM documents d ORDER BY d.id"""
    ).fetchall()
    return [
        DocumentSummary(r["id"], r["ext_id"], r["title"], r["status"], r[4], r[5]) for r in rows
    ]


def document_count(store: Store) -> int:
    return int(store.execute("SELECT count(*) FROM documents").fetchone()[0])


def title(store: Store, doc_id: int) -> str:
    """A document's title ("" if it is gone)."""
    row = store.execute("SELECT title FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return "" if row is None else str(row[0])


def set_status(
    store: Store, doc_id: int, status: str, reviewer: str, reviewed_at: str | None
) -> None:
    store.con.execute(
        "UPDATE documents SET status = ?, reviewer = ?, reviewed_at = ? WHERE id = ?",
        (status, reviewer, reviewed_at, doc_id),
    )


def all_ids(store: Store) -> list[int]:
    return [int(r[0]) for r in store.execute("SELECT id FROM documents ORDER BY id").fetchall()]


def texts(store: Store) -> Iterator[tuple[int, str, str]]:
    """(id, title, text) of every document in id order, a few texts at a time: a large
    project never sits in memory whole."""
    for doc_id, doc_title, text in store.iter_rows(
        "SELECT id, title, text FROM documents ORDER BY id", size=16
    ):
        yield int(doc_id), str(doc_title), str(text)


def unextracted_texts(store: Store, ids: list[int]) -> list[tuple[int, str]]:
    """(id, text) of those of `ids` no pipeline has extracted yet, in id order."""
    if not ids:
        return []
    rows = store.execute(
        f"SELECT id, text FROM documents WHERE extracted_with IS NULL "
        f"AND id IN ({', '.join('?' * len(ids))}) ORDER BY id",
        ids,
    ).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


def is_unextracted(store: Store, doc_id: int) -> bool:
    row = store.execute(
        "SELECT 1 FROM documents WHERE id = ? AND extracted_with IS NULL", (doc_id,)
    ).fetchone()
    return row is not None


def suggestions_left(store: Store, doc_id: int) -> int:
    """Spans and claims of a document nobody has decided yet."""
    row = store.execute(
        "SELECT (SELECT count(*) FROM spans WHERE document_id = ? AND status = ?) + "
        "(SELECT count(*) FROM claims WHERE document_id = ? AND status = ?)",
        (doc_id, SUGGESTED, doc_id, SUGGESTED),
    ).fetchone()
    return int(row[0])


def marks(store: Store) -> tuple[int, int]:
    """(count, newest id) of the documents: what another program's import changes, and
    no logged review operation does. Read from an index, never the texts."""
    row = store.execute("SELECT count(*), coalesce(max(id), 0) FROM documents").fetchone()
    return int(row[0]), int(row[1])
