"""The coefficients for one group of coders (all analysts, a pair, an analyst and the
model) over a list of documents, pooled: the documents are laid end to end into one
continuum for alpha_U, and aligned units of every document go into one table for the
nominal coefficients. Nothing is averaged over documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal

import numpy as np

from idleb_desk.core.agreement.align import align, align_keyed, aligned_pairs
from idleb_desk.core.agreement.coding import F1, columns_alpha_kappa, table_values
from idleb_desk.core.agreement.continuum import Continuum, Labels, group_alpha
from idleb_desk.core.agreement.files import ClaimCoding, DocCoding, Mention
from idleb_desk.core.agreement.unitizing import UnitizingAlpha, pairs_array
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
        arr = pairs_array(spans)
        if self.unit == "char":
            lo = np.maximum(arr[:, 0], 0)
            hi = np.minimum(arr[:, 1], self.length)
        else:
            # The first token ending after the start, the first starting at or after the end.
            lo = np.searchsorted(self.ends, arr[:, 0], side="right")
            hi = np.searchsorted(self.starts, arr[:, 1], side="left")
        return [(a, b) if a < b else None for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]

    def text_at(self, pos: int) -> str:
        if self.unit == "char":
            return self.text[pos]
        return self.text[int(self.starts[pos]) : int(self.ends[pos])]


@dataclass
class Placed:
    """One coder's coding of one document in positions, computed once and used by every
    group the coder is in: ranges are found once, not once per figure."""

    mentions: list[tuple[Range, Mention]]
    claims: list[tuple[Range, ClaimCoding]]
    # alpha_U units: (range, label) of actor mentions, and of claims' cues and contents.
    actor_units: list[tuple[Range, str]]
    claim_units: list[tuple[Range, str]]

    @property
    def whole_claims(self) -> list[tuple[Range, str]]:
        """Each claim as one unit: its content's whole range, labelled "claim"."""
        return [(r, "claim") for r, _ in self.claims]


EMPTY = Placed([], [], [], [])


def place(coding: DocCoding, p: Positions) -> Placed:
    found = p.ranges([(m.start, m.end) for m in coding.mentions])
    mentions = [(r, m) for r, m in zip(found, coding.mentions, strict=True) if r]
    found = p.ranges([c.span for c in coding.claims])
    claims = [(r, c) for r, c in zip(found, coding.claims, strict=True) if r]
    # Each claim's content parts, then its cue, in claim order.
    parts: list[tuple[Range, str]] = []
    for c in coding.claims:
        parts += [(part, CONTENT) for part in c.content]
        if c.cue is not None:
            parts.append((c.cue, CUE))
    found = p.ranges([part for part, _ in parts])
    claim_units = [(r, label) for r, (_, label) in zip(found, parts, strict=True) if r]
    return Placed(mentions, claims, [(r, m.label) for r, m in mentions], claim_units)


Prepared = dict[str, Placed]  # document text hash -> one coder's coding of it, placed


def prepare(coding: Coding, pos: dict[str, Positions]) -> Prepared:
    return {sha: place(c, pos[sha]) for sha, c in coding.items() if sha in pos}


UnitsOf = Callable[[Placed], list[tuple[Range, str]]]


def actor_units(p: Placed) -> list[tuple[Range, str]]:
    return p.actor_units


def claim_units(p: Placed) -> list[tuple[Range, str]]:
    return p.claim_units


class Layout:
    """The study's documents in order, numbered, with their lengths in positions, and
    the labels of every coder numbered once."""

    def __init__(self, lengths: dict[str, int]) -> None:
        self.index = {sha: k for k, sha in enumerate(lengths)}
        self.lengths = np.asarray(list(lengths.values()), dtype=np.int64)
        self.labels = Labels()

    def numbers(self, shas: Iterable[str]) -> np.ndarray:
        """The documents' numbers, sorted (alpha_U does not depend on their order)."""
        return np.asarray(sorted(self.index[sha] for sha in shas), dtype=np.int64)


@dataclass
class Coder:
    """One coder's placed coding and its alpha_U units of each layer as arrays."""

    placed: Prepared
    actors: Continuum
    claims: Continuum

    @classmethod
    def of(cls, placed: Prepared, layout: Layout) -> Coder:
        def layer(units_of: UnitsOf) -> Continuum:
            docs = ((layout.index[sha], units_of(p)) for sha, p in placed.items())
            return Continuum(docs, layout.labels, len(layout.index))

        return cls(placed, layer(actor_units), layer(claim_units))

    def get(self, sha: str, default: Placed) -> Placed:
        return self.placed.get(sha, default)


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


def _values(rows: list[tuple[str | None, ...]]) -> dict[str, Any]:
    alpha, kappa_, units = table_values(rows)
    return {"alpha": _r(alpha), "kappa": _r(kappa_), "units": units}


