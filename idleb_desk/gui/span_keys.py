"""What the span keys do. One `do_<action>` method per action of the keymap table.

Every change is one review-API call: it commits its SQLite transaction before we touch
the screen, then only the rows it changed are re-read and repainted, and the status bar
says what was saved. Nothing here asks "save changes?" because nothing is ever unsaved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from idleb_desk.core import offsets as core_offsets
from idleb_desk.core.opening import ProjectError, ReadOnlyError
from idleb_desk.core.ops import ReviewError
from idleb_desk.gui import errors
from idleb_desk.gui.review_controller import FocusController, quote
from idleb_desk.gui.review_state import CLAIM, SPAN
from idleb_desk.model import (
    LAYER_ACTOR,
    Claim,
    Span,
)

log = logging.getLogger(__name__)

# How the status bar names an operation that was undone or redone.
UNDO_WORDS = {
    "accept_span": "accept",
    "reject_span": "reject",
    "relabel_span": "relabel",
    "resize_span": "boundary change",
    "create_span": "new span",
    "delete_span": "delete",
    "create_claim": "new claim",
    "accept_claim": "accept claim",
    "reject_claim": "reject claim",
    "delete_claim": "delete claim",
    "mark_done": "mark reviewed",
}


# Above this many spans touched by project memory, the open document is re-read whole.
FOLD_ONE_BY_ONE = 50


class SpanKeys(FocusController):
    """Focus handling plus the span keys; claim keys are added by `claim_keys`."""

    last_actor_label = "PERSON"

    def handle(self, action: str) -> bool:
        """Run a keymap action; returns False if this controller does not own it."""
        if action.startswith("label_"):
            self.label_key(action.removeprefix("label_"))
            return True
        fn: Callable[[], Any] | None = getattr(self, f"do_{action}", None)
        if fn is None:
            return False
        if self.state is None:
            self.status.emit("No document open — Ctrl+I imports articles, Ctrl+O opens a project")
            return True
        fn()
        return True

    # ---- plumbing ------------------------------------------------------------------------

    def _commit(self, fn: Callable[[], Any]) -> Any:
        """Run one review operation; a refused op is a status message, a file error a dialog."""
        try:
            result = fn()
            self._fold_memory()
            return result
        except ReviewError as exc:
            self.status.emit(f"Not changed: {exc}")
        except ReadOnlyError:
            # A read-only project is a state, not an accident: say why in the status bar.
            reason = self.session.read_only_reason if self.session else None
            self.status.emit(
                f"Not changed — read-only: {reason or 'the project cannot be written'}"
            )
        except ProjectError as exc:
            errors.show_error(self.w.view.window(), "Could not save", errors.describe(exc))
        except KeyError as exc:
            # The item vanished under us (another window?): show the file as it now is.
            log.warning("stale item: %s", exc)
            self.reload()
        return None

    def _fold_memory(self) -> None:
        """Show what project memory suggested (or withdrew) in this document along with
        the decision (`core.memory`); other documents show it when opened."""
        if self.session is None:
            return
        touched, self.session.memory_touched = self.session.memory_touched, ()
        if self.session.memory_documents:
            self.session.memory_documents = ()
            self.documents_changed.emit()  # their counts in the document list
        if len(touched) > FOLD_ONE_BY_ONE:
            self.reload()  # one re-read beats hundreds of row inserts on a long article
            return
        for sid in touched:
            self.put_span(sid)

    def _saved(self, what: str) -> None:
        self.emit_progress()
        note = self.session.memory_note if self.session else ""
        if self.session is not None:
            self.session.memory_note = ""
        self.status.emit(f"Saved: {what}" + (f" — {note}" if note else ""))

    def _describe(self, s: Span) -> str:
        return f"{quote(s.text)} ({s.label})"

    def _selection_or_caret(self) -> tuple[int, int] | None:
        sel = self.w.view.selection_cp()
        if sel is not None:
            return sel
        assert self.state is not None
        return core_offsets.token_at(self.state.text, self.w.view.caret_cp())

    # ---- moving -----------------------------------------------------------------------------

    def do_next_item(self) -> None:
        self._move(+1)

    def do_prev_item(self) -> None:
        self._move(-1)

    def _move(self, direction: int) -> None:
        self.w.view.clear_selection()
        item = self.step(direction)
        if item is None:
            self.status.emit(
                "Last item — Ctrl+Enter marks the document reviewed"
                if direction > 0
                else "First item of the document"
            )
            return
        self.focus_item(item)
        if self.role_mode:
            self._say_picked()

    def _say_picked(self) -> None:
        """While picking roles, name the span J/K picked: an actor mention and a claim
        part can cover the same words, and only the status bar tells them apart."""
        span = self.focused_span() if self.focus and self.focus[0] == SPAN else None
        claim = self.active_claim()
        if span is None or claim is None or self.state is None:
            return
        what = "actor mention" if span.layer == LAYER_ACTOR else "claim part"
        roles = [role for role, part in self.state.claim_parts(claim) if part.id == span.id]
        already = f", already this claim's {roles[0]}" if roles else ""
        keys = "S speaker · V cue · R addressee · Esc done"
        self.status.emit(
            f"Picked {quote(span.text)} ({span.label} {what}, at {span.start}{already}) "
            f"for claim {claim.id} — {keys}"
        )

    # ---- accept, reject, delete ---------------------------------------------------------------

    def do_accept(self) -> None:
        self._review(accept=True)

    def do_reject(self) -> None:
        self._review(accept=False)

    def _review(self, accept: bool) -> None:
        session, focus = self.session, self.focus
        if session is None or focus is None:
            self.status.emit("Nothing focused — J/K moves to the next item")
            return
        verb = "accepted" if accept else "rejected"
        key = self.state.key(focus) if self.state else None
        if focus[0] == SPAN:
            fn = session.accept_span if accept else session.reject_span
            span = self._commit(lambda: fn(focus[1]))
            if span is None:
                return
            self.put_span(span.id, span, claims_too=False)
            what = f"{verb} {self._describe(span)}"
        else:
            fn2 = session.accept_claim if accept else session.reject_claim
            claim = self._commit(lambda: fn2(focus[1]))
            if claim is None:
                return
            self.put_claim(claim.id)
            what = f"{verb} claim {claim.id}"
        self.focus_key = key
        nxt = self.state.step(key, +1, self.role_mode) if self.state else None
        self.focus_item(nxt if nxt is not None else focus)
        self._saved(what)

    def do_delete(self) -> None:
        session, focus = self.session, self.focus
        if session is None or focus is None:
            self.status.emit("Nothing focused to delete")
            return
        key = self.state.key(focus) if self.state else None
        if focus[0] == SPAN:
            span = self.state.spans[focus[1]] if self.state else None
            owners = self.state.claims_of_span(focus[1]) if self.state else []
            if self._commit(lambda: session.delete_span(focus[1]) or True) is None:
                return
            self.put_span(focus[1])
            for cid in owners:
                self.put_claim(cid, parts_too=False)
            what = f"deleted {self._describe(span)}" if span else "deleted span"
        else:
            claim = self.state.claims.get(focus[1]) if self.state else None
            if self._commit(lambda: session.delete_claim(focus[1]) or True) is None:
                return
            self.put_claim(focus[1], parts_too=False)
            if claim is not None:
                for sid in self._parts(claim):
                    self.put_span(sid)
            what = f"deleted claim {focus[1]}"
        self.focus_key = key
        self.focus_item(self.state.step(key, +1, self.role_mode) if self.state else None)
        self._saved(what)

    @staticmethod
    def _parts(c: Claim) -> list[int]:
        ids = [c.speaker_span_id, c.cue_span_id, c.content_span_id, *c.addressee_span_ids]
        return [i for i in ids if i is not None]

    # ---- labels and new spans ------------------------------------------------------------------

    def label_key(self, key: str) -> None:
        if self.state is None or self.session is None:
            self.status.emit("No document open")
            return
        label = self.labels.by_key(key)
        if label is None:
            self.status.emit(f"No label on key {key} (add one in resources/labels.json)")
            return
        if not label.is_actor:
            self._claim_part_label(label)
            return
        sel = self.w.view.selection_cp()
        span = self.focused_span() if self.focus and self.focus[0] == SPAN else None
        if sel is None and span is not None:
            if span.layer == LAYER_ACTOR:
                done = self._commit(lambda: self.session.relabel_span(span.id, label.name))
                if done is not None:
                    self.last_actor_label = label.name
                    self.put_span(done.id, done)
                    self.render_focus()
                    self._saved(f"{self._describe(done)} labelled {label.name}")
                return
            # A claim part (e.g. a speaker) is also an actor mention: add one over it.
            self._create(span.start, span.end, label.name)
            return
        rng = sel or self._selection_or_caret()
        if rng is None:
            self.status.emit("Select some text or move the caret to a word first")
            return
        self._create(rng[0], rng[1], label.name)

    def do_new_span(self) -> None:
        rng = self._selection_or_caret()
        if rng is None:
            self.status.emit("Select some text or move the caret to a word first")
            return
        self._create(rng[0], rng[1], self.last_actor_label)

    def _create(self, start: int, end: int, label: str) -> None:
        assert self.state is not None and self.session is not None
        doc_id = self.state.doc.id
        known = set(self.state.spans)
        span = self._commit(lambda: self.session.create_span(doc_id, start, end, label))
        if span is None:
            return
        self.last_actor_label = label
        self.put_span(span.id, span)
        self.w.view.clear_selection()
        self.focus_item((SPAN, span.id))
        # A span already over this text was accepted or relabelled, not doubled.
        what = "new span" if span.id not in known else f"{span.status}:"
        self._saved(f"{what} {self._describe(span)}")

    # ---- boundaries -----------------------------------------------------------------------------

    def do_end_right(self) -> None:
        self._edge("end", +1)

    def do_end_left(self) -> None:
        self._edge("end", -1)

    def do_start_right(self) -> None:
        self._edge("start", +1)

    def do_start_left(self) -> None:
        self._edge("start", -1)

    def _edge(self, edge: str, direction: int) -> None:
        span = self.focused_span()
        if span is None or self.session is None:
            self.status.emit("Nothing focused — J/K to a span first")
            return
        session = self.session
        moved = self._commit(lambda: session.move_edge(span.id, edge, direction))
        if moved is None:
            return
        if (moved.start, moved.end) == (span.start, span.end):
            self.status.emit(f"The {edge} cannot move further that way")
            return
        self.put_span(moved.id, moved)
        if self.focus is not None and self.focus[0] == CLAIM:
            self.put_claim(self.focus[1], parts_too=False)
        self.focus_item(self.focus, move_caret=False)
        self._saved(f"{self._describe(moved)} now {moved.start}–{moved.end}")
