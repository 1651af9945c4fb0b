"""A claim's suggested content never ends (or starts) inside a word (issue 12, item 20).

The rule is general: every content boundary is a token edge in the app's own sense
(`core.offsets`: a run of word characters with its inner hyphens and apostrophes is one
token, so "al-Assad" and "Jean-Yves" are never cut). Checked with the real pipeline over
every text the project keeps for extraction: the seed and both pattern sets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from idleb_desk.core.offsets import token_edges
from idleb_desk.model import TextRef
from idleb_desk.nlp.pipeline import Extractor

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "idleb_desk" / "seeds" / "idleb-eu-ministers.txt"
# The shared development pattern sets, when this checkout sits beside them.
PATTERNS = [
    base / "shared" / "gold" / name / "patterns.jsonl"
    for base in (ROOT.parent, ROOT.parent.parent)
    for name in ("patterns", "patterns2")
]
# Names with inner hyphens and apostrophes where a clause (and so a content) ends.
OWN = [
    "Lavrov said the offensive was backed by the regime of Syrian President Bashar al-Assad "
    "in the province.",
    "The ministers said they had written to Jean-Yves Le Drian's counterpart, Heiko Maas.",
    "Erdogan said Ankara would answer the forces of al-Assad in Idleb.",
]


def _texts() -> list[str]:
    texts = [SEED.read_text(encoding="utf-8"), *OWN]
    for path in PATTERNS:
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            texts += [json.loads(ln)["text"] for ln in lines if ln.strip()]
    return texts


@pytest.fixture(scope="module")
def extracted() -> list[tuple[str, list]]:
    texts = _texts()
    return list(zip(texts, (ex.claims for ex in Extractor.load().extract_many(texts)), strict=True))


def _cuts(text: str, ref: TextRef) -> list[str]:
    starts, ends = token_edges(text)
    out = []
    if ref.start not in starts:
        out.append(f"starts inside a word: {text[max(0, ref.start - 15) : ref.end]!r}")
    if ref.end not in ends:
        out.append(f"ends inside a word: {text[ref.start : ref.end + 15]!r}")
    return out


def test_seed_content_keeps_al_assad_whole(extracted) -> None:
    text, claims = extracted[0]
    # "Moscow, which supports the military offensive of the regime of ... Bashar al-Assad".
    regime = [c for c in claims if c.content.text.startswith("the military offensive")]
    assert regime, [c.content.text for c in claims]
    assert regime[0].content.text.endswith("Bashar al-Assad"), regime[0].content.text


def test_no_content_boundary_cuts_a_word(extracted) -> None:
    # The seed and the own sentences alone give some 19 claims; the pattern sets many more.
    assert sum(len(claims) for _, claims in extracted) > 12
    bad = [
        cut
        for text, claims in extracted
        for c in claims
        for part in (c.content, *c.content_parts)
        for cut in _cuts(text, part)
    ]
    assert bad == []


def test_content_runs_from_its_first_part_to_its_last(extracted) -> None:
    for _text, claims in extracted:
        for c in claims:
            if c.content_parts:
                assert c.content.start == c.content_parts[0].start
                assert c.content.end == c.content_parts[-1].end
