"""The fast paths of agreement (issue 13, bench/agreement.py) give exactly what the plain
definitions give: gaps counted at once, two coders' nominal alpha from pairs, ranges
placed on tokens all at once."""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idleb_desk.core.agreement.align import align, align_keyed, aligned_pairs
from idleb_desk.core.agreement.coding import (
    cohen_kappa,
    kappa,
    nominal_alpha,
    nominal_alpha_pairs,
    pair_alpha_kappa,
    table_values,
)
from idleb_desk.core.agreement.continuum import Continuum, Labels, group_alpha
from idleb_desk.core.agreement.files import cycles_uncollected
from idleb_desk.core.agreement.placing import Positions
from idleb_desk.core.agreement.report import _cell_labels, _Cells, _marks
from idleb_desk.core.agreement.unitizing import (
    _clean,
    _gap_counts,
    _gaps,
    _pair_observed,
    alpha_of_ranges,
    pair_observed,
    pairs_array,
)
from idleb_desk.core.agreement.values import pair_values
from idleb_desk.core.agreement.values import table_values as values_table
from idleb_desk.core.offsets import _char_class, token_edge_arrays, token_edges

VALUES = (None, "a", "b", "c")


@st.composite
def coders_units(draw: st.DrawFn) -> tuple[int, list[int], list[list[tuple[int, int]]]]:
    """A continuum cut into documents at `breaks`, and each coder's units inside them."""
    length = draw(st.integers(1, 60))
    breaks = sorted(draw(st.sets(st.integers(1, max(1, length - 1)), max_size=4)) - {length})
    edges = [0, *breaks, length]
    coders = []
    for _ in range(draw(st.integers(1, 3))):
        units = []
        for lo, hi in zip(edges, edges[1:], strict=False):
            cuts = sorted(draw(st.sets(st.integers(lo, hi), max_size=6)))
            units += [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
        coders.append(_clean(units)[0])
    return length, breaks, coders


@settings(max_examples=300, deadline=None)
@given(coders_units())
def test_gap_counts_are_the_gaps_cut_at_every_document_edge(
    case: tuple[int, list[int], list[list[tuple[int, int]]]],
) -> None:
    length, breaks, coders = case
    want = Counter(g for us in coders for g in _gaps(us, 0, length, breaks))
    assert dict(_gap_counts(coders, 0, length, breaks)) == dict(want)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(VALUES), st.sampled_from(VALUES)), max_size=30))
def test_two_coders_nominal_alpha_from_pairs_is_the_same_number(
    rows: list[tuple[str | None, str | None]],
) -> None:
    pairs = [(a, b) for a, b in rows if a is not None and b is not None]
    assert nominal_alpha_pairs(pairs) == nominal_alpha([list(r) for r in rows])


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab -,.\n", max_size=40),
    st.lists(st.tuples(st.integers(-2, 45), st.integers(-2, 45)), max_size=10),
)
def test_ranges_placed_at_once_are_those_placed_one_by_one(
    text: str, spans: list[tuple[int, int]]
) -> None:
    starts, ends = token_edges(text)
    tokens = Positions(text, "token").ranges(spans)
    for (s, e), got in zip(spans, tokens, strict=True):
        lo, hi = bisect_right(ends, s), bisect_left(starts, e)
        assert got == ((lo, hi) if lo < hi else None)
    chars = Positions(text, "char").ranges(spans)
    for (s, e), got in zip(spans, chars, strict=True):
        lo, hi = max(0, s), min(e, len(text))
        assert got == ((lo, hi) if lo < hi else None)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(1, 5), st.sampled_from(("A", "B", "C"))),
        max_size=8,
    )
)
def test_diagnosis_marks_are_each_positions_labels_joined(
    raw: list[tuple[int, int, str]],
) -> None:
    units = [((s, s + n), label) for s, n, label in raw]
    plain: dict[int, set[str]] = {}
    for (start, end), label in units:
        for i in range(start, end):
            plain.setdefault(i, set()).add(label)
    marks = _marks(units)
    assert set(marks) == set(plain)
    for i, labels in plain.items():
        assert _cell_labels(marks[i]) == "+".join(sorted(labels))
    assert _cell_labels(None) == ""


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(VALUES), st.sampled_from(VALUES)), max_size=30))
def test_alpha_and_kappa_in_one_pass_are_the_same_numbers(
    rows: list[tuple[str | None, str | None]],
) -> None:
    pairs = [(a, b) for a, b in rows if a is not None and b is not None]
    assert pair_alpha_kappa(pairs) == (nominal_alpha_pairs(pairs), cohen_kappa(pairs))


