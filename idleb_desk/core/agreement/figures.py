"""The coefficients for one group of coders (all analysts, a pair, an analyst and the
model) over a list of documents, pooled: the documents are laid end to end into one
continuum for alpha_U, and aligned units of every document go into one table for the
nominal coefficients. Nothing is averaged over documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

import numpy as np

from idleb_desk.core.agreement.align import _join, _two, align_keyed, aligned_pairs
from idleb_desk.core.agreement.coding import F1
from idleb_desk.core.agreement.continuum import group_alpha
from idleb_desk.core.agreement.placing import EMPTY, Coder, Layout, Range
from idleb_desk.core.agreement.unitizing import UnitizingAlpha
from idleb_desk.core.agreement.values import (
    MENTION_FIELDS,
    MISSING,
    Values,
    pair_values,
    table_values,
)


def pooled_alpha(
    coders: Sequence[Coder], shas: Sequence[str], layout: Layout, layer: str
) -> UnitizingAlpha:
    """alpha_U of the layer ("actors" or "claims") over the documents laid end to end."""
    conts = [getattr(c, layer) for c in coders]
    return group_alpha(conts, layout.numbers(shas), layout.lengths, layout.labels)


def _alpha_dict(a: UnitizingAlpha) -> dict[str, Any]:
    return {
        "alpha": _r(a.alpha),
        "observed": _sig(a.observed),
        "expected": _sig(a.expected),
        "labels": {
            label: {
                "alpha": _r(x.alpha),
                "observed": _sig(x.observed),
                "expected": _sig(x.expected),
                "units": x.units,
            }
            for label, x in a.labels.items()
        },
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _sig(value: float) -> float:
    """Four significant digits: disagreements over a long continuum are small numbers."""
    return float(f"{value:.4g}")


FIELDS = {
    "actor_label": "label",
    "actor": "actor",
    "claim_kind": "kind",
    "claim_speaker": "speaker",
    "claim_addressees": "addressees",
    "claim_quote_type": "quote_type",
}


def aligned_values(coders: Sequence[Coder], shas: Sequence[str], values: Values) -> dict[str, Any]:
    """Nominal alpha and kappa on aligned mentions (label, actor) and claims (kind,
    speaker, addressees, quote type); claims are aligned by their content's range."""
    if len(coders) == 2:
        return _aligned_pair_values(coders[0], coders[1], shas, values)
    mentions: list[list[int | None]] = [[] for _ in coders]
    claims: list[list[int | None]] = [[] for _ in coders]
    for sha in shas:
        placed = [c.get(sha, EMPTY) for c in coders]
        items = align_keyed([p.mentions for p in placed])
        for k, column in enumerate(mentions):
            column += [item[k] for item in items]
        claim_items = align_keyed([p.claims for p in placed])
        for k, claim_column in enumerate(claims):
            claim_column += [item[k] for item in claim_items]
    at = {"mentions": [_numbers(col) for col in mentions]}
    at["claims"] = [_numbers(col) for col in claims]
    out = {}
    for name, f in FIELDS.items():
        numbers = at["mentions" if f in MENTION_FIELDS else "claims"]
        columns = [_column(c.values[f], col) for c, col in zip(coders, numbers, strict=True)]
        alpha, kappa_, n = table_values(columns, values.size(f))
        out[name] = {"alpha": _r(alpha), "kappa": _r(kappa_), "units": n}
    return out


def _numbers(column: list[int | None]) -> np.ndarray:
    """A column of unit numbers as an array, MISSING where the coder has no unit."""
    return np.fromiter((MISSING if k is None else k for k in column), np.int64, len(column))


