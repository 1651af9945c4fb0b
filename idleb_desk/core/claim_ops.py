"""Review operations on claims: create, accept, reject, delete, and their roles.

A role (speaker, cue, content, addressee) points at a span. It can be an existing span of
either layer, or a new claim-part span made from a text range in the same operation, so
that one key press is one undo step.

A part of `ReviewSession` (`session.claims_ops`); it makes and stamps claim-part spans
through the session's `SpanOps`.
"""

from __future__ import annotations

from idleb_desk.actor_link import role_parts
from idleb_desk.core import offsets
from idleb_desk.core.actors import link_actor_id
from idleb_desk.core.ops import Op, ReviewError
from idleb_desk.core.session_context import SessionContext
from idleb_desk.core.span_ops import SpanOps, is_analyst
from idleb_desk.model import (
    ACCEPTED,
    ADDRESSEE,
    CLAIM_KINDS,
    CONTENT,
    CUE,
    EDITED,
    LAYER_ACTOR,
    LAYER_CLAIM,
    MANUAL,
    QUOTE_TYPES,
    REJECTED,
    SPEAKER,
    SUGGESTED,
    Claim,
)
from idleb_desk.store import claims as claims_q
from idleb_desk.store import spans as spans_q
from idleb_desk.store.actor_queries import role_mentions

KINDS_SETTING = "claim_kinds"
ROLE_COLUMNS = {"speaker": "speaker_span_id", "cue": "cue_span_id", "content": "content_span_id"}
ROLE_LABELS = {"speaker": SPEAKER, "cue": CUE, "content": CONTENT, "addressee": ADDRESSEE}


