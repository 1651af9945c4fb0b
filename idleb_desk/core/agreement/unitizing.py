"""Krippendorff's unitizing alpha (alpha_U), computed exactly with integers.

Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological
Methodology 25, 47-76; and Content Analysis, 2nd ed. (2004), section 12.3. Each coder
cuts one continuum (positions `begin` to `begin + length`) into units of a label and
the gaps between them. For a label c:

    D_O(c) = 2 / (m (m-1) L^2) * sum over coder pairs i<j, over a segment g of i and h of j
             of delta^2(g, h)

    delta^2 = (b_g - b_h)^2 + (e_g - e_h)^2   both units, overlapping
            = l_g^2                           g a unit lying wholly inside a gap h
            = l_h^2                           h a unit lying wholly inside a gap g
            = 0                               otherwise

    D_E(c) = 2/L * sum over units g of c of
             [ (N_c - 1)(2 l_g^3 - 3 l_g^2 + l_g) / 3 + l_g^2 * sum over gaps h with
               l_h >= l_g of (l_h - l_g + 1) ]
             / ( m L (m L - 1) - sum over units of c of l (l - 1) )

    alpha_U(c) = 1 - D_O(c) / D_E(c);  alpha_U = 1 - mean_c D_O(c) / mean_c D_E(c),

the overall figure as DKPro Statistics (and so INCEpTION) computes it. A coder's units of
one label must not overlap: as INCEpTION does, the earliest (then the longest) is kept and
the ones it overlaps are set aside and counted. Several documents are one continuum laid
end to end, the disagreements pooled over it; a gap never runs across a document's edge.
Sums are Python integers, so the result does not depend on the order units come in.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

Range = tuple[int, int]


@dataclass(frozen=True, order=True)
class Unit:
    """One coded stretch: positions [start, end) of the continuum, coder index, label."""

    start: int
    end: int
    coder: int
    label: str

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class LabelAlpha:
    label: str
    observed: float
    expected: float
    units: int

    @property
    def alpha(self) -> float | None:
        """None when there is no expected disagreement (nothing, or everything, coded)."""
        return None if self.expected == 0 else 1.0 - self.observed / self.expected


@dataclass
class UnitizingAlpha:
    coders: int
    length: int
    labels: dict[str, LabelAlpha] = field(default_factory=dict)
    # Units set aside per coder because they overlapped an earlier one of the same label.
    set_aside: dict[int, int] = field(default_factory=dict)

    @property
    def observed(self) -> float:
        return _mean([x.observed for x in self.labels.values()])

    @property
    def expected(self) -> float:
        return _mean([x.expected for x in self.labels.values()])

    @property
    def alpha(self) -> float | None:
        expected = self.expected
        return None if expected == 0 else 1.0 - self.observed / expected


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def without_overlaps(units: Iterable[Unit]) -> tuple[list[Unit], list[Unit]]:
    """(kept, set aside) for one coder's units of one label: earliest, then longest, wins."""
    kept: list[Unit] = []
    aside: list[Unit] = []
    for u in sorted(units, key=lambda u: (u.start, -u.end)):
        if kept and u.start < kept[-1].end:
            aside.append(u)
        else:
            kept.append(u)
    return kept, aside


def _clean(ranges: list[Range]) -> tuple[list[Range], int]:
    """`without_overlaps` on bare ranges: the kept ones in order, and how many were not."""
    # The usual case: already in order and apart, so nothing is set aside.
    if all(a[1] <= b[0] for a, b in zip(ranges, ranges[1:], strict=False)):
        return ranges, 0
    kept: list[Range] = []
    end = None
    for r in sorted(ranges, key=lambda r: (r[0], -r[1])):
        if end is not None and r[0] < end:
            continue
        kept.append(r)
        end = r[1]
    return kept, len(ranges) - len(kept)


def _gaps(units: list[Range], begin: int, end: int, breaks: Sequence[int]) -> list[int]:
    """Lengths of the stretches between a coder's units, cut at every break (a document
    edge), so that no gap runs from one document into the next."""
    out: list[int] = []

    def add(lo: int, hi: int) -> None:
        cut = lo
        for b in breaks[bisect_right(breaks, lo) : bisect_left(breaks, hi)]:
            out.append(b - cut)
            cut = b
        out.append(hi - cut)

    pos = begin
    for start, stop in units:
        if start > pos:
            add(pos, start)
        pos = stop
    if end > pos:
        add(pos, end)
    return out


def pairs_array(ranges: Sequence[Range]) -> np.ndarray:
    """(start, end) ranges as an n x 2 array; `np.asarray` on a list of tuples looks at
    every tuple as a sequence and took twice as long (a study makes thousands)."""
    flat = np.fromiter(chain.from_iterable(ranges), dtype=np.int64, count=2 * len(ranges))
    return flat.reshape(-1, 2)


