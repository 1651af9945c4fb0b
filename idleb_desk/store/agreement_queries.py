"""What agreement reads of an analyst's project: its documents, every span and claim with
the canonical actor it names, and who reviewed it. A few whole-project queries, whatever
the number of documents; the file is only read (agreement opens it read-only)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from idleb_desk.actor_link import RoleMention, RolePart, role_parts
from idleb_desk.model import LAYER_ACTOR, REJECTED
from idleb_desk.store.store import Store

Range = tuple[int, int]


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    ext_id: str
    title: str
    sha256: str
    text: str


class ClaimRow(NamedTuple):  # a named tuple: one per claim, made quickly
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


def canonical_actors(store: Store) -> dict[int, str]:
    """Each actor's canonical "name (LABEL)", after merges, by actor id."""
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


# An actor mention as agreement reads it: document id, start, end, label, actor id,
# whether it is reviewed work, whether it still shows a model suggestion, whether it is
# live (not rejected), the last three as 0 or 1.
ActorSpanRow = tuple[int, int, int, str, int | None, int, int, int]


def actor_spans(
    store: Store, reviewed: Sequence[str], suggested: Sequence[str], analyst_origin: str
) -> list[ActorSpanRow]:
    """Every actor mention in document and start order, classified in SQL: reviewed if
    its status is in `reviewed`; a model suggestion if its status is in `suggested` and
    its origin does not start with `analyst_origin`. The rows are SQLite's own tuples."""
    mine = ", ".join("?" * len(reviewed))
    theirs = ", ".join("?" * len(suggested))
    return store.execute(
        f"""SELECT document_id, start, "end", label, actor_id, status IN ({mine}),
                   status IN ({theirs}) AND substr(origin, 1, ?) != ?, status != ?
              FROM spans WHERE layer = ? ORDER BY document_id, start, id""",
        (*reviewed, *suggested, len(analyst_origin), analyst_origin, REJECTED, LAYER_ACTOR),
    ).fetchall()


# One claim's row: id, document, status, origin, kind, quote type, content, cue,
# speaker (id, start, end, actor) and antecedent (id, start, end, actor).
_CLAIMS_SQL = """
SELECT c.id, c.document_id, c.status, c.origin, c.kind, c.quote_type,
       co.start, co."end", cu.start, cu."end",
       sp.id, sp.start, sp."end", sp.actor_id, an.id, an.start, an."end", an.actor_id
  FROM claims c
  LEFT JOIN spans co ON co.id = c.content_span_id
  LEFT JOIN spans cu ON cu.id = c.cue_span_id
  LEFT JOIN spans sp ON sp.id = c.speaker_span_id
  LEFT JOIN spans an ON an.id = c.antecedent_span_id
 ORDER BY c.document_id, c.id"""


