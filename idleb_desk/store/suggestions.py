"""The pipeline's suggestions written into a project: regions, spans and claims."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from idleb_desk.model import LAYER_ACTOR, LAYER_CLAIM, SUGGESTED, Extraction, Region, TextRef

if TYPE_CHECKING:
    from idleb_desk.store.store import Store


def add_regions(store: Store, doc_id: int, regions: Iterable[Region]) -> None:
    store.con.executemany(
        'INSERT INTO regions (document_id, start, "end", kind) VALUES (?, ?, ?, ?)',
        [(doc_id, r.start, r.end, r.kind) for r in regions],
    )


def add_extraction(store: Store, doc_id: int, ex: Extraction) -> None:
    """Store the pipeline's suggestions for a document. The caller owns the transaction."""
    origin = ex.model
    store.con.execute("UPDATE documents SET extracted_with = ? WHERE id = ?", (ex.model, doc_id))
    store.add_regions(doc_id, ex.regions)
    seen: dict[tuple[int, int, str, str], int] = {}

    def span_id(ref: TextRef, label: str, layer: str) -> int:
        key = (ref.start, ref.end, label, layer)
        if key not in seen:
            cur = store.con.execute(
                'INSERT INTO spans (document_id, start, "end", label, layer, status, '
                "origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc_id, ref.start, ref.end, label, layer, SUGGESTED, origin),
            )
            seen[key] = int(cur.lastrowid or 0)
        return seen[key]

    for a in ex.actors:
        span_id(TextRef(a.start, a.end, a.text), a.label, LAYER_ACTOR)
    claim_ids: list[int] = []
    for c in ex.claims:
        speaker = span_id(c.speaker, "SPEAKER", LAYER_CLAIM) if c.speaker else None
        cue = span_id(c.cue, "CUE", LAYER_CLAIM) if c.cue else None
        content = span_id(c.content, "CONTENT", LAYER_CLAIM)
        antecedent = (
            span_id(c.speaker_antecedent, "SPEAKER", LAYER_CLAIM) if c.speaker_antecedent else None
        )
        cur = store.con.execute(
            "INSERT INTO claims (document_id, speaker_span_id, cue_span_id, "
            "content_span_id, antecedent_span_id, kind, quote_type, status, origin, "
            "confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                speaker,
                cue,
                content,
                antecedent,
                c.kind,
                c.quote_type,
                SUGGESTED,
                origin,
                c.confidence,
            ),
        )
        claim_id = int(cur.lastrowid or 0)
        claim_ids.append(claim_id)
        if len(c.content_parts) > 1:
            store.con.executemany(
                "INSERT OR IGNORE INTO claim_content_parts (claim_id, span_id, position) "
                "VALUES (?, ?, ?)",
                [
                    (claim_id, span_id(p, "CONTENT", LAYER_CLAIM), i)
                    for i, p in enumerate(c.content_parts)
                ],
            )
        store.con.executemany(
            "INSERT OR IGNORE INTO claim_addressees (claim_id, span_id, position) VALUES (?, ?, ?)",
            [
                (claim_id, span_id(a, "ADDRESSEE", LAYER_CLAIM), i)
                for i, a in enumerate(c.addressees)
            ],
        )

    store.con.executemany(
        "UPDATE claims SET nested_in_claim_id = ? WHERE id = ?",
        [
            (claim_ids[c.nested_in], claim_ids[i])
            for i, c in enumerate(ex.claims)
            if c.nested_in is not None and 0 <= c.nested_in < len(claim_ids)
        ],
    )


def unextracted_document_ids(store: Store) -> list[int]:
    """Documents the pipeline has not seen yet (imported with no model, or --no-extract)."""
    rows = store.execute(
        "SELECT id FROM documents WHERE extracted_with IS NULL ORDER BY id"
    ).fetchall()
    return [int(r[0]) for r in rows]
