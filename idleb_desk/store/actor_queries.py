"""Reads behind canonical actors: the names a mention can link to, the Actors panel's rows,
an actor's mentions, and the actor table export."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from idleb_desk.actor_link import RoleMention, RolePart, role_actor_ids, role_parts
from idleb_desk.model import LAYER_ACTOR, REJECTED, STATUSES
from idleb_desk.store.alias_tally import MAX_ALIASES, ActorRow, AliasTally
from idleb_desk.store.store import Store

ALIAS_SEP = " | "
__all__ = ["MAX_ALIASES", "ActorRow", "AliasTally"]  # with the functions below


@dataclass(frozen=True)
class Mention:
    span_id: int
    document_id: int
    document_title: str
    start: int
    end: int
    text: str
    layer: str
    status: str


@dataclass(frozen=True)
class KnownActor:
    id: int
    name: str
    label: str
    first_document: int
    in_document: bool


def known_actors(
    store: Store, label: str, document_id: int, name: str, suffix: str | None = None
) -> list[KnownActor]:
    """Actors of `label` a live span links to that could name a mention: called `name`,
    or (with `suffix`) with a name ending in it, the surname a shorter form shares. Each
    with the first document naming it and whether `document_id` names it too."""
    where, params = "a.name = ?", [name]
    if suffix:
        pattern = suffix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where += " OR a.name LIKE ? ESCAPE '\\'"
        params.append("%" + pattern)
    rows = store.execute(
        f"""SELECT a.id, a.name, a.label, min(s.document_id), max(s.document_id = ?)
            FROM actors a JOIN spans s ON s.actor_id = a.id AND s.status != ?
            WHERE a.label = ? AND a.merged_into IS NULL AND ({where})
            GROUP BY a.id""",
        (document_id, REJECTED, label, *params),
    ).fetchall()
    return [KnownActor(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]


def named_actor_seen(store: Store, name: str, label: str, document_id: int) -> int | None:
    """The unmerged actor called `name` with `label` if a live span in this document or
    an earlier one links to it: the actor `known_actors` would list first for a mention
    with this canonical name, seen by `document_id` (what "same name" links to). One
    look-up, where known_actors aggregates every mention of every candidate."""
    row = store.execute(
        """SELECT a.id FROM actors a
           WHERE a.name = ? AND a.label = ? AND a.merged_into IS NULL
             AND EXISTS (SELECT 1 FROM spans s WHERE s.actor_id = a.id
                         AND s.status != ? AND s.document_id <= ?)""",
        (name, label, REJECTED, document_id),
    ).fetchone()
    return None if row is None else int(row[0])


def unlinked_ids(store: Store, ids: list[int]) -> set[int]:
    """Those of the span `ids` that link to no actor."""
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = store.execute(
        f"SELECT id FROM spans WHERE id IN ({marks}) AND actor_id IS NULL", ids
    ).fetchall()
    return {int(r[0]) for r in rows}


def unlinked_mentions(store: Store, document_id: int, label: str, longer_than: int) -> list[str]:
    """Texts of live actor mentions of `label` in a document, longer than `longer_than`
    characters, that link to no actor yet (suggestions): a longer name there can name a
    shorter mention accepted first."""
    text = store.document_text(document_id)
    # `+label`: without it SQLite picks the (label, length) index and walks every longer
    # mention of the label in the project, not this document's (3.5 ms per accept over
    # 600 documents); the unary plus leaves it the document index.
    rows = store.execute(
        'SELECT start, "end" FROM spans WHERE document_id = ? AND layer = ? AND +label = ? '
        'AND actor_id IS NULL AND status != ? AND "end" - start > ?',
        (document_id, LAYER_ACTOR, label, REJECTED, longer_than),
    ).fetchall()
    return [text[r[0] : r[1]] for r in rows]


def _statuses_sql(statuses: tuple[str, ...] | None) -> tuple[str, tuple[str, ...]]:
    if statuses is None:
        return "s.status != ?", (REJECTED,)
    return f"s.status IN ({', '.join('?' * len(statuses))})", statuses


def actor_rows(
    store: Store, statuses: tuple[str, ...] | None = None, with_claims: bool = False
) -> list[ActorRow]:
    """Every actor an actor mention of these statuses (default: all but rejected) links
    to, by name. Aliases are the mention texts (up to MAX_ALIASES, most frequent first);
    a mention is an actor-layer span. `with_claims` adds every actor the claims and spans
    of an export of these statuses name (`claim_actor_ids`), with the mentions counted
    (none, when its mentions are not exported): the actor table lists each actor any
    export file names."""
    cond, params = _statuses_sql(statuses)
    tally = AliasTally()
    add = tally.add
    doc_id_now, text = None, ""
    document_text = store.document_text
    # Once per mention, streamed in document order (the spans_doc index, no sort): the
    # text is fetched once per document, so memory grows with actors only.
    for actor_id, doc_id, start, end in store.iter_rows(
        f"""SELECT s.actor_id, s.document_id, s.start, s."end" FROM spans s
            WHERE s.layer = ? AND s.actor_id IS NOT NULL AND {cond}
            ORDER BY s.document_id, s.start, s.id""",
        (LAYER_ACTOR, *params),
        size=8000,
    ):
        if doc_id != doc_id_now:
            doc_id_now, text = doc_id, document_text(doc_id)
        add(actor_id, doc_id, text[start:end])
    named: set[int] = set()
    if with_claims:
        named = claim_actor_ids(store, export_statuses(statuses))
    return tally.rows(store, named)


def export_statuses(statuses: tuple[str, ...] | None) -> tuple[str, ...]:
    return tuple(x for x in STATUSES if x != REJECTED) if statuses is None else statuses


def mentions(store: Store, actor_id: int) -> list[Mention]:
    """Every live span (mention or claim speaker) linked to an actor, in document order."""
    rows = store.execute(
        """SELECT s.id, s.document_id, d.title, s.start, s."end", s.layer, s.status
           FROM spans s JOIN documents d ON d.id = s.document_id
           WHERE s.actor_id = ? AND s.status != ?
           ORDER BY s.document_id, s.start, s.id""",
        (actor_id, REJECTED),
    ).fetchall()
    return [
        Mention(r[0], r[1], r[2], r[3], r[4], store.document_text(r[1])[r[3] : r[4]], r[5], r[6])
        for r in rows
    ]


def actor_ids_with_name(store: Store, name: str, label: str) -> int | None:
    row = store.execute(
        "SELECT id FROM actors WHERE name = ? AND label = ?", (name, label)
    ).fetchone()
    return None if row is None else int(row[0])


def spans_of_actor(store: Store, actor_id: int) -> list[int]:
    rows = store.execute("SELECT id FROM spans WHERE actor_id = ? ORDER BY id", (actor_id,))
    return [int(r[0]) for r in rows.fetchall()]


def merged_target(store: Store, actor_id: int) -> int:
    """The actor a merged actor became (following merges of merges), else itself."""
    seen = {actor_id}
    while True:
        row = store.execute("SELECT merged_into FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if row is None or row[0] is None or row[0] in seen:
            return actor_id
        actor_id = int(row[0])
        seen.add(actor_id)


def role_mentions(store: Store, document_id: int) -> list[RoleMention]:
    """The live actor mentions of a document, for the role rules (`core.actor_link`)."""
    rows = store.execute(
        'SELECT start, "end", label, actor_id FROM spans '
        "WHERE document_id = ? AND layer = ? AND status != ? ORDER BY start, id",
        (document_id, LAYER_ACTOR, REJECTED),
    ).fetchall()
    return [RoleMention(r[0], r[1], r[2], r[3]) for r in rows]


@dataclass(frozen=True)
class RoleSpan:
    """A speaker, antecedent or addressee span: its offsets and its own actor link."""

    start: int
    end: int
    actor_id: int | None


class RoleActors:
    """Which actors a claim's speaker and addressees name, by one rule for every reader
    (claims.csv, the actor table, the Network view): a span's own link (the analyst's, or
    the one accepting its claim made) wins; else each coordinated part is headed by the
    actor mention that ends it (`core.actor_link.role_parts`), so "Macron and Merkel"
    names both. A pronoun speaker names what its antecedent names.

    Rows come grouped by document: one document's text and mentions are held at a time."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.doc_id: int | None = None
        self.text = ""
        self.mentions: list[RoleMention] = []
        self.starts: list[int] = []

    def _load(self, doc_id: int) -> None:
        if doc_id != self.doc_id:
            self.doc_id = doc_id
            self.text = self.store.document_text(doc_id)
            self.mentions = role_mentions(self.store, doc_id)
            self.starts = [m.start for m in self.mentions]

    def parts(self, doc_id: int, span: RoleSpan) -> list[RolePart]:
        """The parts of one role span; one part headed by its own link if it has one."""
        self._load(doc_id)
        if span.actor_id is not None:
            own = RoleMention(span.start, span.end, "", span.actor_id)
            return [RolePart(span.start, span.end, own)]
        # Mentions come by start: only those starting inside the span can be in it, and
        # scanning the document's every mention per span was quadratic (issue 13 bench).
        lo = bisect_left(self.starts, span.start)
        hi = bisect_right(self.starts, span.end)
        return role_parts(self.text, span.start, span.end, self.mentions[lo:hi])

    def speaker_parts(
        self, doc_id: int, speaker: RoleSpan | None, antecedent: RoleSpan | None
    ) -> list[RolePart]:
        if speaker is None:
            return []
        if speaker.actor_id is None and antecedent is not None:
            return self.parts(doc_id, antecedent)
        return self.parts(doc_id, speaker)

    def speaker_ids(
        self, doc_id: int, speaker: RoleSpan | None, antecedent: RoleSpan | None
    ) -> list[int]:
        return role_actor_ids(self.speaker_parts(doc_id, speaker, antecedent))

    def addressee_ids(self, doc_id: int, addressees: Iterable[RoleSpan]) -> list[int]:
        ids = (i for a in addressees for i in role_actor_ids(self.parts(doc_id, a)))
        return list(dict.fromkeys(ids))