def aligned_values(coders: Sequence[Coder], shas: Sequence[str]) -> dict[str, Any]:
    """Nominal alpha and kappa on aligned mentions (label, actor) and claims (kind,
    speaker, addressees, quote type); claims are aligned by their content's range."""
    if len(coders) == 2:
        return _aligned_pair_values(coders[0], coders[1], shas)
    tables: dict[str, list[tuple[str | None, ...]]] = {
        k: [] for k in ("actor_label", "actor", "claim_kind", "claim_speaker",
                        "claim_addressees", "claim_quote_type")
    }  # fmt: skip
    for sha in shas:
        placed = [c.get(sha, EMPTY) for c in coders]
        for ms in align_keyed([p.mentions for p in placed]):
            tables["actor_label"].append(tuple(m.label if m else None for m in ms))
            tables["actor"].append(tuple((m.actor or None) if m else None for m in ms))
        for cs in align_keyed([p.claims for p in placed]):
            tables["claim_kind"].append(tuple(c.kind if c else None for c in cs))
            tables["claim_speaker"].append(tuple(c.speaker if c else None for c in cs))
            tables["claim_addressees"].append(tuple(c.addressees if c else None for c in cs))
            tables["claim_quote_type"].append(tuple(c.quote_type if c else None for c in cs))
    return {name: _values(rows) for name, rows in tables.items()}


def _aligned_pair_values(a: Coder, b: Coder, shas: Sequence[str]) -> dict[str, Any]:
    """`aligned_values` for two coders (six groups in seven): only the items both are in
    count, so their values are listed as pairs, with no table of rows in between."""
    ms: list[tuple[Mention, Mention]] = []
    cs: list[tuple[ClaimCoding, ClaimCoding]] = []
    for sha in shas:
        pa, pb = a.get(sha, EMPTY), b.get(sha, EMPTY)
        ms += aligned_pairs(pa.mentions, pb.mentions)
        cs += aligned_pairs(pa.claims, pb.claims)

    mx, my = [x for x, _ in ms], [y for _, y in ms]
    cx, cy = [x for x, _ in cs], [y for _, y in cs]

    def both(field: str, xs: list[Any], ys: list[Any]) -> dict[str, Any]:
        us, vs = list(map(attrgetter(field), xs)), list(map(attrgetter(field), ys))
        # A unit one of them gave no value counts in none of the figures; an actor
        # left blank is no value (`aligned_values` reads "" as missing).
        blank = "" if field == "actor" else None
        if None in us or None in vs or blank in us or blank in vs:
            kept = [
                (u, v) for u, v in zip(us, vs, strict=True)
                if u is not None and v is not None and u != blank and v != blank
            ]  # fmt: skip
            us, vs = [u for u, _ in kept], [v for _, v in kept]
        alpha, kappa_ = columns_alpha_kappa(us, vs)
        return {"alpha": _r(alpha), "kappa": _r(kappa_), "units": len(us)}

    return {
        "actor_label": both("label", mx, my),
        "actor": both("actor", mx, my),
        "claim_kind": both("kind", cx, cy),
        "claim_speaker": both("speaker", cx, cy),
        "claim_addressees": both("addressees", cx, cy),
        "claim_quote_type": both("quote_type", cx, cy),
    }


def _by_label(units: list[tuple[Range, str]]) -> dict[str, list[Range]]:
    out: dict[str, list[Range]] = {}
    for r, label in units:
        out.setdefault(label, []).append(r)
    return out


def _matches(ra: list[Range], rb: list[Range]) -> tuple[int, int]:
    """(same ranges, one-to-one overlapping ranges) of two coders' units of one label."""
    same = sum((Counter(ra) & Counter(rb)).values())
    if len(set(ra)) == len(ra) and len(set(rb)) == len(rb):
        # No coder has a range twice: exact matches first, then `align`'s joins.
        return same, len(aligned_pairs([(r, r) for r in ra], [(r, r) for r in rb]))
    return same, sum(1 for item in align([ra, rb], _range) if None not in item)


def _range(r: Range) -> Range:
    return r


def span_f1(
    a: Coder, b: Coder, shas: Sequence[str], units_of: UnitsOf
) -> dict[str, dict[str, float | None]]:
    """Per label and over all labels: exact F1 (same positions, same label) and overlap
    F1 (one-to-one overlapping units of the same label)."""
    exact: dict[str, F1] = {}
    overlap: dict[str, F1] = {}
    for sha in shas:
        ua, ub = _by_label(units_of(a.get(sha, EMPTY))), _by_label(units_of(b.get(sha, EMPTY)))
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


def whole_claims(p: Placed) -> list[tuple[Range, str]]:
    return p.whole_claims


def group_figures(coders: Sequence[Coder], shas: Sequence[str], layout: Layout) -> dict[str, Any]:
    """Every coefficient for these coders over these documents."""
    actors = pooled_alpha(coders, shas, layout, "actors")
    claims = pooled_alpha(coders, shas, layout, "claims")
    out: dict[str, Any] = {
        "documents": len(shas),
        "actor_alpha_u": _alpha_dict(actors),
        "claim_alpha_u": _alpha_dict(claims),
        "aligned": aligned_values(coders, shas),
        "set_aside": [
            actors.set_aside.get(k, 0) + claims.set_aside.get(k, 0) for k in range(len(coders))
        ],
    }
    if len(coders) == 2:
        out["actor_f1"] = span_f1(coders[0], coders[1], shas, actor_units)
        out["claim_f1"] = span_f1(coders[0], coders[1], shas, whole_claims)
    return out
