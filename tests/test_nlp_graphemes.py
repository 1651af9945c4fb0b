"""No suggestion cuts a user-perceived character (grapheme cluster) in half.

With the real model, NER labelled half a flag ("🇹" of "🇹🇷") as an actor and a claim
speaker started inside a ZWJ emoji sequence; every boundary must be a cluster boundary.
"""

from __future__ import annotations

import pytest
import regex

from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.nlp.graphemes import cluster_at, whole_clusters
from idleb_desk.nlp.pipeline import Extractor

TEXTS = [
    "The minister👩🏽\u200d⚖️ Le Drian said that Russia must stop. Zoë👍 agreed.",
    "🇸🇾🇹🇷 Assad said Turkey must withdraw. 🤝🏻Erdogan rejected it.",
    "Ministers in Brussels🇪🇺 demanded that Moscow🇷🇺 halt the offensive, Borrell said.",
    "Macron👍🏽 said the talks failed. Putin🇷🇺 warned Ankara.",
    "Cafe\u0301s were shut, Lavrov said. Çavuşoğlu👨\u200d👩\u200d👧\u200d👦 told reporters.",
]


def _bounds(text: str) -> set[int]:
    return {0, *(m.end() for m in regex.finditer(r"\X", text))}


def _refs(ex: Extraction) -> list[tuple[int, int]]:
    out = [(a.start, a.end) for a in ex.actors]
    out += [(r.start, r.end) for r in ex.regions]
    for c in ex.claims:
        for ref in (c.content, c.speaker, c.cue, c.speaker_antecedent, *c.addressees):
            if ref is not None:
                out.append((ref.start, ref.end))
    return out


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load()


@pytest.mark.parametrize("text", TEXTS)
def test_extraction_never_cuts_a_cluster(extractor: Extractor, text: str) -> None:
    ex = extractor.extract(text)
    bounds = _bounds(text)
    cut = [text[a:b] for a, b in _refs(ex) if a not in bounds or b not in bounds]
    assert cut == []
    for a in ex.actors:
        assert text[a.start : a.end] == a.text
        assert any(ch.isalnum() for ch in a.text)


def test_names_beside_emoji_are_still_found(extractor: Extractor) -> None:
    found = {a.text for t in TEXTS for a in extractor.extract(t).actors}
    assert {"Le Drian", "Assad", "Brussels", "Moscow", "Borrell", "Lavrov"} <= found


def test_cluster_at_matches_regex_everywhere() -> None:
    text = " ".join(TEXTS) + "\r\n\u0600 x\u0301\u0302 🏳️\u200d🌈"
    bounds = _bounds(text)
    for pos in range(len(text) + 1):
        start, end = cluster_at(text, pos)
        assert (start == pos) == (pos in bounds), pos
        if start != pos:
            assert start in bounds and end in bounds and start < pos < end


def test_spans_are_shrunk_to_whole_clusters_or_dropped() -> None:
    text = "🇸🇾🇹🇷 Assad said no, the minister👩🏽\u200d⚖️ Le Drian said."
    flag_half = text.index("🇹")
    judge = text.index("⚖")
    ex = Extraction(
        "m",
        actors=(
            ActorSuggestion(flag_half, flag_half + 1, "🇹", "GPE"),
            ActorSuggestion(text.index("Assad"), text.index("Assad") + 5, "Assad", "PERSON"),
        ),
        claims=(
            ClaimSuggestion(
                content=TextRef(flag_half + 1, text.index(" said"), text[flag_half + 1 : 8]),
                speaker=TextRef(judge, text.index(" said."), text[judge : text.index(" said.")]),
            ),
        ),
    )
    out = whole_clusters(text, ex)
    assert [a.text for a in out.actors] == ["Assad"]
    (claim,) = out.claims
    assert claim.content.text == "Assad"
    assert claim.speaker is not None and claim.speaker.text == "Le Drian"
    assert whole_clusters(text, out) is out
