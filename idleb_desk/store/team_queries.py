"""What `team split` reads from a project: its documents and the model's suggestions as
the model made them, whatever the analysts did to them since.

A suggestion an analyst accepted, rejected, relabelled or resized is given back in the
state it had before the first logged operation touched it (the event log holds that
state); a span or claim an analyst made is left out. The result is an annotations
dict in the shape `store.annotations.restore_annotations` writes, so that the split uses
the same copy mechanics as a JSONL restore.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from idleb_desk.model import SUGGESTED
from idleb_desk.store import history, snapshots

if TYPE_CHECKING:
    from idleb_desk.store.store import Store

Original = dict[tuple[str, int], dict[str, Any] | None]


def first_states(store: Store) -> Original:
    """(table, id) -> the row as it was before the first logged operation touched it (None:
    the operation made it). Rows no event touched are not in it: they are as made."""
    out: Original = {}
    for event in history.events(store.con):
        for table in ("spans", "claims"):
            for key, row in event.before.get(table, {}).items():
                out.setdefault((table, int(key)), row)
    return out


def document_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Every document's stored fields, in id order, a few texts at a time."""
    for row in store.iter_rows(
        "SELECT id, ext_id, title, path, text, sha256, encoding, meta, extracted_with "
        "FROM documents ORDER BY id",
        size=16,
    ):
        yield dict(
            zip(("id", "ext_id", "title", "path", "text", "sha256", "encoding", "meta",
                 "extracted_with"), row, strict=True)
        )  # fmt: skip


def _ids(store: Store, table: str, doc_id: int) -> list[int]:
    sql = {"spans": "SELECT id FROM spans WHERE document_id = ? ORDER BY id",
           "claims": "SELECT id FROM claims WHERE document_id = ? ORDER BY id"}[table]  # fmt: skip
    return [int(r[0]) for r in store.execute(sql, (doc_id,)).fetchall()]


def _rows(store: Store, table: str, doc_id: int, first: Original) -> dict[int, dict[str, Any]]:
    """The document's rows of `table` as made, keyed by id; analyst-made ones left out."""
    snap = snapshots.SNAPSHOTTERS[table]
    rows: dict[int, dict[str, Any] | None] = {
        i: snap(store.con, i) for i in _ids(store, table, doc_id)
    }
    for (t, row_id), row in first.items():
        if t == table and (row is None or row.get("document_id") == doc_id):
            rows[row_id] = row  # also brings back a suggestion an analyst deleted
    return {
        i: r for i, r in rows.items()
        if r is not None and r.get("document_id") == doc_id
        and not str(r.get("origin", "")).startswith("analyst:")
    }  # fmt: skip


def model_annotations(store: Store, doc: dict[str, Any], first: Original) -> dict[str, Any]:
    """The document's suggestions as the model made them, all of them `suggested`."""
    doc_id = int(doc["id"])
    spans = _rows(store, "spans", doc_id, first)
    claims = _rows(store, "claims", doc_id, first)

    def ref(span_id: Any) -> int | None:
        return int(span_id) if span_id is not None and int(span_id) in spans else None

    out_spans = []
    for sid, s in sorted(spans.items()):
        actor = None
        if s.get("actor_id") is not None:
            a = store.execute(
                "SELECT name, label FROM actors WHERE id = ?", (s["actor_id"],)
            ).fetchone()
            actor = {"name": a[0], "label": a[1]} if a is not None else None
        out_spans.append(
            {"id": sid, "start": s["start"], "end": s["end"], "label": s["label"],
             "layer": s["layer"], "status": SUGGESTED, "origin": s["origin"],
             "reviewer": None, "reviewed_at": None, "actor": actor}
        )  # fmt: skip
    out_claims = []
    for cid, c in sorted(claims.items()):
        content = ref(c.get("content_span_id"))
        if content is None:
            continue  # a claim with no content left is nothing to code
        item: dict[str, Any] = {
            "id": cid, "speaker": ref(c.get("speaker_span_id")), "cue": ref(c.get("cue_span_id")),
            "content": content, "antecedent": ref(c.get("antecedent_span_id")),
            "addressees": [a for a in map(ref, c.get("addressees") or []) if a is not None],
            "kind": c["kind"], "quote_type": c["quote_type"], "status": SUGGESTED,
            "origin": c["origin"], "reviewer": None, "reviewed_at": None,
        }  # fmt: skip
        parts = [p for p in map(ref, c.get("content_parts") or []) if p is not None]
        if parts:
            item["content_parts"] = parts
        if c.get("nested_in_claim_id") in claims:
            item["nested_in"] = c["nested_in_claim_id"]
        if c.get("confidence") is not None:  # the project model's figure (issue 14)
            item["confidence"] = c["confidence"]
        out_claims.append(item)
    regions = store.regions(doc_id)
    return {
        "status": "new", "reviewer": None, "reviewed_at": None,
        "extracted_with": doc["extracted_with"], "spans": out_spans, "claims": out_claims,
        "regions": [{"start": r.start, "end": r.end, "kind": r.kind} for r in regions],
    }  # fmt: skip


def all_settings(store: Store) -> dict[str, Any]:
    rows = store.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
    return {str(k): json.loads(v) for k, v in rows}


def write_settings(store: Store, values: dict[str, Any]) -> None:
    """Write many settings; the caller owns the transaction."""
    store.con.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [(k, json.dumps(v)) for k, v in values.items()],
    )
