"""Canonical actors: linking mentions to them, and the analyst's rename, merge and split.

A mention (an actor-layer span, or a claim's speaker span) points at one actor of the
project through `spans.actor_id`. `suggest_link` proposes that actor with the rules of
`core.actor_link`; accepting a mention uses it.

Rename, merge and split change the project, not one document, so they are logged as
project events (document_id NULL). Undo takes them in turn with the current document's
own events (`history.last_done(..., with_project=True)`), so one Ctrl+Z in any document
undoes the newest of either, and the event's row snapshots give back every span it
re-pointed, in whatever document.
"""

from __future__ import annotations

import logging

from idleb_desk import actor_link
from idleb_desk.core.ops import ReviewError, operation
from idleb_desk.model import LAYER_ACTOR, REJECTED, Span
from idleb_desk.store import actor_queries
from idleb_desk.store.actor_queries import ALIAS_SEP, ActorRow, Mention, RoleActors, RoleSpan
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

# Project setting: a demonym mention ("Russian") links to its state's actor (Russia).
DEMONYM_SETTING = "actors.demonyms_to_state"


def _known(store: Store, text: str, label: str, document_id: int) -> list[actor_link.Known]:
    """The project's names a mention could link to (only the few that could match)."""
    name = actor_link.canonical_name(text, label)
    person = label == actor_link.PERSON
    suffix = actor_link.name_key(name)[-1] if person else None
    known = [
        actor_link.Known(
            k.id,
            k.name,
            k.label,
            frozenset({k.first_document, document_id} if k.in_document else {k.first_document}),
        )
        for k in actor_queries.known_actors(store, label, document_id, name, suffix)
    ]
    if person:
        # Suggested but not yet accepted names of this document: "Assad" accepted before
        # "Bashar al-Assad" further down still finds the long form.
        for other in actor_queries.unlinked_mentions(store, document_id, label, len(name)):
            if suffix not in other.lower():
                continue  # cannot end in the surname: skip the name rules for it
            known.append(
                actor_link.Known(
                    None, actor_link.canonical_name(other, label), label, frozenset({document_id})
                )
            )
    return known


def suggest_link(store: Store, text: str, label: str, document_id: int) -> actor_link.Link:
    """Which actor a mention with this text and label in this document names."""
    wanted = bool(store.setting(DEMONYM_SETTING, False))
    state = actor_link.state_for(text) if wanted and label in actor_link.DEMONYM_LABELS else None
    if state is not None:
        known = _known(store, state, actor_link.STATE_LABEL, document_id)
    else:
        known = _known(store, text, label, document_id)
    return actor_link.suggest(text, label, document_id, known, demonym_to_state=wanted)


def link_actor_id(store: Store, text: str, label: str, document_id: int) -> int:
    """The actor id a mention links to, creating the actor when it is new."""
    link = suggest_link(store, text, label, document_id)
    if link.actor_id is not None:
        return link.actor_id
    return actor_queries.merged_target(store, store.actor_id_for(link.name, link.label))


def link_suggestions(store: Store, document_id: int) -> int:
    """Give every live actor mention of a document that links to no actor yet the link
    accepting it would make, in text order; returns how many. Run when the pipeline or
    project memory suggests mentions (the caller owns the transaction), so a suggestion
    carries its suggested actor: an export of suggestions counts them by actor, and a
    speaker headed by one names it. Accepting keeps the link; the analyst changes it
    with the Actors panel as any other."""
    text = store.document_text(document_id)
    rows = store.execute(
        'SELECT id, start, "end", label FROM spans WHERE document_id = ? AND layer = ? '
        "AND actor_id IS NULL AND status != ? ORDER BY start, id",
        (document_id, LAYER_ACTOR, REJECTED),
    ).fetchall()
    for span_id, start, end, label in rows:
        actor_id = link_actor_id(store, text[start:end], label, document_id)
        store.con.execute("UPDATE spans SET actor_id = ? WHERE id = ?", (actor_id, span_id))
    return len(rows)