class _Roles:
    """`RoleActors`' rule (the one claims.csv and the Network view use) on the whole
    file at once: the texts and live actor mentions are the ones agreement has already
    read, not read again a document at a time, and a role span with no linked actor
    mention in it is its own text without running the rule (which could only say so)."""

    def __init__(self, store: Store, texts: dict[int, str], mentions: list[ActorSpanRow]) -> None:
        self.texts = texts
        rows = store.execute("SELECT id, name, label FROM actors").fetchall()
        self.actors: dict[int, tuple[str, str]] = {r[0]: (r[1], r[2]) for r in rows}
        # A document's live mentions, in (start, id) order, where one names an actor:
        # elsewhere a role span names no actor through them.
        self.mentions: dict[int, list[RoleMention]] = {}
        actors = self.actors
        linked = {m[0] for m in mentions if m[7] and m[4] in actors}
        for m in mentions:
            if m[0] in linked and m[7]:
                self.mentions.setdefault(m[0], []).append(RoleMention(m[1], m[2], m[3], m[4]))
        self.starts = {d: [m.start for m in ms] for d, ms in self.mentions.items()}
        # linked[d][i]: how many of document d's first i mentions name an actor.
        self.linked = {d: [0] for d in self.mentions}
        for d, ms in self.mentions.items():
            counts = self.linked[d]
            for mention in ms:
                counts.append(counts[-1] + (mention.actor_id in actors))

    def names(self, doc: int, start: int, end: int, actor_id: int | None) -> list[str]:
        """What one speaker or addressee span names, as `network_queries._mentions`
        makes its rows and `_names` reads them: each part's actor, else the part's text;
        the whole span's text when no part names an actor."""
        text = self.texts[doc]
        actors = self.actors
        if actor_id is not None:
            parts = [RolePart(start, end, RoleMention(start, end, "", actor_id))]
        else:
            starts = self.starts.get(doc)
            if starts is None:
                return [text[start:end]]
            lo, hi = bisect_left(starts, start), bisect_right(starts, end)
            counts = self.linked[doc]
            if counts[hi] == counts[lo]:
                return [text[start:end]]
            parts = role_parts(text, start, end, self.mentions[doc][lo:hi])
        if not any(p.head and p.head.actor_id in actors for p in parts):
            return [text[start:end]]
        out = []
        for p in parts:
            linked = p.head.actor_id if p.head else None
            name, label = actors.get(linked, ("", "")) if linked is not None else ("", "")
            out.append(f"{name} ({label})" if name and linked else text[p.start : p.end])
        return out


def _distinct(names: list[str]) -> tuple[str, ...]:
    """The names once each, sorted (a role names one, nearly always)."""
    return tuple(names) if len(names) < 2 else tuple(sorted(set(names)))


def claims(
    store: Store,
    texts: dict[int, str] | None = None,
    mentions: list[ActorSpanRow] | None = None,
) -> list[ClaimRow]:
    """Every claim with its content parts, cue, and the actors its speaker and addressees
    name (`RoleActors`). `texts` (by document id) and `mentions` (`actor_spans`)
    are read here unless the caller has them already."""
    if texts is None:
        texts = {d.id: d.text for d in documents(store)}
    if mentions is None:
        mentions = actor_spans(store, (), (), "")
    roles = _Roles(store, texts, mentions)
    parts: dict[int, list[Range]] = {}
    for claim_id, start, end in store.execute(
        """SELECT p.claim_id, s.start, s."end" FROM claim_content_parts p
             JOIN spans s ON s.id = p.span_id ORDER BY p.claim_id, p.position"""
    ).fetchall():
        parts.setdefault(claim_id, []).append((start, end))
    addressees: dict[int, list[str]] = {}
    for claim_id, doc, start, end, actor_id in store.execute(
        """SELECT ca.claim_id, c.document_id, s.start, s."end", s.actor_id
             FROM claim_addressees ca
             JOIN claims c ON c.id = ca.claim_id
             JOIN spans s ON s.id = ca.span_id"""
    ).fetchall():
        addressees.setdefault(claim_id, []).extend(roles.names(doc, start, end, actor_id))
    out = []
    make = tuple.__new__  # a ClaimRow without its generated __new__ (a study makes 50,000)
    no_parts: list[Range] = []
    for r in store.execute(_CLAIMS_SQL).fetchall():
        content = tuple(parts.get(r[0], no_parts)) or (((r[6], r[7]),) if r[6] is not None else ())
        speaker: tuple[str, ...] = ()
        if r[10] is not None:
            # A pronoun or description speaker stands for what its antecedent names.
            if r[14] is not None and r[13] is None:
                speaker = _distinct(roles.names(r[1], r[15], r[16], r[17]))
            else:
                speaker = _distinct(roles.names(r[1], r[11], r[12], r[13]))
        named = addressees.get(r[0])
        out.append(
            make(
                ClaimRow,
                (
                    r[1],  # document_id
                    r[2],  # status
                    r[3],  # origin
                    r[4],  # kind
                    r[5],  # quote_type
                    content,
                    (r[8], r[9]) if r[8] is not None else None,  # cue
                    speaker,
                    () if named is None else _distinct(named),  # addressees
                ),
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
