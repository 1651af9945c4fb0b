"""What agreement reads of an analyst's project: its documents, every span and claim with
the canonical actor it names, and who reviewed it. A few whole-project queries, whatever
the number of documents; the file is only read (agreement opens it read-only)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from idleb_desk.store.network_queries import claim_links
from idleb_desk.store.store import Store

Range = tuple[int, int]


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    ext_id: str
    title: str
    sha256: str
    text: str


@dataclass(frozen=True, slots=True)
class SpanRow:
    document_id: int
    start: int
    end: int
    label: str
    layer: str
    status: str
    origin: str
    # The canonical actor's "name (LABEL)" (after merges), "" when the span names none.
    actor: str


@dataclass(frozen=True, slots=True)
class ClaimRow:
    document_id: int
    status: str
    origin: str
    kind: str
    quote_type: str
    # Content parts in order (one part: the content span itself); empty without content.
    content: tuple[Range, ...]
    cue: Range | None
    # The actors the speaker and addressees name (`RoleActors`), else their texts.
    speaker: tuple[str, ...]
    addressees: tuple[str, ...]


def documents(store: Store) -> list[DocumentRow]:
    rows = store.execute(
        "SELECT id, ext_id, title, sha256, text FROM documents ORDER BY id"
    ).fetchall()
    return [DocumentRow(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def _canonical_actors(store: Store) -> dict[int, str]:
    rows = store.execute("SELECT id, name, label, merged_into FROM actors").fetchall()
    info = {r[0]: (r[1], r[2], r[3]) for r in rows}
    out: dict[int, str] = {}
    for actor_id in info:
        seen = {actor_id}
        target = actor_id
        # A merged actor points at the one it became; a loop (never written) stops the walk.
        while info[target][2] is not None and info[target][2] in info:
            target = info[target][2]
            if target in seen:
                break
            seen.add(target)
        name, label, _ = info[target]
        out[actor_id] = f"{name} ({label})"
    return out


def spans(store: Store, layer: str | None = None) -> list[SpanRow]:
    """Every span (of `layer` only, if given: agreement reads claims' spans through
    `claims`, so it need not hold them twice)."""
    actors = _canonical_actors(store)
    where, params = ("WHERE layer = ? ", (layer,)) if layer is not None else ("", ())
    rows = store.execute(
        'SELECT document_id, start, "end", label, layer, status, origin, actor_id '
        f"FROM spans {where}ORDER BY document_id, start, id",
        params,
    ).fetchall()
    # One string object per label and status, not one per row: a study holds them all.
    names: dict[str, str] = {}
    return [
        SpanRow(
            r[0], r[1], r[2], names.setdefault(r[3], r[3]), r[4],
            names.setdefault(r[5], r[5]), r[6], actors.get(r[7], "") if r[7] else "",
        )
        for r in rows
    ]  # fmt: skip


def _names(mentions: tuple) -> tuple[str, ...]:
    return tuple(
        sorted({f"{m.actor_name} ({m.actor_label})" if m.actor_id else m.text for m in mentions})
    )


def claims(store: Store) -> list[ClaimRow]:
    rows = store.execute(
        """SELECT c.id, c.document_id, c.status, c.origin, c.kind, c.quote_type,
                  co.start, co."end", cu.start, cu."end"
             FROM claims c
             LEFT JOIN spans co ON co.id = c.content_span_id
             LEFT JOIN spans cu ON cu.id = c.cue_span_id
            ORDER BY c.document_id, c.id"""
    ).fetchall()
    parts: dict[int, list[Range]] = {}
    for claim_id, start, end in store.execute(
        """SELECT p.claim_id, s.start, s."end" FROM claim_content_parts p
             JOIN spans s ON s.id = p.span_id ORDER BY p.claim_id, p.position"""
    ).fetchall():
        parts.setdefault(claim_id, []).append((start, end))
    links = {link.claim_id: link for link in claim_links(store)}
    out = []
    for r in rows:
        content = tuple(parts.get(r[0], ())) or (((r[6], r[7]),) if r[6] is not None else ())
        link = links.get(r[0])
        out.append(
            ClaimRow(
                document_id=r[1],
                status=r[2],
                origin=r[3],
                kind=r[4],
                quote_type=r[5],
                content=content,
                cue=(r[8], r[9]) if r[8] is not None else None,
                speaker=_names(link.speakers) if link else (),
                addressees=_names(link.addressees) if link else (),
            )
        )
    return out


def reviewers(store: Store) -> Counter[str]:
    """How many decisions each reviewer name made in this file (spans, claims, events)."""
    counts: Counter[str] = Counter()
    for sql in (
        "SELECT reviewer, count(*) FROM spans WHERE reviewer IS NOT NULL GROUP BY reviewer",
        "SELECT reviewer, count(*) FROM claims WHERE reviewer IS NOT NULL GROUP BY reviewer",
        "SELECT reviewer, count(*) FROM events GROUP BY reviewer",
    ):
        for name, n in store.execute(sql).fetchall():
            if name:
                counts[str(name)] += int(n)
    return counts