@settings(max_examples=400, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda m: st.lists(st.tuples(*[st.sampled_from(VALUES)] * m), max_size=30)
    )
)
def test_table_values_are_the_same_numbers_as_row_by_row(
    rows: list[tuple[str | None, ...]],
) -> None:
    units = sum(1 for row in rows if len(row) - row.count(None) >= 2)
    assert table_values(rows) == (nominal_alpha(rows), kappa(rows), units)


@settings(max_examples=300, deadline=None)
@given(coders_units(), coders_units())
def test_pair_observed_in_numpy_is_the_plain_sum(
    one: tuple[int, list[int], list[list[tuple[int, int]]]],
    two: tuple[int, list[int], list[list[tuple[int, int]]]],
) -> None:
    a, b = one[2][0], two[2][0]
    assert pair_observed(pairs_array(a), pairs_array(b)) == _pair_observed(a, b)
    assert pair_observed(pairs_array(b), pairs_array(a)) == _pair_observed(b, a)


RANGES = st.tuples(st.integers(0, 30), st.integers(1, 6)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=400, deadline=None)
@given(st.integers(2, 4).flatmap(lambda m: st.lists(st.lists(RANGES, max_size=8), min_size=m,
                                                    max_size=m)))  # fmt: skip
def test_alignment_by_dictionaries_is_align(by_coder: list[list[tuple[int, int]]]) -> None:
    """Same items in the same order, also when a coder has one range twice."""
    units = [[(r, (k, i)) for i, r in enumerate(rs)] for k, rs in enumerate(by_coder)]
    plain = [[x[1] if x else None for x in item] for item in align(units, lambda u: u[0])]
    assert align_keyed(units) == plain
    if len(units) == 2:
        want = sorted((x, y) for x, y in plain if x is not None and y is not None)
        assert sorted(aligned_pairs(units[0], units[1])) == want


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 12), min_size=1, max_size=4),
    st.integers(2, 3).flatmap(
        lambda m: st.lists(
            st.lists(st.tuples(st.integers(0, 3), RANGES, st.sampled_from("AB")), max_size=10),
            min_size=m, max_size=m,
        )
    ),
    st.data(),
)  # fmt: skip
def test_a_groups_alpha_from_arrays_is_the_pooled_alpha_of_ranges(
    lengths: list[int], coders: list[list[tuple[int, tuple[int, int], str]]], data: st.DataObject
) -> None:
    """Documents of any lengths, units possibly overlapping (set aside), any subset of
    documents in any order: the plain pooling over ranges gives the same figures."""
    n = len(lengths)
    docs = data.draw(st.permutations(range(n)).flatmap(lambda p: st.just(p[: max(1, n - 1)])))
    per_doc = [
        {d: [(r, lab) for dd, r, lab in units if dd == d and r[1] <= lengths[d]] for d in range(n)}
        for units in coders
    ]
    labels = Labels()
    conts = [Continuum.of_units(((d, u[d]) for d in range(n)), labels, n) for u in per_doc]
    got = group_alpha(conts, np.asarray(sorted(docs)), np.asarray(lengths), labels)
    by_label: dict[str, list[list[tuple[int, int]]]] = {}
    offset, breaks = 0, []
    for d in docs:  # the plain way: laid end to end in the order given
        if offset:
            breaks.append(offset)
        for k, u in enumerate(per_doc):
            for (s, e), lab in u[d]:
                by_label.setdefault(lab, [[] for _ in coders])[k].append((offset + s, offset + e))
        offset += lengths[d]
    want = alpha_of_ranges(by_label, len(coders), offset, breaks=breaks)
    assert got.length == want.length and got.set_aside == want.set_aside
    assert got.labels == want.labels


