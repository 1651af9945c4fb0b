"""The one place that converts code-point offsets to Qt UTF-16 positions and back.

The store counts Python code points; Qt counts UTF-16 code units, so every character
outside the Basic Multilingual Plane (most emoji) is two Qt positions. Qt also splits
blocks on characters other than "\\n" ("\\r", U+2029), which would silently shift every
offset after them, and `setPlainText` silently drops a U+FEFF at the very start of the text
(it reads it as a byte order mark), which shifted every highlight of such a document by
one. So the view shows `display_text(text)`: the same text with those few characters
replaced one-for-one, which keeps code points aligned with what Qt shows.
`tests/test_unicode_positions.py` checks this against a real QTextDocument.

A paragraph longer than DISPLAY_BLOCK_MAX characters (a whole article on one line) is
also shown as several blocks: a space after a sentence end becomes a line break, again
one-for-one. Qt lays out, and the highlighter repaints, a block at a time, so one 5 MB
block made opening the document and every key press cost seconds to minutes.

The tables are per block (paragraph): the start of each block in both units, plus the
code-point positions of the few non-BMP characters. A conversion is two bisects, and
building the tables is one C-speed regex pass, so a long article stays cheap.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Characters Qt's plain-text import treats as block separators (besides "\n"), the frame
# markers it reserves, and U+FEFF, which Qt drops at the start of a text. Each becomes a
# same-length stand-in; U+2060 (word joiner) is what U+FEFF means inside a text anyway.
_DISPLAY_TABLE = str.maketrans(
    {"\r": " ", "\u2029": "\n", "\ufdd0": "\ufffd", "\ufdd1": "\ufffd", "\ufeff": "\u2060"}
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

DISPLAY_BLOCK_MAX = 4000
# A space after terminal punctuation (and closing quotes) before what can start a sentence.
_SENTENCE_SPACE = (
    r"(?<=[.!?\u2026\u3002\uff01\uff1f\u061f\u06d4]['\"\u2019\u201d\u00bb)\]]{0,3}) "
    r"(?=['\"\u2018\u201c\u00ab(\[]*[\p{Lu}\p{Lt}\p{Lo}\p{N}])"
)


@lru_cache(maxsize=1)
def _sentence_space() -> Any:
    """Compiled when a very long line is first shown: `regex` is not loaded to open an
    ordinary article."""
    import regex

    return regex.compile(_SENTENCE_SPACE)


def _display_breaks(text: str, start: int, end: int) -> list[int]:
    """Positions of spaces in text[start:end] to show as line breaks, so that no shown
    block is much longer than DISPLAY_BLOCK_MAX: sentence ends first, else any space."""
    breaks = []
    pos = start
    while end - pos > DISPLAY_BLOCK_MAX:
        lo, hi = pos + DISPLAY_BLOCK_MAX // 2, pos + DISPLAY_BLOCK_MAX
        cut = -1
        for m in _sentence_space().finditer(text, lo, hi):
            cut = m.start()
        if cut < 0:
            cut = text.rfind(" ", lo, hi)
        if cut < 0:
            cut = text.find(" ", hi, end)  # one long run: break at the next space
        if cut < 0:
            break
        breaks.append(cut)
        pos = cut + 1
    return breaks


def display_text(text: str) -> str:
    """The text to give Qt: same code points, no surprise block breaks, no huge blocks."""
    shown = text.translate(_DISPLAY_TABLE)
    breaks: list[int] = []
    if len(shown) > DISPLAY_BLOCK_MAX:
        # Lines by str.split, not a regex for long runs: that regex tried 4,000 characters
        # from every position of every shorter line (38 ms on a 20,000-word article).
        pos = 0
        for line in shown.split("\n"):
            if len(line) > DISPLAY_BLOCK_MAX:
                breaks += _display_breaks(shown, pos, pos + len(line))
            pos += len(line) + 1
    if not breaks:
        return shown
    parts, prev = [], 0
    for b in breaks:
        parts += [shown[prev:b], "\n"]
        prev = b + 1
    parts.append(shown[prev:])
    return "".join(parts)


@dataclass(frozen=True)
class BlockRange:
    number: int
    cp_start: int
    cp_end: int  # end-exclusive, without the "\n"
    qt_start: int


class Utf16Map:
    """Code points <-> UTF-16 positions for one document text."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self._cp_starts: list[int] = []
        self._qt_starts: list[int] = []
        self._cp_ends: list[int] = []
        cp = 0
        qt = 0
        astral = [m.start() for m in _ASTRAL.finditer(text)]
        # Per block: absolute code-point offsets of astral characters in it.
        self._astral: list[list[int]] = []
        ai = 0
        # What Qt is given (see display_text), made once for the map and the view.
        self.display = display_text(text)
        for line in self.display.split("\n"):
            end = cp + len(line)
            here: list[int] = []
            while ai < len(astral) and astral[ai] < end:
                here.append(astral[ai])
                ai += 1
            self._cp_starts.append(cp)
            self._cp_ends.append(end)
            self._qt_starts.append(qt)
            self._astral.append(here)
            qt += len(line) + len(here) + 1
            cp = end + 1
        self.qt_length = qt - 1

    @property
    def block_count(self) -> int:
        return len(self._cp_starts)

    def block_of(self, cp: int) -> int:
        """Block number holding code point `cp` (a block's "\\n" belongs to it)."""
        return max(0, bisect_right(self._cp_starts, cp) - 1)

    def block(self, number: int) -> BlockRange:
        return BlockRange(
            number, self._cp_starts[number], self._cp_ends[number], self._qt_starts[number]
        )

    def to_qt(self, cp: int) -> int:
        cp = max(0, min(cp, self.length))
        b = self.block_of(cp)
        extra = bisect_left(self._astral[b], cp) if self._astral[b] else 0
        return self._qt_starts[b] + (cp - self._cp_starts[b]) + extra

    def to_cp(self, qt: int) -> int:
        """Inverse of `to_qt`; a position inside a surrogate pair rounds down."""
        qt = max(0, min(qt, self.qt_length))
        b = max(0, bisect_right(self._qt_starts, qt) - 1)
        local = qt - self._qt_starts[b]
        cp = self._cp_starts[b] + local
        for k, a in enumerate(self._astral[b]):
            # Astral char k sits at UTF-16 local position (a - start) + k.
            pos = a - self._cp_starts[b] + k
            if pos >= local:
                break
            cp -= 1  # it took two units, one more than its code point
            if pos + 1 == local:  # `qt` points between the halves
                cp = a
                break
        return cp

    def blocks_between(self, cp_start: int, cp_end: int) -> range:
        """Block numbers that [cp_start, cp_end) touches."""
        first = self.block_of(cp_start)
        last = self.block_of(max(cp_start, cp_end - 1))
        return range(first, last + 1)

    def local_qt(self, number: int, cp: int) -> int:
        """Position of `cp` inside block `number`, in UTF-16 units (clamped to the block)."""
        cp = max(self._cp_starts[number], min(cp, self._cp_ends[number]))
        return self.to_qt(cp) - self._qt_starts[number]
