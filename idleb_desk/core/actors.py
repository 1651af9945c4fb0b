"""Canonical actors: linking mentions to them (the analyst's rename, merge and split are
`core.actor_ops.ActorOps`).

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
from idleb_desk.store import actor_queries
from idleb_desk.store import spans as spans_q
from idleb_desk.store.actor_queries import ALIAS_SEP, ActorRow, Mention
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
            if suffix is not None and suffix not in other.lower():
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
    rows = spans_q.unlinked_actor_mentions(store, document_id)
    for span_id, start, end, label in rows:
        actor_id = link_actor_id(store, text[start:end], label, document_id)
        spans_q.set_actor(store, span_id, actor_id)
    return len(rows)


# ALIAS_SEP, ActorRow and Mention are the store's values the window shows, named here so
# that gui imports core only.
__all__ = [
    "ALIAS_SEP",
    "DEMONYM_SETTING",
    "ActorRow",
    "Mention",
    "link_actor_id",
    "link_suggestions",
    "suggest_link",
]
