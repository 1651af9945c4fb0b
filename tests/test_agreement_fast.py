"""The fast paths of agreement (issue 13, bench/agreement.py) give exactly what the plain
definitions give: gaps counted at once, two coders' nominal alpha from pairs, ranges
placed on tokens all at once."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from idleb_desk.core.agreement.coding import (
    cohen_kappa,
    kappa,
    nominal_alpha,
    nominal_alpha_pairs,
    pair_alpha_kappa,
    table_values,
)
from idleb_desk.core.agreement.figures import Positions
from idleb_desk.core.agreement.report import _cell_labels, _marks
from idleb_desk.core.agreement.unitizing import _clean, _gap_counts, _gaps
from idleb_desk.core.offsets import token_edges

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
