"""Whole-word occurrences of a string in an article, for project memory's spread.

A token never spans whitespace, so the token edges around an occurrence can be found from
the whitespace before it to the whitespace after it: tokenising a whole article for each
of the 600 documents that hold a string cost a project-wide spread 2 s.
"""

from __future__ import annotations

import re
from functools import lru_cache

from idleb_desk.core import offsets


@lru_cache(maxsize=8)
def _token_sets(text: str) -> tuple[frozenset[int], frozenset[int]]:
    starts, ends = offsets.token_edges(text)
    return frozenset(starts), frozenset(ends)


# A window longer than this (text without spaces) falls back to the whole article.
_WINDOW = 256


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Whole-word, case-sensitive occurrences of `needle` that start and end at token
    edges of `text` (so "Assad" is not found inside "al-Assad" or "Assads", but is in
    "Assad's")."""
    if not needle.strip():
        return []
    out = []
    for m in re.finditer(re.escape(needle), text):
        start, end = m.start(), m.end()
        lo, hi = start, end
        while lo > 0 and start - lo < _WINDOW and not text[lo - 1].isspace():
            lo -= 1
        while hi < len(text) and hi - end < _WINDOW and not text[hi].isspace():
            hi += 1
        if (lo > 0 and not text[lo - 1].isspace()) or (hi < len(text) and not text[hi].isspace()):
            lo, starts, ends = 0, *_token_sets(text)  # no whitespace near: the whole text
        else:
            # Uncached: windows must not push the open article out of token_edges' cache.
            starts, ends = map(frozenset, offsets.token_edges.__wrapped__(text[lo:hi]))
        if start - lo in starts and (end - lo in ends or _possessive(text, end, ends, lo)):
            out.append((start, end))
    return out


def _possessive(text: str, end: int, ends: frozenset[int], base: int = 0) -> bool:
    """A name followed by a possessive ending ("Lavrov's"), which the token rule of
    `core.offsets` keeps inside the word (`ends` are offsets from `base`)."""
    return text[end : end + 2] in ("'s", "’s") and end + 2 - base in ends