class ClaimOps:
    def __init__(self, ctx: SessionContext, spans: SpanOps) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.spans = spans

    @property
    def reviewer(self) -> str:
        return self.ctx.reviewer

    def _stamp_claim(
        self, op: Op, claim: Claim, status: str | None = None, /, **fields: int | str | None
    ) -> None:
        op.touch("claims", claim.id)
        if status is None:
            status = MANUAL if is_analyst(claim.origin) else EDITED
            if claim.status == MANUAL:
                status = MANUAL
        sets = {"status": status, "reviewer": self.reviewer, "reviewed_at": op.time, **fields}
        claims_q.update(self.store, claim.id, sets)

    def _role_span(
        self, op: Op, claim: Claim, role: str, span_id: int | None, rng: tuple[int, int] | None
    ) -> int:
        """The span for a role: the one given, or a new claim-part span over `rng`."""
        if span_id is not None:
            span = self.store.span(span_id)
            if span.document_id != claim.document_id:
                raise ReviewError("a claim's parts must be in its own document")
            return span_id
        if rng is None:
            raise ReviewError(f"the {role} needs a span or a text range")
        text = self.store.document_text(claim.document_id)
        start, end = offsets.snap(text, *rng)
        if end <= start:
            raise ReviewError(f"the {role} must cover at least one token")
        return self.spans.insert_span(
            op, claim.document_id, start, end, ROLE_LABELS[role], LAYER_CLAIM, text
        )

    def _resolve_speaker(self, op: Op, claim_id: int) -> None:
        """Give a speaker span its canonical actor: the actor mention that heads it
        (`core.actor_link.role_parts`: the one ending it, else the name before an
        apposition). A coordinated speaker ("Macron and Merkel") names several actors
        and one link cannot hold them: it is left to the readers, which name each."""
        claim = self.store.claim(claim_id)
        target = claim.speaker_span_id
        if target is None:
            return
        speaker = self.store.span(target)
        if speaker.layer == LAYER_ACTOR or speaker.actor_id is not None:
            return
        source = speaker
        if claim.antecedent_span_id is not None:
            source = self.store.span(claim.antecedent_span_id)
        text = self.store.document_text(claim.document_id)
        mentions = role_mentions(self.store, claim.document_id)
        parts = role_parts(text, source.start, source.end, mentions)
        best = parts[0].head if len(parts) == 1 else None
        if best is None:
            return
        actor_id = best.actor_id or link_actor_id(
            self.store, text[best.start : best.end], best.label, claim.document_id
        )
        op.touch("spans", target)
        spans_q.set_actor(self.store, target, actor_id)

    def create_claim(
        self,
        document_id: int,
        content_span_id: int | None = None,
        content_range: tuple[int, int] | None = None,
        kind: str = "statement",
        quote_type: str = "indirect",
    ) -> Claim:
        """A new analyst claim. An actor mention given as content is copied as a content span."""
        self._check_kind(kind, quote_type)
        if kind not in self.claim_kinds():
            raise ReviewError(f"unknown claim kind {kind!r}")
        if content_span_id is not None:
            span = self.store.span(content_span_id)
            if span.layer == LAYER_ACTOR:
                content_span_id, content_range = None, (span.start, span.end)
        with self.ctx.operation("create_claim", document_id) as op:
            claim_id = claims_q.insert(
                self.store, document_id, kind, quote_type, MANUAL, self.ctx.origin,
                self.reviewer, op.time,
            )  # fmt: skip
            claim = self.store.claim(claim_id)
            content = self._role_span(op, claim, "content", content_span_id, content_range)
            op.created("claims", claim_id)
            claims_q.update(self.store, claim_id, {"content_span_id": content})
        return self.store.claim(claim_id)

    def set_role(
        self,
        claim_id: int,
        role: str,
        span_id: int | None = None,
        rng: tuple[int, int] | None = None,
    ) -> Claim:
        """Set the speaker, cue or content of a claim (addressees: `add_addressee`)."""
        if role not in ROLE_COLUMNS:
            raise ReviewError(f"unknown role {role!r}")
        claim = self.store.claim(claim_id)
        with self.ctx.operation(f"set_{role}", claim.document_id) as op:
            target = self._role_span(op, claim, role, span_id, rng)
            extra: dict[str, int | str | None] = {ROLE_COLUMNS[role]: target}
            if role == "speaker":
                extra["antecedent_span_id"] = None
            self._stamp_claim(op, claim, **extra)
            if role == "speaker":
                self._resolve_speaker(op, claim_id)
        return self.store.claim(claim_id)

    def clear_role(self, claim_id: int, role: str) -> Claim:
        if role == "addressee":
            return self.clear_addressees(claim_id)
        if role not in ROLE_COLUMNS:
            raise ReviewError(f"unknown role {role!r}")
        claim = self.store.claim(claim_id)
        with self.ctx.operation(f"clear_{role}", claim.document_id) as op:
            self._stamp_claim(op, claim, **{ROLE_COLUMNS[role]: None})
        return self.store.claim(claim_id)

    def add_addressee(
        self, claim_id: int, span_id: int | None = None, rng: tuple[int, int] | None = None
    ) -> Claim:
        claim = self.store.claim(claim_id)
        with self.ctx.operation("add_addressee", claim.document_id) as op:
            target = self._role_span(op, claim, "addressee", span_id, rng)
            self._stamp_claim(op, claim)
            if target not in claim.addressee_span_ids:
                claims_q.add_addressee(self.store, claim_id, target, len(claim.addressee_span_ids))
        return self.store.claim(claim_id)

    def remove_addressee(self, claim_id: int, span_id: int) -> Claim:
        claim = self.store.claim(claim_id)
        with self.ctx.operation("remove_addressee", claim.document_id) as op:
            self._stamp_claim(op, claim)
            claims_q.remove_addressee(self.store, claim_id, span_id)
        return self.store.claim(claim_id)

    def clear_addressees(self, claim_id: int) -> Claim:
        claim = self.store.claim(claim_id)
        with self.ctx.operation("clear_addressees", claim.document_id) as op:
            self._stamp_claim(op, claim)
            claims_q.clear_addressees(self.store, claim_id)
        return self.store.claim(claim_id)

    def claim_kinds(self) -> tuple[str, ...]:
        """The built-in kinds, then the ones this project added (`add_claim_kind`)."""
        extra = self.store.setting(KINDS_SETTING, [])
        return CLAIM_KINDS + tuple(k for k in extra if k not in CLAIM_KINDS)

    def add_claim_kind(self, kind: str) -> tuple[str, ...]:
        """Add a project claim kind (a lower-case word or phrase, e.g. "ultimatum")."""
        kind = " ".join(kind.split())
        self._check_kind(kind, None)
        kinds = self.claim_kinds()
        if kind not in kinds:
            extra = [k for k in kinds if k not in CLAIM_KINDS] + [kind]
            self.ctx.set_setting(KINDS_SETTING, extra)
        return self.claim_kinds()

    def set_claim_kind(self, claim_id: int, kind: str) -> Claim:
        self._check_kind(kind, None)
        if kind not in self.claim_kinds():
            raise ReviewError(
                f"unknown claim kind {kind!r}; add it to the project first "
                f"(known: {', '.join(self.claim_kinds())})"
            )
        claim = self.store.claim(claim_id)
        with self.ctx.operation("set_kind", claim.document_id) as op:
            self._stamp_claim(op, claim, kind=kind)
        return self.store.claim(claim_id)

    def set_quote_type(self, claim_id: int, quote_type: str) -> Claim:
        self._check_kind(None, quote_type)
        claim = self.store.claim(claim_id)
        with self.ctx.operation("set_quote_type", claim.document_id) as op:
            self._stamp_claim(op, claim, quote_type=quote_type)
        return self.store.claim(claim_id)

    def accept_claim(self, claim_id: int) -> Claim:
        """Accept a claim and its suggested parts, and resolve its speaker's actor."""
        claim = self.store.claim(claim_id)
        status = claim.status if claim.status in (EDITED, MANUAL) else ACCEPTED
        with self.ctx.operation("accept_claim", claim.document_id) as op:
            self._stamp_claim(op, claim, status)
            for span_id in claim.part_ids:
                span = self.store.span(span_id)
                if span.layer == LAYER_CLAIM and span.status in (SUGGESTED, REJECTED):
                    self.spans.stamp_span(op, span_id, ACCEPTED)
            self._resolve_speaker(op, claim_id)
        return self.store.claim(claim_id)

    def reject_claim(self, claim_id: int) -> Claim:
        """Reject a claim, and the parts that no other live claim uses."""
        claim = self.store.claim(claim_id)
        with self.ctx.operation("reject_claim", claim.document_id) as op:
            self._stamp_claim(op, claim, REJECTED)
            for span_id in claim.part_ids:
                if self.store.span(span_id).layer != LAYER_CLAIM:
                    continue
                others = [c for c in self.store.claims_using_span(span_id) if c != claim_id]
                if all(self.store.claim(c).status == REJECTED for c in others):
                    self.spans.stamp_span(op, span_id, REJECTED)
        return self.store.claim(claim_id)

    def delete_claim(self, claim_id: int) -> None:
        claim = self.store.claim(claim_id)
        with self.ctx.operation("delete_claim", claim.document_id) as op:
            op.touch("claims", claim_id)
            # Inner claims lose their link (ON DELETE SET NULL); undo must bring it back.
            for inner in self.store.claims_nested_in(claim_id):
                op.touch("claims", inner)
            claims_q.delete(self.store, claim_id)

    @staticmethod
    def _check_kind(kind: str | None, quote_type: str | None) -> None:
        if kind is not None and (not kind.strip() or kind != kind.strip().lower()):
            raise ReviewError(f"a claim kind is a lower-case word, not {kind!r}")
        if quote_type is not None and quote_type not in QUOTE_TYPES:
            raise ReviewError(f"quote type must be one of {', '.join(QUOTE_TYPES)}")


__all__ = ["ClaimOps", "CLAIM_KINDS"]
