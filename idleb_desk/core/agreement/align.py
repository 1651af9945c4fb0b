"""One-to-one alignment of several coders' units (actor mentions, claims) in one document.

Units with the same range are aligned first (exact match); then units still apart are
joined by the largest overlap, never two units of one coder in one aligned item. Ties are
broken by position, not by coder, so the alignment does not depend on the order of the
files. An item a coder has no unit in is missing for that coder, not a disagreement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

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
    open_ = [it for it in items if None in it[1]]
    return [slot for _, slot in sorted([*full, *_join(open_)], key=_first)]


def _first(item: tuple[Range, Any]) -> Range:
    return item[0]


def _coders(item: tuple[Range, list[T | None]]) -> tuple[Range, list[int]]:
    return item[0], [k for k, x in enumerate(item[1]) if x is not None]


def _join(
    items: list[tuple[Range, list[T | None]]], ordered: bool = False
) -> list[tuple[Range, list[T | None]]]:
    """Items some coder is not in, joined by the largest overlap (the second step of
    `align`); the joined items, each under the range of its first part. `ordered`: the
    items are already in order of range, then of the coders in them."""
    if len(items) < 2:
        return items
    open_ = items if ordered else sorted(items, key=_coders)
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
    return [open_[i] for i in range(len(open_)) if root(i) == i]


def _first_units(
    units: Sequence[tuple[Range, T]],
) -> tuple[dict[Range, T], list[tuple[Range, T]]]:
    """A coder's first unit on each range, and the others (each an item of its own in
    `align`), in the order `align` meets them."""
    first = dict(units)
    if len(first) == len(units):
        return first, []
    first = {}
    others: list[tuple[Range, T]] = []
    for r, u in units:
        if r in first:
            others.append((r, u))
        else:
            first[r] = u
    return first, others


def align_keyed(by_coder: Sequence[Sequence[tuple[Range, T]]]) -> list[list[T | None]]:
    """`align` of (range, unit) pairs, giving the units: the same items in the same
    order. The exact matches are found with dictionaries keyed by range, and only the
    items some coder is not in go through the joins."""
    m = len(by_coder)
    dicts: list[dict[Range, T]] = []
    extra: list[tuple[Range, list[T | None]]] = []
    for k, units in enumerate(by_coder):
        first, others = _first_units(units)
        dicts.append(first)
        for r, u in others:
            slot: list[T | None] = [None] * m
            slot[k] = u
            extra.append((r, slot))
    common = set(dicts[0]).intersection(*dicts[1:])
    items: list[tuple[Range, list[T | None]]] = [(r, [d[r] for d in dicts]) for r in common]
    rest = set().union(*dicts) - common
    open_ = [(r, [d.get(r) for d in dicts]) for r in rest]
    items += _join([*open_, *extra])
    return [slot for _, slot in sorted(items, key=_first)]


def aligned_pairs(a: Sequence[tuple[Range, T]], b: Sequence[tuple[Range, T]]) -> list[tuple[T, T]]:
    """The items of `align_keyed([a, b])` both coders are in, as pairs of units, in no
    particular order (their uses count them)."""
    da, extra_a = _first_units(a)
    db, extra_b = _first_units(b)
    common = da.keys() & db.keys()
    pairs = [(da[r], db[r]) for r in common]
    only_a, only_b = da.keys() - common, db.keys() - common
    if (only_a or extra_a) and (only_b or extra_b):
        if extra_a or extra_b:
            items = _lone(only_a, only_b, da, db, extra_a, extra_b)
        else:
            items = _two(only_a, only_b, da, db)
        for _, (x, y) in _join(items, ordered=True):
            if x is not None and y is not None:
                pairs.append((x, y))
    return pairs


def _two(
    only_a: Iterable[Range], only_b: Iterable[Range], da: Mapping[Range, T], db: Mapping[Range, T]
) -> list[tuple[Range, list[T | None]]]:
    """Two coders' items each is alone in, in `_join`'s order: by range, then coder."""
    keys = sorted([*((r, 0) for r in only_a), *((r, 1) for r in only_b)])
    return [(r, [da[r], None] if k == 0 else [None, db[r]]) for r, k in keys]


def _lone(
    only_a: Iterable[Range],
    only_b: Iterable[Range],
    da: Mapping[Range, T],
    db: Mapping[Range, T],
    extra_a: list[tuple[Range, T]],
    extra_b: list[tuple[Range, T]],
) -> list[tuple[Range, list[T | None]]]:
    """`_two` with a coder's second units on a range, each an item of its own that comes
    after the coder's first one there, in the order `align` makes them."""
    keyed: list[tuple[Range, int, int, T]] = [(r, 0, 0, da[r]) for r in only_a]
    keyed += [(r, 1, 0, db[r]) for r in only_b]
    keyed += [(r, 0, i, u) for i, (r, u) in enumerate(extra_a, 1)]
    keyed += [(r, 1, i, u) for i, (r, u) in enumerate(extra_b, 1)]
    keyed.sort(key=lambda x: (x[0], x[1], x[2]))
    return [(r, [u, None] if k == 0 else [None, u]) for r, k, _, u in keyed]
