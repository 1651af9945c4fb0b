"""Small analysts' project files for the agreement tests, made through the real store
and review session (no model needed): articles, the model's suggestions, decisions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.store import Store

TEXT = "Lavrov rejected calls for a ceasefire. Erdogan said Turkey would not step back."
ACTORS = (("Lavrov", "PERSON"), ("Erdogan", "PERSON"), ("Turkey", "GPE"))


def ref(text: str, part: str) -> TextRef:
    start = text.index(part)
    return TextRef(start, start + len(part), part)


def extraction(text: str = TEXT) -> Extraction:
    return Extraction(
        "m-1",
        actors=tuple(
            ActorSuggestion(r.start, r.end, r.text, label)
            for part, label in ACTORS
            if part in text
            for r in [ref(text, part)]
        ),
        claims=tuple(
            ClaimSuggestion(ref(text, content), ref(text, who), ref(text, cue))
            for content, who, cue in (
                ("calls for a ceasefire", "Lavrov", "rejected"),
                ("Turkey would not step back", "Erdogan", "said"),
            )
            if content in text
        ),
    )


def make(
    path: Path, reviewer: str, docs: Sequence[tuple[str, str]] = (("a", TEXT),)
) -> ReviewSession:
    """A project with these (ext_id, text) documents, each with the model's suggestions."""
    with Store.open(path) as store, store.transaction():
        for ext_id, text in docs:
            doc = store.insert_document(ext_id, ext_id.upper(), text)
            assert doc is not None
            store.add_extraction(doc, extraction(text))
    return ReviewSession.open(path, reviewer)


def accept_all(s: ReviewSession) -> None:
    for d in s.documents():
        for span in s.spans(d.id):
            if span.layer == "actor" and span.status == "suggested":
                s.accept_span(span.id)
        for c in s.claims(d.id):
            if c.status == "suggested":
                s.accept_claim(c.id)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
