"""Documents as stored: their text, title and review progress."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from idleb_desk.model import Document, DocumentSummary, text_sha256
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
