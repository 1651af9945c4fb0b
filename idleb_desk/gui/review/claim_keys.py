"""The claim keys: C, S/V/R and their clears, E/Q, Esc, and the claim panel's choices.

Keyboard-only claim building: C on a span (or a selection) creates the claim with that
content and enters role picking; J/K (or the caret) then moves a candidate over every
span, S/V/R assign it (or the selection) as speaker, cue or addressee, and Esc ends.
"""

from __future__ import annotations

import logging

from idleb_desk.core import offsets as core_offsets
from idleb_desk.core.undo_labels import quote
from idleb_desk.gui.config.labels import ROLE_OF_LABEL, Label
from idleb_desk.gui.review.key_context import Handlers, KeyContext
from idleb_desk.gui.review.review_state import CLAIM, SPAN
from idleb_desk.model import CONTENT, QUOTE_TYPES, Claim

log = logging.getLogger(__name__)


class ClaimKeys:
    def __init__(self, ctx: KeyContext) -> None:
        self.ctx = ctx
        self.focus = ctx.focus
        self.view = ctx.focus.w.view

    def handlers(self) -> Handlers:
        return {
            "new_claim": self.new_claim,
            "role_speaker": lambda: self.assign("speaker"),
            "role_cue": lambda: self.assign("cue"),
            "role_addressee": lambda: self.assign("addressee"),
            "clear_speaker": lambda: self.clear("speaker"),
            "clear_cue": lambda: self.clear("cue"),
            "clear_addressees": lambda: self.clear("addressee"),
            "next_kind": lambda: self.cycle("kind", +1),
            "prev_kind": lambda: self.cycle("kind", -1),
            "next_quote": lambda: self.cycle("quote", +1),
            "prev_quote": lambda: self.cycle("quote", -1),
            "escape": self.escape,
        }

    def part_label(self, label: Label) -> None:
        """A claim-part label key (content, speaker, ...): the role of the active claim."""
        role = ROLE_OF_LABEL.get(label.name)
        if role is None:
            return
        if self.focus.active_claim() is None:
            if label.name == CONTENT:
                self.new_claim()
            else:
                self.ctx.status("No active claim — press C on the claimed text first")
            return
        self.assign(role)

    def new_claim(self) -> None:
        ctx, f = self.ctx, self.focus
        session, state = ctx.session, ctx.state
        assert state is not None and session is not None
        sel = self.view.selection_cp()
        focused = f.focused_claim()
        if sel is None and focused is not None and not f.role_mode:
            self._enter_roles(focused, "Picking roles for claim")
            return
        doc_id = state.doc.id
        span = f.focused_span() if f.item and f.item[0] == SPAN else None
        if sel is not None:
            claim = ctx.commit(lambda: session.create_claim(doc_id, content_range=sel))
        elif span is not None:
            claim = ctx.commit(lambda: session.create_claim(doc_id, content_span_id=span.id))
        else:
            ctx.status("Select the claimed text (or focus a span), then press C")
            return
        if claim is None:
            return
        self.view.clear_selection()
        self._enter_roles(claim, "Saved: new claim")

    def _enter_roles(self, claim: Claim, prefix: str) -> None:
        self.focus.role_claim = claim.id
        content = claim.content_span_id
        self.focus.focus_item((SPAN, content) if content is not None else None)
        self.ctx.status(
            f"{prefix} {claim.id}: J/K pick a span (or select text), S speaker, V cue, "
            "R addressee; Esc when done"
        )

    def assign(self, role: str) -> None:
        ctx, f = self.ctx, self.focus
        session, state = ctx.session, ctx.state
        assert state is not None and session is not None
        claim = f.active_claim()
        if claim is None:
            ctx.status("No active claim — press C on the claimed text first")
            return
        sel = self.view.selection_cp()
        span_id: int | None = None
        rng: tuple[int, int] | None = None
        if sel is not None:
            rng = sel
        elif f.role_mode and f.item is not None and f.item[0] == SPAN:
            span_id = f.item[1]
        elif not f.role_mode:
            self._enter_roles(claim, f"Pick the {role} with J/K, then press the key again — claim")
            return
        else:
            rng = core_offsets.token_at(state.text, self.view.caret_cp())
            if rng is None:
                ctx.status(f"Pick the {role}: J/K to a span or select text")
                return
        cid = claim.id
        if role == "addressee":
            done = ctx.commit(lambda: session.add_addressee(cid, span_id=span_id, rng=rng))
        else:
            done = ctx.commit(lambda: session.set_role(cid, role, span_id=span_id, rng=rng))
        if done is None:
            return
        f.role_claim = cid
        self.view.clear_selection()
        f.shown_claim = None
        f.render()
        part = {
            "speaker": done.speaker_span_id,
            "cue": done.cue_span_id,
            "content": done.content_span_id,
            "addressee": done.addressee_span_ids[-1] if done.addressee_span_ids else None,
        }.get(role)
        text = quote(state.spans[part].text) if part in state.spans else ""
        ctx.saved(f"{role} of claim {cid} = {text}")

    def clear(self, role: str) -> None:
        ctx = self.ctx
        claim, session = self.focus.active_claim(), ctx.session
        if claim is None or session is None:
            ctx.status("No active claim")
            return
        cid = claim.id
        if not ctx.run(lambda: session.clear_role(cid, role)):
            return
        ctx.saved(f"cleared the {role} of claim {cid}")

    def cycle(self, field: str, direction: int) -> None:
        claim, session = self.focus.active_claim(), self.ctx.session
        if claim is None or session is None:
            self.ctx.status("No claim focused — J/K to a claim first")
            return
        values = list(session.claim_kinds() if field == "kind" else QUOTE_TYPES)
        current = claim.kind if field == "kind" else claim.quote_type
        if current not in values:
            values.append(current)
        self.set_field(claim.id, field, values[(values.index(current) + direction) % len(values)])

    def set_field(self, claim_id: int, field: str, value: str) -> None:
        """A claim's kind or quote type (E/Q, or chosen in the claim panel)."""
        ctx, session = self.ctx, self.ctx.session
        if session is None:
            return
        setter = session.set_claim_kind if field == "kind" else session.set_quote_type
        done = ctx.commit(lambda: setter(claim_id, value))
        if done is None:
            return
        ctx.saved(f"claim {claim_id} {'kind' if field == 'kind' else 'quote type'} = {value}")

    def escape(self) -> None:
        f = self.focus
        if f.role_claim is not None:
            cid = f.role_claim
            f.role_claim = None
            f.focus_item((CLAIM, cid))
            self.ctx.status(f"Claim {cid}: done picking roles")
            return
        if self.view.selection_cp() is not None:
            self.view.clear_selection()
            return
        self.view.setFocus()
