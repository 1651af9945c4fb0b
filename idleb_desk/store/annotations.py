"""JSONL annotations of one document, out and back in: an exact round trip.

The export writes every span and claim with its review state; the restore writes them to
a newly imported document with new ids, the roles remapped to them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from idleb_desk.model import LAYER_ACTOR, LAYER_CLAIM, STATUSES, Region
from idleb_desk.store.exports import statuses_for
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

ANNOTATIONS_FORMAT = 1
_SPAN_FIELDS = ("label", "layer", "status", "origin", "reviewer", "reviewed_at")
_CLAIM_FIELDS = ("kind", "quote_type", "status", "origin", "reviewer", "reviewed_at")
_ROLES = (
    ("speaker", "speaker_span_id"),
    ("cue", "cue_span_id"),
    ("content", "content_span_id"),
    ("antecedent", "antecedent_span_id"),
)


def document_annotations(
    store: Store, doc_id: int, text: str, include_all: bool = True
) -> dict[str, Any]:
    """Everything needed to restore a document's annotations exactly.

    Spans and claims carry their ids as local keys (the roles point at them); a restore
    gives them new ids. Without include_all, the spans kept are the reviewed ones plus
    every span a kept claim uses, so that no role points at nothing.
    """
    statuses = statuses_for(include_all)
    doc = store.execute(
        "SELECT path, encoding, status, reviewer, reviewed_at, extracted_with "
        "FROM documents WHERE id = ?",
        (doc_id,),
    ).fetchone()
    claims = []
    used: set[int] = set()
    for c in store.claims(doc_id):
        if c.status not in statuses:
            continue
        roles = {
            "speaker": c.speaker_span_id,
            "cue": c.cue_span_id,
            "content": c.content_span_id,
            "antecedent": c.antecedent_span_id,
        }
        parts = [
            int(r[0])
            for r in store.execute(
                "SELECT span_id FROM claim_content_parts WHERE claim_id = ? ORDER BY position",
                (c.id,),
            )
        ]
        nested = store.execute(
            "SELECT nested_in_claim_id FROM claims WHERE id = ?", (c.id,)
        ).fetchone()[0]
        used.update(i for i in (*roles.values(), *c.addressee_span_ids, *parts) if i is not None)
        claims.append(
            {"id": c.id, **roles, "addressees": list(c.addressee_span_ids)}
            | {k: getattr(c, k) for k in _CLAIM_FIELDS}
            | ({"content_parts": parts} if parts else {})
            | ({"nested_in": nested} if nested is not None else {})
            | ({"confidence": c.confidence} if c.confidence is not None else {})
            | _notes(c.flag, c.comment)
        )
    spans = []
    for s in store.spans(doc_id, text):
        if s.status not in statuses and s.id not in used:
            continue
        actor = None
        if s.actor_id is not None:
            a = store.actor(s.actor_id)
            actor = {"name": a.name, "label": a.label}
        spans.append(
            {"id": s.id, "start": s.start, "end": s.end, "text": s.text}
            | {k: getattr(s, k) for k in _SPAN_FIELDS}
            | {"actor": actor}
            | _notes(s.flag, s.comment)
        )
    return {
        "format": ANNOTATIONS_FORMAT,
        "source": {"path": doc["path"], "encoding": doc["encoding"]},
        "status": doc["status"],
        "reviewer": doc["reviewer"],
        "reviewed_at": doc["reviewed_at"],
        "extracted_with": doc["extracted_with"],
        "spans": spans,
        "claims": claims,
        "regions": [
            {"start": r.start, "end": r.end, "kind": r.kind} for r in store.regions(doc_id)
        ],
    }


def _notes(flag: str | None, comment: str) -> dict[str, str]:
    """The analyst's flag and comment, only when set (older lines simply lack them)."""
    out = {}
    if flag:
        out["flag"] = flag
    if comment:
        out["comment"] = comment
    return out


def _restore_notes(con: Any, table: str, row_id: int, item: dict[str, Any]) -> None:
    flag, comment = item.get("flag"), item.get("comment")
    if isinstance(flag, str) or isinstance(comment, str):
        con.execute(
            f"UPDATE {table} SET flag = ?, comment = ? WHERE id = ?",
            (
                flag if isinstance(flag, str) and flag else None,
                comment if isinstance(comment, str) and comment else None,
                row_id,
            ),
        )


def _offsets(item: dict[str, Any], text: str, what: str) -> None:
    start, end = item.get("start"), item.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise ValueError(f"{what} has offsets {start!r}..{end!r} outside the text")


