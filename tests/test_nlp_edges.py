"""One helper trims punctuation off token ranges' edges (nlp/edges.py) for every rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import spacy

from idleb_desk.nlp import edges
from idleb_desk.nlp.edges import trim_edges, trim_end, trim_start
from idleb_desk.nlp.quotes import is_quote_token

NLP = Path(edges.__file__).parent


def _edge_walks(path: Path) -> list[str]:
    """`while ... .is_punct ...: i += 1` loops: a range edge walked past punctuation."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.While):
            continue
        tests_punct = any(
            isinstance(n, ast.Attribute) and n.attr == "is_punct" for n in ast.walk(node.test)
        )
        steps = any(
            isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) for n in node.body
        )
        if tests_punct and steps:
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_nlp_module_trims_edges_by_hand() -> None:
    modules = [p for p in sorted(NLP.glob("*.py")) if p.name != "edges.py"]
    found = [hit for p in modules for hit in _edge_walks(p)]
    assert not found, f"edge trims written out instead of nlp/edges.py: {found}"


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.blank("en")


def test_trim_drops_punctuation_and_keeps_what_it_is_told(nlp) -> None:
    doc = nlp(', "the talks failed." ,')
    assert [t.text for t in doc] == [",", '"', "the", "talks", "failed", ".", '"', ","]
    assert trim_edges(doc, 0, len(doc)) == (2, 5)
    assert trim_edges(doc, 0, len(doc), keep=is_quote_token) == (1, 7)
    # Each side alone, as "according to" reads its content.
    assert trim_start(doc, 0, len(doc)) == 2
    assert trim_end(doc, 0, len(doc), keep=is_quote_token) == 7


def test_trim_stops_at_min_len_and_may_empty_a_range(nlp) -> None:
    doc = nlp(", . ;")
    assert trim_edges(doc, 0, len(doc)) == (3, 3)
    assert trim_edges(doc, 0, len(doc), min_len=1) == (2, 3)
