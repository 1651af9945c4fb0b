"""What J/K walk through: a scope (everything, actor mentions only, claims only) and a
filter by label and status. Plain values and predicates, no Qt, so `DocState` and the
tests share them.

Scopes exist so that A pressed several times in a row can only ever accept what the
analyst is looking at: with the scope on actors, no claim is ever focused, so no claim
is ever accepted "by surprise".
"""

from __future__ import annotations

from dataclasses import dataclass

from idleb_desk.model import (
    ACCEPTED,
    EDITED,
    LAYER_ACTOR,
    MANUAL,
    REJECTED,
    REVIEWED_STATUSES,
    SUGGESTED,
    Claim,
    Span,
)

ALL = "all"
ACTORS = "actors"
CLAIMS = "claims"
SCOPES = (ALL, ACTORS, CLAIMS)
SCOPE_TEXT = {ALL: "all items", ACTORS: "actors only", CLAIMS: "claims only"}

# The label a claim carries in the label filter (spans carry their own label).
CLAIM_LABEL = "CLAIM"
REVIEWED = "reviewed"
FLAGGED = "flagged"
STATUS_CHOICES = (SUGGESTED, REVIEWED, ACCEPTED, EDITED, MANUAL, REJECTED, FLAGGED)


@dataclass(frozen=True)
class NavFilter:
    """None means "any"."""

    label: str | None = None
    status: str | None = None

    @property
    def active(self) -> bool:
        return self.label is not None or self.status is not None

    def describe(self) -> str:
        parts = [p for p in (self.label, self.status) if p]
        return ", ".join(parts) if parts else "none"


def next_scope(scope: str) -> str:
    return SCOPES[(SCOPES.index(scope) + 1) % len(SCOPES)] if scope in SCOPES else ALL


def _status_passes(status: str, flag: str | None, wanted: str | None) -> bool:
    if wanted is None:
        return True
    if wanted == REVIEWED:
        return status in REVIEWED_STATUSES
    if wanted == FLAGGED:
        return flag is not None
    return status == wanted


def span_passes(span: Span, scope: str, nav: NavFilter) -> bool:
    """A span on the J/K path (one that belongs to no claim)."""
    if scope == ACTORS and span.layer != LAYER_ACTOR:
        return False
    if scope == CLAIMS and span.layer == LAYER_ACTOR:
        return False
    if nav.label is not None and span.label != nav.label:
        return False
    return _status_passes(span.status, span.flag, nav.status)


def claim_passes(claim: Claim, scope: str, nav: NavFilter) -> bool:
    if scope == ACTORS:
        return False
    if nav.label is not None and nav.label != CLAIM_LABEL:
        return False
    return _status_passes(claim.status, claim.flag, nav.status)


__all__ = [
    "ACTORS",
    "ALL",
    "CLAIMS",
    "CLAIM_LABEL",
    "FLAGGED",
    "REJECTED",
    "NavFilter",
    "SCOPES",
    "STATUS_CHOICES",
    "claim_passes",
    "next_scope",
    "span_passes",
]
