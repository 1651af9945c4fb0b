"""SQL behind the Network view: each claim with its speaker and addressee mentions.

Two queries, whatever the size of the project: one row per claim (its speaker, or the
antecedent a pronoun speaker refers to) and one row per addressee link; they are joined
in Python. A mention's canonical actor is the span's own `actor_id`, else the `actor_id`
of an actor mention at the same offsets (the claim part and the actor mention are two
spans over one stretch of text). Span texts are sliced from the cached document text,
so a mention without an actor still has a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from idleb_desk.core.model import LAYER_ACTOR, REJECTED
from idleb_desk.store.store import Store


@dataclass(frozen=True)
class MentionRow:
    """One speaker or addressee mention, with its canonical actor if it has one."""

    span_id: int
    text: str
    actor_id: int | None
    actor_name: str
    actor_label: str
    # The NER label of an actor mention at the same offsets ("" if none).
    label: str


@dataclass(frozen=True)
class ClaimLinkRow:
    claim_id: int
    document_id: int
    kind: str
    quote_type: str
    status: str
    content_start: int
    speaker: MentionRow | None
    addressees: tuple[MentionRow, ...]


# The actor mention over the same text as a claim part: one with an actor link first.
_SAME_TEXT = """LEFT JOIN spans {m} ON {m}.id = (SELECT x.id FROM spans x
        WHERE x.document_id = {s}.document_id AND x.start = {s}.start
          AND x."end" = {s}."end" AND x.layer = :actor_layer AND x.status != :rejected
        ORDER BY x.actor_id IS NULL, x.id LIMIT 1)"""
# A span's actor: its own link, else that actor mention's.
_MENTION_COLUMNS = """{s}.id, {s}.document_id, {s}.start, {s}."end",
    coalesce({s}.actor_id, {m}.actor_id), {m}.label"""


def _where(document_id: int | None, statuses: tuple[str, ...] | None) -> tuple[str, dict]:
    clauses, params = [], {"actor_layer": LAYER_ACTOR, "rejected": REJECTED}
    if document_id is not None:
        clauses.append("c.document_id = :doc")
        params["doc"] = document_id
    if statuses is not None:
        names = [f":st{i}" for i in range(len(statuses))]
        clauses.append(f"c.status IN ({', '.join(names)})")
        params.update({n[1:]: s for n, s in zip(names, statuses, strict=True)})
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def claim_links(
    store: Store, document_id: int | None = None, statuses: tuple[str, ...] | None = None
) -> list[ClaimLinkRow]:
    """Every claim of the document (or the project, if None) whose status is in
    `statuses` (every status if None), in reading order: document, content start, id."""
    where, params = _where(document_id, statuses)
    # A pronoun or description speaker stands for its antecedent's actor.
    speakers = store.execute(
        f"""SELECT c.id, c.document_id, c.kind, c.quote_type, c.status,
                   coalesce(co.start, 0), {_MENTION_COLUMNS.format(s="sp", m="am")}
            FROM claims c
            LEFT JOIN spans sp ON sp.id = coalesce(c.antecedent_span_id, c.speaker_span_id)
            {_SAME_TEXT.format(s="sp", m="am")}
            LEFT JOIN spans co ON co.id = c.content_span_id
            {where}
            ORDER BY c.document_id, coalesce(co.start, 0), c.id""",
        params,
    ).fetchall()
    addressees = store.execute(
        f"""SELECT ca.claim_id, {_MENTION_COLUMNS.format(s="s", m="am")}
            FROM claim_addressees ca
            JOIN claims c ON c.id = ca.claim_id
            JOIN spans s ON s.id = ca.span_id
            {_SAME_TEXT.format(s="s", m="am")}
            {where}
            ORDER BY c.document_id, ca.claim_id, ca.position""",
        params,
    ).fetchall()
    actors = _actors(store, {r[10] for r in speakers} | {r[5] for r in addressees})
    # Both queries come in document order: one text is held at a time, read once.
    texts: dict[int, str] = {}
    by_claim: dict[int, list[MentionRow]] = {}
    for r in addressees:
        by_claim.setdefault(r[0], []).append(_mention(store, r[1:], actors, texts))
    out = []
    for r in speakers:
        speaker = _mention(store, r[6:], actors, texts) if r[6] is not None else None
        out.append(
            ClaimLinkRow(
                claim_id=r[0],
                document_id=r[1],
                kind=r[2],
                quote_type=r[3],
                status=r[4],
                content_start=r[5],
                speaker=speaker,
                addressees=tuple(by_claim.get(r[0], ())),
            )
        )
    return out


def _actors(store: Store, ids: set[int | None]) -> dict[int, tuple[str, str]]:
    wanted = sorted(i for i in ids if i is not None)
    out: dict[int, tuple[str, str]] = {}
    # Chunks stay under SQLite's bound-parameter limit on old builds (999).
    for i in range(0, len(wanted), 900):
        chunk = wanted[i : i + 900]
        rows = store.execute(
            f"SELECT id, name, label FROM actors WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        out.update({r[0]: (r[1], r[2]) for r in rows})
    return out


def _mention(
    store: Store, r: tuple, actors: dict[int, tuple[str, str]], texts: dict[int, str]
) -> MentionRow:
    span_id, doc_id, start, end, actor_id, label = r[:6]
    text = texts.get(doc_id)
    if text is None:
        texts.clear()
        text = texts[doc_id] = store.document_text(doc_id)
    name, actor_label = actors.get(actor_id, ("", "")) if actor_id is not None else ("", "")
    return MentionRow(
        span_id=span_id,
        text=text[start:end],
        actor_id=actor_id if name else None,
        actor_name=name,
        actor_label=actor_label,
        label=label or "",
    )


def document_title(store: Store, document_id: int) -> str:
    row = store.execute("SELECT title FROM documents WHERE id = ?", (document_id,)).fetchone()
    return row[0] if row else ""
