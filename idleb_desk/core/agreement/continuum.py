"""One coder's alpha_U units of one layer (actor mentions, or claims' cues and contents)
over every document of a study, held as arrays, so that a group's pooled alpha_U selects
and shifts them in numpy instead of rebuilding lists of ranges for every group.

alpha_U does not depend on the order in which documents are laid end to end (its
observed disagreement is local to a document and its expected one counts units and gaps
by length, the gaps cut at every document's edge), so a group's documents are laid out
in the study's order, whatever order the group lists them in; every sum is an integer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from idleb_desk.core.agreement.unitizing import UnitizingAlpha, _runs, label_alpha

Range = tuple[int, int]


class Labels:
    """The study's labels as small integers, one numbering for every coder and layer."""

    def __init__(self) -> None:
        self.code: dict[str, int] = {}
        self.names: list[str] = []

    def __call__(self, label: str) -> int:
        code = self.code.get(label)
        if code is None:
            code = self.code[label] = len(self.names)
            self.names.append(label)
        return code

    def codes(self, names: list[str]) -> np.ndarray:
        for name in set(names) - self.code.keys():
            self(name)
        return np.fromiter(map(self.code.__getitem__, names), dtype=np.int64, count=len(names))


class Continuum:
    """A coder's units of one layer: document number (study order), start and end (in
    the document's positions) and label code, sorted by document, label and start. The
    `raw_` arrays hold every unit; `doc`, `pairs` and `code` the ones alpha_U counts,
    with those overlapping an earlier one of their label set aside (`unitizing._clean`)."""

    def __init__(self, doc: np.ndarray, pairs: np.ndarray, code: np.ndarray, n_docs: int) -> None:
        order = np.lexsort((-pairs[:, 1], pairs[:, 0], code, doc))
        d_arr, pairs, c_arr = doc[order], pairs[order], code[order]
        self.raw_doc, self.raw_pairs, self.raw_code = d_arr, pairs, c_arr
        same = (d_arr[1:] == d_arr[:-1]) & (c_arr[1:] == c_arr[:-1])
        clash = same & (pairs[1:, 0] < pairs[:-1, 1])
        keep = np.ones(len(d_arr), dtype=bool)
        if clash.any():
            # Some of a coder's units of one label overlap (the model's pooled claims do):
            # in those groups, `_clean`'s rule, in the order it sorts them (theirs).
            key = d_arr * (int(c_arr.max()) + 1) + c_arr
            rows = np.flatnonzero(np.isin(key, key[1:][clash]))
            last_key = last_end = -1
            for r, k, start, end in zip(
                rows.tolist(),
                key[rows].tolist(),
                pairs[rows, 0].tolist(),
                pairs[rows, 1].tolist(),
                strict=True,
            ):
                if k != last_key:
                    last_key, last_end = k, end
                elif start < last_end:
                    keep[r] = False
                else:
                    last_end = end
        self.aside = np.bincount(d_arr[~keep], minlength=n_docs).astype(np.int64)
        self.doc = d_arr[keep]
        self.pairs = pairs[keep]
        self.code = c_arr[keep]

    @classmethod
    def of_units(
        cls, docs: Iterable[tuple[int, list[tuple[Range, str]]]], labels: Labels, n_docs: int
    ) -> Continuum:
        """From (document number, [(range, label), ...]) lists (the tests' plain way)."""
        doc: list[int] = []
        flat: list[int] = []
        names: list[str] = []
        for d, units in docs:
            doc += [d] * len(units)
            for (start, end), label in units:
                flat += (start, end)
                names.append(label)
        return cls(
            np.asarray(doc, dtype=np.int64),
            np.asarray(flat, dtype=np.int64).reshape(-1, 2),
            labels.codes(names),
            n_docs,
        )

    def raw_in(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        """(label codes, ranges) of every unit of document d, set aside or not."""
        lo, hi = np.searchsorted(self.raw_doc, [d, d + 1])
        return self.raw_code[lo:hi], self.raw_pairs[lo:hi]

    def select(self, docs: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(label codes, n x 2 ranges on the group's continuum) of the units in `docs`
        (sorted document numbers); `offsets[d]` is where document d begins there."""
        lo = np.searchsorted(self.doc, docs, side="left")
        hi = np.searchsorted(self.doc, docs, side="right")
        rows = _runs(lo, hi)
        shift = offsets[self.doc[rows]]
        return self.code[rows], self.pairs[rows] + shift[:, None]


def group_alpha(
    coders: Sequence[Continuum], docs: np.ndarray, lengths: np.ndarray, labels: Labels
) -> UnitizingAlpha:
    """alpha_U per label and overall of these coders over these documents (sorted
    document numbers), the documents laid end to end as `figures.pooled_alpha` did."""
    m = len(coders)
    if m < 2:
        raise ValueError("alpha_U needs at least two coders")
    sizes = lengths[docs]
    begins = np.cumsum(sizes) - sizes
    total = int(sizes.sum())
    out = UnitizingAlpha(m, total)
    if total <= 0:
        return out
    offsets = np.zeros(len(lengths), dtype=np.int64)
    offsets[docs] = begins
    # A document's edge is a break, once it is past the start (as pooled_alpha had it).
    breaks = [b for b in begins.tolist() if b]
    chosen = [c.select(docs, offsets) for c in coders]
    for k, c in enumerate(coders):
        aside = int(c.aside[docs].sum())
        if aside:
            out.set_aside[k] = aside
    # The labels any coder has here (a mark per label code: `np.unique` sorted them all).
    seen = np.zeros(len(labels.names), dtype=bool)
    for codes, _ in chosen:
        seen[codes] = True
    for code in sorted(np.flatnonzero(seen).tolist(), key=lambda x: labels.names[x]):
        by_coder = [pairs[codes == code] for codes, pairs in chosen]
        label = labels.names[code]
        out.labels[label] = label_alpha(label, by_coder, 0, total, breaks)
    return out