def check_annotations(ann: dict[str, Any], text: str) -> None:
    """Raise ValueError naming the first thing a restore could not apply faithfully."""
    spans = ann.get("spans") or []
    claims = ann.get("claims") or []
    if not isinstance(spans, list) or not isinstance(claims, list):
        raise ValueError('"spans" and "claims" must be lists')
    keys: set[object] = set()
    for i, s in enumerate(spans):
        what = f"span {i + 1}"
        if not isinstance(s, dict):
            raise ValueError(f"{what} is not an object")
        _offsets(s, text, what)
        if "text" in s and s["text"] != text[s["start"] : s["end"]]:
            raise ValueError(
                f"{what} says {s['text']!r} but the text there is {text[s['start'] : s['end']]!r}"
            )
        if s.get("layer") not in (LAYER_ACTOR, LAYER_CLAIM) or s.get("status") not in STATUSES:
            raise ValueError(f"{what} has an unknown layer or status")
        if not isinstance(s.get("label"), str) or not isinstance(s.get("origin"), str):
            raise ValueError(f"{what} needs a label and an origin")
        keys.add(s.get("id"))
    for i, c in enumerate(claims):
        what = f"claim {i + 1}"
        if not isinstance(c, dict):
            raise ValueError(f"{what} is not an object")
        refs = [c.get(role) for role, _ in _ROLES] + list(c.get("addressees") or [])
        refs += list(c.get("content_parts") or [])
        missing = [r for r in refs if r is not None and r not in keys]
        if missing:
            raise ValueError(f"{what} refers to span {missing[0]!r}, which is not in the line")
        if c.get("status") not in STATUSES or not all(
            isinstance(c.get(k), str) for k in ("kind", "quote_type", "origin")
        ):
            raise ValueError(f"{what} needs a kind, a quote type, an origin and a known status")
    for i, r in enumerate(ann.get("regions") or []):
        if not isinstance(r, dict):
            raise ValueError(f"region {i + 1} is not an object")
        _offsets(r, text, f"region {i + 1}")


def restore_annotations(store: Store, doc_id: int, ann: dict[str, Any]) -> None:
    """Write checked annotations (see check_annotations) to a new document.

    The caller owns the transaction, so a document and its annotations land together.
    """
    con = store.con
    con.execute(
        "UPDATE documents SET status = coalesce(?, status), reviewer = ?, reviewed_at = ?, "
        "extracted_with = ? WHERE id = ?",
        (
            ann.get("status"),
            ann.get("reviewer"),
            ann.get("reviewed_at"),
            ann.get("extracted_with"),
            doc_id,
        ),
    )
    new_ids: dict[object, int] = {}
    new_claims: dict[object, int] = {}
    for s in ann.get("spans") or []:
        actor = s.get("actor")
        actor_id = store.actor_id_for(actor["name"], actor["label"]) if actor else None
        cur = con.execute(
            'INSERT INTO spans (document_id, start, "end", label, layer, status, origin, '
            "actor_id, reviewer, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, s["start"], s["end"], *(s.get(k) for k in _SPAN_FIELDS[:4]), actor_id,
             s.get("reviewer"), s.get("reviewed_at")),
        )  # fmt: skip
        new_ids[s.get("id")] = int(cur.lastrowid or 0)
        _restore_notes(con, "spans", new_ids[s.get("id")], s)
    for c in ann.get("claims") or []:
        roles = [
            new_ids.get(c.get(role)) if c.get(role) is not None else None for role, _ in _ROLES
        ]
        cur = con.execute(
            f"INSERT INTO claims (document_id, {', '.join(col for _, col in _ROLES)}, "
            f"{', '.join(_CLAIM_FIELDS)}, confidence) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            # confidence: the project model's figure (issue 14), absent from older lines
            (doc_id, *roles, *(c.get(k) for k in _CLAIM_FIELDS), c.get("confidence")),
        )
        claim_id = int(cur.lastrowid or 0)
        new_claims[c.get("id")] = claim_id
        _restore_notes(con, "claims", claim_id, c)
        con.executemany(
            "INSERT OR IGNORE INTO claim_addressees (claim_id, span_id, position) VALUES (?, ?, ?)",
            [(claim_id, new_ids[a], i) for i, a in enumerate(c.get("addressees") or [])],
        )
        con.executemany(
            "INSERT OR IGNORE INTO claim_content_parts (claim_id, span_id, position) "
            "VALUES (?, ?, ?)",
            [(claim_id, new_ids[a], i) for i, a in enumerate(c.get("content_parts") or [])],
        )
    for c in ann.get("claims") or []:
        outer = new_claims.get(c.get("nested_in"))
        if outer is not None:
            con.execute(
                "UPDATE claims SET nested_in_claim_id = ? WHERE id = ?",
                (outer, new_claims[c.get("id")]),
            )
    store.add_regions(
        doc_id,
        (_region(r) for r in ann.get("regions") or []),
    )


def _region(r: dict[str, Any]) -> Region:
    return Region(int(r["start"]), int(r["end"]), str(r.get("kind") or "boilerplate"))


def iter_documents(store: Store) -> Iterator[tuple[Any, ...]]:
    """(id, ext_id, title, text, meta) of every document, a few texts at a time."""
    yield from store.iter_rows(
        "SELECT id, ext_id, title, text, meta FROM documents ORDER BY id", size=32
    )
