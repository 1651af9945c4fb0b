"""The keys for review at scale: scopes and filters for J/K, next undecided, every
occurrence, flags and comments, and Ctrl+Enter that asks about the suggestions left.

Every change is still one review-API call and one event; a project-wide one can touch
other documents, which only the document list needs to hear about.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal

from idleb_desk.core.bulk_ops import LEAVE, BulkResult, Position
from idleb_desk.gui import questions
from idleb_desk.gui.bulk_task import BulkRequest, run_every_project
from idleb_desk.gui.claim_keys import ReviewController
from idleb_desk.gui.review_controller import quote
from idleb_desk.gui.review_state import CLAIM, SPAN, Item
from idleb_desk.gui.scope import ALL, SCOPE_TEXT, NavFilter, next_scope
from idleb_desk.gui.span_keys import UNDO_WORDS
from idleb_desk.gui.workers import Task
from idleb_desk.model import FLAG_UNCERTAIN, LAYER_ACTOR, Event, Span

log = logging.getLogger(__name__)

UNDO_WORDS.update(
    {
        "accept_every": "accept every occurrence",
        "reject_every": "reject every occurrence",
        "accept_every_project": "accept every occurrence in the project",
        "reject_every_project": "reject every occurrence in the project",
        "flag_span": "flag",
        "flag_claim": "flag",
        "comment_span": "comment",
        "comment_claim": "comment",
        "mark_done_accept": "mark reviewed, accepting the rest",
        "mark_done_reject": "mark reviewed, rejecting the rest",
    }
)


def only_document(event: Event, doc_id: int) -> Event:
    """The part of a (project-wide) event about one document: the open one."""

    def keep(state: dict) -> dict:
        out: dict = {}
        for table, rows in state.items():
            if table == "documents":
                out[table] = {k: v for k, v in rows.items() if int(k) == doc_id}
                continue
            mine = {
                k
                for k in rows
                if any(
                    (r := s.get(table, {}).get(k)) is not None and r.get("document_id") == doc_id
                    for s in (event.before, event.after)
                )
            }
            out[table] = {k: v for k, v in rows.items() if k in mine}
        return out

    return replace(event, before=keep(event.before), after=keep(event.after))


class ScaleController(ReviewController):
    """ReviewController plus the review-at-scale keys."""

    # Rows of other documents changed (a project-wide operation or its undo).
    documents_changed = Signal()
    # The scope or filter changed: the status bar and the filter bar show them.
    scope_changed = Signal(str, object)

    scope = ALL
    nav_filter = NavFilter()
    bulk_task: Task | None = None  # every occurrence in the project, while it runs

    # ---- scope and filter ----------------------------------------------------------------

    def open_document(self, doc_id: int | None, keep: Item | None = None) -> None:
        super().open_document(doc_id, keep)
        if self.state is not None and (self.scope != ALL or self.nav_filter.active):
            self.state.set_scope(self.scope, self.nav_filter)
            if not self.state.exists(keep):
                self.focus_item(self.state.step(None, +1, False))

    def set_nav(self, scope: str, nav_filter: NavFilter) -> None:
        """Change what J/K walk; the focus stays where it is (the next J starts there)."""
        self.scope = scope
        self.nav_filter = nav_filter
        if self.state is not None:
            self.state.set_scope(scope, nav_filter)
        self.scope_changed.emit(scope, nav_filter)

    def describe_nav(self) -> str:
        text = f"J/K: {SCOPE_TEXT[self.scope]}"
        if self.nav_filter.active:
            text += f" · filter: {self.nav_filter.describe()}"
        return text

    def do_cycle_scope(self) -> None:
        self.set_nav(next_scope(self.scope), self.nav_filter)
        self.status.emit(f"{self.describe_nav()} — G changes it")

    def do_next_unreviewed(self) -> None:
        self._unreviewed(+1)

    def do_prev_unreviewed(self) -> None:
        self._unreviewed(-1)

    def _unreviewed(self, direction: int) -> None:
        assert self.state is not None
        self.w.view.clear_selection()
        key = self.state.key(self.focus) if self.focus else self.focus_key
        item = self.state.step_unreviewed(key, direction)
        if item is None:
            self.status.emit(
                f"Nothing left to decide ({SCOPE_TEXT[self.scope]}) — Ctrl+Enter marks "
                "the document reviewed"
            )
            return
        self.focus_item(item)

    # ---- every occurrence ------------------------------------------------------------------

    def do_accept_every(self) -> None:
        self._every(accept=True, project=False)

    def do_reject_every(self) -> None:
        self._every(accept=False, project=False)

    def do_accept_every_project(self) -> None:
        self._every(accept=True, project=True)

    def do_reject_every_project(self) -> None:
        self._every(accept=False, project=True)

    def _every(self, accept: bool, project: bool) -> None:
        assert self.state is not None and self.session is not None
        span = self.focused_span() if self.focus and self.focus[0] == SPAN else None
        if span is None or span.layer != LAYER_ACTOR:
            self.status.emit("Every occurrence works on an actor mention — J/K to one first")
            return
        session, key = self.session, self.state.key(self.focus) if self.focus else None
        if project:
            self._every_project(span, accept, key)
            return
        fn = session.accept_every if accept else session.reject_every
        result: BulkResult | None = self._commit(lambda: fn(span.id))
        if result is None:
            return
        for sid in result.span_ids:
            if sid in self.state.spans:
                self.put_span(sid)
        self._every_done(result, accept, key, "here")

    def _every_done(self, result: BulkResult, accept: bool, key: Any, where: str) -> None:
        if self.state is None:
            return
        self.focus_key = key
        nxt = self.state.step(key, +1, self.role_mode) if key else None
        self.focus_item(nxt if nxt is not None else self.focus)
        kept = f"; {result.decided} already decided kept" if result.decided else ""
        verb = "accepted" if accept else "rejected"
        stopped = "Stopped: " if result.cancelled else ""
        self._saved(
            f"{stopped}{verb} {result.changed} × {quote(result.text)} ({result.label}) "
            f"{where}{kept} — Ctrl+Z undoes them all"
        )

    def _every_project(self, span: Span, accept: bool, key: Any) -> None:
        """Off the GUI thread, with progress and Cancel (`gui.bulk_task`)."""
        assert self.session is not None
        if self.bulk_task is not None:
            self.status.emit("Every occurrence in the project is still running")
            return
        if self.session.read_only_reason is not None:
            self.status.emit(f"Not changed — read-only: {self.session.read_only_reason}")
            return
        request = BulkRequest(span.id, accept, span.text, span.label)

        def done(result: BulkResult | None) -> None:
            self.bulk_task = None
            if self.session is None:
                return
            self.reload()  # the open document's rows, as the steps left them
            self.documents_changed.emit()
            if result is None:
                return
            where = f"in {len(result.documents)} document(s) of the project"
            self._every_done(result, accept, key, where)

        self.bulk_task = run_every_project(
            self.w.view.window(), self.session, request, done, self.status.emit
        )

    # ---- flags and comments ------------------------------------------------------------------

    def _focused_note(self) -> tuple[str, int, str | None, str] | None:
        """(kind, id, flag, comment) of the focused span or claim."""
        assert self.state is not None
        if self.focus is None:
            return None
        kind, ident = self.focus
        obj = self.state.spans.get(ident) if kind == SPAN else self.state.claims.get(ident)
        if obj is None:
            return None
        return kind, ident, obj.flag, obj.comment

    def _put(self, kind: str, ident: int) -> None:
        if kind == SPAN:
            self.put_span(ident)
        else:
            self.put_claim(ident, parts_too=False)
        self._shown_claim = None
        self.render_focus()

    def do_flag(self) -> None:
        note = self._focused_note()
        if note is None or self.session is None:
            self.status.emit("Nothing focused to flag — J/K to an item first")
            return
        kind, ident, flag, _ = note
        new = None if flag else FLAG_UNCERTAIN
        session = self.session
        if self._commit(lambda: session.set_flag(kind, ident, new) or True) is None:
            return
        self._put(kind, ident)
        self._saved(f"{kind} {ident} {'flagged uncertain' if new else 'flag cleared'}")

    def do_comment(self) -> None:
        note = self._focused_note()
        if note is None or self.session is None:
            self.status.emit("Nothing focused to comment on — J/K to an item first")
            return
        kind, ident, _, comment = note
        span = self.focused_span()
        what = f"{kind} {ident}" + (f" {quote(span.text)}" if span is not None else "")
        text = questions.ask_comment(self.w.view.window(), what, comment)
        if text is None:
            self.status.emit("Comment not changed")
            return
        session = self.session
        if self._commit(lambda: session.set_comment(kind, ident, text) or True) is None:
            return
        self._put(kind, ident)
        self._saved(f"comment on {kind} {ident}" if text.strip() else "comment removed")

    # ---- undo across documents, and Ctrl+Enter --------------------------------------------

    def put_event(self, event: Event) -> Item | None:
        if event.document_id is None and self.state is not None:
            # A project-wide event: fold in this document's rows, tell the list the rest.
            self.documents_changed.emit()
            event = only_document(event, self.state.doc.id)
        return super().put_event(event)

    def mark_done(self) -> bool:
        """Ctrl+Enter: with suggestions left, ask what to do with them first."""
        if self.state is None or self.session is None:
            return False
        session, doc_id = self.session, self.state.doc.id
        left = session.suggestions_left(doc_id)
        choice = LEAVE
        if left and session.read_only_reason is None:
            answer = questions.ask_leftovers(self.w.view.window(), self.state.doc.title, left)
            if answer is None:
                self.status.emit("Not marked reviewed")
                return False
            choice = answer
        doc = self._commit(lambda: session.finish_document(doc_id, choice))
        if doc is None:
            return False
        if choice != LEAVE:
            self.reload()
        self.state.doc = doc
        self.emit_progress(doc.status)
        rest = {
            "leave": f"; {left} left suggested" if left else "",
            "accept": f"; accepted the {left} suggestions left",
            "reject": f"; rejected the {left} suggestions left",
        }[choice]
        self.status.emit(f"Saved: marked {quote(doc.title)} reviewed{rest}")
        return True

    # ---- where the analyst left off ------------------------------------------------------

    def position(self) -> Position | None:
        if self.state is None:
            return None
        kind, ident = self.focus if self.focus is not None else (None, None)
        return Position(self.state.doc.id, kind, ident)

    def resume(self, pos: Position) -> bool:
        """Focus the stored item of the open document; False if it is gone."""
        if self.state is None or pos.kind not in (SPAN, CLAIM) or pos.item_id is None:
            return False
        item: Item = (pos.kind, int(pos.item_id))
        if not self.state.exists(item):
            return False
        self.focus_item(item)
        return True
