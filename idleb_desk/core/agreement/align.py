"""One-to-one alignment of several coders' units (actor mentions, claims) in one document.

Units with the same range are aligned first (exact match); then units still apart are
joined by the largest overlap, never two units of one coder in one aligned item. Ties are
broken by position, not by coder, so the alignment does not depend on the order of the
files. An item a coder has no unit in is missing for that coder, not a disagreement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
Range = tuple[int, int]


class _Cluster(Generic[T]):
    __slots__ = ("members", "range")

    def __init__(self, rng: Range, members: dict[int, T]) -> None:
        self.range = rng
        self.members = members


def align(
    units_by_coder: Sequence[Sequence[T]], span: Callable[[T], Range]
) -> list[list[T | None]]:
    """Aligned items in text order, each with one entry per coder (None: no such unit)."""
    m = len(units_by_coder)
    exact: dict[Range, _Cluster[T]] = {}
    clusters: list[_Cluster[T]] = []
    for coder, units in enumerate(units_by_coder):
        for u in units:
            rng = span(u)
            c = exact.get(rng)
            if c is not None and coder not in c.members:
                c.members[coder] = u
                continue
            c = _Cluster(rng, {coder: u})
            exact.setdefault(rng, c)
            clusters.append(c)
    clusters.sort(key=lambda c: (c.range, min(c.members)))
    # Candidate joins: overlapping clusters, found by a sweep in start order.
    edges: list[tuple[int, Range, Range, int, int]] = []
    for i, a in enumerate(clusters):
        for j in range(i + 1, len(clusters)):
            b = clusters[j]
            if b.range[0] >= a.range[1]:
                break
            overlap = min(a.range[1], b.range[1]) - b.range[0]
            if overlap > 0:
                edges.append((-overlap, a.range, b.range, i, j))
    edges.sort()
    parent = list(range(len(clusters)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, _, _, i, j in edges:
        ri, rj = root(i), root(j)
        if ri == rj or clusters[ri].members.keys() & clusters[rj].members.keys():
            continue
        lo, hi = sorted((ri, rj))
        clusters[lo].members.update(clusters[hi].members)
        parent[hi] = lo
    items = [clusters[i] for i in range(len(clusters)) if root(i) == i]
    return [[c.members.get(k) for k in range(m)] for c in items]