def _column(codes: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The values of a coder's units by number, MISSING where it has none."""
    if not len(codes):
        return np.full(len(at), MISSING, dtype=np.int64)
    return np.where(at == MISSING, MISSING, codes[np.maximum(at, 0)])


def _aligned_pair_values(a: Coder, b: Coder, shas: Sequence[str], values: Values) -> dict[str, Any]:
    """`aligned_values` for two coders (six groups in seven): only the items both are in
    count, so their values are taken as pairs, with no table of rows in between."""
    ms: list[tuple[int, int]] = []
    cs: list[tuple[int, int]] = []
    for sha in shas:
        pa, pb = a.get(sha, EMPTY), b.get(sha, EMPTY)
        ms += aligned_pairs(pa.mentions, pb.mentions)
        cs += aligned_pairs(pa.claims, pb.claims)
    pairs = {
        "label": _pair_arrays(ms),
        "actor": _pair_arrays(ms),
    }
    claim_pairs = _pair_arrays(cs)
    out = {}
    for name, f in FIELDS.items():
        ia, ib = pairs.get(f, claim_pairs)
        alpha, kappa_, n = pair_values(a.values[f][ia], b.values[f][ib], values.size(f))
        out[name] = {"alpha": _r(alpha), "kappa": _r(kappa_), "units": n}
    return out


def _pair_arrays(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    flat = np.fromiter(chain.from_iterable(pairs), dtype=np.int64, count=2 * len(pairs))
    return flat[0::2], flat[1::2]


def _matches(ra: list[Range], rb: list[Range]) -> tuple[int, int]:
    """(same ranges, one-to-one overlapping ranges) of two coders' units of one label."""
    sa, sb = set(ra), set(rb)
    if len(sa) == len(ra) and len(sb) == len(rb):
        # No coder has a range twice: the exact matches, then `align`'s joins of the rest.
        same = sa & sb
        only_a, only_b = sa - same, sb - same
        if not only_a or not only_b:
            return len(same), len(same)
        items = _two(only_a, only_b, {r: r for r in only_a}, {r: r for r in only_b})
        joined = sum(1 for _, (x, y) in _join(items, ordered=True) if x and y)
        return len(same), len(same) + joined
    exact = sum((Counter(ra) & Counter(rb)).values())
    return exact, len(aligned_pairs([(r, r) for r in ra], [(r, r) for r in rb]))


UnitsOf = Callable[[Coder, str], dict[str, list[Range]]]


def span_f1(
    a: Coder, b: Coder, shas: Sequence[str], units_of: UnitsOf
) -> dict[str, dict[str, float | None]]:
    """Per label and over all labels: exact F1 (same positions, same label) and overlap
    F1 (one-to-one overlapping units of the same label)."""
    exact: dict[str, F1] = {}
    overlap: dict[str, F1] = {}
    for sha in shas:
        ua, ub = units_of(a, sha), units_of(b, sha)
        for label in ua.keys() | ub.keys():
            ra, rb = ua.get(label, []), ub.get(label, [])
            same, both = _matches(ra, rb)
            exact[label] = exact.get(label, F1(0, 0, 0)) + F1(same, len(ra), len(rb))
            overlap[label] = overlap.get(label, F1(0, 0, 0)) + F1(both, len(ra), len(rb))
    out = {
        label: {"exact": _r(exact[label].value), "overlap": _r(overlap[label].value)}
        for label in sorted(exact)
    }
    total_e = sum(exact.values(), F1(0, 0, 0))
    total_o = sum(overlap.values(), F1(0, 0, 0))
    out["all"] = {"exact": _r(total_e.value), "overlap": _r(total_o.value)}
    return out


def group_figures(coders: Sequence[Coder], shas: Sequence[str], layout: Layout) -> dict[str, Any]:
    """Every coefficient for these coders over these documents."""
    actors = pooled_alpha(coders, shas, layout, "actors")
    claims = pooled_alpha(coders, shas, layout, "claims")
    out: dict[str, Any] = {
        "documents": len(shas),
        "actor_alpha_u": _alpha_dict(actors),
        "claim_alpha_u": _alpha_dict(claims),
        "aligned": aligned_values(coders, shas, layout.values),
        "set_aside": [
            actors.set_aside.get(k, 0) + claims.set_aside.get(k, 0) for k in range(len(coders))
        ],
    }
    if len(coders) == 2:
        out["actor_f1"] = span_f1(
            coders[0], coders[1], shas, lambda c, sha: c.by_label("actors", sha, layout)
        )
        out["claim_f1"] = span_f1(
            coders[0], coders[1], shas, lambda c, sha: c.by_label("whole", sha, layout)
        )
    return out
