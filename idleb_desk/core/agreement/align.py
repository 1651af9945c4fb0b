"""One-to-one alignment of several coders' units (actor mentions, claims) in one document.

Units with the same range are aligned first (exact match); then units still apart are
joined by the largest overlap, never two units of one coder in one aligned item. Ties are
broken by position, not by coder, so the alignment does not depend on the order of the
files. An item a coder has no unit in is missing for that coder, not a disagreement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
Range = tuple[int, int]


def align(
    units_by_coder: Sequence[Sequence[T]], span: Callable[[T], Range]
) -> list[list[T | None]]:
    """Aligned items in text order, each with one entry per coder (None: no such unit)."""
    m = len(units_by_coder)
    slots: dict[Range, list[T | None]] = {}
    extra: list[tuple[Range, list[T | None]]] = []  # a coder's second unit on one range
    for coder, units in enumerate(units_by_coder):
        for u in units:
            rng = span(u)
            slot = slots.get(rng)
            if slot is None:
                slot = slots[rng] = [None] * m
            elif slot[coder] is not None:
                slot = [None] * m
                extra.append((rng, slot))
            slot[coder] = u
    items = [*slots.items(), *extra]
    full = [it for it in items if None not in it[1]]
    # Items every coder is in (the common case: all agree) can join nothing.
    open_ = sorted(
        (it for it in items if None in it[1]),
        key=lambda it: (it[0], [k for k, x in enumerate(it[1]) if x is not None]),
    )
    if len(open_) < 2:
        return [slot for _, slot in sorted(items, key=lambda it: it[0])]
    # Candidate joins: overlapping items, found by a sweep in start order.
    edges: list[tuple[int, Range, Range, int, int]] = []
    for i, (a, _) in enumerate(open_):
        for j in range(i + 1, len(open_)):
            b = open_[j][0]
            if b[0] >= a[1]:
                break
            overlap = min(a[1], b[1]) - b[0]
            if overlap > 0:
                edges.append((-overlap, a, b, i, j))
    edges.sort()
    parent = list(range(len(open_)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, _, _, i, j in edges:
        ri, rj = root(i), root(j)
        if ri == rj:
            continue
        lo, hi = (ri, rj) if ri < rj else (rj, ri)
        into, other = open_[lo][1], open_[hi][1]
        if any(x is not None and y is not None for x, y in zip(into, other, strict=True)):
            continue  # one coder would have two units in one item
        for k, y in enumerate(other):
            if y is not None:
                into[k] = y
        parent[hi] = lo
    joined = [open_[i] for i in range(len(open_)) if root(i) == i]
    return [slot for _, slot in sorted([*full, *joined], key=lambda it: it[0])]
