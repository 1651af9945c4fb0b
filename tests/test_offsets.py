"""Token edges and snapping on text with emoji, Arabic and combining marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from idleb_desk.core import offsets
from idleb_desk.core.review import ReviewSession
from idleb_desk.store.store import Store

TEXT = "🇸🇾 Ministre Le Drian a dit « non » — السَّلَام عليكم, cafe\u0301s 👍🏽 ok."


def _tokens(text: str) -> list[str]:
    starts, ends = offsets.token_edges(text)
    return [text[a:b] for a, b in zip(starts, ends, strict=True)]


def test_tokens_keep_marks_and_words_whole() -> None:
    toks = _tokens(TEXT)
    assert "السَّلَام" in toks
    assert "cafe\u0301s" in toks
    assert "Drian" in toks and "«" in toks


@pytest.mark.parametrize("word", ["Le Drian", "السَّلَام", "cafe\u0301s", "Ministre"])
def test_snap_from_inside_a_word_gives_the_word(word: str) -> None:
    start = TEXT.index(word)
    a, b = offsets.snap(TEXT, start + 1, start + len(word) - 1)
    assert TEXT[a:b] == word


def test_token_at_caret_and_moves() -> None:
    pos = TEXT.index("عليكم") + 2
    a, b = offsets.token_at(TEXT, pos)
    assert TEXT[a:b] == "عليكم"
    assert TEXT[a : offsets.next_end(TEXT, b)] == "عليكم,"
    assert offsets.prev_start(TEXT, a) == TEXT.index("السَّلَام")


def test_spans_after_emoji_keep_code_point_offsets(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.sqlite3") as store, store.transaction():
        doc = store.insert_document("e", "E", TEXT)
    s = ReviewSession.open(tmp_path / "p.sqlite3", "ana")
    for word in ("Le Drian", "السَّلَام", "cafe\u0301s"):
        start = TEXT.index(word)
        span = s.create_span(doc, start, start + len(word), "PERSON")
        assert (span.start, span.end) == (start, start + len(word))
        assert s.span(span.id).text == word
    s.close()


@pytest.mark.parametrize("emoji", ["👩\u200d👩\u200d👧", "🇸🇾", "👍🏽", "🏳️\u200d🌈", "👩🏽\u200d⚖️"])
def test_an_emoji_sequence_is_one_token(emoji: str) -> None:
    text = f"Le Drian {emoji} a dit non."
    start = text.index(emoji)
    assert _tokens(text) == ["Le", "Drian", emoji, "a", "dit", "non", "."]
    # A selection of part of the sequence snaps to all of it, never half of it.
    assert offsets.snap(text, start + 1, start + 2) == (start, start + len(emoji))


def test_format_characters_are_not_tokens() -> None:
    text = "\ufeffRussia\u2060 said\u200b no."
    assert _tokens(text) == ["Russia", "said", "no", "."]
    assert offsets.snap(text, 0, 7) == (1, 7)
