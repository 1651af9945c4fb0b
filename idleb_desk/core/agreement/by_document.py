"""alpha_U of each document on its own (the report's per-document table), every document
at once: the same integers `unitizing.label_alpha` sums for one document and label,
summed in numpy for every (document, label) together, then the same float divisions.

A (document, label) is one group; positions are shifted by group so that no unit meets
one of another group. For each group, as `label_alpha` has it:
- observed: over coder pairs, (b_g - b_h)^2 + (e_g - e_h)^2 for units that overlap, and
  l^2 for a unit overlapping none of the other coder's;
- units counted by length, and each coder's gaps (before its first unit, between its
  units, after its last; the whole document for a coder with none) by length;
- expected's numerator: per unit length l (times units), (n-1)(2l^3-3l^2+l)/3 + l^2 times
  the sum over gaps of length >= l of (gap - l + 1); its denominator
  mL(mL-1) - sum of l(l-1).
Sums are int64, exact below 2^62; larger documents are left to `group_alpha`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from idleb_desk.core.agreement.continuum import Continuum, Labels

_SAFE = 2**62


def _add(size: int, at: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, at, values)
    return out


def document_alphas(
    coders: Sequence[Continuum], docs: np.ndarray, lengths: np.ndarray, labels: Labels
) -> list[float | None] | None:
    """alpha_U of each document of `docs` alone (`group_alpha(coders, [d], ...)`'s
    alpha), in their order; None when the sums could leave int64 (then per document)."""
    m = len(coders)
    n_labels = max(len(labels.names), 1)
    rank = np.full(len(lengths), -1, dtype=np.int64)
    rank[docs] = np.arange(len(docs), dtype=np.int64)
    size = len(docs) * n_labels
    length = lengths[docs]  # each document's length, by rank
    top = int(length.max(initial=0)) + 1
    # (group, start, end) of each coder's units in these documents, sorted.
    units = []
    for c in coders:
        keep = rank[c.doc] >= 0
        g = rank[c.doc[keep]] * n_labels + c.code[keep]
        start, end = c.pairs[keep, 0], c.pairs[keep, 1]
        order = np.lexsort((start, g))
        units.append((g[order], start[order], end[order]))
    all_g = np.concatenate([g for g, _, _ in units])
    all_len = np.concatenate([e - s for _, s, e in units])
    n = np.bincount(all_g, minlength=size)
    most = int(n.max(initial=0))
    # A group's numerator is at most n L^3 (2n/3 + m); its observed sum 4 n L^2.
    if 2 * most * (most + m) * top**3 >= _SAFE or size * top >= _SAFE:
        return None
    present = np.unique(all_g)
    g_len = length[present // n_labels]
    observed = np.zeros(size, dtype=np.int64)
    for i in range(m):
        for j in range(i + 1, m):
            observed += _pair_observed(units[i], units[j], top, size)
    # Units by (group, length); gaps by (group, length).
    key, times = np.unique(all_g * top + all_len, return_counts=True)
    ug, ul = key // top, key % top
    gaps_g, gaps_len = _gaps(units, present, g_len, length, n_labels)
    gkey = np.sort(gaps_g * top + gaps_len)
    glen = gkey % top
    cum = np.concatenate(([0], np.cumsum(glen)))
    first = np.searchsorted(gkey, ug * top + ul, side="left")
    last = np.searchsorted(gkey, (ug + 1) * top, side="left")
    count, longer = last - first, cum[last] - cum[first]
    within = longer - count * (ul - 1)
    poly = 2 * ul**3 - 3 * ul**2 + ul
    terms = times * ((n[ug] - 1) * poly // 3 + ul * ul * within)
    numerator = _add(size, ug, terms)
    minus = _add(size, ug, times * ul * (ul - 1))
    # The floats, from Python integers as `label_alpha` divides them.
    obs_l, num_l, minus_l = observed.tolist(), numerator.tolist(), minus.tolist()
    by_doc: dict[int, list[tuple[str, float, float]]] = {}
    n_docs = len(docs)
    lengths_l = length.tolist()
    for g in present.tolist():
        d, code = divmod(g, n_labels)
        size_d = lengths_l[d]
        if size_d <= 0:
            continue  # no positions: no figure (`group_alpha`)
        obs = 2 * obs_l[g] / (m * (m - 1) * size_d * size_d)
        den = m * size_d * (m * size_d - 1) - minus_l[g]
        exp = 0.0 if den <= 0 else 2 * num_l[g] / (size_d * den)
        by_doc.setdefault(d, []).append((labels.names[code], obs, exp))
    out: list[float | None] = []
    for d in range(n_docs):
        found = sorted(by_doc.get(d, []))
        if not found:
            out.append(None)
            continue
        mean_obs = sum(o for _, o, _ in found) / len(found)
        mean_exp = sum(e for _, _, e in found) / len(found)
        out.append(None if mean_exp == 0 else 1.0 - mean_obs / mean_exp)
    return out


Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def _pair_observed(a: Arrays, b: Arrays, top: int, size: int) -> np.ndarray:
    """`unitizing.pair_observed` of every group at once: its sum for each group."""
    ga, sa, ea = a
    gb, sb, eb = b
    a_start, a_end = ga * top + sa, ga * top + ea
    b_start, b_end = gb * top + sb, gb * top + eb
    lo = np.searchsorted(b_end, a_start, side="right")
    hi = np.searchsorted(b_start, a_end, side="left")
    runs = np.maximum(hi - lo, 0)
    alone = runs == 0
    out = _add(size, ga[alone], (ea - sa)[alone] ** 2)  # a's units in b's gaps
    hits = int(runs.sum())
    hit_b = np.zeros(len(gb), dtype=bool)
    if hits:
        ai = np.repeat(np.arange(len(ga)), runs)
        first = np.cumsum(runs) - runs
        bj = np.arange(hits) - np.repeat(first, runs) + np.repeat(lo, runs)
        out += _add(size, ga[ai], (sa[ai] - sb[bj]) ** 2 + (ea[ai] - eb[bj]) ** 2)
        hit_b[bj] = True
    out += _add(size, gb[~hit_b], (eb - sb)[~hit_b] ** 2)  # b's units in a's gaps
    return out


def _gaps(
    units: list[Arrays], present: np.ndarray, g_len: np.ndarray, length: np.ndarray, n_labels: int
) -> tuple[np.ndarray, np.ndarray]:
    """(group, length) of every coder's gaps in every present group (`_gap_counts`
    with no document edge inside: a group is one document)."""
    groups, sizes = [], []
    for g, s, e in units:
        same = g[1:] == g[:-1]
        firsts = np.concatenate(([True], ~same)) if len(g) else np.empty(0, dtype=bool)
        lasts = np.concatenate((~same, [True])) if len(g) else np.empty(0, dtype=bool)
        doc_len = length[g // n_labels]
        parts = (
            (g[firsts], s[firsts]),  # before the first unit
            (g[1:][same], s[1:][same] - e[:-1][same]),  # between units
            (g[lasts], doc_len[lasts] - e[lasts]),  # after the last
        )
        none = ~np.isin(present, g)  # groups where this coder has no unit: one gap
        for gg, ll in (*parts, (present[none], g_len[none])):
            keep = ll > 0
            groups.append(gg[keep])
            sizes.append(ll[keep])
    return np.concatenate(groups), np.concatenate(sizes)
