"""Properties of the agreement figures (issue 13): alpha is 1 for identical codings, does
not depend on the order of the analysts, nor on the order of the documents."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from idleb_desk.core.agreement.files import AnalystFile, ClaimCoding, DocCoding, DocInfo, Mention
from idleb_desk.core.agreement.report import Study, report
from idleb_desk.core.agreement.unitizing import Unit, unitizing_alpha
from idleb_desk.model import text_sha256

WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "mu")
LABELS = ("PERSON", "ORG", "GPE")


@st.composite
def units(draw: st.DrawFn, coders: int, length: int) -> list[Unit]:
    out = []
    for coder in range(coders):
        for _ in range(draw(st.integers(0, 6))):
            start = draw(st.integers(0, length - 1))
            end = draw(st.integers(start + 1, min(length, start + 8)))
            out.append(Unit(start, end, coder, draw(st.sampled_from(LABELS))))
    return out


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_unitizing_alpha_is_symmetric_in_the_coders(data: st.DataObject) -> None:
    m = data.draw(st.integers(2, 4))
    drawn = data.draw(units(m, 40))
    order = data.draw(st.permutations(range(m)))
    swapped = [Unit(u.start, u.end, order[u.coder], u.label) for u in drawn]
    a, b = unitizing_alpha(drawn, m, 40), unitizing_alpha(swapped, m, 40)
    assert a.alpha == b.alpha
    assert {k: v.alpha for k, v in a.labels.items()} == {k: v.alpha for k, v in b.labels.items()}


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_identical_coders_agree_fully(data: st.DataObject) -> None:
    one = [u for u in data.draw(units(1, 40)) if u.coder == 0]
    copies = [Unit(u.start, u.end, 1, u.label) for u in one]
    result = unitizing_alpha([*one, *copies], 2, 40)
    assert all(x.observed == 0 for x in result.labels.values())
    assert all(x.alpha in (1.0, None) for x in result.labels.values())


@st.composite
def documents(draw: st.DrawFn) -> list[tuple[str, list[str]]]:
    n = draw(st.integers(1, 4))
    return [
        (f"d{i}", draw(st.lists(st.sampled_from(WORDS), min_size=4, max_size=20))) for i in range(n)
    ]


def _coding(draw: st.DrawFn, words: list[str]) -> DocCoding:
    text = " ".join(words)
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    mentions, claims = [], []
    for i in sorted(draw(st.sets(st.integers(0, len(words) - 1), max_size=4))):
        j = min(len(words), i + draw(st.integers(1, 2)))
        mentions.append(
            Mention(starts[i], starts[j - 1] + len(words[j - 1]), draw(st.sampled_from(LABELS)),
                    draw(st.sampled_from(("", "Lavrov (PERSON)", "Turkey (GPE)"))))
        )  # fmt: skip
    if draw(st.booleans()) and len(words) >= 4:
        claims.append(
            ClaimCoding(((starts[2], len(text)),), (starts[1], starts[1] + len(words[1])),
                        draw(st.sampled_from(("statement", "demand"))), "indirect",
                        "(none)", "(none)")
        )  # fmt: skip
    return DocCoding(mentions, claims)


def _study(docs: list[tuple[str, list[str]]], codings: list[list[DocCoding]]) -> Study:
    infos = {}
    for ext_id, words in docs:
        text = " ".join(words) + f" {ext_id}"  # distinct texts, distinct hashes
        infos[text_sha256(text)] = DocInfo(text_sha256(text), ext_id, ext_id, text)
    shas = list(infos)
    analysts = [
        AnalystFile(f"a{k}", Path(f"a{k}.sqlite3"), dict(zip(shas, c, strict=True)), {})
        for k, c in enumerate(codings)
    ]
    return Study(analysts, infos, "token")


def _figures(result: dict) -> list:
    everyone = result["all_analysts"]
    return [
        everyone["actor_alpha_u"]["alpha"],
        everyone["actor_alpha_u"]["labels"],
        everyone["claim_alpha_u"]["alpha"],
        everyone["aligned"],
    ]


@given(st.data())
@settings(max_examples=40, deadline=None)
def test_report_identical_files_symmetric_and_document_order_free(data: st.DataObject) -> None:
    docs = data.draw(documents())
    m = data.draw(st.integers(2, 3))
    codings = [[_coding(data.draw, words) for _, words in docs] for _ in range(m)]
    base = report(_study(docs, codings))

    same = report(_study(docs, [codings[0]] * m))
    assert same["all_analysts"]["actor_alpha_u"]["alpha"] in (1.0, None)
    for x in same["all_analysts"]["actor_alpha_u"]["labels"].values():
        assert x["alpha"] in (1.0, None) and x["observed"] == 0

    order = data.draw(st.permutations(range(m)))
    assert _figures(report(_study(docs, [codings[k] for k in order]))) == _figures(base)

    flip = data.draw(st.permutations(range(len(docs))))
    reordered = report(_study([docs[i] for i in flip], [[c[i] for i in flip] for c in codings]))
    assert _figures(reordered) == _figures(base)
