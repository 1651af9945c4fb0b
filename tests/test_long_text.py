"""Long texts: cut into pieces at natural breaks, parsed a few at a time, offsets exact.

A 5 MB article that is one line used to be cut at spaces into 100,000-character pieces
that were all parsed in one batch and all kept alive until the last one was done (over
1 GB, and no end in 600 s). Speed and memory figures are in bench/long_text.py; these
tests hold the behaviour that keeps them flat.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
import regex
from spacy.tokens import Doc

from idleb_desk.nlp import pipeline
from idleb_desk.nlp.pipeline import Extractor, split_pieces

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "seeds" / "idleb-eu-ministers.txt").read_text(encoding="utf-8")
ONE_LINE = " ".join(SEED.split())


def _covers(text: str, pieces: list[tuple[int, str]], limit: int) -> None:
    assert "".join(p for _, p in pieces) == text
    for offset, piece in pieces:
        assert text[offset : offset + len(piece)] == piece
        assert 0 < len(piece) <= limit


def test_one_line_text_is_cut_after_sentence_ends() -> None:
    text = " ".join([ONE_LINE] * 20)
    pieces = split_pieces(text, 2000)
    _covers(text, pieces, 2000)
    assert len(pieces) > 10
    for offset, piece in pieces[1:]:
        before = text[:offset].rstrip()
        # The piece before ends a sentence (possibly inside closing quotes) ...
        assert regex.search(r"[.!?]['\"’”»)]*$", before), before[-40:]
        # ... and this one starts one.
        assert regex.match(r"['\"“‘«(]*[\p{Lu}\p{N}]", piece), piece[:40]


def test_paragraphs_come_before_sentences() -> None:
    paragraph = " ".join(ONE_LINE.split()[:120])
    text = "\n\n".join([paragraph] * 12)
    pieces = split_pieces(text, 2500)
    _covers(text, pieces, 2500)
    for offset, _ in pieces[1:]:
        assert text[offset - 2 : offset] == "\n\n"


def test_a_run_without_breaks_is_cut_between_characters_not_inside_them() -> None:
    text = "🇸🇾👍🏽e\u0301" * 3000  # flags, modified emoji, letters with marks; no spaces
    bounds = {m.end() for m in regex.finditer(r"\X", text)}
    pieces = split_pieces(text, 1001)
    _covers(text, pieces, 1001)
    assert all(offset in bounds for offset, _ in pieces[1:])


def test_short_text_is_one_piece() -> None:
    assert split_pieces(SEED, pipeline.CHUNK_CHARS) == [(0, SEED)]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load()


def test_long_text_keeps_few_docs_alive_and_offsets_exact(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 600)
    monkeypatch.setattr(pipeline, "BATCH_CHARS", 1200)
    text = " ".join([ONE_LINE] * 6)
    n_pieces = len(split_pieces(text, 600))
    assert n_pieces >= 20
    alive: list[weakref.ref[Doc]] = []
    most = 0
    rules = Extractor.from_doc

    def counting(self: Extractor, doc: Doc):  # type: ignore[no-untyped-def]
        nonlocal most
        gc.collect()
        alive.append(weakref.ref(doc))
        most = max(most, sum(1 for r in alive if r() is not None))
        return rules(self, doc)

    monkeypatch.setattr(Extractor, "from_doc", counting)
    ex = extractor.extract(text)
    assert len(alive) == n_pieces
    # One parser batch (2 pieces) plus the piece being read, never the whole text.
    assert most <= 3
    assert ex.actors and ex.claims
    for a in ex.actors:
        assert text[a.start : a.end] == a.text
    for c in ex.claims:
        for ref in (c.content, c.speaker, c.cue, *c.addressees):
            if ref is not None:
                assert text[ref.start : ref.end] == ref.text
