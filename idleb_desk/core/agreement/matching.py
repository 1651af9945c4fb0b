"""`align.aligned_pairs` for every document (or every document and label) of two coders
at once, with their units held as arrays: the exact matches (the same range) are found
in numpy, and only the units left over on both sides of a group go through `align`'s
joins, group by group, in the order `aligned_pairs` gives them. A pair of coders in a
study has tens of thousands of units and few left over.

Units are given as arrays: group (a document's number, or a document and label made
into one number), start, end, and a payload number (the unit's number in its coder's
list), in the coder's order within each group (`aligned_pairs` takes a coder's first
unit on a range as the one matched, and the others as items of their own).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from idleb_desk.core.agreement.align import _join, _lone, _two

Range = tuple[int, int]


@dataclass(frozen=True)
class Units:
    """One coder's units: group, start, end and payload number, each an int64 array."""

    group: np.ndarray
    start: np.ndarray
    end: np.ndarray
    number: np.ndarray

    def take(self, keep: np.ndarray) -> Units:
        return Units(self.group[keep], self.start[keep], self.end[keep], self.number[keep])


def _keys(u: Units, shift: int) -> np.ndarray:
    return (u.group << (2 * shift)) | (u.start << shift) | u.end


@dataclass(frozen=True)
class _Side:
    """A coder's units by key: each key's first unit, and the other units on a key."""

    keys: np.ndarray  # distinct keys, sorted
    first: np.ndarray  # the row of each key's first unit
    extra: np.ndarray  # rows of the other units, in the coder's order

    @classmethod
    def of(cls, keys: np.ndarray) -> _Side:
        order = np.argsort(keys, kind="stable")  # stable: a key's first row comes first
        ks = keys[order]
        firsts = np.ones(len(ks), dtype=bool)
        firsts[1:] = ks[1:] != ks[:-1]
        return cls(ks[firsts], order[firsts], np.sort(order[~firsts]))


def _bits(a: Units, b: Units) -> tuple[int, int] | None:
    """(bits of a position, bits of a group) for the keys, None if they do not fit."""
    top = max([int(x.max()) for x in (a.end, b.end, a.start, b.start) if len(x)] + [1])
    groups = max([int(x.max()) for x in (a.group, b.group) if len(x)] + [1])
    shift, gbits = top.bit_length(), groups.bit_length()
    return None if 2 * shift + gbits > 62 else (shift, gbits)


def matched(a: Units, b: Units) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs `aligned_pairs` gives for each group, all groups at once: (a's payload
    numbers, b's payload numbers, the pair's group), in no particular order."""
    if not len(a.group) or not len(b.group):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    bits = _bits(a, b)
    if bits is None:
        return _plain(a, b)
    shift = bits[0]
    sa, sb = _Side.of(_keys(a, shift)), _Side.of(_keys(b, shift))
    _, ia, ib = np.intersect1d(sa.keys, sb.keys, assume_unique=True, return_indices=True)
    rows_a, rows_b = sa.first[ia], sb.first[ib]
    out_a, out_b, out_g = [a.number[rows_a]], [b.number[rows_b]], [a.group[rows_a]]
    # What is left: first units with no match, and units after the first on a key.
    lone_a = np.ones(len(sa.keys), dtype=bool)
    lone_a[ia] = False
    lone_b = np.ones(len(sb.keys), dtype=bool)
    lone_b[ib] = False
    left_a = (sa.first[lone_a], sa.extra)
    left_b = (sb.first[lone_b], sb.extra)
    both = np.intersect1d(
        np.concatenate([a.group[r] for r in left_a]), np.concatenate([b.group[r] for r in left_b])
    )
    if len(both):
        ja, jb, jg = _joined(a, b, left_a, left_b, both)
        out_a.append(ja)
        out_b.append(jb)
        out_g.append(jg)
    return np.concatenate(out_a), np.concatenate(out_b), np.concatenate(out_g)


_Left = dict[int, tuple[dict[Range, int], list[tuple[Range, int]]]]


def _left_by_group(u: Units, left: tuple[np.ndarray, np.ndarray], groups: np.ndarray) -> _Left:
    """A coder's units left over, in the groups where both coders have some: each
    group's unmatched first units by range, and its other units in the coder's order."""
    out: _Left = {g: ({}, []) for g in groups.tolist()}
    firsts, extras = (r[np.isin(u.group[r], groups)] for r in left)
    for rows, k in ((firsts, 0), (np.sort(extras), 1)):
        for g, s, e, n in zip(
            u.group[rows].tolist(),
            u.start[rows].tolist(),
            u.end[rows].tolist(),
            u.number[rows].tolist(),
            strict=True,
        ):
            if k == 0:
                out[g][0][(s, e)] = n
            else:
                out[g][1].append(((s, e), n))
    return out


def _joined(
    a: Units,
    b: Units,
    left_a: tuple[np.ndarray, np.ndarray],
    left_b: tuple[np.ndarray, np.ndarray],
    groups: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`aligned_pairs`' joins of the units left over, group by group."""
    by_a = _left_by_group(a, left_a, groups)
    by_b = _left_by_group(b, left_b, groups)
    pa: list[int] = []
    pb: list[int] = []
    pg: list[int] = []
    for g in groups.tolist():
        da, extra_a = by_a[g]
        db, extra_b = by_b[g]
        if extra_a or extra_b:
            items = _lone(da, db, da, db, extra_a, extra_b)
        else:
            items = _two(da, db, da, db)
        for _, (x, y) in _join(items, ordered=True):
            if x is not None and y is not None:
                pa.append(x)
                pb.append(y)
                pg.append(g)
    return (np.asarray(pa, dtype=np.int64), np.asarray(pb, dtype=np.int64),
            np.asarray(pg, dtype=np.int64))  # fmt: skip


