"""The article view with many overlapping spans in one paragraph (a one-line article).

Painting a paragraph compared every span with every span edge, so a 1 MB one-line
article with 28,000 spans took 198 s to open and 127 s per key press. The sweep that
replaced it must paint exactly what the old rule painted: each piece of text in the
format of its innermost visible span (shortest, then newest), marked nested when more
than one span covers it.
"""

from __future__ import annotations

import random

from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument

from idleb_desk.gui.config.labels import load_labels
from idleb_desk.gui.review.highlighter import FormatCache, SpanHighlighter
from idleb_desk.gui.review.offsets import DISPLAY_BLOCK_MAX, Utf16Map, display_text
from idleb_desk.gui.review.review_state import DocState
from idleb_desk.model import ACCEPTED, REJECTED, SUGGESTED, Document, Span, text_sha256

LABELS = ["PERSON", "ORG", "GPE", "NORP"]


def _expected(spans: list[Span], pos: int) -> tuple[Span, bool] | None:
    cover = [s for s in spans if s.start <= pos < s.end and s.status != REJECTED]
    if not cover:
        return None
    inner = min(cover, key=lambda s: (s.end - s.start, -s.id))
    return inner, len(cover) > 1


def test_overlapping_spans_paint_their_innermost_span(qapp) -> None:
    rng = random.Random(5)
    text = " ".join(rng.choice(["Idleb", "Moscow", "said", "the", "Ankara"]) for _ in range(400))
    spans = []
    for sid in range(1, 301):
        start = rng.randrange(0, len(text) - 1)
        end = min(len(text), start + rng.randint(1, 60))
        status = rng.choice([SUGGESTED, ACCEPTED, REJECTED])
        spans.append(
            Span(sid, 1, start, end, rng.choice(LABELS), "actor", status, "m", text[start:end])
        )
    state = DocState(Document(1, "x", "X", text, text_sha256(text)), spans, [])
    formats = FormatCache(load_labels())
    doc = QTextDocument()
    highlighter = SpanHighlighter(doc, formats)
    highlighter.set_state(state)
    doc.setPlainText(display_text(text))
    highlighter.rehighlight()  # a document without a view is painted on demand
    block = doc.begin()
    painted = {}
    ranges = block.layout().formats()  # keep the list alive while reading its formats
    for fr in ranges:
        fmt = QTextCharFormat(fr.format)
        for pos in range(fr.start, fr.start + fr.length):
            painted[pos] = fmt
    checked = 0
    for pos in range(len(text)):
        want = _expected(spans, pos)
        if want is None:
            assert pos not in painted, pos
            continue
        inner, nested = want
        assert painted[pos] == formats.span_format(inner.label, inner.status, nested), pos
        checked += 1
    assert checked > len(text) // 2


def test_one_line_article_is_shown_in_blocks_with_exact_positions(qapp) -> None:
    sentence = 'Ministers met in Brussels. "We demand an end," Borrell said 👍🏽. Zoë agreed! '
    text = "\ufeff" + sentence * 400 + "x" * 9000 + " tail " + sentence * 10
    shown = display_text(text)
    assert len(shown) == len(text)
    lines = shown.split("\n")
    assert len(lines) > 5
    # Every shown break replaces one space after a sentence end, or (in the run of "x"
    # with no sentence end) the next space.
    pos = 0
    for line in lines[:-1]:
        pos += len(line)
        assert text[pos] == " "
        assert text[pos - 1] in '.!"' or text[pos - 1] == "x", text[pos - 10 : pos + 1]
        pos += 1
    assert max(len(x) for x in lines if "xxxx" not in x) <= DISPLAY_BLOCK_MAX
    umap = Utf16Map(text)
    doc = QTextDocument()
    doc.setPlainText(shown)
    assert doc.blockCount() == umap.block_count == len(lines)
    assert doc.characterCount() - 1 == umap.qt_length
    for n in range(doc.blockCount()):
        assert doc.findBlockByNumber(n).position() == umap.block(n).qt_start
    cur = QTextCursor(doc)
    for word in ("Borrell", "tail", "Zoë"):
        start = text.rindex(word)
        cur.setPosition(umap.to_qt(start))
        cur.setPosition(umap.to_qt(start + len(word)), QTextCursor.MoveMode.KeepAnchor)
        assert cur.selectedText() == word
