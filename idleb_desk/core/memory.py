"""Learning from the analyst, at once: project memory of accepted and rejected actors.

- A string the analyst accepts or creates as an actor (with its label) is suggested at its
  other occurrences in every document of the project, in the same operation.
- A string+label rejected `memory.reject_threshold` times (default 3, 0 turns it off)
  stops being suggested: its pending suggestions are withdrawn, memory suggests it no
  more, and new model suggestions of it are dropped at extraction and import.

Undo: the propagation is part of the decision's own event (one Ctrl+Z undoes the accept
and the suggestions it spread; redo brings both back). The event's rows in *other*
documents are only written back while they are as the event left them: a memory
suggestion the analyst has since reviewed in another document is kept, never deleted by an
undo in this one.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from idleb_desk.core.actors import link_actor_id, link_suggestions
from idleb_desk.core.occurrences import occurrences
from idleb_desk.model import LAYER_ACTOR, SUGGESTED, Extraction
from idleb_desk.store import claims as claims_q
from idleb_desk.store import documents as documents_q
from idleb_desk.store import memory as mem
from idleb_desk.store import spans as spans_q
from idleb_desk.store.memory import MEMORY_ORIGIN, Key, Learned
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OriginInfo:
    kind: str  # "model", "memory", "analyst", "import", "other"
    text: str  # said to the analyst


def describe_origin(origin: str, confidence: float | None = None) -> OriginInfo:
    """Where a suggestion came from, in words for a tooltip; `confidence` is the project
    model's figure for a claim it scored (issue 14), said after the origin."""
    info = _describe_origin(origin)
    if confidence is None:
        return info
    return OriginInfo(info.kind, info.text + confidence_note(confidence))


def confidence_note(confidence: float | None) -> str:
    """The words after an origin: " (confidence 0.82)", or nothing when unscored."""
    return "" if confidence is None else f" (confidence {confidence:.2f})"


def _describe_origin(origin: str) -> OriginInfo:
    if origin == MEMORY_ORIGIN or origin.startswith("memory:"):
        return OriginInfo("memory", "project memory (the analyst accepted this string elsewhere)")
    if origin.startswith("analyst:"):
        return OriginInfo("analyst", f"made by the analyst {origin.removeprefix('analyst:')}")
    if origin.startswith("import:"):
        return OriginInfo("import", f"imported ({origin.removeprefix('import:')} file)")
    if "+project-model-v" in origin:
        model, version = origin.split("+project-model-v", 1)
        via = model.removesuffix("+project-cue")
        cue = ", through a cue from the project's lexicon" if model != via else ""
        return OriginInfo("model", f"model {via}{cue}, kept by the project's model v{version}")
    if origin.endswith("+project-cue"):
        model = origin.removesuffix("+project-cue")
        return OriginInfo("memory", f"model {model}, through a cue from the project's lexicon")
    if origin.startswith("rule:"):
        return OriginInfo("rule", f"rule {origin.removeprefix('rule:')}")
    if origin:
        return OriginInfo("model", f"model {origin}")
    return OriginInfo("other", "unknown origin")


def _in_regions(start: int, end: int, regions: list[tuple[int, int]]) -> bool:
    return any(rs <= start and end <= re_ for rs, re_ in regions)


def _contained(
    spans: list[tuple[int, int]], starts: list[int], longest: int, start: int, end: int
) -> bool:
    """Is [start, end) inside one of `spans` (sorted)? Only spans starting at most
    `longest` before it can reach it, so a long article is not scanned per occurrence."""
    i = bisect_right(starts, start) - 1
    while i >= 0 and starts[i] >= start - longest:
        if spans[i][1] >= end:
            return True
        i -= 1
    return False


@dataclass
class Place:
    """Where memory suggests a string: a new span, or a pending suggestion of another
    label at the same offsets to relabel (`relabel` is its id)."""

    start: int
    end: int
    relabel: int | None = None


@dataclass
class DocView:
    """What memory needs of one document: its text, actor spans and boilerplate."""

    text: str
    placed: list[tuple[int, int, str]]  # (start, end, label) of its actor spans
    pending: dict[tuple[int, int], tuple[int, str]]  # suggestions: offsets -> (id, label)
    regions: list[tuple[int, int]]

    @classmethod
    def read(cls, store: Store, doc_id: int) -> DocView:
        # Plain rows, not `Span` objects: this runs for every document holding the string
        # on every accept, and building thousands of objects was most of its cost.
        rows = spans_q.actor_mention_rows(store, doc_id)
        return cls(
            store.document_text(doc_id),
            [(r[1], r[2], r[3]) for r in rows],
            {(r[1], r[2]): (r[0], r[3]) for r in rows if r[4] == SUGGESTED},
            [(r.start, r.end) for r in store.regions(doc_id)],
        )

    def free_places(self, key: Key, accepted: Callable[[str, str], bool]) -> list[Place]:
        """Occurrences of key's text where memory may suggest it: not in boilerplate, not
        inside a longer span of the same label, and no span at those offsets already,
        except a pending suggestion of a label the analyst never accepted for this string
        (`accepted(text, label)`), which memory relabels."""
        if key[0] not in self.text:
            return []
        exact = {(s, e) for s, e, _ in self.placed}
        same = sorted((s, e) for s, e, label in self.placed if label == key[1])
        same_starts = [s for s, _ in same]
        longest = max((e - s for s, e in same), default=0)
        out = []
        for start, end in occurrences(self.text, key[0]):
            if _in_regions(start, end, self.regions):
                continue
            if (start, end) in exact:
                sid, label = self.pending.get((start, end), (None, key[1]))
                if sid is not None and label != key[1] and not accepted(key[0], label):
                    out.append(Place(start, end, sid))
                continue
            if _contained(same, same_starts, longest, start, end):
                continue
            out.append(Place(start, end))
        return out

    def put(self, store: Store, doc_id: int, place: Place, label: str) -> int:
        """Write a place: a new memory suggestion, or the relabelled pending one."""
        # A memory suggestion carries its suggested actor, as the model's do.
        actor_id = link_actor_id(store, self.text[place.start : place.end], label, doc_id)
        if place.relabel is not None:
            fields = {"label": label, "origin": MEMORY_ORIGIN, "actor_id": actor_id}
            spans_q.update(store, place.relabel, fields)
            self.pending[(place.start, place.end)] = (place.relabel, label)
            self.placed.append((place.start, place.end, label))
            return place.relabel
        span_id = spans_q.insert(
            store, doc_id, place.start, place.end, label, LAYER_ACTOR, SUGGESTED, MEMORY_ORIGIN,
            actor_id,
        )  # fmt: skip
        self.placed.append((place.start, place.end, label))
        return span_id