def _as_array(units: Sequence[Range] | np.ndarray) -> np.ndarray:
    return units if isinstance(units, np.ndarray) else pairs_array(units)


def _counts(values: np.ndarray) -> dict[int, int]:
    """How many times each (non-negative) value occurs, in increasing order of value."""
    if not len(values):
        return {}
    if int(values.max()) <= _BINCOUNT_MAX:
        times = np.bincount(values)
        found = np.flatnonzero(times)
        return dict(zip(found.tolist(), times[found].tolist(), strict=True))
    found, times = np.unique(values, return_counts=True)
    return dict(zip(found.tolist(), times.tolist(), strict=True))


# Counting by `np.bincount` (an array as long as the largest value) up to this value.
_BINCOUNT_MAX = 1 << 16


def _length_counts(by_coder: Sequence[Sequence[Range] | np.ndarray]) -> dict[int, int]:
    """How many units of each length, over every coder."""
    spans = [_as_array(us) for us in by_coder if len(us)]
    if not spans:
        return {}
    arr = np.concatenate(spans)
    return _counts(arr[:, 1] - arr[:, 0])


def _gap_counts(
    by_coder: Sequence[Sequence[Range] | np.ndarray], begin: int, end: int, breaks: Sequence[int]
) -> dict[int, int]:
    """How many gaps of each length all coders leave, as `_gaps` cuts them, at once
    (each coder's units sorted and apart, as alpha_U has them).

    A coder's gaps are the stretches between its units (and before the first, after the
    last); one with breaks inside it is cut there, into its first piece, the stretches
    between its breaks and its last piece. A break met twice (an empty document) cuts
    nothing: `_gaps` would count a gap of length 0, which no unit's sum reaches."""
    cuts = np.unique(np.asarray([b for b in breaks if begin < b < end], dtype=np.int64))
    pieces = []
    for units in by_coder:
        arr = _as_array(units) if len(units) else np.empty((0, 2), dtype=np.int64)
        lo = np.concatenate(([begin], arr[:, 1]))
        hi = np.concatenate((arr[:, 0], [end]))
        gap = hi > lo
        lo, hi = lo[gap], hi[gap]
        first = np.searchsorted(cuts, lo, side="right")  # the first break inside, if any
        inside = np.searchsorted(cuts, hi, side="left") - first
        whole = inside == 0
        pieces.append(hi[whole] - lo[whole])
        if not whole.all():
            lo, hi, first, inside = lo[~whole], hi[~whole], first[~whole], inside[~whole]
            last = first + inside - 1
            pieces += [cuts[first] - lo, hi - cuts[last]]
            between = _runs(first, last)
            pieces.append(cuts[between + 1] - cuts[between])
    return _counts(np.concatenate(pieces)) if pieces else {}


