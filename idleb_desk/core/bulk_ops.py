"""Review at scale: every occurrence at once, flags and comments, and finishing a document.

Each method here is ONE operation and ONE event, however many rows it changes: the
per-item operations it reuses (accept_span, reject_claim, ...) join the bulk operation
instead of logging their own (see `core.ops.operation`). A project-wide bulk operation is
logged with document_id NULL and the documents it touched, so one Ctrl+Z in any of those
documents undoes it everywhere.

A part of `ReviewSession` (`session.bulk`), over the session's span, claim and memory
parts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from idleb_desk.core.bulk_steps import STEP_MS, BulkPlan, CancelFn, ProgressFn, run_steps
from idleb_desk.core.claim_ops import ClaimOps
from idleb_desk.core.memory_ops import MemoryOps
from idleb_desk.core.ops import ReviewError
from idleb_desk.core.search import Match
from idleb_desk.core.search import find_all as _find_all
from idleb_desk.core.session_context import SessionContext
from idleb_desk.core.span_ops import SpanOps
from idleb_desk.model import (
    DOC_DONE,
    FLAG_UNCERTAIN,
    LAYER_ACTOR,
    SUGGESTED,
    Document,
)
from idleb_desk.store import claims as claims_q
from idleb_desk.store import documents as documents_q
from idleb_desk.store import spans as spans_q
from idleb_desk.store.settings import POSITION_KEY

log = logging.getLogger(__name__)

LEAVE = "leave"
ACCEPT_ALL = "accept"
REJECT_ALL = "reject"
FLAGS = (FLAG_UNCERTAIN,)
ITEM_TABLES = {"span": "spans", "claim": "claims"}
MAX_COMMENT = 4000


@dataclass(frozen=True)
class BulkResult:
    """What an "every occurrence" operation did."""

    text: str
    label: str
    changed: int  # spans whose status changed
    decided: int  # occurrences left alone because the analyst had already decided them
    documents: tuple[int, ...]
    span_ids: tuple[int, ...] = ()  # the spans it decided
    # Stopped by the analyst (Cancel) before its last document; what it committed is kept,
    # as one undo step.
    cancelled: bool = False


@dataclass(frozen=True)
class Position:
    """Where an analyst left off: a document, and the item focused in it (if any)."""

    document_id: int
    kind: str | None = None  # "span" or "claim"
    item_id: int | None = None


class BulkOps:
    def __init__(
        self, ctx: SessionContext, spans: SpanOps, claims: ClaimOps, memory: MemoryOps
    ) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.spans = spans
        self.claims = claims
        self.memory = memory

    @property
    def reviewer(self) -> str:
        return self.ctx.reviewer

    # ---- every occurrence ------------------------------------------------------------------

    def occurrences(self, span_id: int, project: bool = False) -> list[tuple[int, str]]:
        """(span id, status) of every actor mention with the same text and label as this
        one, in its document or in the whole project, in document and text order."""
        return [(sid, status) for sid, status, _ in self._occurrences(span_id, project)]

    def _occurrences(self, span_id: int, project: bool) -> list[tuple[int, str, int]]:
        span = self.store.span(span_id)
        if span.layer != LAYER_ACTOR:
            raise ReviewError("every occurrence works on actor mentions; focus one first")
        return spans_q.same_mentions(
            self.store, span.label, span.text, None if project else span.document_id
        )

    def accept_every(
        self,
        span_id: int,
        project: bool = False,
        progress: ProgressFn | None = None,
        cancelled: CancelFn | None = None,
        step_ms: float = STEP_MS,
    ) -> BulkResult:
        """Accept the mention and its suggested occurrences; in the project, in steps
        (`core.bulk_steps.run_steps`: progress, cancel, step size)."""
        return self._every(span_id, project, True, progress, cancelled, step_ms)

    def reject_every(
        self,
        span_id: int,
        project: bool = False,
        progress: ProgressFn | None = None,
        cancelled: CancelFn | None = None,
        step_ms: float = STEP_MS,
    ) -> BulkResult:
        return self._every(span_id, project, False, progress, cancelled, step_ms)

    def _every(
        self,
        span_id: int,
        project: bool,
        accept: bool,
        progress: ProgressFn | None = None,
        cancelled: CancelFn | None = None,
        step_ms: float = STEP_MS,
    ) -> BulkResult:
        """Decide the focused mention and every still-suggested occurrence of it.

        An occurrence the analyst already decided (accepted, rejected, edited) keeps its
        decision: a bulk key must never overrule a deliberate one. In the project it commits
        in steps of whole documents (`core.bulk_steps`); in a document, all at once.
        """
        span = self.store.span(span_id)
        found = self._occurrences(span_id, project)
        todo = [(sid, doc) for sid, status, doc in found if status == SUGGESTED or sid == span_id]
        name = f"{'accept' if accept else 'reject'}_every{'_project' if project else ''}"
        if project:
            plan = BulkPlan(span, name, accept, todo, len(found))
            return run_steps(self.ctx, self.spans, self.memory, plan, progress, cancelled, step_ms)
        with self.ctx.operation(name, span.document_id) as op:
            for sid, _ in todo:
                if accept:
                    self.spans.accept_span(sid)
                else:
                    self.spans.reject_span(sid)
            changed = len(op.before.get("spans", {}))
        log.info("%s %r (%s): %d spans", name, span.text, span.label, len(todo))
        return BulkResult(
            span.text,
            span.label,
            changed,
            len(found) - len(todo),
            (span.document_id,) if todo else (),
            tuple(sid for sid, _ in todo),
        )

    # ---- flags and comments ------------------------------------------------------------------

    def set_flag(self, kind: str, item_id: int, flag: str | None) -> None:
        """Flag a span or claim (FLAG_UNCERTAIN) or clear its flag (None)."""
        if flag is not None and flag not in FLAGS:
            raise ReviewError(f"unknown flag {flag!r}; flags are {', '.join(FLAGS)}")
        self._note(kind, item_id, "flag", flag, "flag")

    def set_comment(self, kind: str, item_id: int, comment: str) -> None:
        text = comment.strip()
        if len(text) > MAX_COMMENT:
            raise ReviewError(f"a comment holds at most {MAX_COMMENT} characters")
        self._note(kind, item_id, "comment", text or None, "comment")

    def _note(self, kind: str, item_id: int, column: str, value: str | None, verb: str) -> None:
        table = ITEM_TABLES.get(kind)
        if table is None:
            raise ReviewError(f"only spans and claims take a {verb}")
        doc_id = spans_q.document_of(self.store, table, item_id)
        if doc_id is None:
            raise KeyError(f"no {kind} {item_id}")
        with self.ctx.operation(f"{verb}_{kind}", doc_id) as op:
            op.touch(table, item_id)
            # The review status is left alone: a flag says "not sure", not "decided".
            spans_q.set_note(self.store, table, item_id, column, value)

    # ---- finishing a document ------------------------------------------------------------------

    def suggestions_left(self, document_id: int) -> int:
        """Spans and claims nobody has decided yet (counted as the document list counts)."""
        return documents_q.suggestions_left(self.store, document_id)

    def finish_document(self, document_id: int, leftovers: str = LEAVE) -> Document:
        """Mark a document reviewed, first accepting or rejecting what is still suggested
        (LEAVE keeps it suggested, and out of the reviewed export) — one undo step."""
        if leftovers not in (LEAVE, ACCEPT_ALL, REJECT_ALL):
            raise ReviewError(f"unknown choice for the suggestions left: {leftovers!r}")
        accept = leftovers == ACCEPT_ALL
        name = "mark_done" if leftovers == LEAVE else f"mark_done_{leftovers}"
        with self.ctx.operation(name, document_id) as op:
            if leftovers != LEAVE:
                # Claims first: accepting or rejecting a claim decides its parts with it.
                for cid in claims_q.suggested_ids(self.store, document_id):
                    if accept:
                        self.claims.accept_claim(cid)
                    else:
                        self.claims.reject_claim(cid)
                for sid in spans_q.suggested_ids(self.store, document_id):
                    if accept:
                        self.spans.accept_span(sid)
                    else:
                        self.spans.reject_span(sid)
            op.touch("documents", document_id)
            documents_q.set_status(self.store, document_id, DOC_DONE, self.reviewer, op.time)
        return self.store.document(document_id)

    # ---- find in every document ------------------------------------------------------------------

    def find_all(self, query: str) -> tuple[list[Match], bool]:
        """Every match of `query` in the project, and whether the list was cut short."""
        return _find_all(self.store, query)

    # ---- where the analyst left off --------------------------------------------------------------

    def last_position(self) -> Position | None:
        """This reviewer's last document and item in this project, if it still exists."""
        raw = self.store.setting(POSITION_KEY + self.reviewer)
        if not isinstance(raw, dict):
            return None
        try:
            pos = Position(int(raw["document_id"]), raw.get("kind"), raw.get("item_id"))
            self.store.document_text(pos.document_id)
        except (KeyError, TypeError, ValueError):
            return None
        return pos

    def remember_position(self, pos: Position) -> None:
        """Store where the analyst is (a project setting, per reviewer; not an event)."""
        if self.store.read_only_reason is not None:
            return
        value = {"document_id": pos.document_id, "kind": pos.kind, "item_id": pos.item_id}
        if self.store.setting(POSITION_KEY + self.reviewer) != value:
            self.ctx.set_setting(POSITION_KEY + self.reviewer, value)