def suggest_in_document(store: Store, doc_id: int, learned: Learned | None = None) -> int:
    """Memory suggestions for a document that was just imported or extracted; returns how
    many. The caller owns the transaction; like the model's suggestions, these are not an
    analyst event."""
    if not mem.enabled(store):
        return 0
    learned = mem.learned(store) if learned is None else learned
    view = DocView.read(store, doc_id)
    count = 0
    # Longest strings first, so a shorter name never lands inside a longer one.
    for key in learned.to_suggest():
        for place in view.free_places(key, lambda t, lab: learned.accepted[(t, lab)] > 0):
            view.put(store, doc_id, place, key[1])
            count += 1
    if count:
        log.info("project memory suggested %d actors in document %d", count, doc_id)
    return count


def spread_project(
    store: Store, learned: Learned, progress: Callable[[int, int], None] | None = None
) -> int:
    """Memory suggestions for every document (`idleb-desk memory --spread`), committed
    one document at a time so that no other writer waits for the whole project; a killed
    run leaves whole documents, and a re-run adds only what is missing."""
    ids = documents_q.all_ids(store)
    added = 0
    for i, doc_id in enumerate(ids, 1):
        with store.transaction():
            added += suggest_in_document(store, doc_id, learned)
        if progress is not None:
            progress(i, len(ids))
    return added


def filter_extraction(ex: Extraction, learned: Learned, text: str) -> Extraction:
    """The model's suggestions minus the actor strings the analyst keeps rejecting."""
    if not learned.rejected:
        return ex
    keep = tuple(a for a in ex.actors if not learned.suppressed((text[a.start : a.end], a.label)))
    if len(keep) == len(ex.actors):
        return ex
    log.info("project memory dropped %d model suggestions", len(ex.actors) - len(keep))
    return Extraction(model=ex.model, actors=keep, claims=ex.claims, regions=ex.regions)


ClaimOrigin = Callable[[str, str], "str | None"]  # (model, cue text) -> origin or None


def mark_project_cue_claims(store: Store, doc_id: int, claim_origin: ClaimOrigin) -> int:
    """Give the document's model claims found through a project cue their own origin
    (`<model>+project-cue`), so the window and the export can tell them apart."""
    text = store.document_text(doc_id)
    n = 0
    for c in store.claims(doc_id):
        if c.origin.startswith(("analyst:", "import:")):
            continue
        if c.cue_span_id is not None:
            cue = store.span(c.cue_span_id)
            cue_text = text[cue.start : cue.end]
        elif c.confidence is not None:
            cue_text = ""  # no cue, but the project model scored (and kept) it
        else:
            continue
        origin = claim_origin(c.origin, cue_text)
        if origin is not None and origin != c.origin:
            claims_q.update(store, c.id, {"origin": origin})
            n += 1
    return n


def add_extraction(
    store: Store,
    doc_id: int,
    ex: Extraction,
    learned: Learned | None,
    claim_origin: ClaimOrigin | None = None,
) -> None:
    """`Store.add_extraction` through project memory: drop what the analyst keeps
    rejecting and what memory already suggested there, then suggest what they accepted.
    `learned` None means memory is off."""
    if learned is not None:
        ex = filter_extraction(ex, learned, store.document_text(doc_id))
        # A document imported with no model got memory suggestions already; the model's
        # identical span would be a duplicate item.
        there = {(s.start, s.end, s.label) for s in store.spans(doc_id) if s.layer == LAYER_ACTOR}
        if there:
            keep = tuple(a for a in ex.actors if (a.start, a.end, a.label) not in there)
            ex = Extraction(model=ex.model, actors=keep, claims=ex.claims, regions=ex.regions)
    store.add_extraction(doc_id, ex)
    if claim_origin is not None:
        mark_project_cue_claims(store, doc_id, claim_origin)
    if learned is not None:
        suggest_in_document(store, doc_id, learned)
    link_suggestions(store, doc_id)  # each suggestion carries its suggested actor


def project_learned(store: Store) -> Learned | None:
    """What import and extraction should apply; None when memory is off."""
    return mem.learned(store) if mem.enabled(store) else None
