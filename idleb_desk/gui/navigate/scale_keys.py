"""The keys for review at scale: scopes and filters for J/K, next undecided, every
occurrence, flags and comments, and Ctrl+Enter that asks about the suggestions left.

Every change is still one review-API call and one event; a project-wide one can touch
other documents, which the change path shows in the document list.
"""

from __future__ import annotations

import logging
from typing import Any

from idleb_desk.changes import Changes
from idleb_desk.core.bulk_ops import LEAVE, BulkResult
from idleb_desk.core.undo_labels import quote
from idleb_desk.gui.dialogs import questions
from idleb_desk.gui.navigate.bulk_task import BulkRequest, run_every_project
from idleb_desk.gui.navigate.scope import SCOPE_TEXT, next_scope
from idleb_desk.gui.review.key_context import Handlers, KeyContext
from idleb_desk.gui.review.review_state import SPAN
from idleb_desk.gui.window.workers import Task
from idleb_desk.model import FLAG_UNCERTAIN, LAYER_ACTOR, Span

log = logging.getLogger(__name__)


class ScaleKeys:
    def __init__(self, ctx: KeyContext) -> None:
        self.ctx = ctx
        self.focus = ctx.focus
        self.view = ctx.focus.w.view
        self.bulk_task: Task | None = None  # every occurrence in the project, while it runs

    def handlers(self) -> Handlers:
        return {
            "cycle_scope": self.cycle_scope,
            "next_unreviewed": lambda: self.unreviewed(+1),
            "prev_unreviewed": lambda: self.unreviewed(-1),
            "accept_every": lambda: self.every(accept=True, project=False),
            "reject_every": lambda: self.every(accept=False, project=False),
            "accept_every_project": lambda: self.every(accept=True, project=True),
            "reject_every_project": lambda: self.every(accept=False, project=True),
            "flag": self.flag,
            "comment": self.comment,
        }

    # ---- scope ------------------------------------------------------------------------------

    def cycle_scope(self) -> None:
        self.focus.set_nav(next_scope(self.focus.scope), self.focus.nav_filter)
        self.ctx.status(f"{self.focus.describe_nav()} — G changes it")

    def unreviewed(self, direction: int) -> None:
        f = self.focus
        assert f.state is not None
        self.view.clear_selection()
        key = f.state.key(f.item) if f.item else f.key
        item = f.state.step_unreviewed(key, direction)
        if item is None:
            self.ctx.status(
                f"Nothing left to decide ({SCOPE_TEXT[f.scope]}) — Ctrl+Enter marks "
                "the document reviewed"
            )
            return
        f.focus_item(item)

    # ---- every occurrence ------------------------------------------------------------------

    def every(self, accept: bool, project: bool) -> None:
        ctx, f = self.ctx, self.focus
        assert f.state is not None and ctx.session is not None
        span = f.focused_span() if f.item and f.item[0] == SPAN else None
        if span is None or span.layer != LAYER_ACTOR:
            ctx.status("Every occurrence works on an actor mention — J/K to one first")
            return
        session, key = ctx.session, f.state.key(f.item) if f.item else None
        if project:
            self._every_project(span, accept, key)
            return
        fn = session.accept_every if accept else session.reject_every
        result = ctx.commit(lambda: fn(span.id))
        if result is not None:
            self._every_done(result, accept, key, "here")

    def _every_done(self, result: BulkResult, accept: bool, key: Any, where: str) -> None:
        if self.focus.state is None:
            return
        self.focus.step_from(key, self.focus.item)
        kept = f"; {result.decided} already decided kept" if result.decided else ""
        verb = "accepted" if accept else "rejected"
        stopped = "Stopped: " if result.cancelled else ""
        self.ctx.saved(
            f"{stopped}{verb} {result.changed} × {quote(result.text)} ({result.label}) "
            f"{where}{kept} — Ctrl+Z undoes them all"
        )

    def _every_project(self, span: Span, accept: bool, key: Any) -> None:
        """Off the GUI thread, with progress and Cancel (`gui.navigate.bulk_task`)."""
        ctx, session = self.ctx, self.ctx.session
        assert session is not None
        if self.bulk_task is not None:
            ctx.status("Every occurrence in the project is still running")
            return
        if session.read_only_reason is not None:
            ctx.status(f"Not changed — read-only: {session.read_only_reason}")
            return
        request = BulkRequest(span.id, accept, span.text, span.label)

        def done(result: BulkResult | None) -> None:
            self.bulk_task = None
            if ctx.session is None:
                return
            if result is None:  # cancelled before it changed anything, or refused
                ctx.apply_changes(Changes(everything=True))
                return
            # Committed on the worker's own connection: this session's log did not see it.
            ctx.apply_changes(
                Changes(spans=frozenset(result.span_ids), documents=frozenset(result.documents))
            )
            where = f"in {len(result.documents)} document(s) of the project"
            self._every_done(result, accept, key, where)

        self.bulk_task = run_every_project(self.view.window(), session, request, done, ctx.status)

    # ---- flags and comments ------------------------------------------------------------------

    def _focused_note(self) -> tuple[str, int, str | None, str] | None:
        """(kind, id, flag, comment) of the focused span or claim."""
        f = self.focus
        if f.item is None or f.state is None:
            return None
        kind, ident = f.item
        obj = f.state.spans.get(ident) if kind == SPAN else f.state.claims.get(ident)
        if obj is None:
            return None
        return kind, ident, obj.flag, obj.comment

    def flag(self) -> None:
        ctx, note, session = self.ctx, self._focused_note(), self.ctx.session
        if note is None or session is None:
            ctx.status("Nothing focused to flag — J/K to an item first")
            return
        kind, ident, flag, _ = note
        new = None if flag else FLAG_UNCERTAIN
        if not ctx.run(lambda: session.set_flag(kind, ident, new)):
            return
        ctx.saved(f"{kind} {ident} {'flagged uncertain' if new else 'flag cleared'}")

    def comment(self) -> None:
        ctx, note, session = self.ctx, self._focused_note(), self.ctx.session
        if note is None or session is None:
            ctx.status("Nothing focused to comment on — J/K to an item first")
            return
        kind, ident, _, comment = note
        span = self.focus.focused_span()
        what = f"{kind} {ident}" + (f" {quote(span.text)}" if span is not None else "")
        text = questions.ask_comment(self.view.window(), what, comment)
        if text is None:
            ctx.status("Comment not changed")
            return
        if not ctx.run(lambda: session.set_comment(kind, ident, text)):
            return
        ctx.saved(f"comment on {kind} {ident}" if text.strip() else "comment removed")

    # ---- Ctrl+Enter ------------------------------------------------------------------------

    def mark_done(self) -> bool:
        """Mark the open document reviewed; with suggestions left, ask about them first.
        Returns True when the document was marked."""
        ctx, state, session = self.ctx, self.ctx.state, self.ctx.session
        if state is None or session is None:
            return False
        doc_id = state.doc.id
        left = session.suggestions_left(doc_id)
        choice = LEAVE
        if left and session.read_only_reason is None:
            answer = questions.ask_leftovers(self.view.window(), state.doc.title, left)
            if answer is None:
                ctx.status("Not marked reviewed")
                return False
            choice = answer
        doc = ctx.commit(lambda: session.finish_document(doc_id, choice))
        if doc is None:
            return False
        said = {
            "leave": f"; {left} left suggested" if left else "",
            "accept": f"; accepted the {left} suggestions left",
            "reject": f"; rejected the {left} suggestions left",
        }[choice]
        ctx.status(f"Saved: marked {quote(doc.title)} reviewed{said}")
        return True
