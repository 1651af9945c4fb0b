"""Agreement on values coders gave to the same units: Krippendorff's nominal alpha,
Cohen's kappa for two coders and Fleiss' kappa for more, and span F1.

- Nominal alpha (Krippendorff, Content Analysis 2004, section 11.3; Hayes & Krippendorff
  2007): from the coincidence matrix of the values paired within each unit, a unit with
  fewer than two values pairs nothing (a missing value is not a disagreement),
  alpha = 1 - (n - 1) * sum_c o_cc' (c != c') / sum_c n_c n_c' (c != c').
- Cohen's kappa (Cohen 1960): (p_o - p_e) / (1 - p_e) over the units both coders valued,
  p_e from each coder's own marginals.
- Fleiss' kappa (Fleiss 1971): the same with pooled marginals, over the units every
  coder valued.
- Span F1: 2 * matched / (spans of A + spans of B), the figure Prodigy and Label Studio
  report; symmetric, so neither coder is taken as the gold.

A coefficient with nothing to compare is None, never a perfect 1.0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import add

# One unit's values, one per coder; None where the coder has no such unit.
Row = Sequence[str | None]


@dataclass(frozen=True)
class F1:
    matched: int
    a_total: int
    b_total: int

    @property
    def value(self) -> float | None:
        """None when neither side has anything: an empty pair agrees on nothing."""
        total = self.a_total + self.b_total
        return None if total == 0 else 2 * self.matched / total

    def __add__(self, other: F1) -> F1:
        return F1(
            self.matched + other.matched,
            self.a_total + other.a_total,
            self.b_total + other.b_total,
        )


def nominal_alpha(rows: Sequence[Row]) -> float | None:
    """Krippendorff's alpha for nominal values; None without two values in any unit, or
    when only one value occurs (no expected disagreement).

    A unit with m values and n_c of value c adds (m^2 - sum n_c^2) / (m - 1) to the
    off-diagonal of the coincidence matrix and n_c to value c's total."""
    totals: Counter[str] = Counter()
    observed = 0.0
    for row in rows:
        values = [v for v in row if v is not None]
        m = len(values)
        if m < 2:
            continue
        first = values[0]
        if values.count(first) == m:  # all agree: the usual unit, counted without a Counter
            totals[first] += m
            continue
        counts = Counter(values)
        totals.update(counts)
        observed += (m * m - sum(c * c for c in counts.values())) / (m - 1)
    n = sum(totals.values())
    if n == 0:
        return None
    expected = (n * n - sum(v * v for v in totals.values())) / (n - 1)
    if expected == 0:
        return None
    return 1.0 - observed / expected


def nominal_alpha_pairs(pairs: Sequence[tuple[str, str]]) -> float | None:
    """`nominal_alpha` for two coders, from the units both valued: a disagreeing unit
    adds (4 - 2) / 1 = 2 to the off-diagonal, so the sums are the same integers."""
    totals: Counter[str] = Counter()
    disagree = 0
    for a, b in pairs:
        totals[a] += 1
        totals[b] += 1
        disagree += a != b
    n = 2 * len(pairs)
    if n == 0:
        return None
    expected = (n * n - sum(v * v for v in totals.values())) / (n - 1)
    if expected == 0:
        return None
    return 1.0 - float(2 * disagree) / expected


