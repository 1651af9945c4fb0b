"""The coefficients for one group of coders (all analysts, a pair, an analyst and the
model) over a list of documents, pooled: the documents are laid end to end into one
continuum for alpha_U, and aligned units of every document go into one table for the
nominal coefficients. Nothing is averaged over documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress
from typing import Any, Literal

import numpy as np

from idleb_desk.core.agreement.align import _join, _two, align_keyed, aligned_pairs
from idleb_desk.core.agreement.coding import F1
from idleb_desk.core.agreement.continuum import Continuum, Labels, group_alpha
from idleb_desk.core.agreement.files import ClaimCoding, DocCoding, Mention
from idleb_desk.core.agreement.unitizing import UnitizingAlpha, pairs_array
from idleb_desk.core.agreement.values import (
    CLAIM_FIELDS,
    MENTION_FIELDS,
    MISSING,
    Values,
    pair_values,
    table_values,
)
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

    @property
    def whole_claims(self) -> list[tuple[Range, str]]:
        """Each claim as one unit: its content's whole range, labelled "claim"."""
        return [(r, "claim") for r, _ in self.claims]


EMPTY = Placed([], [])


class _Layer:
    """One layer's units of a coder, collected document by document as arrays."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, d: int, lo: np.ndarray, hi: np.ndarray, codes: np.ndarray) -> None:
        found = lo < hi
        if found.any():
            n = int(found.sum())
            self.parts.append((np.full(n, d, dtype=np.int64), lo[found], hi[found], codes[found]))

    def continuum(self, n_docs: int) -> Continuum:
        if not self.parts:
            empty = np.empty(0, dtype=np.int64)
            return Continuum(empty, empty.reshape(0, 2), empty, n_docs)
        doc, lo, hi, codes = (np.concatenate(x) for x in zip(*self.parts, strict=True))
        return Continuum(doc, np.stack((lo, hi), axis=1).astype(np.int64), codes, n_docs)


def _placed_pairs(
    lo: np.ndarray, hi: np.ndarray, units: Sequence[Any], found: list[Any]
) -> list[tuple[Range, int]]:
    """The placed units as (range, number), each appended to `found` under its number."""
    keep = lo < hi
    base = len(found)
    found.extend(compress(units, keep.tolist()))
    ranges = zip(lo[keep].tolist(), hi[keep].tolist(), strict=True)
    return list(zip(ranges, range(base, len(found)), strict=True))


def place(
    coding: DocCoding,
    p: Positions,
    d: int,
    labels: Labels,
    actors: _Layer,
    claims: _Layer,
    units: tuple[list[Mention], list[ClaimCoding]],
) -> Placed:
    ms, cs = coding.mentions, coding.claims
    placed = Placed([], [])
    if ms:
        flat = chain.from_iterable((m.start, m.end) for m in ms)
        lo, hi = p.place(np.fromiter(flat, dtype=np.int64, count=2 * len(ms)).reshape(-1, 2))
        placed.mentions = _placed_pairs(lo, hi, ms, units[0])
        actors.add(d, lo, hi, labels.codes([m.label for m in ms]))
    if cs:
        lo, hi = p.place(pairs_array([c.span for c in cs]))
        placed.claims = _placed_pairs(lo, hi, cs, units[1])
        # Each claim's content parts, then its cue, in claim order.
        parts: list[Range] = []
        names: list[str] = []
        for c in cs:
            parts += c.content
            names += [CONTENT] * len(c.content)
            if c.cue is not None:
                parts.append(c.cue)
                names.append(CUE)
        lo, hi = p.place(pairs_array(parts))
        claims.add(d, lo, hi, labels.codes(names))
    return placed


Prepared = dict[str, Placed]  # document text hash -> one coder's coding of it, placed


class Layout:
    """The study's documents in order, numbered, with their lengths in positions, and
    the labels of every coder numbered once."""

    def __init__(self, lengths: dict[str, int]) -> None:
        self.index = {sha: k for k, sha in enumerate(lengths)}
        self.lengths = np.asarray(list(lengths.values()), dtype=np.int64)
        self.labels = Labels()
        self.values = Values()

    def numbers(self, shas: Iterable[str]) -> np.ndarray:
        """The documents' numbers, sorted (alpha_U does not depend on their order)."""
        return np.asarray(sorted(self.index[sha] for sha in shas), dtype=np.int64)


@dataclass
class Coder:
    """One coder's placed coding and its alpha_U units of each layer as arrays."""

    placed: Prepared
    actors: Continuum
    claims: Continuum
    # Each placed unit's value of each field (`values.Values`), by the unit's number.
    values: dict[str, np.ndarray]
    _by_label: dict[tuple[str, str], dict[str, list[Range]]] = field(default_factory=dict)

    @classmethod
    def of(cls, coding: Coding, pos: dict[str, Positions], layout: Layout) -> Coder:
        actors, claims = _Layer(), _Layer()
        units: tuple[list[Mention], list[ClaimCoding]] = ([], [])
        placed = {
            sha: place(c, pos[sha], layout.index[sha], layout.labels, actors, claims, units)
            for sha, c in coding.items()
            if sha in pos
        }
        n = len(layout.index)
        values = {f: layout.values.codes(f, units[0]) for f in MENTION_FIELDS}
        values.update({f: layout.values.codes(f, units[1]) for f in CLAIM_FIELDS})
        return cls(placed, actors.continuum(n), claims.continuum(n), values)

    def get(self, sha: str, default: Placed) -> Placed:
        return self.placed.get(sha, default)

    def by_label(self, layer: str, sha: str, layout: Layout) -> dict[str, list[Range]]:
        """Every unit of the layer ("actors", or "whole": each claim as one unit labelled
        "claim") in one document, set aside or not, by label; made once per coder (every
        pair the coder is in uses them)."""
        key = (layer, sha)
        found = self._by_label.get(key)
        if found is None:
            if layer == "whole":
                found = _by_label(self.get(sha, EMPTY).whole_claims)
            else:
                codes, pairs = getattr(self, layer).raw_in(layout.index[sha])
                names = layout.labels.names
                found = _by_label(
                    [
                        ((s, e), names[c])
                        for (s, e), c in zip(pairs.tolist(), codes.tolist(), strict=True)
                    ]
                )
            self._by_label[key] = found
        return found


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


def _by_label(units: list[tuple[Range, str]]) -> dict[str, list[Range]]:
    out: dict[str, list[Range]] = {}
    for r, label in units:
        out.setdefault(label, []).append(r)
    return out


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
