"""Project memory through real keys: what the analyst decides in one article is learned in
the next one at once, and the tooltips say where each suggestion came from."""

from __future__ import annotations

from pathlib import Path

from conftest import press
from PySide6.QtCore import Qt

from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.model import LAYER_ACTOR, REJECTED, SUGGESTED, ActorSuggestion, Extraction
from idleb_desk.store.memory import MEMORY_ORIGIN
from idleb_desk.store.store import Store

Key = Qt.Key
Mod = Qt.KeyboardModifier
MODEL = "test-model-1.0"


def _project(db: Path, docs: list[tuple[str, list[tuple[str, str]]]]) -> None:
    """Documents with model-style suggestions (`(text, label)` at its first occurrence)."""
    store = Store.open(db)
    try:
        with store.transaction():
            for n, (text, marks) in enumerate(docs, 1):
                doc_id = store.insert_document(f"d{n}", f"Article {n}", text)
                assert doc_id is not None
                actors = []
                for part, label in marks:
                    start = text.index(part)
                    actors.append(ActorSuggestion(start, start + len(part), part, label))
                store.add_extraction(doc_id, Extraction(model=MODEL, actors=tuple(actors)))
    finally:
        store.close()


def _actor_rows(window: MainWindow) -> list[tuple[str, str, str]]:
    state = window.focus.state
    assert state is not None
    return sorted(
        (s.text, s.status, s.origin) for s in state.spans.values() if s.layer == LAYER_ACTOR
    )


def test_accept_in_one_article_is_suggested_in_the_next_with_its_origin(
    qtbot, open_window, tmp_db: Path
) -> None:
    first = "Lavrov flew to Ankara on Monday. Later Lavrov said the talks were useful."
    second = "On Friday Lavrov warned that the offensive would go on."
    _project(tmp_db, [(first, [("Lavrov", "PERSON")]), (second, [])])
    window = open_window(tmp_db)
    span = window.focus.focused_span()
    assert span is not None and (span.start, span.text) == (0, "Lavrov")
    press(qtbot, Key.Key_A)
    # The open article: the other occurrence is suggested at once, and J's next item.
    assert _actor_rows(window) == [
        ("Lavrov", "accepted", MODEL),
        ("Lavrov", SUGGESTED, MEMORY_ORIGIN),
    ]
    focused = window.focus.focused_span()
    assert focused is not None and focused.start == first.index("Lavrov", 1)
    assert "suggested at 2 more places" in window.statusBar().currentMessage()
    # The document list counts the new item of article 2 at once.
    row = window.doc_model.row_of(2)
    assert row is not None
    assert window.doc_model.rows[row].n_items == 1
    # The next article, opened with the real key, shows it suggested from project memory.
    press(qtbot, Key.Key_PageDown, Mod.ControlModifier)
    assert window.focus.doc_id == 2
    assert _actor_rows(window) == [("Lavrov", SUGGESTED, MEMORY_ORIGIN)]
    state = window.focus.state
    assert state is not None
    (mem_span,) = state.spans.values()
    assert (mem_span.start, mem_span.label) == (second.index("Lavrov"), "PERSON")
    assert "from project memory" in window.focus.tooltip_for(mem_span.start + 1)
    model = window.actor_model
    row = model.row_of(mem_span.id)
    assert row is not None
    cell_tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "from project memory" in cell_tip
    # The model's own suggestion says so too.
    press(qtbot, Key.Key_PageUp, Mod.ControlModifier)
    assert f"from model {MODEL}" in window.focus.tooltip_for(1)


def test_rejected_three_times_is_no_longer_suggested(qtbot, open_window, tmp_db: Path) -> None:
    texts = [f"Article {n}: Idleb was shelled again, Idleb officials said." for n in range(4)]
    _project(tmp_db, [(t, [("Idleb", "PERSON")]) for t in texts])
    window = open_window(tmp_db)
    for doc in (1, 2, 3):
        assert window.focus.doc_id == doc
        span = window.focus.focused_span()
        assert span is not None and (span.text, span.label) == ("Idleb", "PERSON")
        press(qtbot, Key.Key_X)
        press(qtbot, Key.Key_PageDown, Mod.ControlModifier)
    assert window.focus.doc_id == 4
    # The fourth article's model suggestion was withdrawn with the third rejection.
    assert _actor_rows(window) == []
    session = ReviewSession.open(tmp_db)
    statuses = [s.status for d in (1, 2, 3) for s in session.spans(d)]
    assert statuses == [REJECTED] * 3
    session.close()