def _plain(a: Units, b: Units) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`matched` group by group with `aligned_pairs` (positions too large for keys)."""
    from idleb_desk.core.agreement.align import aligned_pairs

    def lists(u: Units) -> dict[int, list[tuple[Range, int]]]:
        out: dict[int, list[tuple[Range, int]]] = {}
        for g, s, e, n in zip(u.group.tolist(), u.start.tolist(), u.end.tolist(),
                              u.number.tolist(), strict=True):  # fmt: skip
            out.setdefault(g, []).append(((s, e), n))
        return out

    la, lb = lists(a), lists(b)
    pa, pb, pg = [], [], []
    for g in sorted(la.keys() & lb.keys()):
        for x, y in aligned_pairs(la[g], lb[g]):
            pa.append(x)
            pb.append(y)
            pg.append(g)
    return (np.asarray(pa, dtype=np.int64), np.asarray(pb, dtype=np.int64),
            np.asarray(pg, dtype=np.int64))  # fmt: skip


def same_ranges(a: Units, b: Units) -> tuple[np.ndarray, np.ndarray]:
    """For each (group, range) both coders have: its group and how many times both have
    it (the smaller count): the exact matches `Counter(ra) & Counter(rb)` counts."""
    if not len(a.group) or not len(b.group):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    bits = _bits(a, b)
    if bits is None:
        from collections import Counter

        ca = Counter(zip(a.group.tolist(), a.start.tolist(), a.end.tolist(), strict=True))
        cb = Counter(zip(b.group.tolist(), b.start.tolist(), b.end.tolist(), strict=True))
        both = ca & cb
        return (np.asarray([k[0] for k in both], dtype=np.int64),
                np.asarray(list(both.values()), dtype=np.int64))  # fmt: skip
    shift = bits[0]
    ka, ta = np.unique(_keys(a, shift), return_counts=True)
    kb, tb = np.unique(_keys(b, shift), return_counts=True)
    common, ia, ib = np.intersect1d(ka, kb, assume_unique=True, return_indices=True)
    return common >> (2 * shift), np.minimum(ta[ia], tb[ib])


MISSING = -1


def aligned_rows(coders: list[Units], docs: np.ndarray) -> list[np.ndarray] | None:
    """`align.align_keyed` of every document in `docs` (document numbers, in the order
    wanted), its items in order of document then range, as one column of payload numbers
    per coder (MISSING where the coder has no unit in the item). None when a coder has
    two units on one range somewhere (the caller aligns a document at a time then)."""
    if not coders:
        return None
    rank = np.full(int(max([docs.max(initial=0)] + [u.group.max(initial=0) for u in coders])) + 1,
                   -1, dtype=np.int64)  # fmt: skip
    rank[docs] = np.arange(len(docs), dtype=np.int64)
    kept = [u.take(rank[u.group] >= 0) for u in coders]
    # Keys by rank, so that sorting keys is sorting by document (in `docs` order), range.
    ranked = [Units(rank[u.group], u.start, u.end, u.number) for u in kept]
    top = max([int(x.max()) for u in ranked for x in (u.start, u.end) if len(x)] + [1])
    shift = top.bit_length()
    if 2 * shift + max(len(docs), 1).bit_length() > 62:
        return None
    keys = [_keys(u, shift) for u in ranked]
    sides = [_Side.of(k) for k in keys]
    if any(len(s.extra) for s in sides):
        return None
    common = sides[0].keys
    for s in sides[1:]:
        common = np.intersect1d(common, s.keys, assume_unique=True)
    out_keys = [common]
    columns: list[list[np.ndarray]] = [[] for _ in coders]
    for k, s in enumerate(sides):
        at = np.searchsorted(s.keys, common)
        columns[k].append(kept[k].number[s.first[at]])
    # Units some coder is without: joined document by document, as `align_keyed` does.
    rest = [~np.isin(s.keys, common, assume_unique=True) for s in sides]
    left: dict[int, list[dict[Range, int]]] = {}
    for k, (s, r) in enumerate(zip(sides, rest, strict=True)):
        rows = s.first[r]
        u = ranked[k]
        for d, a, b, n in zip(u.group[rows].tolist(), u.start[rows].tolist(),
                              u.end[rows].tolist(), kept[k].number[rows].tolist(),
                              strict=True):  # fmt: skip
            left.setdefault(d, [{} for _ in coders])[k][(a, b)] = n
    if left:
        extra_keys: list[int] = []
        extra_cols: list[list[int]] = [[] for _ in coders]
        for d, dicts in left.items():
            ranges = set().union(*dicts)
            open_ = [(r, [x.get(r) for x in dicts]) for r in ranges]
            for (a, b), slot in _join(open_):
                extra_keys.append((d << (2 * shift)) | (a << shift) | b)
                for k, n in enumerate(slot):
                    extra_cols[k].append(MISSING if n is None else n)
        out_keys.append(np.asarray(extra_keys, dtype=np.int64))
        for k in range(len(coders)):
            columns[k].append(np.asarray(extra_cols[k], dtype=np.int64))
    order = np.argsort(np.concatenate(out_keys), kind="stable")
    return [np.concatenate(c)[order] for c in columns]