class ActorOps:
    store: Store
    reviewer: str

    # ---- reads ----------------------------------------------------------------------------

    def actor_rows(self) -> list[ActorRow]:
        return actor_queries.actor_rows(self.store)

    def actor_mentions(self, actor_id: int) -> list[Mention]:
        return actor_queries.mentions(self.store, actor_id)

    def suggest_actor(self, span: Span) -> actor_link.Link:
        return suggest_link(self.store, span.text, span.label, span.document_id)

    def demonyms_to_state(self) -> bool:
        return bool(self.store.setting(DEMONYM_SETTING, False))

    def set_demonyms_to_state(self, on: bool) -> None:
        self.store.set_setting(DEMONYM_SETTING, bool(on))

    # ---- project operations ---------------------------------------------------------------

    def rename_actor(self, actor_id: int, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            raise ReviewError("an actor needs a name")
        actor = self.store.actor(actor_id)
        if name == actor.name:
            return
        other = actor_queries.actor_ids_with_name(self.store, name, actor.label)
        if other is not None:
            target = actor_queries.merged_target(self.store, other)
            if target != other:
                raise ReviewError(
                    f"{name!r} was merged into {self.store.actor(target).name!r}; it "
                    "names that actor"
                )
            raise ReviewError(
                f"another {actor.label} actor is already called {name!r}; merge the two instead (M)"
            )
        with operation(self.store, self.reviewer, "rename_actor", None) as op:
            op.touch("actors", actor_id)
            self.store.con.execute("UPDATE actors SET name = ? WHERE id = ?", (name, actor_id))

    def merge_actors(self, source_id: int, target_id: int) -> None:
        """Every mention of `source` becomes a mention of `target`; `source` goes away."""
        if source_id == target_id:
            raise ReviewError("an actor cannot be merged into itself")
        self.store.actor(source_id), self.store.actor(target_id)  # both exist, or KeyError
        with operation(self.store, self.reviewer, "merge_actors", None) as op:
            for span_id in actor_queries.spans_of_actor(self.store, source_id):
                op.touch("spans", span_id)
            op.touch("actors", source_id)
            self.store.con.execute(
                "UPDATE spans SET actor_id = ? WHERE actor_id = ?", (target_id, source_id)
            )
            # Kept, not deleted: its name keeps leading to the target, and no later actor
            # can take its id while undo or redo may still need it.
            self.store.con.execute(
                "UPDATE actors SET merged_into = ? WHERE id = ?", (target_id, source_id)
            )

    def split_mention(self, span_id: int, name: str | None = None) -> int:
        """Give one mention an actor of its own (named after it unless `name` is given);
        returns the new actor's id."""
        span = self.store.span(span_id)
        if span.actor_id is None:
            raise ReviewError("this mention is not linked to an actor")
        old = self.store.actor(span.actor_id)
        base = " ".join((name or actor_link.canonical_name(span.text, old.label)).split())
        if not base:
            raise ReviewError("an actor needs a name")
        label = old.label
        candidate, n = base, 1
        while actor_queries.actor_ids_with_name(self.store, candidate, label) is not None:
            n += 1
            candidate = f"{base} ({n})"
        with operation(self.store, self.reviewer, "split_mention", None) as op:
            op.touch("spans", span_id)
            cur = self.store.con.execute(
                "INSERT INTO actors (name, label) VALUES (?, ?)", (candidate, label)
            )
            new_id = int(cur.lastrowid or 0)
            op.created("actors", new_id)
            self.store.con.execute("UPDATE spans SET actor_id = ? WHERE id = ?", (new_id, span_id))
        return new_id

    def link_mention(self, span_id: int, actor_id: int | None) -> Span:
        """Point one mention or speaker span at an actor (None: at none). A document event:
        it is the analyst's edit of that document's link."""
        span = self.store.span(span_id)
        if actor_id is not None:
            self.store.actor(actor_id)
        if span.actor_id == actor_id:
            return span
        with operation(self.store, self.reviewer, "link_actor", span.document_id) as op:
            op.touch("spans", span_id)
            self.store.con.execute(
                "UPDATE spans SET actor_id = ? WHERE id = ?", (actor_id, span_id)
            )
        return self.store.span(span_id)

    def link_speaker(self, claim_id: int, actor_id: int | None) -> Span:
        """Set the actor a claim's speaker (a name, a pronoun, a description) stands for."""
        claim = self.store.claim(claim_id)
        if claim.speaker_span_id is None:
            raise ReviewError("this claim has no speaker to link")
        return self.link_mention(claim.speaker_span_id, actor_id)

    def speaker_actor(self, claim_id: int) -> tuple[int | None, str]:
        """The actor a claim's speaker links to, and how (shown in the claim panel)."""
        claim = self.store.claim(claim_id)
        if claim.speaker_span_id is None:
            return None, ""
        span = self.store.span(claim.speaker_span_id)
        if span.actor_id is None:
            # No link of its own: the actors the exports name (`RoleActors`), the first
            # of a coordinated speaker's.
            ante = None
            if claim.antecedent_span_id is not None:
                a = self.store.span(claim.antecedent_span_id)
                ante = RoleSpan(a.start, a.end, a.actor_id)
            ids = RoleActors(self.store).speaker_ids(
                claim.document_id, RoleSpan(span.start, span.end, None), ante
            )
            if not ids:
                return None, ""
            return ids[0], f"first of {len(ids)} it names" if len(ids) > 1 else "its head"
        how = "via its antecedent" if claim.antecedent_span_id is not None else ""
        if span.layer == LAYER_ACTOR:
            how = "the mention"
        return span.actor_id, how


# ALIAS_SEP, ActorRow and Mention are the store's values the window shows, named here so
# that gui imports core only.
__all__ = [
    "ALIAS_SEP",
    "DEMONYM_SETTING",
    "ActorOps",
    "ActorRow",
    "Mention",
    "link_actor_id",
    "link_suggestions",
    "suggest_link",
]
