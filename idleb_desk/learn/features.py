"""Features of one rule suggestion, for the project model to weigh.

A suggestion is described by what the analyst sees of it: its cue word, its kind and quote
type, whether and how it names a speaker, how long its content is and how it starts. The
features are strings hashed into a fixed-size vector, so a project's model has the same
shape whatever words its articles use, and training never builds a vocabulary.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from idleb_desk.model import ClaimSuggestion

DIM = 1 << 12
PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "who", "which", "you"})
QUOTES = frozenset("\"“”«»„'‘’")


def _bucket(n: int, edges: tuple[int, ...]) -> int:
    for i, e in enumerate(edges):
        if n <= e:
            return i
    return len(edges)


def names(c: ClaimSuggestion) -> list[str]:
    """The feature names of a suggestion (readable; tests and the CLI show them)."""
    cue = (c.cue.text if c.cue else "").lower().split()
    cue_last = cue[-1] if cue else "<none>"
    cue_first = cue[0] if cue else "<none>"
    speaker = c.speaker.text if c.speaker else ""
    content = c.content.text
    words = content.split()
    out = [
        "bias",
        f"cue={cue_last}",
        f"cue_first={cue_first}",
        f"cue_len={min(len(cue), 4)}",
        f"kind={c.kind}",
        f"quote={c.quote_type}",
        f"kind_cue={c.kind}|{cue_last}",
        f"speaker={'none' if not speaker else 'pron' if speaker.lower() in PRONOUNS else 'np'}",
        f"speaker_len={_bucket(len(speaker.split()), (0, 1, 2, 4, 8))}",
        f"speaker_cap={speaker[:1].isupper()}",
        f"content_len={_bucket(len(words), (1, 2, 4, 8, 16, 32))}",
        f"content_quote={content[:1] in QUOTES}",
        f"content_first={words[0].lower() if words else ''}",
        f"parts={min(len(c.parts), 3)}",
        f"addressees={min(len(c.addressees), 2)}",
        f"antecedent={c.speaker_antecedent is not None}",
    ]
    if c.cue is not None:
        out.append(f"cue_after_content={c.cue.start >= c.content.end}")
        out.append(f"cue_before_content={c.cue.end <= c.content.start}")
        out.append(f"cue_cap={c.cue.text[:1].isupper()}")
    if c.speaker is not None:
        out.append(f"speaker_after_content={c.speaker.start >= c.content.end}")
        out.append(f"speaker_head={speaker.split()[-1].lower() if speaker else ''}")
    return out


def index(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % DIM


def vector(c: ClaimSuggestion) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    for n in names(c):
        v[index(n)] += 1.0
    return v


@dataclass(frozen=True)
class Rows:
    """Suggestions' feature vectors, sparse: entry k is row `rows[k]`, column `cols[k]`.

    A suggestion has some 25 features out of DIM, so a dense matrix of 500 real articles'
    reviews (some 12,000 suggestions) would take 400 MB and most of training's time.
    """

    n: int
    rows: np.ndarray
    cols: np.ndarray

    def dot(self, w: np.ndarray) -> np.ndarray:
        """x @ w, one figure per row."""
        return np.bincount(self.rows, weights=w[self.cols], minlength=self.n)

    def tdot(self, g: np.ndarray) -> np.ndarray:
        """x.T @ g, one figure per column."""
        return np.bincount(self.cols, weights=g[self.rows], minlength=DIM)

    def take(self, keep: np.ndarray) -> Rows:
        """The rows whose mask `keep` is true, renumbered in order."""
        new = np.cumsum(keep) - 1
        sel = keep[self.rows]
        return Rows(int(keep.sum()), new[self.rows[sel]], self.cols[sel])


def sparse(claims: Iterable[ClaimSuggestion]) -> Rows:
    rows: list[int] = []
    cols: list[int] = []
    n = 0
    for n, c in enumerate(claims, start=1):
        idx = [index(f) for f in names(c)]
        cols += idx
        rows += [n - 1] * len(idx)
    return Rows(n, np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))


def matrix(claims: Iterable[ClaimSuggestion]) -> np.ndarray:
    rows = [vector(c) for c in claims]
    if not rows:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.vstack(rows)
