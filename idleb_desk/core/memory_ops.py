"""Project memory at work inside the analyst's decisions (`session.memory`).

The first acceptance of an actor string suggests it at its other occurrences in every
document, in the same operation; enough rejections withdraw its pending suggestions
(`core.memory` has the rules and the document-level steps).
"""

from __future__ import annotations

import logging

from idleb_desk.core.memory import DocView
from idleb_desk.core.occurrences import occurrences
from idleb_desk.core.ops import Op
from idleb_desk.core.session_context import SessionContext
from idleb_desk.model import LAYER_ACTOR, REJECTED
from idleb_desk.store import memory as mem
from idleb_desk.store import spans as spans_q
from idleb_desk.store.memory import REVIEWED, Key

log = logging.getLogger(__name__)


class MemoryOps:
    """Spreads each actor decision through the project: registered as an after-decision
    hook of the session's context, so it runs inside every span decision's operation."""

    def __init__(self, ctx: SessionContext) -> None:
        self.ctx = ctx
        self.store = ctx.store
        # Span ids of the open document that the last operation's memory step touched
        # (the window folds them in) and a few words for the status bar.
        self.touched: tuple[int, ...] = ()
        self.note = ""
        # Other documents whose suggestions the last operation's memory step changed.
        self.documents: tuple[int, ...] = ()
        # Set while a stepped bulk action runs (`core.bulk_steps`): it spreads memory
        # itself, one document per step, instead of into every document in its first step.
        self.deferred = False
        ctx.after_decision.append(self.after_decision)

    def after_decision(self, op: Op, span_id: int) -> None:
        """Called inside a span operation, after it changed `span_id`."""
        self.touched = ()
        self.documents = ()
        self.note = ""
        if self.deferred or not mem.enabled(self.store):
            return
        span = self.store.span(span_id)
        if span.layer != LAYER_ACTOR or not span.text.strip():
            return
        key = (span.text, span.label)
        learned = mem.learned_about(self.store, *key)
        # Only the first acceptance spreads: the later ones find its suggestions in place,
        # and a memory suggestion the analyst deleted is not brought back.
        if span.status in REVIEWED and learned.accepted[key] == 1 and not learned.suppressed(key):
            self._spread(op, key, span.document_id)
        elif span.status == REJECTED and learned.suppressed(key) and op.name == "reject_span":
            # Not inside a bulk "reject every occurrence": that one rejects the pending
            # suggestions itself, and deleting them under it would pull its items away.
            self._withdraw(op, key, span.document_id)

    def spread_targets(self, key: Key, first_is_new: bool) -> list[int]:
        """The documents an accept of `key` spreads to (none if it would not spread):
        what `after_decision` decides at an action's first accept, asked before it
        starts. `first_is_new`: that accept makes a new decision (not one already made)."""
        if not mem.enabled(self.store) or not key[0].strip():
            return []
        learned = mem.learned_about(self.store, *key)
        learned.accepted[key] += int(first_is_new)
        if learned.accepted[key] != 1 or learned.suppressed(key):
            return []
        return mem.documents_containing(self.store, key[0])

    def _spread(self, op: Op, key: Key, here: int) -> None:
        known: dict[tuple[str, str], bool] = {}
        added = sum(
            self.spread_into(op, key, doc_id, here, known)
            for doc_id in mem.documents_containing(self.store, key[0])
        )
        if added:
            self.note = f"suggested at {added} more place{'s' * (added != 1)}"

    def spread_into(
        self, op: Op, key: Key, doc_id: int, here: int, known: dict[tuple[str, str], bool]
    ) -> int:
        """Suggest `key` at its free places in one document; returns how many. `known`
        caches whether the analyst ever accepted a (text, label), across calls."""

        def accepted(text: str, label: str) -> bool:
            if (text, label) not in known:
                known[(text, label)] = self._accepted(text, label)
            return known[(text, label)]

        if not occurrences(self.store.document_text(doc_id), key[0]):
            return 0  # only inside longer words there
        view = DocView.read(self.store, doc_id)
        added = 0
        for place in view.free_places(key, accepted):
            if place.relabel is not None:
                op.touch("spans", place.relabel)
            sid = view.put(self.store, doc_id, place, key[1])
            if place.relabel is None:
                op.created("spans", sid)
            added += 1
            if doc_id == here:
                self.touched += (sid,)
            elif doc_id not in self.documents:
                self.documents += (doc_id,)
        return added

    def _accepted(self, text: str, label: str) -> bool:
        return mem.learned_about(self.store, text, label).accepted[(text, label)] > 0

    def _withdraw(self, op: Op, key: Key, here: int) -> None:
        ids = mem.pending_suggestions(self.store, *key)
        for sid in ids:
            doc_id = self.store.span(sid).document_id
            op.touch("spans", sid)
            spans_q.delete(self.store, sid)
            if doc_id == here:
                self.touched += (sid,)
            elif doc_id not in self.documents:
                self.documents += (doc_id,)
        if ids:
            self.note = f"no longer suggested ({len(ids)} withdrawn)"
