"""Review operations on spans: accept, reject, relabel, resize, create, delete.

A part of `ReviewSession` (`session.spans_ops`); every decision on a span runs the
context's after-decision hooks inside its operation (project memory is one).
"""

from __future__ import annotations

from dataclasses import replace

from idleb_desk.core import offsets
from idleb_desk.core.actors import link_actor_id
from idleb_desk.core.ops import Op, ReviewError
from idleb_desk.core.session_context import SessionContext
from idleb_desk.model import (
    ACCEPTED,
    EDITED,
    LAYER_ACTOR,
    LAYER_CLAIM,
    MANUAL,
    REJECTED,
    SUGGESTED,
    Span,
)
from idleb_desk.store import spans as spans_q


def is_analyst(origin: str) -> bool:
    return origin.startswith("analyst:")


class SpanOps:
    def __init__(self, ctx: SessionContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    @property
    def reviewer(self) -> str:
        return self.ctx.reviewer

    @property
    def origin(self) -> str:
        return self.ctx.origin

    # Every span op stamps who reviewed it and when.
    def stamp_span(self, op: Op, span_id: int, status: str, **fields: object) -> None:
        op.touch("spans", span_id)
        sets = {"status": status, "reviewer": self.reviewer, "reviewed_at": op.time, **fields}
        spans_q.update(self.store, span_id, sets)

    def _after_decision(self, op: Op, span_id: int) -> None:
        self.ctx.decided(op, span_id)

    def _edited_status(self, span: Span) -> str:
        return MANUAL if is_analyst(span.origin) else EDITED

    def _link_actor(self, span: Span, label: str | None = None, keep: bool = False) -> int | None:
        """Canonical actor of an actor mention (`core.actors.link_actor_id`). `keep` leaves
        a link already made (by an earlier accept, a merge or a split) as it is."""
        if span.layer != LAYER_ACTOR or (keep and span.actor_id is not None):
            return span.actor_id
        return link_actor_id(self.store, span.text, label or span.label, span.document_id)

    def accept_span(self, span_id: int) -> Span:
        span = self.store.span(span_id)
        status = span.status if span.status in (EDITED, MANUAL) else ACCEPTED
        if span.status == REJECTED and is_analyst(span.origin):
            status = MANUAL
        with self.ctx.operation("accept_span", span.document_id) as op:
            self.stamp_span(op, span_id, status, actor_id=self._link_actor(span, keep=True))
            self._after_decision(op, span_id)
        return self.store.span(span_id)

    def reject_span(self, span_id: int) -> Span:
        span = self.store.span(span_id)
        with self.ctx.operation("reject_span", span.document_id) as op:
            self.stamp_span(op, span_id, REJECTED)
            self._after_decision(op, span_id)
        return self.store.span(span_id)

    def relabel_span(self, span_id: int, label: str) -> Span:
        label = label.strip()
        if not label:
            raise ReviewError("a label cannot be empty")
        span = self.store.span(span_id)
        if label == span.label:
            return self.accept_span(span_id)
        with self.ctx.operation("relabel_span", span.document_id) as op:
            self.stamp_span(
                op,
                span_id,
                self._edited_status(span),
                label=label,
                actor_id=self._link_actor(span, label),
            )
            self._after_decision(op, span_id)
        return self.store.span(span_id)

    def resize_span(self, span_id: int, start: int, end: int) -> Span:
        """Set new boundaries, snapped to token edges."""
        span = self.store.span(span_id)
        text = self.store.document_text(span.document_id)
        start, end = offsets.snap(text, start, end)
        if end <= start:
            raise ReviewError("a span must cover at least one token")
        if (start, end) == (span.start, span.end):
            return span
        moved = replace(span, start=start, end=end, text=text[start:end])
        with self.ctx.operation("resize_span", span.document_id) as op:
            self.stamp_span(
                op,
                span_id,
                self._edited_status(span),
                start=start,
                end=end,
                actor_id=self._link_actor(moved),
            )
            self._after_decision(op, span_id)
        return self.store.span(span_id)

    def move_edge(self, span_id: int, edge: str, direction: int) -> Span:
        """Move the start or end of a span one token left (-1) or right (+1)."""
        span = self.store.span(span_id)
        text = self.store.document_text(span.document_id)
        start, end = span.start, span.end
        if edge == "end":
            end = (
                offsets.next_end(text, end) if direction > 0 else offsets.prev_end(text, end, start)
            )
        elif edge == "start":
            start = (
                offsets.next_start(text, start, end)
                if direction > 0
                else offsets.prev_start(text, start)
            )
        else:
            raise ReviewError(f"unknown edge {edge!r}")
        if (start, end) == (span.start, span.end):
            return span
        return self.resize_span(span_id, start, end)

    def create_span(
        self, document_id: int, start: int, end: int, label: str, layer: str = LAYER_ACTOR
    ) -> Span:
        """A new analyst span, snapped to token edges.

        A span of the same layer over exactly these offsets (a suggestion, or one made
        before) is acted on instead: accepted with this label, or relabelled. A twin
        would be a second row in every export and a second stop for J/K.
        """
        text = self.store.document_text(document_id)
        start, end = offsets.snap(text, start, end)
        if end <= start:
            raise ReviewError("a span must cover at least one token")
        if layer not in (LAYER_ACTOR, LAYER_CLAIM):
            raise ReviewError(f"unknown layer {layer!r}")
        twin = spans_q.twin(self.store, document_id, start, end, layer)
        if twin is not None:
            return self._act_on_twin(twin, label)
        with self.ctx.operation("create_span", document_id) as op:
            span_id = self.insert_span(op, document_id, start, end, label, layer, text)
            self._after_decision(op, span_id)
        return self.store.span(span_id)

    def _act_on_twin(self, span_id: int, label: str) -> Span:
        span = self.store.span(span_id)
        if span.status != SUGGESTED:
            return self.relabel_span(span_id, label)  # the same label accepts it
        # A suggestion's actor link was suggested too: the analyst's key links it afresh,
        # under the project's linking settings of now, as a new span would be.
        same = label.strip() == span.label
        verb = "accept_span" if same else "relabel_span"
        with self.ctx.operation(verb, span.document_id) as op:
            self.stamp_span(
                op, span_id, ACCEPTED if same else EDITED, label=label.strip(),
                actor_id=self._link_actor(span, label.strip()),
            )  # fmt: skip
            self._after_decision(op, span_id)
        return self.store.span(span_id)

    def insert_span(
        self, op: Op, document_id: int, start: int, end: int, label: str, layer: str, text: str
    ) -> int:
        actor_id = (
            link_actor_id(self.store, text[start:end], label, document_id)
            if layer == LAYER_ACTOR
            else None
        )
        span_id = spans_q.insert(
            self.store, document_id, start, end, label, layer, MANUAL, self.origin, actor_id,
            self.reviewer, op.time,
        )  # fmt: skip
        op.created("spans", span_id)
        return span_id

    def delete_span(self, span_id: int) -> None:
        """Remove a span; claims that used it lose that role (undo brings both back)."""
        span = self.store.span(span_id)
        with self.ctx.operation("delete_span", span.document_id) as op:
            for claim_id in self.store.claims_using_span(span_id):
                op.touch("claims", claim_id)
            op.touch("spans", span_id)
            spans_q.delete(self.store, span_id)