def pair_alpha_kappa(pairs: Sequence[tuple[str, str]]) -> tuple[float | None, float | None]:
    """`nominal_alpha_pairs` and `cohen_kappa` of the same pairs in one pass over their
    distinct pairs (a study has tens of thousands of pairs and a few distinct ones); every
    sum is of integers, so both values are the same floats as the two functions give."""
    if not pairs:
        return None, None
    ca: Counter[str] = Counter()
    cb: Counter[str] = Counter()
    agree = 0
    for (a, b), times in Counter(pairs).items():
        ca[a] += times
        cb[b] += times
        if a == b:
            agree += times
    size = len(pairs)
    totals = ca + cb
    n = 2 * size
    expected = (n * n - sum(v * v for v in totals.values())) / (n - 1)
    alpha = None if expected == 0 else 1.0 - float(2 * (size - agree)) / expected
    pe = sum(ca[k] * cb[k] for k in ca) / (size * size)
    return alpha, 1.0 if pe == 1.0 else (agree / size - pe) / (1 - pe)


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa; 1.0 when both always agree, also when they use a single label."""
    if not pairs:
        return None
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return 1.0 if pe == 1.0 else (po - pe) / (1 - pe)


def fleiss_kappa(rows: Sequence[Row]) -> float | None:
    """Fleiss' kappa over the units every coder valued; 1.0 for one shared label."""
    full = [[v for v in row if v is not None] for row in rows]
    full = [row for row, raw in zip(full, rows, strict=True) if raw and len(row) == len(raw)]
    if not full:
        return None
    m = len(full[0])
    if m < 2:
        return None
    totals: Counter[str] = Counter()
    agree = 0.0
    for row in full:
        if row.count(row[0]) == m:
            totals[row[0]] += m
            agree += 1.0
            continue
        counts = Counter(row)
        totals.update(counts)
        agree += (sum(c * c for c in counts.values()) - m) / (m * (m - 1))
    p_bar = agree / len(full)
    n = len(full) * m
    pe = sum((c / n) ** 2 for c in totals.values())
    return 1.0 if pe == 1.0 else (p_bar - pe) / (1 - pe)


def table_values(rows: Sequence[tuple[str | None, ...]]) -> tuple[float | None, float | None, int]:
    """`nominal_alpha`, `kappa` and the units with two values or more of one table, each
    row worked out once per distinct row (a study has tens of thousands of rows and few
    distinct ones). The floats come out the same: the non-zero per-row terms are added
    in row order, one by one, and the integer totals are kept in the order in which
    `nominal_alpha` and `fleiss_kappa` first meet each value."""
    if not rows or len(rows[0]) == 2:
        return nominal_alpha(rows), kappa(rows), _units(rows)
    coders = len(rows[0])
    times = Counter(rows)
    alpha_term: dict[tuple[str | None, ...], float] = {}
    fleiss_term: dict[tuple[str | None, ...], float] = {}
    totals: Counter[str] = Counter()  # every value, for alpha: integer sums, any order
    fleiss_totals: Counter[str] = Counter()
    units = full = 0
    for row, t in times.items():
        values = [v for v in row if v is not None]
        m = len(values)
        counts = Counter(values)
        if m >= 2:
            units += t
            for v, c in counts.items():
                totals[v] += c * t
            if counts[values[0]] != m:
                alpha_term[row] = (m * m - sum(c * c for c in counts.values())) / (m - 1)
        if m == coders:
            full += t
            for v, c in counts.items():
                fleiss_totals[v] += c * t
            if counts[values[0]] == m:
                fleiss_term[row] = 1.0
            else:
                fleiss_term[row] = (sum(c * c for c in counts.values()) - m) / (m * (m - 1))
    # reduce adds one by one in order, as the loops of `nominal_alpha` and `fleiss_kappa`.
    observed = reduce(add, [alpha_term[r] for r in rows if r in alpha_term], 0.0)
    alpha: float | None = None
    n = sum(totals.values())
    if n:
        expected = (n * n - sum(v * v for v in totals.values())) / (n - 1)
        alpha = None if expected == 0 else 1.0 - observed / expected
    if not full:
        return alpha, None, units
    agree = reduce(add, [fleiss_term[r] for r in rows if r in fleiss_term], 0.0)
    n = full * coders
    pe = sum((c / n) ** 2 for c in fleiss_totals.values())
    return alpha, 1.0 if pe == 1.0 else (agree / full - pe) / (1 - pe), units


def _units(rows: Sequence[Row]) -> int:
    return sum(1 for row in rows if len(row) - list(row).count(None) >= 2)


def kappa(rows: Sequence[Row]) -> float | None:
    """Cohen's kappa for two coders, Fleiss' for more."""
    if rows and len(rows[0]) == 2:
        return cohen_kappa([(a, b) for a, b in rows if a is not None and b is not None])
    return fleiss_kappa(rows)


def observed(pairs: Sequence[tuple[str, str]]) -> float | None:
    """The share of pairs that agree; None without pairs (nothing was compared)."""
    return None if not pairs else sum(a == b for a, b in pairs) / len(pairs)