TRICKY = "ab \n\r\t-'’.,«»—€\x1f\xa0\u2028éا\u0301\u200d\uff9e\u0e33😀🇫\u0d4e\u1100\u1161"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=TRICKY, max_size=30) | st.text(max_size=30))
def test_token_edges_by_numpy_are_token_edges(text: str) -> None:
    starts, ends = token_edge_arrays(text)
    assert (tuple(starts.tolist()), tuple(ends.tolist())) == token_edges.__wrapped__(text)


def test_token_edges_by_numpy_on_plain_text() -> None:
    """The fast path itself (the text has no character only the regex can tell)."""
    text = "Jean-Yves Le Drian's «non», don't -a- a--b 'x' a’b 1,000.5 €5 x\x1fy\xa0z."
    assert _char_class("\u0301") is None and all(_char_class(c) is not None for c in text)
    starts, ends = token_edge_arrays(text)
    assert (tuple(starts.tolist()), tuple(ends.tolist())) == token_edges(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(1, 5), st.sampled_from(("A", "B", "A+B"))),
        max_size=8,
    )
)
def test_diagnosis_cells_by_numpy_are_the_marks_joined(raw: list[tuple[int, int, str]]) -> None:
    """Overlapping units, one label twice, a label named like two joined ("A+B")."""
    names = ["A", "B", "A+B"]
    units = [((s, s + n), label) for s, n, label in raw]
    cells = _Cells(names)
    codes = np.asarray([names.index(label) for _, label in units], dtype=np.int64)
    pairs = np.asarray([r for r, _ in units], dtype=np.int64).reshape(-1, 2)
    at = cells.marks((codes, pairs), 20)
    marks = _marks(units)
    assert [cells.texts[k] for k in at.tolist()] == [_cell_labels(marks.get(i)) for i in range(20)]


def _coded(rows: list[tuple[str | None, ...]]) -> tuple[list[np.ndarray], int]:
    numbers: dict[str, int] = {}
    columns = [
        np.asarray(
            [-1 if v is None else numbers.setdefault(v, len(numbers)) for v in col], dtype=np.int64
        )
        for col in zip(*rows, strict=True)
    ]
    return columns, len(numbers)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(VALUES), st.sampled_from(VALUES)), max_size=30))
def test_pair_values_by_numbers_are_the_same_numbers(
    rows: list[tuple[str | None, str | None]],
) -> None:
    pairs = [(a, b) for a, b in rows if a is not None and b is not None]
    if rows:
        (a, b), size = _coded(rows)
        assert pair_values(a, b, size) == (*pair_alpha_kappa(pairs), len(pairs))


@settings(max_examples=500, deadline=None)
@given(
    st.integers(3, 6).flatmap(
        lambda m: st.lists(st.tuples(*[st.sampled_from(VALUES)] * m), min_size=1, max_size=40)
    )
)
def test_table_values_by_numbers_are_the_same_numbers(rows: list[tuple[str | None, ...]]) -> None:
    columns, size = _coded(rows)
    assert values_table(columns, size) == table_values(rows)


def test_the_cycle_collector_is_paused_only_while_agreement_runs() -> None:
    """`cycles_uncollected` pauses it and gives it back as it was, also after an error,
    and a nested pause leaves it off until the outer one ends."""
    assert gc.isenabled()
    with cycles_uncollected():
        assert not gc.isenabled()
        with cycles_uncollected():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), cycles_uncollected():
        raise ValueError("refused")
    assert gc.isenabled()