def claim_actor_ids(store: Store, statuses: tuple[str, ...]) -> set[int]:
    """Every actor an export of these statuses names outside actors.csv: the speaker and
    addressee actors of its claims (`RoleActors`), and the links of the other spans it
    writes out (JSONL and the annotation formats carry each span's actor): the reviewed
    ones of any layer, and every span a kept claim uses."""
    marks = ", ".join("?" * len(statuses))
    roles = RoleActors(store)
    found: set[int] = set()
    for r in store.iter_rows(
        f"""SELECT c.document_id, sp.start, sp."end", sp.actor_id,
                   an.start, an."end", an.actor_id
            FROM claims c
            LEFT JOIN spans sp ON sp.id = c.speaker_span_id
            LEFT JOIN spans an ON an.id = c.antecedent_span_id
            WHERE c.status IN ({marks}) AND sp.id IS NOT NULL
            ORDER BY c.document_id""",
        statuses,
    ):
        speaker = RoleSpan(r[1], r[2], r[3])
        antecedent = RoleSpan(r[4], r[5], r[6]) if r[4] is not None else None
        found.update(roles.speaker_ids(r[0], speaker, antecedent))
    for r in store.iter_rows(
        f"""SELECT c.document_id, s.start, s."end", s.actor_id
            FROM claim_addressees ca JOIN claims c ON c.id = ca.claim_id
            JOIN spans s ON s.id = ca.span_id
            WHERE c.status IN ({marks}) ORDER BY c.document_id""",
        statuses,
    ):
        found.update(roles.addressee_ids(r[0], [RoleSpan(r[1], r[2], r[3])]))
    used = f"""SELECT x FROM (
            SELECT speaker_span_id AS x FROM claims WHERE status IN ({marks})
            UNION ALL SELECT cue_span_id FROM claims WHERE status IN ({marks})
            UNION ALL SELECT content_span_id FROM claims WHERE status IN ({marks})
            UNION ALL SELECT antecedent_span_id FROM claims WHERE status IN ({marks})
            UNION ALL SELECT ca.span_id FROM claim_addressees ca
                JOIN claims c ON c.id = ca.claim_id WHERE c.status IN ({marks})
            UNION ALL SELECT cp.span_id FROM claim_content_parts cp
                JOIN claims c ON c.id = cp.claim_id WHERE c.status IN ({marks}))"""
    # Per actor, not per span: an actor with one span of these statuses is named, and
    # the spans_actor index finds it without reading the other million (a scan of every
    # span here cost more than writing actors.csv).
    rows = store.execute(
        f"""SELECT a.id FROM actors a WHERE EXISTS (SELECT 1 FROM spans s
                WHERE s.actor_id = a.id AND s.status IN ({marks}))
            UNION SELECT actor_id FROM spans WHERE actor_id IS NOT NULL AND id IN ({used})""",
        (*statuses, *statuses * 6),
    ).fetchall()
    found.update(int(r[0]) for r in rows)
    return found
