"""A study's documents as positions (tokens or characters) and each coder's units placed
on them once: the aligned units' numbers, the alpha_U units as arrays (`Continuum`) and
the units' values numbered (`values.Values`), shared by every group the coder is in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress
from typing import Any, Literal

import numpy as np

from idleb_desk.core.agreement.continuum import Continuum, Labels
from idleb_desk.core.agreement.files import DocCoding
from idleb_desk.core.agreement.matching import Units
from idleb_desk.core.agreement.unitizing import pairs_array
from idleb_desk.core.agreement.values import CLAIM_FIELDS, MENTION_FIELDS, Values
from idleb_desk.core.offsets import token_edge_arrays
from idleb_desk.model import CONTENT, CUE

PositionUnit = Literal["token", "char"]
Range = tuple[int, int]
Coding = dict[str, DocCoding]  # document text hash -> one coder's coding of it


class Positions:
    """A document's positions: its tokens (the project's own token edges, the same for
    every analyst) or its characters."""

    def __init__(self, text: str, unit: PositionUnit) -> None:
        self.text = text
        self.unit = unit
        # Arrays, not tuples of ints: a study holds every document's edges at once.
        if unit == "token":
            self.starts, self.ends = token_edge_arrays(text)
            self.length = len(self.starts)
        else:
            self.starts = self.ends = np.empty(0, dtype=np.int64)
            self.length = len(text)

    def range(self, start: int, end: int) -> Range | None:
        """The positions a character range covers; None if it covers none."""
        return self.ranges([(start, end)])[0]

    def ranges(self, spans: Sequence[Range]) -> list[Range | None]:
        """`range` of each character range, all at once (a document has hundreds)."""
        if not spans:
            return []
        lo, hi = self.place(pairs_array(spans))
        return [(a, b) if a < b else None for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]

    def place(self, arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first, end) positions of n x 2 character ranges; first >= end: none."""
        if self.unit == "char":
            return np.maximum(arr[:, 0], 0), np.minimum(arr[:, 1], self.length)
        # The first token ending after the start, the first starting at or after the end.
        lo = np.searchsorted(self.ends, arr[:, 0], side="right")
        hi = np.searchsorted(self.starts, arr[:, 1], side="left")
        return lo, hi

    def text_at(self, pos: int) -> str:
        if self.unit == "char":
            return self.text[pos]
        return self.text[int(self.starts[pos]) : int(self.ends[pos])]


@dataclass
class Placed:
    """One coder's coding of one document in positions, computed once and used by every
    group the coder is in: ranges are found once, not once per figure. Its alpha_U
    units (actor mentions; claims' cues and contents) are in the coder's `Continuum`s."""

    # (range, the unit's number in the coder's `mention_list` / `claim_list`).
    mentions: list[tuple[Range, int]]
    claims: list[tuple[Range, int]]


EMPTY = Placed([], [])


