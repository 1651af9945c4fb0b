"""What the claim keys do: C, S/V/R, E/Q, Esc, plus undo/redo and marking done.

Keyboard-only claim building: C on a span (or a selection) creates the claim with that
content and enters role picking; J/K (or the caret) then moves a candidate over every
span, S/V/R assign it (or the selection) as speaker, cue or addressee, and Esc ends.
"""

from __future__ import annotations

import logging

from idleb_desk.core import offsets as core_offsets
from idleb_desk.gui.labels import ROLE_OF_LABEL, Label
from idleb_desk.gui.review_controller import quote
from idleb_desk.gui.review_state import CLAIM, SPAN
from idleb_desk.gui.span_keys import UNDO_WORDS, SpanKeys
from idleb_desk.model import CONTENT, QUOTE_TYPES, Claim

log = logging.getLogger(__name__)


class ReviewController(SpanKeys):
    """Every review key of the keymap."""

    # ---- claims --------------------------------------------------------------------------------

    def _claim_part_label(self, label: Label) -> None:
        role = ROLE_OF_LABEL.get(label.name)
        if role is None:
            return
        if self.active_claim() is None:
            if label.name == CONTENT:
                self.do_new_claim()
            else:
                self.status.emit("No active claim — press C on the claimed text first")
            return
        self._assign(role)

    def do_new_claim(self) -> None:
        assert self.state is not None and self.session is not None
        sel = self.w.view.selection_cp()
        focused = self.focused_claim()
        if sel is None and focused is not None and not self.role_mode:
            self._enter_roles(focused, "Picking roles for claim")
            return
        doc_id = self.state.doc.id
        span = self.focused_span() if self.focus and self.focus[0] == SPAN else None
        if sel is not None:
            claim = self._commit(lambda: self.session.create_claim(doc_id, content_range=sel))
        elif span is not None:
            claim = self._commit(lambda: self.session.create_claim(doc_id, content_span_id=span.id))
        else:
            self.status.emit("Select the claimed text (or focus a span), then press C")
            return
        if claim is None:
            return
        self.put_claim(claim.id)
        self.w.view.clear_selection()
        self.emit_progress()
        self._enter_roles(claim, "Saved: new claim")

    def _enter_roles(self, claim: Claim, prefix: str) -> None:
        self.role_claim = claim.id
        content = claim.content_span_id
        self.focus_item((SPAN, content) if content is not None else None)
        self.status.emit(
            f"{prefix} {claim.id}: J/K pick a span (or select text), S speaker, V cue, "
            "R addressee; Esc when done"
        )

    def do_role_speaker(self) -> None:
        self._assign("speaker")

    def do_role_cue(self) -> None:
        self._assign("cue")

    def do_role_addressee(self) -> None:
        self._assign("addressee")

    def _assign(self, role: str) -> None:
        assert self.state is not None and self.session is not None
        claim = self.active_claim()
        if claim is None:
            self.status.emit("No active claim — press C on the claimed text first")
            return
        sel = self.w.view.selection_cp()
        span_id: int | None = None
        rng: tuple[int, int] | None = None
        if sel is not None:
            rng = sel
        elif self.role_mode and self.focus is not None and self.focus[0] == SPAN:
            span_id = self.focus[1]
        elif not self.role_mode:
            self._enter_roles(claim, f"Pick the {role} with J/K, then press the key again — claim")
            return
        else:
            rng = core_offsets.token_at(self.state.text, self.w.view.caret_cp())
            if rng is None:
                self.status.emit(f"Pick the {role}: J/K to a span or select text")
                return
        session, cid = self.session, claim.id
        if role == "addressee":
            done = self._commit(lambda: session.add_addressee(cid, span_id=span_id, rng=rng))
        else:
            done = self._commit(lambda: session.set_role(cid, role, span_id=span_id, rng=rng))
        if done is None:
            return
        self.put_claim(cid)
        self.role_claim = cid
        self.w.view.clear_selection()
        self._shown_claim = None
        self.render_focus()
        part = done.speaker_span_id if role == "speaker" else None
        if role == "cue":
            part = done.cue_span_id
        elif role == "content":
            part = done.content_span_id
        elif role == "addressee":
            part = done.addressee_span_ids[-1] if done.addressee_span_ids else None
        text = quote(self.state.spans[part].text) if part in self.state.spans else ""
        self._saved(f"{role} of claim {cid} = {text}")

    def _clear(self, role: str) -> None:
        claim = self.active_claim()
        if claim is None or self.session is None:
            self.status.emit("No active claim")
            return
        session, cid = self.session, claim.id
        if self._commit(lambda: session.clear_role(cid, role)) is None:
            return
        self.put_claim(cid)
        self._shown_claim = None
        self.render_focus()
        self._saved(f"cleared the {role} of claim {cid}")

    def do_clear_speaker(self) -> None:
        self._clear("speaker")

    def do_clear_cue(self) -> None:
        self._clear("cue")

    def do_clear_addressees(self) -> None:
        self._clear("addressee")

    def _cycle(self, field: str, direction: int) -> None:
        claim = self.active_claim()
        if claim is None or self.session is None:
            self.status.emit("No claim focused — J/K to a claim first")
            return
        values = list(self.session.claim_kinds() if field == "kind" else QUOTE_TYPES)
        current = claim.kind if field == "kind" else claim.quote_type
        if current not in values:
            values.append(current)
        new = values[(values.index(current) + direction) % len(values)]
        self.set_claim_field(claim.id, field, new)

    def set_claim_field(self, claim_id: int, field: str, value: str) -> None:
        if self.session is None:
            return
        session = self.session
        if field == "kind":
            done = self._commit(lambda: session.set_claim_kind(claim_id, value))
        else:
            done = self._commit(lambda: session.set_quote_type(claim_id, value))
        if done is None:
            return
        self.put_claim(claim_id, parts_too=False)
        self._shown_claim = None
        self.render_focus()
        self._saved(f"claim {claim_id} {'kind' if field == 'kind' else 'quote type'} = {value}")

    def do_next_kind(self) -> None:
        self._cycle("kind", +1)

    def do_prev_kind(self) -> None:
        self._cycle("kind", -1)

    def do_next_quote(self) -> None:
        self._cycle("quote", +1)

    def do_prev_quote(self) -> None:
        self._cycle("quote", -1)

    def do_escape(self) -> None:
        if self.role_claim is not None:
            cid = self.role_claim
            self.role_claim = None
            self.focus_item((CLAIM, cid))
            self.status.emit(f"Claim {cid}: done picking roles")
            return
        if self.w.view.selection_cp() is not None:
            self.w.view.clear_selection()
            return
        self.w.view.setFocus()

    # ---- undo, redo, done ------------------------------------------------------------------------

    def do_undo(self) -> None:
        self._history(undo=True)

    def do_redo(self) -> None:
        self._history(undo=False)

    def _history(self, undo: bool) -> None:
        assert self.state is not None and self.session is not None
        session, doc_id = self.session, self.state.doc.id
        event = self._commit(lambda: session.undo(doc_id) if undo else session.redo(doc_id))
        if event is None:
            self.status.emit("Nothing to undo" if undo else "Nothing to redo")
            return
        if "documents" in event.before or "documents" in event.after:
            self.state.doc = session.document(doc_id)
        item = self.put_event(event)
        if self.role_claim is not None and self.role_claim not in self.state.claims:
            self.role_claim = None
        self._shown_claim = None
        if item is not None:
            self.focus_item(item)
        else:
            self.render_focus()
        self.emit_progress(self.state.doc.status)
        word = UNDO_WORDS.get(event.op, event.op.replace("_", " "))
        span = self.focused_span()
        what = f" of {self._describe(span)}" if span is not None else ""
        self.status.emit(f"{'Undone' if undo else 'Redone'}: {word}{what} — saved")

    def mark_done(self) -> bool:
        """Ctrl+Enter: returns True when the document was marked."""
        if self.state is None or self.session is None:
            return False
        session, doc_id = self.session, self.state.doc.id
        doc = self._commit(lambda: session.mark_document_done(doc_id))
        if doc is None:
            return False
        self.state.doc = doc
        self.emit_progress(doc.status)
        self.status.emit(f"Saved: marked {quote(doc.title)} reviewed")
        return True

    def toggle_rejected(self) -> bool:
        self.show_rejected = not self.show_rejected
        if self.state is not None:
            self.state.set_show_rejected(self.show_rejected)
            self.w.highlighter.rehighlight()
        self.status.emit(
            "Rejected items shown struck through" if self.show_rejected else "Rejected items hidden"
        )
        return self.show_rejected
