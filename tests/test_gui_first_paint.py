"""A long article shows its first screen at once (issue 17): the screen is painted from
the spans over it before the rest of the document is read, the blocks off screen are
painted afterwards in slices, a key works meanwhile, and when the slices are done every
block looks exactly as if the whole article had been painted at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from idleb_desk.gui.review.highlighter import SpanHighlighter
from idleb_desk.model import ACCEPTED, SUGGESTED, ActorSuggestion, Extraction
from idleb_desk.store.store import Store

WORDS = ("the", "envoy", "said", "Ankara", "and", "Moscow", "would", "meet", "in", "Idleb")
PARAGRAPHS = 300


def _article() -> tuple[str, list[ActorSuggestion]]:
    paras, actors, pos = [], [], 0
    for p in range(PARAGRAPHS):
        words = [WORDS[(p + k) % len(WORDS)] for k in range(40)]
        para = " ".join(words)
        at = 0
        for k, word in enumerate(words):
            if word in ("Ankara", "Moscow", "Idleb") and (k // 10 + p) % 2 == 0:
                actors.append(ActorSuggestion(pos + at, pos + at + len(word), word, "GPE"))
            at += len(word) + 1
        paras.append(para)
        pos += len(para) + 2
    return "\n\n".join(paras), actors


@pytest.fixture
def long_project(tmp_path: Path) -> tuple[Path, int]:
    text, actors = _article()
    db = tmp_path / "long.sqlite3"
    with Store.open(db) as store, store.transaction():
        doc_id = store.insert_document("long", "A long article", text)
        assert doc_id is not None
        store.add_extraction(doc_id, Extraction(model="test", actors=tuple(actors)))
    return db, doc_id


def _formats(doc: QTextDocument, number: int) -> list[tuple[int, int, str, int]]:
    block = doc.findBlockByNumber(number)
    ranges = block.layout().formats()
    return sorted((r.start, r.length, r.format.background().color().name(),
                   r.format.underlineStyle().value) for r in ranges)  # fmt: skip


def test_first_screen_before_the_rest_then_every_block(open_window, qtbot, long_project) -> None:
    db, doc_id = long_project
    w = open_window(db)
    light: SpanHighlighter = w.focus.w.highlighter
    total = len(w.session.spans(doc_id))
    seen: list[tuple[int, list[int]]] = []

    def at_first_paint() -> None:
        # Only the spans over the screen are read when the first screen is drawn.
        assert light.state is not None
        seen.append((len(light.state.spans), list(w.view.visible_blocks())))

    w.focus.first_painted.connect(at_first_paint)
    w.open_document(doc_id)
    assert seen, "no first paint"
    read, screen = seen[0]
    assert 0 < read < total, (read, total, screen, w.view.viewport().height())
    doc = w.view.document()
    assert all(_formats(doc, b) for b in screen if b % 2 == 0)  # text blocks, not blank lines
    last = doc.blockCount() - 1
    assert last in light.pending and not _formats(doc, last)  # painted later, in slices
    assert len(w.focus.state.spans) == total  # the whole document is read by now

    # A key while the slices run: accept the focused mention, at once.
    focused = w.focus.focused_span()
    assert focused is not None and focused.status == SUGGESTED
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    assert w.session.span(focused.id).status == ACCEPTED

    # Scrolled to the end before the slices got there: the screen is painted at once.
    w.view.verticalScrollBar().setValue(w.view.verticalScrollBar().maximum())
    assert not light.pending.intersection(w.view.visible_blocks())

    with qtbot.waitSignal(light.all_painted, timeout=20000):
        pass
    assert not light.pending
    # Every block as a highlighter painting the whole article at once paints it.
    ref_doc = QTextDocument()
    ref = SpanHighlighter(ref_doc, w.focus.w.formats)
    ref.set_state(w.focus.state)
    ref_doc.setPlainText(w.focus.state.umap.display)
    ref.rehighlight()
    for n in range(doc.blockCount()):
        assert _formats(doc, n) == _formats(ref_doc, n), n


def test_showing_rejected_repaints_lazily_too(open_window, qtbot, long_project) -> None:
    db, doc_id = long_project
    w = open_window(db)
    w.open_document(doc_id)
    light = w.focus.w.highlighter
    with qtbot.waitSignal(light.all_painted, timeout=20000):
        pass
    w.focus.toggle_rejected()
    assert not light.pending.intersection(w.view.visible_blocks())
    with qtbot.waitSignal(light.all_painted, timeout=20000):
        pass
    assert not light.pending
