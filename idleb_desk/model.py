"""Domain values shared by every layer: documents, spans, claims, actors, events.

These are plain dataclasses with no behaviour that touches storage or Qt, so that
`nlp`, `store`, `io` and `gui` can all speak the same language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

# Review statuses of spans and claims (DESIGN.md "Store"). The type checker holds every
# status a value is given to these five.
Status = Literal["suggested", "accepted", "rejected", "edited", "manual"]
SUGGESTED: Final = "suggested"
ACCEPTED: Final = "accepted"
REJECTED: Final = "rejected"
EDITED: Final = "edited"
MANUAL: Final = "manual"
STATUSES: tuple[Status, ...] = (SUGGESTED, ACCEPTED, REJECTED, EDITED, MANUAL)
REVIEWED_STATUSES: tuple[Status, ...] = (ACCEPTED, EDITED, MANUAL)

# Span layers: an actor mention, or one part of a claim.
Layer = Literal["actor", "claim"]
LAYER_ACTOR: Final = "actor"
LAYER_CLAIM: Final = "claim"

# Labels of claim-part spans (actor mentions carry their NER label instead).
SPEAKER = "SPEAKER"
CUE = "CUE"
CONTENT = "CONTENT"
ADDRESSEE = "ADDRESSEE"
CLAIM_PART_LABELS = (SPEAKER, CUE, CONTENT, ADDRESSEE)

ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")

CLAIM_KINDS = (
    "statement",
    "demand",
    "warning",
    "rejection",
    "accusation",
    "denial",
    "promise",
    "threat",
)
QUOTE_TYPES = ("direct", "indirect", "mixed")


def text_sha256(text: str) -> str:
    """A document's identity: the SHA-256 of its text as UTF-8 (duplicates share it)."""
    # Imported here: hashlib loads OpenSSL (about 3.5 MB), which the window needs only
    # when it imports a document, not to show one.
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The analyst's flag on a span or claim ("not sure"; Prodigy's ignore, INCEpTION's comment).
FLAG_UNCERTAIN = "uncertain"

# Document review states.
DocStatus = Literal["new", "done"]
DOC_NEW: Final = "new"
DOC_DONE: Final = "done"


@dataclass(frozen=True)
class TextRef:
    """A stretch of a document's text: code-point offsets, end-exclusive."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class ActorSuggestion:
    start: int
    end: int
    text: str
    label: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "label": self.label}


@dataclass(frozen=True)
class ClaimSuggestion:
    content: TextRef
    speaker: TextRef | None = None
    cue: TextRef | None = None
    addressees: tuple[TextRef, ...] = ()
    kind: str = "statement"
    quote_type: str = "indirect"
    speaker_antecedent: TextRef | None = None
    # Several parts when one claim's content is split ('"A," X said. "B."'); `content`
    # then runs from the first part's start to the last part's end. Empty = one part.
    content_parts: tuple[TextRef, ...] = ()
    # Index (in the same document's claim list) of the claim whose content holds this one.
    nested_in: int | None = None
    # The project model's probability that the analysts keep it (issue 14); None when no
    # project model scored it (rules alone).
    confidence: float | None = None

    @property
    def parts(self) -> tuple[TextRef, ...]:
        return self.content_parts if self.content_parts else (self.content,)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "speaker": self.speaker.to_json() if self.speaker else None,
            "cue": self.cue.to_json() if self.cue else None,
            "content": self.content.to_json(),
            "addressees": [a.to_json() for a in self.addressees],
            "kind": self.kind,
            "quote_type": self.quote_type,
        }
        if self.speaker_antecedent is not None:
            out["speaker_antecedent"] = self.speaker_antecedent.to_json()
        if len(self.content_parts) > 1:
            out["content_parts"] = [p.to_json() for p in self.content_parts]
        if self.nested_in is not None:
            out["nested_in"] = self.nested_in
        return out


@dataclass(frozen=True)
class Region:
    """A marked stretch of text such as app-store boilerplate; never deleted from the text."""

    start: int
    end: int
    kind: str = "boilerplate"


@dataclass(frozen=True)
class Extraction:
    """What the pipeline suggests for one text."""

    model: str
    actors: tuple[ActorSuggestion, ...] = ()
    claims: tuple[ClaimSuggestion, ...] = ()
    regions: tuple[Region, ...] = ()


@dataclass(frozen=True)
class Document:
    id: int
    ext_id: str
    title: str
    text: str
    sha256: str
    path: str = ""
    encoding: str = "utf-8"
    status: DocStatus = DOC_NEW
    meta: dict[str, Any] = field(default_factory=dict)
    reviewer: str | None = None
    reviewed_at: str | None = None


@dataclass(frozen=True)
class DocumentSummary:
    """One row of the document list: enough to show status and progress."""

    id: int
    ext_id: str
    title: str
    status: DocStatus
    n_items: int
    n_reviewed: int


@dataclass(frozen=True, slots=True)
class Span:
    id: int
    document_id: int
    start: int
    end: int
    label: str
    layer: Layer
    status: Status
    origin: str
    text: str = ""
    actor_id: int | None = None
    reviewer: str | None = None
    reviewed_at: str | None = None
    flag: str | None = None  # FLAG_UNCERTAIN, or None
    comment: str = ""


@dataclass(frozen=True)
class Claim:
    id: int
    document_id: int
    speaker_span_id: int | None
    cue_span_id: int | None
    content_span_id: int | None
    addressee_span_ids: tuple[int, ...]
    kind: str
    quote_type: str
    status: Status
    origin: str
    antecedent_span_id: int | None = None
    reviewer: str | None = None
    reviewed_at: str | None = None
    # Content parts in order when the content is split; content_span_id then covers the
    # whole range from the first part to the last.
    content_part_ids: tuple[int, ...] = ()
    nested_in: int | None = None  # the claim whose content holds this one
    flag: str | None = None
    comment: str = ""
    # The project model's confidence when it scored this suggestion (issue 14), else None.
    confidence: float | None = None

    @property
    def part_ids(self) -> tuple[int, ...]:
        """The spans of its roles, in role order: speaker, cue, content, the content's
        parts, addressees (no None, no repeats)."""
        ids = (
            self.speaker_span_id,
            self.cue_span_id,
            self.content_span_id,
            *self.content_part_ids,
            *self.addressee_span_ids,
        )
        return tuple(dict.fromkeys(i for i in ids if i is not None))

    @property
    def span_ids(self) -> tuple[int, ...]:
        """Every span the claim uses: its roles' (`part_ids`), then the speaker's
        antecedent (the name a pronoun speaker stands for)."""
        ante = self.antecedent_span_id
        parts = self.part_ids
        return parts if ante is None or ante in parts else (*parts, ante)


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    label: str


@dataclass(frozen=True)
class Event:
    id: int
    time: str
    reviewer: str
    op: str
    document_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]
    state: str
    # Steps logged as one undo step (a project-wide bulk action commits a document at a
    # time) share the id of the group's first event; None for a lone event.
    group_id: int | None = None
