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


class Edges:
    """Every document's positions in one array, each document's characters shifted past
    the last one's, so that the ranges of every document are placed with one
    `np.searchsorted` (`Positions.place` a document at a time, the same numbers)."""

    def __init__(self, pos: dict[str, Positions], order: Iterable[str]) -> None:
        docs = [pos[sha] for sha in order]
        self.unit = docs[0].unit if docs else "token"
        self.length = np.asarray([p.length for p in docs], dtype=np.int64)
        # One character between documents: a range's end never reaches the next one.
        chars = np.asarray([len(p.text) + 1 for p in docs], dtype=np.int64)
        self.char_base = np.cumsum(chars) - chars
        self.pos_base = np.cumsum(self.length) - self.length
        self.starts = self.ends = np.empty(0, dtype=np.int64)
        if self.unit == "token" and docs:
            bases = self.char_base.tolist()
            self.starts = np.concatenate([p.starts + b for p, b in zip(docs, bases, strict=True)])
            self.ends = np.concatenate([p.ends + b for p, b in zip(docs, bases, strict=True)])

    def place(
        self, doc: np.ndarray, start: np.ndarray, end: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(first, end) positions of character ranges of documents `doc`; first >= end:
        none. Clipped to the document, as a search in its own positions would be."""
        n = self.length[doc]
        if self.unit == "char":
            return np.maximum(start, 0), np.minimum(end, n)
        base, first = self.char_base[doc], self.pos_base[doc]
        lo = np.searchsorted(self.ends, start + base, side="right") - first
        hi = np.searchsorted(self.starts, end + base, side="left") - first
        return np.clip(lo, 0, n), np.clip(hi, 0, n)


def _ints(values: Sequence[int]) -> np.ndarray:
    # fromiter: `np.asarray` looks at every int as a possible sequence (five times slower).
    return np.fromiter(values, dtype=np.int64, count=len(values))


def _continuum(
    doc: np.ndarray, lo: np.ndarray, hi: np.ndarray, codes: np.ndarray, n_docs: int
) -> Continuum:
    found = lo < hi
    pairs = np.stack((lo[found], hi[found]), axis=1).astype(np.int64).reshape(-1, 2)
    return Continuum(doc[found], pairs, codes[found], n_docs)


class Layout:
    """The study's documents in order, numbered, with their lengths in positions, and
    the labels of every coder numbered once."""

    def __init__(self, lengths: dict[str, int]) -> None:
        self.index = {sha: k for k, sha in enumerate(lengths)}
        self.lengths = np.asarray(list(lengths.values()), dtype=np.int64)
        self.labels = Labels()
        self.values = Values()
        self._edges: Edges | None = None

    def numbers(self, shas: Iterable[str]) -> np.ndarray:
        """The documents' numbers, sorted (alpha_U does not depend on their order)."""
        return np.asarray(sorted(self.index[sha] for sha in shas), dtype=np.int64)

    def edges(self, pos: dict[str, Positions]) -> Edges:
        """Every document's positions as one array (made once, for the first coder)."""
        if self._edges is None:
            self._edges = Edges(pos, self.index)
        return self._edges


@dataclass
class Coder:
    """One coder's placed coding and its alpha_U units of each layer as arrays."""

    # Each document of the coding, by text hash: its slot (where its units begin and
    # end in `mention_units` and `claim_units`, by `bounds`).
    docs: dict[str, int]
    actors: Continuum
    claims: Continuum
    # Each placed unit's value of each field (`values.Values`), by the unit's number.
    values: dict[str, np.ndarray]
    # The placed mentions and claims (whole) as arrays (`matching`), numbered in order.
    mention_units: Units
    claim_units: Units
    # bounds[layer][k], bounds[layer][k + 1]: the units of slot k.
    bounds: tuple[list[int], list[int]]

    @classmethod
    def of(cls, coding: Coding, pos: dict[str, Positions], layout: Layout) -> Coder:
        """Every document's units placed at once, then numbered in the coding's order of
        documents and each document's order of units, as found."""
        edges = layout.edges(pos)
        shas = [sha for sha in coding if sha in pos]
        numbers = [layout.index[sha] for sha in shas]
        codings = [coding[sha] for sha in shas]
        n = len(layout.index)
        labels = layout.labels
        # Actor mentions (start, end, label, actor).
        ms = list(chain.from_iterable(c.mentions for c in codings))
        mdoc = np.repeat(_ints(numbers), [len(c.mentions) for c in codings])
        columns = list(zip(*ms, strict=True)) if ms else [(), (), ()]
        lo, hi = edges.place(mdoc, _ints(columns[0]), _ints(columns[1]))
        actors = _continuum(mdoc, lo, hi, labels.codes(list(columns[2])), n)
        mentions, m_bounds = _numbered(ms, mdoc, lo, hi, [len(c.mentions) for c in codings])
        # Claims: each as one unit (its content's whole range), and its content's parts
        # and cue as alpha_U units.
        cs = list(chain.from_iterable(c.claims for c in codings))
        c_counts = [len(c.claims) for c in codings]
        cdoc = np.repeat(_ints(numbers), c_counts)
        contents = [c.content for c in cs]
        lo, hi = edges.place(
            cdoc, _ints([x[0][0] for x in contents]), _ints([x[-1][1] for x in contents])
        )
        claims, c_bounds = _numbered(cs, cdoc, lo, hi, c_counts)
        sizes = [len(x) for x in contents]
        parts = list(chain.from_iterable(contents))
        pdoc = np.repeat(cdoc, sizes)
        cues = [c.cue for c in cs]
        has_cue = np.fromiter((x is not None for x in cues), dtype=bool, count=len(cues))
        cue_ranges = [x for x in cues if x is not None]
        doc = np.concatenate((pdoc, cdoc[has_cue]))
        ranges = parts + cue_ranges
        starts, ends = zip(*ranges, strict=True) if ranges else ((), ())
        lo, hi = edges.place(doc, _ints(starts), _ints(ends))
        codes = np.concatenate(
            (
                np.full(len(parts), labels(CONTENT) if parts else 0, dtype=np.int64),
                np.full(len(cue_ranges), labels(CUE) if cue_ranges else 0, dtype=np.int64),
            )
        )
        claim_layer = _continuum(doc, lo, hi, codes, n)
        values = {f: layout.values.codes(f, mentions.found) for f in MENTION_FIELDS}
        values.update({f: layout.values.codes(f, claims.found) for f in CLAIM_FIELDS})
        return cls(
            {sha: k for k, sha in enumerate(shas)},
            actors,
            claim_layer,
            values,
            mentions.units,
            claims.units,
            (m_bounds, c_bounds),
        )

    def get(self, sha: str, default: Placed) -> Placed:
        """The document's placed units as (range, number) lists; `default` if the
        coder does not have it (made when asked: only groups of three coders or more
        align a document at a time)."""
        k = self.docs.get(sha)
        if k is None:
            return default
        return Placed(
            _pairs(self.mention_units, self.bounds[0][k], self.bounds[0][k + 1]),
            _pairs(self.claim_units, self.bounds[1][k], self.bounds[1][k + 1]),
        )

    def counts(self, sha: str) -> tuple[int, int]:
        """How many mentions and claims of the document were placed."""
        k = self.docs[sha]
        m, c = self.bounds
        return m[k + 1] - m[k], c[k + 1] - c[k]

    def actor_units(self, labels: int) -> Units:
        """Every actor mention, set aside or not, as `matching.Units` grouped by document
        and label (group = document * labels + label code)."""
        c = self.actors
        pairs = c.raw_pairs
        group = c.raw_doc * labels + c.raw_code
        return Units(group, pairs[:, 0], pairs[:, 1], np.arange(len(pairs)))


@dataclass
class _Found:
    found: list[Any]
    units: Units


def _numbered(
    items: list[Any], doc: np.ndarray, lo: np.ndarray, hi: np.ndarray, counts: list[int]
) -> tuple[_Found, list[int]]:
    """The items placed on at least one position, numbered in order, as `Units`; and
    where each document's placed items begin and end among them."""
    keep = lo < hi
    found = list(compress(items, keep.tolist()))
    # kept[i]: how many of the first i items were placed.
    kept = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
    bounds = kept[np.cumsum([0, *counts], dtype=np.int64)].tolist()
    units = Units(doc[keep], lo[keep].astype(np.int64), hi[keep].astype(np.int64),
                  np.arange(len(found), dtype=np.int64))  # fmt: skip
    return _Found(found, units), bounds


def _pairs(u: Units, lo: int, hi: int) -> list[tuple[Range, int]]:
    ranges = zip(u.start[lo:hi].tolist(), u.end[lo:hi].tolist(), strict=True)
    return list(zip(ranges, range(lo, hi), strict=True))
