"""SQL behind the Network view: each claim with its speaker and addressee mentions.

Two queries, whatever the size of the project: one row per claim (its speaker, or the
antecedent a pronoun speaker refers to) and one row per addressee link; they are joined
in Python. Which actors a speaker or addressee names is `RoleActors`' rule, the one
claims.csv uses: the span's own link, else the actor mention heading each coordinated
part, so "Macron and Merkel" is two nodes. Span texts are sliced from the cached
document text, so a mention without an actor still has a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from idleb_desk.actor_link import RolePart
from idleb_desk.store.actor_queries import RoleActors, RoleSpan
from idleb_desk.store.store import Store


@dataclass(frozen=True)
class MentionRow:
    """One speaker or addressee (or one coordinated part of one), with its canonical
    actor if it has one."""

    span_id: int
    text: str
    actor_id: int | None
    actor_name: str
    actor_label: str
    # The NER label of the actor mention heading it ("" if none).
    label: str
    # Which addressee of the claim it is part of (0 for a speaker).
    position: int = 0


@dataclass(frozen=True)
class ClaimLinkRow:
    claim_id: int
    document_id: int
    kind: str
    quote_type: str
    status: str
    content_start: int
    # Empty: no speaker. Several: a coordinated speaker ("Macron and Merkel").
    speakers: tuple[MentionRow, ...]
    addressees: tuple[MentionRow, ...]

    @property
    def speaker(self) -> MentionRow | None:
        return self.speakers[0] if self.speakers else None


def _where(document_id: int | None, statuses: tuple[str, ...] | None) -> tuple[str, dict]:
    clauses: list[str] = []
    params: dict = {}
    if document_id is not None:
        clauses.append("c.document_id = :doc")
        params["doc"] = document_id
    if statuses is not None:
        names = [f":st{i}" for i in range(len(statuses))]
        clauses.append(f"c.status IN ({', '.join(names)})")
        params.update({n[1:]: s for n, s in zip(names, statuses, strict=True)})
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_Raw = tuple[int, RoleSpan, list[RolePart], int]  # span id, span, its parts, position


def claim_links(
    store: Store, document_id: int | None = None, statuses: tuple[str, ...] | None = None
) -> list[ClaimLinkRow]:
    """Every claim of the document (or the project, if None) whose status is in
    `statuses` (every status if None), in reading order: document, content start, id.
    Speakers and addressees name actors by `RoleActors`, as claims.csv does."""
    where, params = _where(document_id, statuses)
    speakers = store.execute(
        f"""SELECT c.id, c.document_id, c.kind, c.quote_type, c.status,
                   coalesce(co.start, 0), sp.id, sp.start, sp."end", sp.actor_id,
                   an.id, an.start, an."end", an.actor_id
            FROM claims c
            LEFT JOIN spans sp ON sp.id = c.speaker_span_id
            LEFT JOIN spans an ON an.id = c.antecedent_span_id
            LEFT JOIN spans co ON co.id = c.content_span_id
            {where}
            ORDER BY c.document_id, coalesce(co.start, 0), c.id""",
        params,
    ).fetchall()
    addressees = store.execute(
        f"""SELECT ca.claim_id, c.document_id, ca.position, s.id, s.start, s."end", s.actor_id
            FROM claim_addressees ca
            JOIN claims c ON c.id = ca.claim_id
            JOIN spans s ON s.id = ca.span_id
            {where}
            ORDER BY c.document_id, ca.claim_id, ca.position""",
        params,
    ).fetchall()
    roles = RoleActors(store)
    # Both queries come in document order: one text is held at a time, read once.
    by_claim: dict[int, list[_Raw]] = {}
    for r in addressees:
        span = RoleSpan(r[4], r[5], r[6])
        by_claim.setdefault(r[0], []).append((r[3], span, roles.parts(r[1], span), r[2]))
    said: dict[int, _Raw | None] = {}
    for r in speakers:
        if r[6] is None:
            said[r[0]] = None
            continue
        speaker = RoleSpan(r[7], r[8], r[9])
        # A pronoun or description speaker stands for what its antecedent names.
        sid, span = r[6], speaker
        if r[10] is not None and speaker.actor_id is None:
            sid, span = r[10], RoleSpan(r[11], r[12], r[13])
        said[r[0]] = (sid, span, roles.parts(r[1], span), 0)
    ids: set[int | None] = set()
    for raw in [*(a for adds in by_claim.values() for a in adds), *filter(None, said.values())]:
        ids.update(p.head.actor_id for p in raw[2] if p.head)
    actors = _actors(store, ids)
    texts: dict[int, str] = {}
    out = []
    for r in speakers:
        claim_said = said[r[0]]
        out.append(
            ClaimLinkRow(
                claim_id=r[0],
                document_id=r[1],
                kind=r[2],
                quote_type=r[3],
                status=r[4],
                content_start=r[5],
                speakers=_mentions(store, r[1], claim_said, actors, texts) if claim_said else (),
                addressees=tuple(
                    m
                    for a in by_claim.get(r[0], ())
                    for m in _mentions(store, r[1], a, actors, texts)
                ),
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


def _mentions(
    store: Store,
    doc_id: int,
    raw: _Raw,
    actors: dict[int, tuple[str, str]],
    texts: dict[int, str],
) -> tuple[MentionRow, ...]:
    """The nodes one speaker or addressee span stands for: one per coordinated part once
    any part names an actor ("the Syrian government", "its Russian allies", Turkey),
    else the whole span, so a mention keeps its text until actors are linked."""
    span_id, span, parts, position = raw
    text = texts.get(doc_id)
    if text is None:
        texts.clear()
        text = texts[doc_id] = store.document_text(doc_id)
    if not any(p.head and p.head.actor_id in actors for p in parts):
        whole = parts[0].head if len(parts) == 1 else None
        label = whole.label if whole and (whole.start, whole.end) == (span.start, span.end) else ""
        return (MentionRow(span_id, text[span.start : span.end], None, "", "", label, position),)
    out = []
    for p in parts:
        head = p.head
        linked = head.actor_id if head else None
        name, actor_label = actors.get(linked, ("", "")) if linked is not None else ("", "")
        out.append(
            MentionRow(
                span_id=span_id,
                text=text[p.start : p.end],
                actor_id=linked if name else None,
                actor_name=name,
                actor_label=actor_label,
                label=head.label if head else "",
                position=position,
            )
        )
    return tuple(out)


def document_title(store: Store, document_id: int) -> str:
    row = store.execute("SELECT title FROM documents WHERE id = ?", (document_id,)).fetchone()
    return row[0] if row else ""
