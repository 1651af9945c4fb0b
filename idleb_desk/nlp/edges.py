"""Trimming space and punctuation off the edges of a token range.

Every rule that measures a speaker, a cue or a content ends by dropping what the parser
left hanging at its edges: a comma before a conjunct, a full stop, a bracket. The rules
differ only in what they keep (a quote mark that belongs to a quoted content, a closing
bracket of "(@handle)") and in how short the range may get, so those are parameters.
Ranges are token indices, end-exclusive.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Token

TokenTest = Callable[[Token], bool]


def is_edge_punct(tok: Token) -> bool:
    return tok.is_punct or tok.is_space


def _never(tok: Token) -> bool:
    return False


def trim_start(
    doc: Doc,
    start: int,
    end: int,
    *,
    drop: TokenTest = is_edge_punct,
    keep: TokenTest = _never,
    min_len: int = 0,
) -> int:
    """The new start of [start, end) once leading `drop` tokens that `keep` spares are gone."""
    while end - start > min_len and drop(doc[start]) and not keep(doc[start]):
        start += 1
    return start


def trim_end(
    doc: Doc,
    start: int,
    end: int,
    *,
    drop: TokenTest = is_edge_punct,
    keep: TokenTest = _never,
    min_len: int = 0,
) -> int:
    """The new end of [start, end) once trailing `drop` tokens that `keep` spares are gone."""
    while end - start > min_len and drop(doc[end - 1]) and not keep(doc[end - 1]):
        end -= 1
    return end


def trim_edges(
    doc: Doc,
    start: int,
    end: int,
    *,
    drop: TokenTest = is_edge_punct,
    keep: TokenTest = _never,
    min_len: int = 0,
) -> tuple[int, int]:
    """[start, end) without `drop` tokens at either edge, except those `keep` spares;
    never shorter than `min_len` tokens (an empty range comes back as start == end)."""
    start = trim_start(doc, start, end, drop=drop, keep=keep, min_len=min_len)
    return start, trim_end(doc, start, end, drop=drop, keep=keep, min_len=min_len)
