"""The coefficients against published values (issue 13)."""

from __future__ import annotations

import pytest

from idleb_desk.core.agreement.coding import cohen_kappa, fleiss_kappa, nominal_alpha
from idleb_desk.core.agreement.unitizing import Unit, unitizing_alpha, without_overlaps


def krippendorff_2004() -> list[Unit]:
    """Krippendorff, Content Analysis (2004), p. 254: two coders, continuum 150..450, the
    example DKPro Statistics uses as its test oracle for alpha_U
    (dkpro/dkpro-statistics, dkpro-statistics-agreement/src/test/java/org/dkpro/statistics/
    agreement/unitizing/Krippendorff2004Test.java): (offset, length, coder, category)."""
    rows = [
        (225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"),
        (400, 20, 1, "c"), (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"),
        (300, 50, 1, "k"),
    ]  # fmt: skip
    return [Unit(o, o + n, coder, cat) for o, n, coder, cat in rows]


def test_krippendorff_2004_textbook_example() -> None:
    result = unitizing_alpha(krippendorff_2004(), coders=2, length=300, begin=150)
    c, k = result.labels["c"], result.labels["k"]
    assert round(c.observed, 4) == 0.0144
    assert round(c.expected, 4) == 0.0532
    assert round(c.alpha or 0, 4) == 0.7286
    assert round(k.observed, 4) == 0.0 and round(k.expected, 4) == 0.0490 and k.alpha == 1.0
    # The book's 0.8591 is 1 - 0.0144 / (0.0532 + 0.0490), from parts rounded to four
    # decimals; unrounded it is 0.8587, which DKPro checks to within 0.0005 as we do.
    assert round(1 - round(c.observed, 4) / (round(c.expected, 4) + round(k.expected, 4)), 4) == (
        0.8591
    )
    assert result.alpha == pytest.approx(0.8591, abs=0.0005)


def krippendorff_1995(stretch: float) -> list[Unit]:
    """Krippendorff (1995), On the reliability of unitizing continuous data, Sociological
    Methodology 25, p. 57: four pairs of coders (A to D) on a continuum of 24, scaled by
    `stretch` as in DKPro Statistics' Krippendorff1995Test.java (same repository and folder
    as above)."""
    rows = [
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
        (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"),
        (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
        (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"),
        (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
        (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
        (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
    ]  # fmt: skip
    return [
        Unit(int(o * stretch), int(o * stretch) + int(n * stretch), coder, cat)
        for o, n, coder, cat in rows
    ]


def test_krippendorff_1995_example() -> None:
    result = unitizing_alpha(krippendorff_1995(1), coders=2, length=24)
    observed = {label: round(x.observed, 5) for label, x in result.labels.items()}
    assert observed == {"A": 0.03125, "B": 2.26736, "C": 0.02778, "D": 0.38715}
    # Expected disagreement at half scale, which DKPro pins to five decimals.
    half = unitizing_alpha(krippendorff_1995(0.5), coders=2, length=12)
    assert round(half.labels["C"].expected, 4) == 0.0549
    # The paper's expected disagreements (a near-continuous scale) carry a small error in
    # its formula for D_E, as DKPro notes; they hold to its tolerance of 0.005.
    big = unitizing_alpha(krippendorff_1995(50_000), coders=2, length=24 * 50_000)
    paper = {"A": 0.06990, "B": 1.17731, "C": 0.08642, "D": 0.41445}
    for label, value in paper.items():
        assert big.labels[label].expected == pytest.approx(value, abs=0.005), label
    alphas = {"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}
    for label, value in alphas.items():
        assert big.labels[label].alpha == pytest.approx(value, abs=0.02), label


def test_overlapping_units_of_one_coder_keep_the_earliest_longest() -> None:
    units = [Unit(0, 5, 0, "X"), Unit(0, 9, 0, "X"), Unit(3, 12, 0, "X"), Unit(9, 11, 0, "X")]
    kept, aside = without_overlaps(units)
    assert kept == [Unit(0, 9, 0, "X"), Unit(9, 11, 0, "X")]
    assert len(aside) == 2
    result = unitizing_alpha([*units, Unit(0, 9, 1, "X"), Unit(9, 11, 1, "X")], 2, 20)
    assert result.set_aside == {0: 2} and result.alpha == 1.0


def test_nominal_alpha_hayes_krippendorff_style_example() -> None:
    """Krippendorff (2004, p. 230, nominal data with missing values): 4 coders, 12 units,
    alpha = 0.743 (also DKPro's Krippendorff2004Test for coding studies)."""
    rows = [
        (1, 1, None, 1), (2, 2, 3, 2), (3, 3, 3, 3), (3, 3, 3, 3), (2, 2, 2, 2),
        (1, 2, 3, 4), (4, 4, 4, 4), (1, 1, 2, 1), (2, 2, 2, 2), (None, 5, 5, 5),
        (None, None, 1, 1), (None, None, 3, None),
    ]  # fmt: skip
    coded = [[None if v is None else str(v) for v in row] for row in rows]
    assert nominal_alpha(coded) == pytest.approx(0.743, abs=0.0005)


def test_kappas_known_values() -> None:
    pairs = [("A", "A")] * 20 + [("A", "B")] * 5 + [("B", "A")] * 10 + [("B", "B")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    # Fleiss (1971) as Wikipedia's worked example reports it: 10 units, 14 raters, 0.210.
    table = [
        (0, 0, 0, 0, 14), (0, 2, 6, 4, 2), (0, 0, 3, 5, 6), (0, 3, 9, 2, 0), (2, 2, 8, 1, 1),
        (7, 7, 0, 0, 0), (3, 2, 6, 3, 0), (2, 5, 3, 2, 2), (6, 5, 2, 1, 0), (0, 2, 2, 3, 7),
    ]  # fmt: skip
    rows = [[str(c) for c, n in enumerate(counts) for _ in range(n)] for counts in table]
    assert fleiss_kappa(rows) == pytest.approx(0.210, abs=0.0005)


def test_nothing_to_compare_is_none() -> None:
    assert nominal_alpha([["a", None], [None, "b"]]) is None
    assert cohen_kappa([]) is None and fleiss_kappa([]) is None
    assert unitizing_alpha([], 2, 10).alpha is None


def test_alignment_is_exact_first_then_best_overlap_one_to_one() -> None:
    from idleb_desk.core.agreement.align import align

    a = [(0, 5), (10, 20), (30, 35)]
    b = [(0, 5), (12, 18), (14, 25), (40, 45)]
    items = align([a, b], lambda r: r)
    # (10, 20) meets (14, 25) over 6 positions and (12, 18) over 6: the tie goes by
    # position; each unit is in one item only, and nothing is counted twice.
    assert sorted(x for item in items for x in item if x is not None) == sorted(a + b)
    assert [(0, 5), (0, 5)] in items and [None, (40, 45)] in items
    assert sum(1 for item in items if None not in item) == 2
