"""One set of quote marks for all of nlp/: nlp/quotes.py defines them, every rule uses them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import spacy

from idleb_desk.nlp import quotes
from idleb_desk.nlp.frames import _mark
from idleb_desk.nlp.quotes import (
    ALL,
    CLOSING,
    OPENING,
    PAIRS,
    SINGLE,
    find_quotes,
    is_quote_token,
)

NLP = Path(quotes.__file__).parent
MARKS = ALL | SINGLE
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _literal_text(node: ast.AST) -> str | None:
    """The characters of a string literal, or of a tuple/list/set of them, with the
    \\uXXXX escapes of raw regex strings read as the characters they stand for."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), node.value)
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts:
        parts = [_literal_text(e) for e in node.elts]
        if all(isinstance(e, ast.Constant) for e in node.elts) and None not in parts:
            return "".join(p for p in parts if p is not None)
    return None


def _docstrings(tree: ast.Module) -> set[int]:
    bodies = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef | ast.FunctionDef))]
    return {
        id(b.body[0].value)
        for b in bodies
        if b.body and isinstance(b.body[0], ast.Expr) and isinstance(b.body[0].value, ast.Constant)
    }


def _quote_sets(path: Path) -> list[str]:
    """Literals naming a set of quote marks: two double marks, or a double and a single
    mark (a lone "'" or "'’" is an apostrophe, as in a dateline's place name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        text = _literal_text(node)
        if text is None:
            continue
        double = {ch for ch in text if ch in ALL}
        if len(double) >= 2 or (double and any(ch in SINGLE for ch in text)):
            found.append(f"{path.name}:{node.lineno}: {text!r}")
    return found


def test_no_nlp_module_defines_its_own_quote_marks() -> None:
    modules = [p for p in sorted(NLP.glob("*.py")) if p.name != "quotes.py"]
    assert len(modules) > 10
    found = [hit for p in modules for hit in _quote_sets(p)]
    assert not found, "quote marks written out instead of taken from nlp/quotes.py:\n" + "\n".join(
        found
    )


def test_the_quote_sets_agree_and_include_the_low_opening_mark() -> None:
    assert "„" in OPENING and PAIRS["„"] == "“"
    assert set(PAIRS) == OPENING
    assert ALL == OPENING | CLOSING == frozenset('"“”«»„')
    assert not MARKS - ALL - SINGLE


@pytest.fixture(scope="module")
def blank() -> spacy.language.Language:
    return spacy.blank("en")


@pytest.mark.parametrize("mark", sorted(ALL))
def test_every_token_check_takes_every_double_mark(blank, mark: str) -> None:
    doc = blank(f"He said {mark} yes")
    tok = next(t for t in doc if t.text == mark)
    assert is_quote_token(tok)
    assert _mark(tok)


def test_low_opening_quote_pairs_with_high_closing() -> None:
    text = "Er sagte: „Wir bleiben hier.“ Dann ging er."
    (q,) = find_quotes(text)
    assert text[q.start : q.end] == "„Wir bleiben hier.“"
    assert q.closed
