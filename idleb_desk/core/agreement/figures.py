"""The coefficients for one group of coders (all analysts, a pair, an analyst and the
model) over a list of documents, pooled: the documents are laid end to end into one
continuum for alpha_U, and aligned units of every document go into one table for the
nominal coefficients. Nothing is averaged over documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from idleb_desk.core.agreement.align import align_keyed
from idleb_desk.core.agreement.coding import F1
from idleb_desk.core.agreement.continuum import group_alpha
from idleb_desk.core.agreement.matching import Units, aligned_rows, matched, same_ranges
from idleb_desk.core.agreement.placing import EMPTY, Coder, Layout
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


def aligned_values(coders: Sequence[Coder], shas: Sequence[str], layout: Layout) -> dict[str, Any]:
    """Nominal alpha and kappa on aligned mentions (label, actor) and claims (kind,
    speaker, addressees, quote type); claims are aligned by their content's range."""
    values = layout.values
    if len(coders) == 2:
        return _aligned_pair_values(coders[0], coders[1], layout.numbers(shas), values)
    docs = np.asarray([layout.index[sha] for sha in shas], dtype=np.int64)
    at_once = [aligned_rows([c.mention_units for c in coders], docs),
               aligned_rows([c.claim_units for c in coders], docs)]  # fmt: skip
    if at_once[0] is not None and at_once[1] is not None:
        at = {"mentions": at_once[0], "claims": at_once[1]}
    else:
        at = _aligned_by_document(coders, shas)
    out = {}
    for name, f in FIELDS.items():
        numbers = at["mentions" if f in MENTION_FIELDS else "claims"]
        columns = [_column(c.values[f], col) for c, col in zip(coders, numbers, strict=True)]
        alpha, kappa_, n = table_values(columns, values.size(f))
        out[name] = {"alpha": _r(alpha), "kappa": _r(kappa_), "units": n}
    return out


def _aligned_by_document(
    coders: Sequence[Coder], shas: Sequence[str]
) -> dict[str, list[np.ndarray]]:
    """`matching.aligned_rows` of mentions and claims a document at a time (`align_keyed`):
    when a coder has two units on one range."""
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
    return {
        "mentions": [_numbers(col) for col in mentions],
        "claims": [_numbers(col) for col in claims],
    }


def _numbers(column: list[int | None]) -> np.ndarray:
    """A column of unit numbers as an array, MISSING where the coder has no unit."""
    if None not in column:  # the usual case: every coder in every item
        return np.fromiter(column, np.int64, len(column))
    return np.fromiter((MISSING if k is None else k for k in column), np.int64, len(column))


def _column(codes: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The values of a coder's units by number, MISSING where it has none."""
    if not len(codes):
        return np.full(len(at), MISSING, dtype=np.int64)
    return np.where(at == MISSING, MISSING, codes[np.maximum(at, 0)])


def _aligned_pair_values(a: Coder, b: Coder, docs: np.ndarray, values: Values) -> dict[str, Any]:
    """`aligned_values` for two coders (six groups in seven): only the items both are in
    count, so their values are taken as pairs, with no table of rows in between; the
    pairs are `aligned_pairs`' of every document, found at once (`matching`)."""
    ms = matched(_in_docs(a.mention_units, docs), _in_docs(b.mention_units, docs))
    cs = matched(_in_docs(a.claim_units, docs), _in_docs(b.claim_units, docs))
    out = {}
    for name, f in FIELDS.items():
        ia, ib, _ = ms if f in MENTION_FIELDS else cs
        alpha, kappa_, n = pair_values(a.values[f][ia], b.values[f][ib], values.size(f))
        out[name] = {"alpha": _r(alpha), "kappa": _r(kappa_), "units": n}
    return out


def _in_docs(u: Units, docs: np.ndarray, per_doc: int = 1) -> Units:
    """The units in these documents (`per_doc`: groups per document in `u.group`)."""
    doc = u.group if per_doc == 1 else u.group // per_doc
    return u.take(np.isin(doc, docs))


def span_f1(a: Coder, b: Coder, shas: Sequence[str], layer: str, layout: Layout) -> dict[str, Any]:
    """Per label and over all labels: exact F1 (same positions, same label) and overlap
    F1 (one-to-one overlapping units of the same label), over the units of the layer
    ("actors", or "whole": each claim as one unit labelled "claim"), set aside or not.
    Exact: the ranges both coders have, counted as often as both have them; overlap:
    the pairs `align.aligned_pairs` makes of each document's units of each label."""
    docs = layout.numbers(shas)
    if layer == "whole":
        names, per = ["claim"], 1
        ua, ub = (_in_docs(c.claim_units, docs) for c in (a, b))
    else:
        names, per = layout.labels.names, max(len(layout.labels.names), 1)
        ua, ub = (_in_docs(c.actor_units(per), docs, per) for c in (a, b))
    size = len(names)
    group, times = same_ranges(ua, ub)
    exact = np.zeros(size, dtype=np.int64)
    np.add.at(exact, group % per, times)
    both = np.bincount(matched(ua, ub)[2] % per, minlength=size)
    a_total = np.bincount(ua.group % per, minlength=size)
    b_total = np.bincount(ub.group % per, minlength=size)
    out: dict[str, Any] = {}
    total_e = total_o = F1(0, 0, 0)
    for k in sorted(np.flatnonzero(a_total + b_total).tolist(), key=lambda k: names[k]):
        e = F1(int(exact[k]), int(a_total[k]), int(b_total[k]))
        o = F1(int(both[k]), int(a_total[k]), int(b_total[k]))
        out[names[k]] = {"exact": _r(e.value), "overlap": _r(o.value)}
        total_e, total_o = total_e + e, total_o + o
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
        "aligned": aligned_values(coders, shas, layout),
        "set_aside": [
            actors.set_aside.get(k, 0) + claims.set_aside.get(k, 0) for k in range(len(coders))
        ],
    }
    if len(coders) == 2:
        out["actor_f1"] = span_f1(coders[0], coders[1], shas, "actors", layout)
        out["claim_f1"] = span_f1(coders[0], coders[1], shas, "whole", layout)
    return out