def _runs(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The indices lo[0]..hi[0]-1, lo[1]..hi[1]-1, ... as one array."""
    sizes = np.maximum(hi - lo, 0)
    total = int(sizes.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    first = np.cumsum(sizes) - sizes
    return np.arange(total, dtype=np.int64) - np.repeat(first - lo, sizes)


def _pair_observed(a: list[Range], b: list[Range]) -> int:
    """Sum of delta^2 over one pair of coders' (sorted, non-overlapping) units."""
    total = 0
    hit_b = [False] * len(b)
    j0 = 0
    nb = len(b)
    for gs, ge in a:
        while j0 < nb and b[j0][1] <= gs:
            j0 += 1
        j = j0
        hit = False
        while j < nb and b[j][0] < ge:
            hs, he = b[j]
            total += (gs - hs) ** 2 + (ge - he) ** 2
            hit = hit_b[j] = True
            j += 1
        if not hit:
            # Overlapping none of the other coder's units, it lies wholly in one of their gaps.
            total += (ge - gs) ** 2
    total += sum((he - hs) ** 2 for (hs, he), hit in zip(b, hit_b, strict=True) if not hit)
    return total


# int64 sums are exact below this; a bigger bound falls back to Python integers.
_INT64_SAFE = 2**62


def pair_observed(a: np.ndarray, b: np.ndarray) -> int:
    """`_pair_observed` (the plain definition, kept as the tests' oracle) on n x 2 arrays,
    in numpy: the units of b that a unit of a overlaps are a run found by bisection, since
    both coders' units are sorted and apart."""
    na, nb = len(a), len(b)
    top = max(int(a[-1, 1]) if na else 0, int(b[-1, 1]) if nb else 0)
    # Every term is at most 2 top^2 and there are fewer than 2 (na + nb) of them.
    if 4 * (na + nb) * top * top >= _INT64_SAFE:
        return _pair_observed([tuple(r) for r in a.tolist()], [tuple(r) for r in b.tolist()])
    a_start, a_end, b_start, b_end = a[:, 0], a[:, 1], b[:, 0], b[:, 1]
    lo = np.searchsorted(b_end, a_start, side="right")  # first unit of b ending after
    hi = np.searchsorted(b_start, a_end, side="left")  # first unit of b starting at or after
    runs = np.maximum(hi - lo, 0)
    total = int(((a_end - a_start)[runs == 0] ** 2).sum())  # a's units in b's gaps
    hits = int(runs.sum())
    hit_b = np.zeros(nb, dtype=bool)
    if hits:
        ai = np.repeat(np.arange(na), runs)
        first = np.cumsum(runs) - runs
        bj = np.arange(hits) - np.repeat(first, runs) + np.repeat(lo, runs)
        total += int(((a_start[ai] - b_start[bj]) ** 2 + (a_end[ai] - b_end[bj]) ** 2).sum())
        hit_b[bj] = True
    total += int(((b_end - b_start)[~hit_b] ** 2).sum())  # b's units in a's gaps
    return total


def label_alpha(
    label: str,
    by_coder: Sequence[Sequence[Range] | np.ndarray],
    begin: int,
    length: int,
    breaks: Sequence[int] = (),
) -> LabelAlpha:
    """alpha_U's parts for one label; `by_coder[i]` is coder i's sorted, non-overlapping
    units as (start, end) ranges (or an n x 2 array of them)."""
    m = len(by_coder)
    arrays = [_as_array(us) for us in by_coder]
    observed_sum = sum(
        pair_observed(arrays[i], arrays[j]) for i in range(m) for j in range(i + 1, m)
    )
    observed = 2 * observed_sum / (m * (m - 1) * length * length)
    # Units and gaps are summed by length: a study has many of each and few lengths.
    lengths = _length_counts(arrays)
    n = sum(lengths.values())
    gap_count = _gap_counts(arrays, begin, begin + length, breaks)
    gaps = sorted(gap_count)
    # at_least[k]: (how many gaps, their total length) among gaps of length >= gaps[k].
    at_least = [(0, 0)] * (len(gaps) + 1)
    for k in range(len(gaps) - 1, -1, -1):
        c, t = at_least[k + 1]
        at_least[k] = (c + gap_count[gaps[k]], t + gap_count[gaps[k]] * gaps[k])
    numerator = 0
    for ln, times in lengths.items():
        count, total = at_least[bisect_left(gaps, ln)]
        within = total - count * (ln - 1)
        # Exact division: 2l^3-3l^2+l = l(l-1)(2l-1), six times a sum of squares.
        numerator += times * ((n - 1) * (2 * ln**3 - 3 * ln**2 + ln) // 3 + ln * ln * within)
    denominator = m * length * (m * length - 1) - sum(
        times * ln * (ln - 1) for ln, times in lengths.items()
    )
    expected = 0.0 if denominator <= 0 else 2 * numerator / (length * denominator)
    return LabelAlpha(label, observed, expected, n)


def alpha_of_ranges(
    by_label: dict[str, list[list[Range]]],
    coders: int,
    length: int,
    begin: int = 0,
    breaks: Sequence[int] = (),
) -> UnitizingAlpha:
    """alpha_U from each label's ranges per coder (`by_label[label][coder]`)."""
    if coders < 2:
        raise ValueError("alpha_U needs at least two coders")
    out = UnitizingAlpha(coders, length)
    if length <= 0:
        return out
    for label in sorted(by_label):
        cleaned = []
        for coder, raw in enumerate(by_label[label]):
            kept, aside = _clean(raw)
            if aside:
                out.set_aside[coder] = out.set_aside.get(coder, 0) + aside
            cleaned.append(kept)
        out.labels[label] = label_alpha(label, cleaned, begin, length, breaks)
    return out


def unitizing_alpha(
    units: Iterable[Unit], coders: int, length: int, begin: int = 0, breaks: Sequence[int] = ()
) -> UnitizingAlpha:
    """alpha_U per label and overall for `coders` coders over [begin, begin + length).

    `breaks`: sorted positions where one document ends and the next begins, when several
    are laid end to end; a gap is cut there, so the documents' order does not matter."""
    by_label: dict[str, list[list[Range]]] = {}
    for u in units:
        by_label.setdefault(u.label, [[] for _ in range(coders)])[u.coder].append((u.start, u.end))
    return alpha_of_ranges(by_label, coders, length, begin, breaks)
