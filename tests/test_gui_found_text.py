"""Keys on text found with Ctrl+F act on what was found (issue 12, items 17 and 20).

After Ctrl+F and Esc, `A` accepted the old focus, scrolled off screen, instead of the
suggestion over the found text; a label key on found text that a suggestion already
covered made a second, manual span beside it.
"""

from __future__ import annotations

from pathlib import Path

from conftest import press
from PySide6.QtCore import Qt

from idleb_desk.core.review import ReviewSession
from idleb_desk.model import (
    ACCEPTED,
    EDITED,
    LAYER_ACTOR,
    SUGGESTED,
    ActorSuggestion,
    Extraction,
)
from idleb_desk.store.store import Store

FILLER = "Talks went on through the night without any result. " * 12
TEXT = (
    "Russian Foreign Minister Sergei Lavrov spoke on Tuesday.\n\n"
    + "\n\n".join(FILLER for _ in range(8))
    + "\n\nOfficials in Ankara said nothing."
)
Key = Qt.Key
Mod = Qt.KeyboardModifier


def make_project(db: Path) -> int:
    lavrov, ankara = TEXT.index("Sergei Lavrov"), TEXT.index("Ankara")
    ex = Extraction(
        model="test_pipeline-1.0",
        actors=(
            ActorSuggestion(lavrov, lavrov + len("Sergei Lavrov"), "Sergei Lavrov", "PERSON"),
            ActorSuggestion(ankara, ankara + len("Ankara"), "Ankara", "GPE"),
        ),
        claims=(),
    )
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("lavrov", "Lavrov", TEXT)
        assert doc is not None
        store.add_extraction(doc, ex)
    return doc


def find(qtbot, window, text: str) -> None:
    press(qtbot, Key.Key_F, Mod.ControlModifier)
    assert window.find_bar.edit.hasFocus()
    qtbot.keyClicks(window.find_bar.edit, text)
    press(qtbot, Key.Key_Escape)
    assert window.view.hasFocus()


def saved_actor_spans(db: Path, doc: int) -> list:
    session = ReviewSession.open(db, "check")
    try:
        return [s for s in session.spans(doc) if s.layer == LAYER_ACTOR]
    finally:
        session.close()


def test_accept_after_find_accepts_the_found_suggestion(open_window, tmp_db: Path, qtbot) -> None:
    doc = make_project(tmp_db)
    window = open_window(tmp_db)
    window.open_document(doc)
    window.view.setFocus()
    assert window.focus.focused_span().text == "Sergei Lavrov"  # the first item
    find(qtbot, window, "Ankara")
    assert window.focus.focused_span().text == "Ankara"  # focus follows the find
    press(qtbot, Key.Key_A)
    spans = {s.text: s for s in saved_actor_spans(tmp_db, doc)}
    assert spans["Ankara"].status == ACCEPTED
    assert spans["Sergei Lavrov"].status == SUGGESTED


def test_find_on_plain_text_leaves_nothing_focused(open_window, tmp_db: Path, qtbot) -> None:
    doc = make_project(tmp_db)
    window = open_window(tmp_db)
    window.open_document(doc)
    window.view.setFocus()
    find(qtbot, window, "Officials")
    assert window.focus.item is None
    press(qtbot, Key.Key_A)  # nothing to accept: the old focus stays as it was
    assert {s.status for s in saved_actor_spans(tmp_db, doc)} == {SUGGESTED}


def test_label_key_on_found_suggestion_acts_on_it(open_window, tmp_db: Path, qtbot) -> None:
    doc = make_project(tmp_db)
    window = open_window(tmp_db)
    window.open_document(doc)
    window.view.setFocus()
    find(qtbot, window, "Sergei Lavrov")
    press(qtbot, Key.Key_1)  # PERSON, as suggested: accepts it
    find(qtbot, window, "Ankara")
    press(qtbot, Key.Key_2)  # ORG over a GPE suggestion: relabels it
    spans = saved_actor_spans(tmp_db, doc)
    assert [(s.text, s.label, s.status) for s in spans] == [
        ("Sergei Lavrov", "PERSON", ACCEPTED),
        ("Ankara", "ORG", EDITED),
    ]
    assert len(window.focus.state.spans) == 2  # no twin for J/K to stop at
    assert "Ankara" in window.statusBar().currentMessage()
    assert "new span" not in window.statusBar().currentMessage()
