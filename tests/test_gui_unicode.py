"""Highlights land on the right characters when UTF-16 and code points disagree.

Emoji take two UTF-16 units, Arabic carries combining marks, "\\r\\n" would make Qt start
a block early: the formats Qt actually laid out are mapped back and compared with
`text[start:end]`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument

from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.review.offsets import Utf16Map, display_text
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.store import Store

TEXT = (
    "Breaking 🚨🇸🇾: Erdoğan met Putin 🤝 in Sochi.\r\n"
    "قال وزير الخارجيةُ التركيُّ إن أنقرة 🙏 سترد.\n"
    "e\u0301lan: Zoë 👩\u200d👩\u200d👧 thanked Macron.\u2029Last line 😀"
)
NAMES = ["Erdoğan", "Putin", "Sochi", "التركيُّ", "أنقرة", "Zoë", "Macron", "Last"]


def test_map_round_trips_every_position() -> None:
    umap = Utf16Map(TEXT)
    for cp in range(len(TEXT) + 1):
        qt = len(TEXT[:cp].encode("utf-16-le")) // 2
        assert umap.to_qt(cp) == qt
        assert umap.to_cp(qt) == cp
    doc = QTextDocument()
    doc.setPlainText(display_text(TEXT))
    # Same block structure as Qt's own.
    assert doc.blockCount() == umap.block_count
    for n in range(doc.blockCount()):
        assert doc.findBlockByNumber(n).position() == umap.block(n).qt_start


@pytest.fixture
def unicode_project(tmp_path: Path) -> Path:
    path = tmp_path / "project.sqlite3"
    store = Store.open(path)
    actors = []
    for name in NAMES:
        start = TEXT.index(name)
        actors.append(ActorSuggestion(start, start + len(name), name, "PERSON"))
    with store.transaction():
        doc_id = store.insert_document("uni", "Unicode", TEXT)
        assert doc_id is not None
        store.add_extraction(doc_id, Extraction(model="test-0", actors=tuple(actors)))
    store.close()
    return path


def test_highlights_cover_exactly_the_span_text(
    qtbot, tmp_path: Path, unicode_project: Path, monkeypatch
) -> None:
    monkeypatch.setattr(errors, "presenter", lambda *a: pytest.fail(f"dialog: {a}"))
    w = MainWindow(make_settings(tmp_path / "s.ini"))
    qtbot.addWidget(w)
    assert w.open_project(unicode_project)
    w.show()
    qtbot.waitExposed(w)
    state = w.focus.state
    assert state is not None
    umap = state.umap
    painted: list[str] = []
    doc = w.view.document()
    block = doc.begin()
    while block.isValid():
        for rng in block.layout().formats():
            if rng.format.background().style() == 0:  # no fill: not a span
                continue
            start = umap.to_cp(block.position() + rng.start)
            end = umap.to_cp(block.position() + rng.start + rng.length)
            painted.append(TEXT[start:end])
        block = block.next()
    assert sorted(painted) == sorted(NAMES)
    # The focus mark (an extra selection) sits on the focused span too.
    span = w.focus.focused_span()
    assert span is not None
    sels = w.view.extraSelections()  # keep the list alive while reading its cursor
    sel = sels[-1].cursor
    assert TEXT[umap.to_cp(sel.selectionStart()) : umap.to_cp(sel.selectionEnd())] == span.text
    # And the caret / selection read back in code points.
    start = TEXT.index("Macron")
    w.view.move_caret(start + 6, anchor=start)
    assert w.view.selection_cp() == (start, start + 6)
