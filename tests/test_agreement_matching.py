"""Two coders' units matched for every document at once (`matching`) give exactly what
`align.aligned_pairs` and the plain counts give one document (or label) at a time: the
pair values and span F1 of bench/agreement.py are computed this way."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from idleb_desk.core.agreement.align import align_keyed, aligned_pairs
from idleb_desk.core.agreement.by_document import document_alphas
from idleb_desk.core.agreement.continuum import Continuum, Labels, group_alpha
from idleb_desk.core.agreement.matching import Units, _plain, aligned_rows, matched, same_ranges
from idleb_desk.core.agreement.placing import Edges, Positions

Unit = tuple[int, int, int]  # group, start, end

units = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 12), st.integers(1, 6)).map(
        lambda t: (t[0], t[1], t[1] + t[2])
    ),
    max_size=24,
)


def _units(rows: list[Unit], base: int) -> Units:
    """Rows in group order (as a coder's units come, document by document), numbered
    from `base` so that the two coders' numbers differ."""
    rows = sorted(rows, key=lambda r: r[0])  # stable: a group's own order is kept
    arr = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
    return Units(arr[:, 0], arr[:, 1], arr[:, 2], np.arange(len(rows), dtype=np.int64) + base)


def _by_group(u: Units) -> dict[int, list[tuple[tuple[int, int], int]]]:
    out: dict[int, list[tuple[tuple[int, int], int]]] = {}
    columns = (u.group.tolist(), u.start.tolist(), u.end.tolist(), u.number.tolist())
    for g, s, e, n in zip(*columns, strict=True):
        out.setdefault(g, []).append(((s, e), n))
    return out


def _expected(a: Units, b: Units) -> Counter[tuple[int, int, int]]:
    """The plain definition: `aligned_pairs` of each group's units."""
    ga, gb = _by_group(a), _by_group(b)
    return Counter((x, y, g) for g in ga.keys() & gb.keys() for x, y in aligned_pairs(ga[g], gb[g]))


def _got(found: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Counter[tuple[int, int, int]]:
    return Counter(zip(*(x.tolist() for x in found), strict=True))


@settings(max_examples=300, deadline=None)
@given(units, units)
def test_matched_at_once_is_aligned_pairs_group_by_group(a: list[Unit], b: list[Unit]) -> None:
    ua, ub = _units(a, 0), _units(b, 1000)
    want = _expected(ua, ub)
    assert _got(matched(ua, ub)) == want
    assert _got(_plain(ua, ub)) == want  # the path for positions too large for keys


def test_matched_with_repeated_ranges_and_joins() -> None:
    # Group 0: a has (0, 4) twice, b once and a range overlapping a's (5, 9); group 1:
    # only a; group 2: both the same range.
    a = _units([(0, 0, 4), (0, 0, 4), (0, 5, 9), (1, 0, 2), (2, 3, 4)], 0)
    b = _units([(0, 0, 4), (0, 6, 10), (2, 3, 4)], 100)
    assert (
        _got(matched(a, b))
        == _expected(a, b)
        == Counter({(0, 100, 0): 1, (2, 101, 0): 1, (4, 102, 2): 1})
    )


@settings(max_examples=200, deadline=None)
@given(units, units)
def test_same_ranges_are_the_ranges_both_have_counted_as_often(
    a: list[Unit], b: list[Unit]
) -> None:
    ua, ub = _units(a, 0), _units(b, 0)
    group, times = same_ranges(ua, ub)
    got: Counter[int] = Counter()
    for g, t in zip(group.tolist(), times.tolist(), strict=True):
        got[g] += t
    both = Counter(a) & Counter(b)
    want: Counter[int] = Counter()
    for (g, _, _), t in both.items():
        want[g] += t
    assert got == want


texts = st.lists(st.text(alphabet="ab ,.\n", max_size=30), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(texts, st.data(), st.sampled_from(["token", "char"]))
def test_ranges_of_every_document_placed_at_once_are_placed_as_one_by_one(
    docs: list[str], data: st.DataObject, unit: str
) -> None:
    pos = {f"d{k}": Positions(text, unit) for k, text in enumerate(docs)}  # type: ignore[arg-type]
    edges = Edges(pos, list(pos))
    rows = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(docs) - 1), st.integers(0, 40), st.integers(0, 40)),
            max_size=30,
        )
    )
    doc = np.asarray([d for d, _, _ in rows], dtype=np.int64)
    lo, hi = edges.place(doc, np.asarray([s for _, s, _ in rows], dtype=np.int64),
                         np.asarray([e for _, _, e in rows], dtype=np.int64))  # fmt: skip
    for (d, s, e), a, b in zip(rows, lo.tolist(), hi.tolist(), strict=True):
        one_lo, one_hi = pos[f"d{d}"].place(np.asarray([[s, e]], dtype=np.int64))
        assert (a, b) == (int(one_lo[0]), int(one_hi[0]))


@settings(max_examples=300, deadline=None)
@given(st.lists(units, min_size=3, max_size=4), st.permutations([0, 1, 2, 3]))
def test_rows_of_every_document_at_once_are_align_keyed_document_by_document(
    by_coder: list[list[Unit]], order: list[int]
) -> None:
    coders = [_units(rows, 100 * k) for k, rows in enumerate(by_coder)]
    docs = np.asarray(order, dtype=np.int64)
    got = aligned_rows(coders, docs)
    lists = [_by_group(u) for u in coders]
    if any(len(set(r for r, _ in units)) < len(units) for c in lists for units in c.values()):
        assert got is None  # a coder with two units on one range: a document at a time
        return
    assert got is not None
    want: list[list[int]] = [[] for _ in coders]
    for d in order:
        for item in align_keyed([c.get(d, []) for c in lists]):
            for k, n in enumerate(item):
                want[k].append(-1 if n is None else n)
    assert [col.tolist() for col in got] == want


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=4),
    st.integers(2, 3).flatmap(
        lambda m: st.lists(
            st.lists(
                st.tuples(st.integers(0, 3), st.integers(0, 29), st.integers(1, 8),
                          st.sampled_from("AB")),
                max_size=12,
            ),
            min_size=m, max_size=m,
        )
    ),
    st.data(),
)  # fmt: skip
def test_each_documents_alpha_at_once_is_its_own_groups_alpha(
    lengths: list[int], coders: list[list[tuple[int, int, int, str]]], data: st.DataObject
) -> None:
    """Documents of any length (0 too), units possibly overlapping (set aside), any of
    the documents in any order: each one's alpha_U is `group_alpha` of it alone."""
    n = len(lengths)
    docs = data.draw(st.permutations(range(n)))[: data.draw(st.integers(1, n))]
    labels = Labels()
    conts = []
    for units in coders:
        per_doc: dict[int, list[tuple[tuple[int, int], str]]] = {}
        for d, s, size, lab in units:
            if d < n and s + size <= lengths[d]:
                per_doc.setdefault(d, []).append(((s, s + size), lab))
        conts.append(Continuum.of_units(per_doc.items(), labels, n))
    size = np.asarray(lengths, dtype=np.int64)
    got = document_alphas(conts, np.asarray(docs, dtype=np.int64), size, labels)
    assert got is not None
    want = [group_alpha(conts, np.asarray([d]), size, labels).alpha for d in docs]
    assert got == want
