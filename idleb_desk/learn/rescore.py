"""A newly trained model applied to the suggestions still waiting for a decision.

Import and extraction pass new documents through the project model (`learn.apply`); the
documents imported before a training keep the rules' suggestions as they were. After
`idleb-desk train --rescore`, each of those suggestions is scored by the new model, as an
imported one would have been: one below the model's threshold is dropped, a kept one
carries the model's confidence, its version in the origin and the kind the analysts give
it. Each document is one logged operation of the reviewer who asked for it, so their
Ctrl+Z in that document brings the suggestions back, and a team sync carries it like any
decision.
Only suggestions are touched: nothing an analyst decided or made, nothing imported.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from idleb_desk.core.ops import Op, operation
from idleb_desk.learn.apply import CONFIDENCE_DIGITS, MODEL_SUFFIX, ModelOrigin
from idleb_desk.learn.model import ProjectModel
from idleb_desk.learn.project import suggestion_of
from idleb_desk.model import LAYER_CLAIM, SUGGESTED
from idleb_desk.store import claims as claims_q
from idleb_desk.store import learning_queries as lq
from idleb_desk.store import spans as spans_q
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

OPERATION = "rescore_suggestions"
# An older model's mark on a suggestion it scored: replaced by the new version's.
_OLD_MARK = re.compile(re.escape(MODEL_SUFFIX) + r"\d+$")


@dataclass
class RescoreReport:
    documents: int = 0  # documents with suggestions re-scored
    scored: int = 0  # suggestions kept, with the new confidence
    dropped: int = 0  # suggestions below the threshold, removed
    recoded: int = 0  # kept suggestions given the analysts' kind

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def rescore_pending(store: Store, model: ProjectModel, reviewer: str) -> RescoreReport:
    """Score every pending suggestion of the project with `model`, a document per commit
    (no other writer waits for the whole project), logged as `reviewer`'s."""
    report = RescoreReport()
    mark = ModelOrigin(model.version)  # the mark an import through this model gives
    for doc_id in lq.pending_documents(store):
        with operation(store, reviewer, OPERATION, doc_id) as op:
            # Read inside the document's transaction: a decision another window made
            # since the list above is not overwritten.
            pending = lq.pending_claims(store, doc_id)
            suggestions = [suggestion_of(r) for r in pending]
            confidence = model.confidence(suggestions)
            for row, suggestion, p in zip(pending, suggestions, confidence, strict=True):
                op.touch("claims", row.id)
                if p < model.threshold:
                    _drop(store, op, row.id)
                    report.dropped += 1
                    continue
                fields: dict[str, object] = {
                    "confidence": round(float(p), CONFIDENCE_DIGITS),
                    "origin": mark.claim_origin(_OLD_MARK.sub("", row.origin), ""),
                }
                kind = model.kind_of(suggestion)
                if kind != row.kind:
                    fields["kind"] = kind
                    report.recoded += 1
                claims_q.update(store, row.id, fields)
                report.scored += 1
        report.documents += bool(pending)
    log.info("project model v%d re-scored pending suggestions: %s", model.version, report)
    return report


def _drop(store: Store, op: Op, claim_id: int) -> None:
    """Remove a suggested claim as an import after the training would never have stored
    it: its own suggested spans (speaker, cue, content, parts, addressees) go with it
    unless another claim uses them, and a claim nested in it loses the link."""
    claim = store.claim(claim_id)
    roles = (
        claim.speaker_span_id,
        claim.cue_span_id,
        claim.content_span_id,
        claim.antecedent_span_id,
        *claim.content_part_ids,
        *claim.addressee_span_ids,
    )
    for inner in claims_q.claims_nested_in(store, claim_id):
        op.touch("claims", inner)
    claims_q.delete(store, claim_id)
    for span_id in dict.fromkeys(s for s in roles if s is not None):
        span = store.span(span_id)
        if span.layer != LAYER_CLAIM or span.status != SUGGESTED:
            continue  # an actor mention, or a span an analyst decided: theirs to keep
        if not claims_q.claims_using_span(store, span_id):
            op.touch("spans", span_id)
            spans_q.delete(store, span_id)
