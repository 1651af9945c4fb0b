"""Token edges in the stored text, for snapping and for moving a boundary a token at a time.

Offsets are Python code points, end-exclusive. A token is a run of word characters (with
inner hyphens and apostrophes, so "Jean-Yves" and "al-Assad" are one token) or a single
other non-space character. This needs no spaCy, so review works with no model installed.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# \w does not match combining marks (Latin accents typed as two code points, Arabic
# harakat), so they are added to the word class to keep such words whole.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
_WORD = rf"[\w{_MARKS}]"
# A non-word token is one whole grapheme cluster, so that a flag, an emoji with its
# skin tone or a ZWJ family is one token and a span never cuts it in half. Invisible
# format characters (U+FEFF, U+2060, U+200B) are no token at all: a selection that
# starts on one snaps to the word after it.
_TOKEN = rf"{_WORD}+(?:[-'’]{_WORD}+)*|(?![\w\s\p{{Cf}}])\X"


@dataclass(frozen=True)
class _Patterns:
    token: Any
    word: Any
    no_token: Any  # the characters no \X token starts on
    cluster: Any


@lru_cache(maxsize=1)
def _re() -> _Patterns:
    """The patterns, compiled on first use: the `regex` module is 2.6 MB that the window
    needs only once a span is snapped, not to open and show an article."""
    import regex

    return _Patterns(regex.compile(_TOKEN), regex.compile(_WORD),
                     regex.compile(r"[\w\s\p{Cf}]"), regex.compile(r"\X"))  # fmt: skip


@lru_cache(maxsize=8)
def token_edges(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(starts, ends) of every token, both sorted."""
    starts: list[int] = []
    ends: list[int] = []
    for m in _re().token.finditer(text):
        # Combining marks are not \w; keep them inside the token they follow.
        end = m.end()
        while end < len(text) and _is_mark(text[end]):
            end += 1
        if starts and m.start() < ends[-1]:
            continue
        starts.append(m.start())
        ends.append(end)
    return tuple(starts), tuple(ends)


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


_JOINERS = frozenset("-'’")
# Outside a word, these are one token each (one grapheme cluster); anything else, and
# any character that would join a neighbour into one cluster, takes the regex.
_SINGLE = frozenset(("Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sc", "Sm"))
# Per character class: 0 space (or no token), 1 word, 2 a token on its own, 3 a joiner.
_SPACE, _W, _OTHER, _JOIN = 0, 1, 2, 3


def _char_class(ch: str) -> int | None:
    """The class of one character for `token_edge_arrays`, None when only the regex can
    tell: a mark or format character, or one that joins the character before or after
    it into one grapheme cluster (a spacing mark, an emoji, a regional indicator)."""
    if ch.isascii():
        if ch in _JOINERS:
            return _JOIN
        if _re().word.fullmatch(ch):
            return _W
        return _SPACE if _re().no_token.match(ch) else _OTHER
    category = unicodedata.category(ch)
    if category[0] in "MC":
        return None
    if _re().cluster.fullmatch("-" + ch) or _re().cluster.fullmatch(ch + "a"):
        return None
    if ch in _JOINERS:
        return _JOIN
    if _re().word.fullmatch(ch):
        return _W
    if _re().no_token.match(ch):
        return _SPACE if category[0] == "Z" else None
    return _OTHER if category in _SINGLE else None


def token_edge_arrays(text: str) -> tuple[np.ndarray, np.ndarray]:
    """`token_edges` as two int64 arrays, found with numpy when every character of the
    text has a plain class (letters, digits, spaces, punctuation; nearly every news
    text), else from `token_edges`. Agreement places every span of every analyst on
    these; tests/test_agreement_fast.py checks them against `token_edges`."""
    import numpy as np  # here: the window snaps spans without loading numpy

    chars = sorted(set(text))
    classes = [_char_class(ch) for ch in chars]
    if None in classes:
        plain = token_edges(text)
        return np.asarray(plain[0], dtype=np.int64), np.asarray(plain[1], dtype=np.int64)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    known = np.fromiter(map(ord, chars), dtype=np.uint32, count=len(chars))
    cls = np.asarray(classes, dtype=np.int8)[np.searchsorted(known, points)]
    word = cls == _W
    # A joiner between two word characters is inside the word ("Jean-Yves", "don't").
    inner = np.zeros(len(cls), dtype=bool)
    inner[1:-1] = (cls[1:-1] == _JOIN) & word[:-2] & word[2:]
    word |= inner
    single = ((cls == _OTHER) | (cls == _JOIN)) & ~inner
    before = np.concatenate(([False], word[:-1]))
    after = np.concatenate((word[1:], [False]))
    first = np.flatnonzero((word & ~before) | single)
    last = np.flatnonzero((word & ~after) | single)
    return first.astype(np.int64), last.astype(np.int64) + 1


def snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow [start, end) to whole tokens and trim surrounding space.

    A range that covers no token at all (only whitespace) is returned trimmed but not
    grown, so the caller can refuse it.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, start
    starts, ends = token_edges(text)
    # Token containing `start`: last token starting at or before it, if it ends after it.
    i = bisect_right(starts, start) - 1
    if i >= 0 and ends[i] > start:
        start = starts[i]
    else:
        j = bisect_left(starts, start)
        if j < len(starts) and starts[j] < end:
            start = starts[j]
    # Token containing end-1.
    k = bisect_right(starts, end - 1) - 1
    if k >= 0 and ends[k] > end - 1 and ends[k] >= end:
        end = ends[k]
    else:
        j = bisect_right(ends, end) - 1
        if j >= 0 and ends[j] > start:
            end = ends[j]
    return start, max(start, end)


def next_end(text: str, end: int) -> int:
    """The end of the token after `end` (for growing a span one token to the right)."""
    _, ends = token_edges(text)
    i = bisect_right(ends, end)
    return ends[i] if i < len(ends) else end


def prev_end(text: str, end: int, floor: int) -> int:
    """The end of the previous token, never at or before `floor` (the span's start)."""
    _, ends = token_edges(text)
    i = bisect_left(ends, end) - 1
    return ends[i] if i >= 0 and ends[i] > floor else end


def next_start(text: str, start: int, ceiling: int) -> int:
    """The start of the next token, never at or after `ceiling` (the span's end)."""
    starts, _ = token_edges(text)
    i = bisect_right(starts, start)
    return starts[i] if i < len(starts) and starts[i] < ceiling else start


def prev_start(text: str, start: int) -> int:
    """The start of the token before `start` (for growing a span one token to the left)."""
    starts, _ = token_edges(text)
    i = bisect_left(starts, start) - 1
    return starts[i] if i >= 0 else start


def token_at(text: str, pos: int) -> tuple[int, int] | None:
    """The token under or nearest after `pos`, for making a span at the keyboard caret."""
    starts, ends = token_edges(text)
    i = bisect_right(starts, pos) - 1
    if i >= 0 and ends[i] > pos:
        return starts[i], ends[i]
    j = bisect_left(starts, pos)
    if j < len(starts):
        return starts[j], ends[j]
    return None if i < 0 else (starts[i], ends[i])