class _Layer:
    """One layer's units of a coder, collected document by document as arrays."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, d: int, lo: np.ndarray, hi: np.ndarray, codes: np.ndarray) -> None:
        found = lo < hi
        if found.any():
            n = int(found.sum())
            self.parts.append((np.full(n, d, dtype=np.int64), lo[found], hi[found], codes[found]))

    def continuum(self, n_docs: int) -> Continuum:
        if not self.parts:
            empty = np.empty(0, dtype=np.int64)
            return Continuum(empty, empty.reshape(0, 2), empty, n_docs)
        doc, lo, hi, codes = (np.concatenate(x) for x in zip(*self.parts, strict=True))
        return Continuum(doc, np.stack((lo, hi), axis=1).astype(np.int64), codes, n_docs)


class _Placing:
    """One layer's placed units of a coder (actor mentions, or whole claims): the units
    by number, and their document, range and number as arrays (`matching.Units`)."""

    def __init__(self) -> None:
        self.found: list[Any] = []
        self.parts: list[tuple[int, np.ndarray, np.ndarray]] = []

    def add(
        self, d: int, lo: np.ndarray, hi: np.ndarray, units: Sequence[Any]
    ) -> list[tuple[Range, int]]:
        """The placed units as (range, number), each numbered in the order placed."""
        keep = lo < hi
        found = self.found
        base = len(found)
        found.extend(compress(units, keep.tolist()))
        lo, hi = lo[keep], hi[keep]
        self.parts.append((d, lo, hi))
        ranges = zip(lo.tolist(), hi.tolist(), strict=True)
        return list(zip(ranges, range(base, len(found)), strict=True))

    def units(self) -> Units:
        if not self.parts:
            empty = np.empty(0, dtype=np.int64)
            return Units(empty, empty, empty, empty)
        doc = np.concatenate([np.full(len(lo), d, dtype=np.int64) for d, lo, _ in self.parts])
        lo = np.concatenate([lo for _, lo, _ in self.parts]).astype(np.int64)
        hi = np.concatenate([hi for _, _, hi in self.parts]).astype(np.int64)
        return Units(doc, lo, hi, np.arange(len(doc), dtype=np.int64))


def place(
    coding: DocCoding,
    p: Positions,
    d: int,
    labels: Labels,
    actors: _Layer,
    claims: _Layer,
    units: tuple[_Placing, _Placing],
) -> Placed:
    ms, cs = coding.mentions, coding.claims
    placed = Placed([], [])
    if ms:
        flat = chain.from_iterable((m.start, m.end) for m in ms)
        lo, hi = p.place(np.fromiter(flat, dtype=np.int64, count=2 * len(ms)).reshape(-1, 2))
        placed.mentions = units[0].add(d, lo, hi, ms)
        actors.add(d, lo, hi, labels.codes([m.label for m in ms]))
    if cs:
        lo, hi = p.place(pairs_array([c.span for c in cs]))
        placed.claims = units[1].add(d, lo, hi, cs)
        # Each claim's content parts, then its cue, in claim order.
        parts: list[Range] = []
        names: list[str] = []
        for c in cs:
            parts += c.content
            names += [CONTENT] * len(c.content)
            if c.cue is not None:
                parts.append(c.cue)
                names.append(CUE)
        lo, hi = p.place(pairs_array(parts))
        claims.add(d, lo, hi, labels.codes(names))
    return placed


Prepared = dict[str, Placed]  # document text hash -> one coder's coding of it, placed


class Layout:
    """The study's documents in order, numbered, with their lengths in positions, and
    the labels of every coder numbered once."""

    def __init__(self, lengths: dict[str, int]) -> None:
        self.index = {sha: k for k, sha in enumerate(lengths)}
        self.lengths = np.asarray(list(lengths.values()), dtype=np.int64)
        self.labels = Labels()
        self.values = Values()

    def numbers(self, shas: Iterable[str]) -> np.ndarray:
        """The documents' numbers, sorted (alpha_U does not depend on their order)."""
        return np.asarray(sorted(self.index[sha] for sha in shas), dtype=np.int64)


@dataclass
class Coder:
    """One coder's placed coding and its alpha_U units of each layer as arrays."""

    placed: Prepared
    actors: Continuum
    claims: Continuum
    # Each placed unit's value of each field (`values.Values`), by the unit's number.
    values: dict[str, np.ndarray]
    # The placed mentions and claims (whole) as arrays, for `matching`.
    mention_units: Units
    claim_units: Units

    @classmethod
    def of(cls, coding: Coding, pos: dict[str, Positions], layout: Layout) -> Coder:
        actors, claims = _Layer(), _Layer()
        units = (_Placing(), _Placing())
        placed = {
            sha: place(c, pos[sha], layout.index[sha], layout.labels, actors, claims, units)
            for sha, c in coding.items()
            if sha in pos
        }
        n = len(layout.index)
        values = {f: layout.values.codes(f, units[0].found) for f in MENTION_FIELDS}
        values.update({f: layout.values.codes(f, units[1].found) for f in CLAIM_FIELDS})
        return cls(
            placed,
            actors.continuum(n),
            claims.continuum(n),
            values,
            units[0].units(),
            units[1].units(),
        )

    def get(self, sha: str, default: Placed) -> Placed:
        return self.placed.get(sha, default)

    def actor_units(self, labels: int) -> Units:
        """Every actor mention, set aside or not, as `matching.Units` grouped by document
        and label (group = document * labels + label code)."""
        c = self.actors
        pairs = c.raw_pairs
        return Units(
            c.raw_doc * labels + c.raw_code, pairs[:, 0], pairs[:, 1], np.arange(len(pairs))
        )
