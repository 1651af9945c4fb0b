"""The values coders gave to aligned units (an actor's label and canonical actor; a
claim's kind, speaker, addressees and quote type) as small integers, one numbering per
field for the whole study, so that each group's nominal alpha and kappa are counted in
numpy. Every sum is the same integer as `coding`'s (kept as the tests' oracles), and
every per-row float is added in the same order, so the figures are the same floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import add, attrgetter
from typing import Any

import numpy as np

MENTION_FIELDS = ("label", "actor")
CLAIM_FIELDS = ("kind", "speaker", "addressees", "quote_type")
MISSING = -1


class Values:
    """Each field's values numbered from 0 in the order met; no value is MISSING."""

    def __init__(self) -> None:
        self.numbers: dict[str, dict[Any, int]] = {}

    def codes(self, field: str, units: Sequence[Any]) -> np.ndarray:
        numbers = self.numbers.get(field)
        if numbers is None:
            # An actor left blank is no value, as a unit the coder does not have.
            numbers = self.numbers[field] = {
                None: MISSING,
                **({"": MISSING} if field == "actor" else {}),
            }
        values = list(map(attrgetter(field), units))
        for value in set(values) - numbers.keys():
            numbers[value] = len(numbers) - (2 if field == "actor" else 1)
        return np.fromiter(map(numbers.__getitem__, values), dtype=np.int64, count=len(values))

    def size(self, field: str) -> int:
        """How many values the field has: its numbers but the MISSING ones (`codes`
        gives MISSING to None, and to "" for an actor, and to nothing else)."""
        numbers = self.numbers.get(field, {})
        return len(numbers) - sum(1 for key in (None, "") if numbers.get(key, 0) == MISSING)


def pair_values(a: np.ndarray, b: np.ndarray, size: int) -> tuple[float | None, float | None, int]:
    """`coding.columns_alpha_kappa` of two coders' values on their aligned units (and how
    many units both valued): a unit one of them gave no value counts in none."""
    both = (a != MISSING) & (b != MISSING)
    a, b = a[both], b[both]
    units = len(a)
    if not units:
        return None, None, 0
    ca = np.bincount(a, minlength=size)
    cb = np.bincount(b, minlength=size)
    agree = int(np.count_nonzero(a == b))
    cross = int(ca @ cb)
    squares = int(ca @ ca) + int(cb @ cb) + 2 * cross
    n = 2 * units
    expected = (n * n - squares) / (n - 1)
    alpha = None if expected == 0 else 1.0 - float(2 * (units - agree)) / expected
    pe = cross / (units * units)
    return alpha, 1.0 if pe == 1.0 else (agree / units - pe) / (1 - pe), units


def table_values(
    columns: Sequence[np.ndarray], size: int
) -> tuple[float | None, float | None, int]:
    """`coding.columns_table_values` of three coders or more (one column of values each,
    rows aligned, MISSING where a coder has no unit or gave no value)."""
    coders, rows = len(columns), len(columns[0])
    if not rows:
        return None, None, 0
    present = [c != MISSING for c in columns]
    m = np.asarray(np.sum(present, axis=0, dtype=np.int64))
    squares = m.copy()
    for i in range(coders):
        for j in range(i + 1, coders):
            squares += 2 * ((columns[i] == columns[j]) & present[i] & present[j])
    valued = m >= 2
    units = int(np.count_nonzero(valued))
    alpha = None
    if units:
        counts = np.zeros(size, dtype=np.int64)
        for c, p in zip(columns, present, strict=True):
            counts += np.bincount(c[valued & p], minlength=size)
        terms = (m * m - squares)[valued] / (m[valued] - 1)
        observed = reduce(add, terms.tolist(), 0.0)
        n = int(counts.sum())
        expected = (n * n - int(counts @ counts)) / (n - 1)
        alpha = None if expected == 0 else 1.0 - observed / expected
    return alpha, _fleiss(columns, m, squares), units


def _fleiss(columns: Sequence[np.ndarray], m: np.ndarray, squares: np.ndarray) -> float | None:
    coders = len(columns)
    full = m == coders
    rows = int(np.count_nonzero(full))
    if not rows:
        return None
    agree = reduce(add, ((squares[full] - coders) / (coders * (coders - 1))).tolist(), 0.0)
    # p_e sums over the values in the order they are first met, row by row.
    flat = np.stack([c[full] for c in columns], axis=1).ravel()
    _, first, times = np.unique(flat, return_index=True, return_counts=True)
    n = rows * coders
    pe = sum((c / n) ** 2 for c in times[np.argsort(first)].tolist())
    return 1.0 if pe == 1.0 else (agree / rows - pe) / (1 - pe)
