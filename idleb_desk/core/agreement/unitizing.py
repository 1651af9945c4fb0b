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
from itertools import accumulate


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


def _gaps(units: list[Unit], begin: int, end: int, breaks: Sequence[int]) -> list[int]:
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
    for u in units:
        if u.start > pos:
            add(pos, u.start)
        pos = u.end
    if end > pos:
        add(pos, end)
    return out


def _pair_observed(a: list[Unit], b: list[Unit]) -> int:
    """Sum of delta^2 over one pair of coders' (sorted, non-overlapping) units."""
    total = 0
    hit_a = [False] * len(a)
    hit_b = [False] * len(b)
    j0 = 0
    for i, g in enumerate(a):
        while j0 < len(b) and b[j0].end <= g.start:
            j0 += 1
        j = j0
        while j < len(b) and b[j].start < g.end:
            h = b[j]
            total += (g.start - h.start) ** 2 + (g.end - h.end) ** 2
            hit_a[i] = hit_b[j] = True
            j += 1
    # A unit overlapping none of the other coder's lies wholly in one of their gaps.
    total += sum(g.length**2 for g, hit in zip(a, hit_a, strict=True) if not hit)
    total += sum(h.length**2 for h, hit in zip(b, hit_b, strict=True) if not hit)
    return total


def label_alpha(
    label: str,
    by_coder: list[list[Unit]],
    begin: int,
    length: int,
    breaks: Sequence[int] = (),
) -> LabelAlpha:
    """alpha_U's parts for one label; `by_coder[i]` is coder i's sorted, non-overlapping units."""
    m = len(by_coder)
    observed_sum = sum(
        _pair_observed(by_coder[i], by_coder[j]) for i in range(m) for j in range(i + 1, m)
    )
    observed = 2 * observed_sum / (m * (m - 1) * length * length)
    units = [u for us in by_coder for u in us]
    n = len(units)
    gaps = sorted(g for us in by_coder for g in _gaps(us, begin, begin + length, breaks))
    suffix = [0, *accumulate(reversed(gaps))]  # suffix[k] = sum of the k longest gaps
    numerator = 0
    for u in units:
        ln = u.length
        k = len(gaps) - bisect_left(gaps, ln)  # gaps at least as long as the unit
        within = suffix[k] - k * (ln - 1)
        # Exact division: 2l^3-3l^2+l = l(l-1)(2l-1), six times a sum of squares.
        numerator += (n - 1) * (2 * ln**3 - 3 * ln**2 + ln) // 3 + ln * ln * within
    denominator = m * length * (m * length - 1) - sum(u.length * (u.length - 1) for u in units)
    expected = 0.0 if denominator <= 0 else 2 * numerator / (length * denominator)
    return LabelAlpha(label, observed, expected, n)


def unitizing_alpha(
    units: Iterable[Unit], coders: int, length: int, begin: int = 0, breaks: Sequence[int] = ()
) -> UnitizingAlpha:
    """alpha_U per label and overall for `coders` coders over [begin, begin + length).

    `breaks`: sorted positions where one document ends and the next begins, when several
    are laid end to end; a gap is cut there, so the documents' order does not matter."""
    if coders < 2:
        raise ValueError("alpha_U needs at least two coders")
    grouped: dict[str, list[list[Unit]]] = {}
    for u in units:
        grouped.setdefault(u.label, [[] for _ in range(coders)])[u.coder].append(u)
    out = UnitizingAlpha(coders, length)
    if length <= 0:
        return out
    for label in sorted(grouped):
        cleaned = []
        for coder, raw in enumerate(grouped[label]):
            kept, aside = without_overlaps(raw)
            if aside:
                out.set_aside[coder] = out.set_aside.get(coder, 0) + len(aside)
            cleaned.append(kept)
        out.labels[label] = label_alpha(label, cleaned, begin, length, breaks)
    return out
