"""Quotation marks: pairing them and telling direct quotes from quoted fragments.

Works on the raw text so that curly, straight and guillemet quotes all pair the same way,
whatever the tokenizer did with them. Pairing is per paragraph: news style never closes a
quote that runs on into the next paragraph, so an unclosed quote ends with its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

# The one definition of quote marks for all of nlp/ (tests/test_nlp_quotes.py checks that
# no other module writes its own). Each opening mark with the mark that closes it: the
# low "„" opens a German-style quote closed by "“".
PAIRS: dict[str, str] = {"“": "”", "«": "»", "„": "“", '"': '"'}
OPENING = frozenset(PAIRS)
# "“" closes only after "„"; anywhere else it opens, so it is not a closing mark here.
CLOSING = frozenset({"”", "»", '"'})
ALL = OPENING | CLOSING
# Single marks are apostrophes too ("Assad's"), so only rules that look at a whole token
# or a word's edge count them as quotes.
SINGLE_OPENING = frozenset("'‘")
SINGLE_CLOSING = frozenset("'’")
SINGLE = SINGLE_OPENING | SINGLE_CLOSING
PARAGRAPH = re.compile(r"[^\n]+")
# Characters after which an opening quote starts a direct quote: a sentence start or
# an introducing colon/comma ("X said: "...", "X said, "...").
INTRODUCERS = frozenset(":,.;!?-–—")
INNER_PUNCT = frozenset(".,!?")


@dataclass(frozen=True)
class Quote:
    """A quoted stretch: `start`/`end` include the marks; `closed` is False if unclosed."""

    start: int
    end: int
    closed: bool
    para_start: int
    para_end: int

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - 1 if self.closed else self.end


def find_quotes(text: str) -> list[Quote]:
    """All quoted stretches, in order, non-nested at the top level."""
    quotes: list[Quote] = []
    for para in PARAGRAPH.finditer(text):
        p_start, p_end = para.start(), para.end()
        i = p_start
        while i < p_end:
            ch = text[i]
            if ch in PAIRS and _can_open(text, i, p_start):
                close = PAIRS[ch]
                j = _find_close(text, i + 1, p_end, ch, close)
                if j is None:
                    end = p_end
                    while end > i + 1 and text[end - 1].isspace():
                        end -= 1
                    quotes.append(Quote(i, end, False, p_start, p_end))
                    break
                quotes.append(Quote(i, j + 1, True, p_start, p_end))
                i = j + 1
                continue
            i += 1
    return quotes


def _can_open(text: str, i: int, para_start: int) -> bool:
    """A straight quote opens only after whitespace/punctuation (not inside a word)."""
    if text[i] != '"':
        return True
    return i == para_start or not text[i - 1].isalnum()


def _find_close(text: str, i: int, end: int, opener: str, close: str) -> int | None:
    while i < end:
        ch = text[i]
        if ch == close or (opener == '"' and ch == "”") or (opener == "“" and ch == '"'):
            return i
        i += 1
    return None


def word_count(text: str) -> int:
    return len(text.split())


def is_direct(text: str, q: Quote) -> bool:
    """Does the quote stand as a whole utterance rather than a fragment inside a clause?

    A direct quote starts its paragraph or sentence, or follows an introducing colon or
    comma. A fragment ("would not "take a single step back"") follows an ordinary word.
    The attribution step still needs a speaker before any claim is made.
    """
    inner_s, inner_e = q.inner
    if word_count(text[inner_s:inner_e]) < 2 and not _exclaimed(text[inner_s:inner_e]):
        return False  # a one-word scare quote; an exclamation ("Never!") is an utterance
    k = q.start - 1
    while k >= q.para_start and text[k] in " \t":
        k -= 1
    if k < q.para_start:
        return True
    return text[k] in INTRODUCERS


def _exclaimed(inner: str) -> bool:
    return inner.rstrip().endswith(("!", "?")) and word_count(inner) >= 1


def is_quote_token(tok: Token) -> bool:
    return tok.text in ALL


def contains_quote_mark(text: str) -> bool:
    return any(ch in ALL for ch in text)


def balance_quote_end(text: str, start: int, end: int) -> int:
    """Extend a span by a closing quote mark it leaves dangling (odd count inside)."""
    inside = sum(1 for ch in text[start:end] if ch in ALL)
    if inside % 2 == 1:
        k = end
        while k < len(text) and text[k] in " \t":
            k += 1
        if k < len(text) and text[k] in CLOSING:
            return k + 1
        # '... "a mess."': the gold keeps the punctuation inside the marks with the quote.
        if k + 1 < len(text) and text[k] in INNER_PUNCT and text[k + 1] in CLOSING:
            return k + 2
        # 'would continue "until ...' cut by a bad parse: run on to the closing mark.
        last = max(i for i in range(start, end) if text[i] in ALL)
        if text[last] in PAIRS and text[last:end].strip() == text[last]:
            para_end = text.find("\n", end)
            para_end = len(text) if para_end < 0 else para_end
            for j in range(end, para_end):
                if text[j] in CLOSING:
                    return j + 1
    return end
