"""Tokens whose edges include every span edge, for formats that count in tokens.

Prodigy spans carry token indices, a spaCy `Doc` holds spans only on token edges, and
CoNLL is one token a line. spaCy's English tokenizer (rules shipped with spaCy; no model
is loaded) makes the tokens; a span edge inside a token splits it there, so every span
maps onto whole tokens and `doc.text` is exactly the document text.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import spacy
from spacy.tokens import Doc


@lru_cache(maxsize=1)
def blank() -> Any:
    """A blank English pipeline with a rule sentencizer (CoNLL wants sentences)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def aligned_doc(text: str, spans: Iterable[tuple[int, int]]) -> Doc:
    """A tokenised Doc of `text` with a token edge at every span start and end."""
    nlp = blank()
    starts: set[int] = set()
    ends: set[int] = set()
    for start, end in spans:
        starts.add(start)
        ends.add(end)
    cuts = {0, len(text), *starts, *ends}
    for tok in nlp.tokenizer(text):
        cuts.add(tok.idx)
        cuts.add(tok.idx + len(tok.text))
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    words: list[str] = []
    spaces: list[bool] = []
    for a, b in zip(points, points[1:], strict=False):
        seg = text[a:b]
        # A single space after a word is that word's trailing whitespace, as spaCy
        # tokenises it, unless a span starts on it or ends after it.
        if (
            seg == " "
            and words
            and not spaces[-1]
            and not words[-1].isspace()
            and a not in starts
            and b not in ends
        ):
            spaces[-1] = True
            continue
        words.append(seg)
        spaces.append(False)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    if doc.text != text:  # cannot happen: words and spaces are cut from the text itself
        raise AssertionError("tokenised text differs from the document text")
    return doc


def token_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """(first token, last token) of a character span that lies on token edges."""
    span = doc.char_span(start, end)
    if span is None:
        raise ValueError(f"span {start}..{end} does not lie on token edges")
    return span.start, span.end - 1
