"""The span keys: J/K, accept, reject, delete, label keys, new span, boundaries.

Every change is one review-API call: it commits its SQLite transaction before we touch
the screen, then `KeyContext.commit` hands what it changed to the window's one change
path, and the status bar says what was saved. Nothing here asks "save changes?" because
nothing is ever unsaved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from idleb_desk.core.undo_labels import quote
from idleb_desk.gui.config.labels import Label
from idleb_desk.gui.review.key_context import Handlers, KeyContext
from idleb_desk.gui.review.review_state import SPAN
from idleb_desk.model import LAYER_ACTOR

log = logging.getLogger(__name__)


class SpanKeys:
    def __init__(self, ctx: KeyContext, claim_label: Callable[[Label], None]) -> None:
        self.ctx = ctx
        self.focus = ctx.focus
        self.claim_label = claim_label  # a claim-part label key goes to the claim keys
        self.last_actor_label = "PERSON"

    def handlers(self) -> Handlers:
        out: Handlers = {
            "next_item": lambda: self.move(+1),
            "prev_item": lambda: self.move(-1),
            "accept": lambda: self.review(accept=True),
            "reject": lambda: self.review(accept=False),
            "delete": self.delete,
            "new_span": self.new_span,
            "end_right": lambda: self.edge("end", +1),
            "end_left": lambda: self.edge("end", -1),
            "start_right": lambda: self.edge("start", +1),
            "start_left": lambda: self.edge("start", -1),
        }
        for key in "123456789":
            out[f"label_{key}"] = partial(self.label_key, key)
        return out

    # ---- moving -----------------------------------------------------------------------------

    def move(self, direction: int) -> None:
        self.focus.w.view.clear_selection()
        item = self.focus.step(direction)
        if item is None:
            self.ctx.status(
                "Last item — Ctrl+Enter marks the document reviewed"
                if direction > 0
                else "First item of the document"
            )
            return
        self.focus.focus_item(item)
        if self.focus.role_mode:
            self._say_picked()

    def _say_picked(self) -> None:
        """While picking roles, name the span J/K picked: an actor mention and a claim
        part can cover the same words, and only the status bar tells them apart."""
        f = self.focus
        span = f.focused_span() if f.item and f.item[0] == SPAN else None
        claim = f.active_claim()
        if span is None or claim is None or f.state is None:
            return
        what = "actor mention" if span.layer == LAYER_ACTOR else "claim part"
        roles = [role for role, part in f.state.claim_parts(claim) if part.id == span.id]
        already = f", already this claim's {roles[0]}" if roles else ""
        keys = "S speaker · V cue · R addressee · Esc done"
        self.ctx.status(
            f"Picked {quote(span.text)} ({span.label} {what}, at {span.start}{already}) "
            f"for claim {claim.id} — {keys}"
        )

    # ---- accept, reject, delete ---------------------------------------------------------------

    def review(self, accept: bool) -> None:
        ctx, session, item = self.ctx, self.ctx.session, self.focus.item
        if session is None or item is None or ctx.state is None:
            ctx.status("Nothing focused — J/K moves to the next item")
            return
        verb = "accepted" if accept else "rejected"
        key = ctx.state.key(item)
        if item[0] == SPAN:
            fn = session.accept_span if accept else session.reject_span
            span = ctx.commit(lambda: fn(item[1]))
            if span is None:
                return
            what = f"{verb} {ctx.describe(span)}"
        else:
            fn2 = session.accept_claim if accept else session.reject_claim
            claim = ctx.commit(lambda: fn2(item[1]))
            if claim is None:
                return
            what = f"{verb} claim {claim.id}"
        self.focus.step_from(key, item)
        ctx.saved(what)

    def delete(self) -> None:
        ctx, session, item, state = self.ctx, self.ctx.session, self.focus.item, self.ctx.state
        if session is None or item is None or state is None:
            ctx.status("Nothing focused to delete")
            return
        key = state.key(item)
        if item[0] == SPAN:
            span = state.spans.get(item[1])
            if not ctx.run(lambda: session.delete_span(item[1])):
                return
            what = f"deleted {ctx.describe(span)}" if span else "deleted span"
        else:
            if not ctx.run(lambda: session.delete_claim(item[1])):
                return
            what = f"deleted claim {item[1]}"
        self.focus.key = key
        self.focus.focus_item(state.step(key, +1, self.focus.role_mode) if key else None)
        ctx.saved(what)

    # ---- labels and new spans ------------------------------------------------------------------

    def label_key(self, key: str) -> None:
        ctx = self.ctx
        if ctx.state is None or ctx.session is None:
            ctx.status("No document open")
            return
        label = ctx.labels.by_key(key)
        if label is None:
            ctx.status(f"No label on key {key} (add one in resources/labels.json)")
            return
        if not label.is_actor:
            self.claim_label(label)
            return
        sel = self.focus.w.view.selection_cp()
        span = self.focus.focused_span() if self.focus.item and self.focus.item[0] == SPAN else None
        if sel is None and span is not None:
            if span.layer == LAYER_ACTOR:
                session = ctx.session
                done = ctx.commit(lambda: session.relabel_span(span.id, label.name))
                if done is not None:
                    self.last_actor_label = label.name
                    ctx.saved(f"{ctx.describe(done)} labelled {label.name}")
                return
            # A claim part (e.g. a speaker) is also an actor mention: add one over it.
            self._create(span.start, span.end, label.name)
            return
        rng = sel or ctx.selection_or_caret()
        if rng is None:
            ctx.status("Select some text or move the caret to a word first")
            return
        self._create(rng[0], rng[1], label.name)

    def new_span(self) -> None:
        rng = self.ctx.selection_or_caret()
        if rng is None:
            self.ctx.status("Select some text or move the caret to a word first")
            return
        self._create(rng[0], rng[1], self.last_actor_label)

    def _create(self, start: int, end: int, label: str) -> None:
        ctx, session, state = self.ctx, self.ctx.session, self.ctx.state
        assert state is not None and session is not None
        doc_id, known = state.doc.id, set(state.spans)
        span = ctx.commit(lambda: session.create_span(doc_id, start, end, label))
        if span is None:
            return
        self.last_actor_label = label
        self.focus.w.view.clear_selection()
        self.focus.focus_item((SPAN, span.id))
        # A span already over this text was accepted or relabelled, not doubled.
        what = "new span" if span.id not in known else f"{span.status}:"
        ctx.saved(f"{what} {ctx.describe(span)}")

    # ---- boundaries -----------------------------------------------------------------------------

    def edge(self, edge: str, direction: int) -> None:
        ctx, span = self.ctx, self.focus.focused_span()
        session = ctx.session
        if span is None or session is None:
            ctx.status("Nothing focused — J/K to a span first")
            return
        moved = ctx.commit(lambda: session.move_edge(span.id, edge, direction))
        if moved is None:
            return
        if (moved.start, moved.end) == (span.start, span.end):
            ctx.status(f"The {edge} cannot move further that way")
            return
        self.focus.focus_item(self.focus.item, move_caret=False)
        ctx.saved(f"{ctx.describe(moved)} now {moved.start}–{moved.end}")
