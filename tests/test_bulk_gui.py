"""Every occurrence in the project from the window: it runs off the GUI thread with a
progress dialog and Cancel, and the window shows the result when it ends (issue 12).

Driven by keys and clicks in a real window; what was saved is read back through a
second connection to the project file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton

from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.review.review_state import SPAN
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.store import Store

Key = Qt.Key
Mod = Qt.KeyboardModifier
DOCS = 12


def text_of(n: int) -> str:
    return f"Lavrov met Cavusoglu in report {n}.\nLater Lavrov said Russia would stay."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    db = tmp_path / "project.idleb"
    with Store.open(db) as store, store.transaction():
        for n in range(DOCS):
            text = text_of(n)
            doc = store.insert_document(str(n), f"Report {n}", text)
            assert doc is not None
            actors = []
            for word in ("Lavrov", "Cavusoglu"):
                i = text.find(word)
                while i >= 0:
                    actors.append(ActorSuggestion(i, i + len(word), word, "PERSON"))
                    i = text.find(word, i + 1)
            store.add_extraction(doc, Extraction("test-rules", actors=tuple(actors)))
    return db


@pytest.fixture
def stored(project: Path) -> Iterator[ReviewSession]:
    s = ReviewSession.open(project, "reader")
    yield s
    s.close()


def changed(s: ReviewSession) -> list[int]:
    """Documents whose "Lavrov" mentions are no longer all suggested."""
    return [
        d.id
        for d in s.documents()
        if any(x.status != "suggested" for x in s.spans(d.id) if x.text == "Lavrov")
    ]


def bulk_dialog(window) -> QProgressDialog | None:
    box = window.findChild(QProgressDialog, "bulkProgress")
    return box if box is not None and box.isVisible() else None


def test_accept_in_the_project_runs_in_the_background_and_refreshes(
    qtbot, open_window, project, stored, shown_errors
) -> None:
    window = open_window(project)
    assert window.focus.focused_span().text == "Lavrov"
    first_doc = window.focus.doc_id
    press(qtbot, Key.Key_A, Mod.ControlModifier | Mod.ShiftModifier)
    # The key returns at once: the work is a task of the window's runner.
    assert window.controller.scale_keys.bulk_task is not None
    qtbot.waitUntil(lambda: window.controller.scale_keys.bulk_task is None, timeout=20000)
    assert len(changed(stored)) == DOCS
    # The open document shows the accepted mentions, the list counts them.
    shown = [s for s in window.focus.state.spans.values() if s.text == "Lavrov"]
    assert {s.status for s in shown} == {"accepted"}
    assert all(d.n_reviewed == 2 for d in window.doc_model.rows)
    assert f"in {DOCS} document(s)" in window.statusBar().currentMessage()
    assert window.focus.doc_id == first_doc
    # One Ctrl+Z undoes every document.
    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    assert changed(stored) == []
    assert {s.status for s in window.focus.state.spans.values()} == {"suggested"}
    assert shown_errors == []


def test_cancel_keeps_what_was_saved_as_one_undo_step(
    qtbot, open_window, project, stored, shown_errors
) -> None:
    window = open_window(project)
    # Another program holds the write lock: the task waits at its first document long
    # enough for the dialog to come up and for the analyst to press Cancel.
    other = sqlite3.connect(project, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        press(qtbot, Key.Key_A, Mod.ControlModifier | Mod.ShiftModifier)
        qtbot.waitUntil(lambda: bulk_dialog(window) is not None, timeout=2500)
        box = bulk_dialog(window)
        assert box is not None and "every “Lavrov”" in box.labelText()
        (cancel,) = box.findChildren(QPushButton)
        assert cancel.text() == "Cancel"
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert window.controller.scale_keys.bulk_task.cancelled
    finally:
        other.execute("COMMIT")
        other.close()
    qtbot.waitUntil(lambda: window.controller.scale_keys.bulk_task is None, timeout=20000)
    # The step under way finished its document and stopped: one document saved.
    assert len(changed(stored)) == 1
    assert window.statusBar().currentMessage().startswith("Saved: Stopped: accepted 2")
    assert bulk_dialog(window) is None
    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    assert changed(stored) == []
    assert shown_errors == []


def test_focus_moves_on_after_the_project_wide_accept(qtbot, open_window, project) -> None:
    window = open_window(project)
    start = window.focus.item
    press(qtbot, Key.Key_A, Mod.ControlModifier | Mod.ShiftModifier)
    qtbot.waitUntil(lambda: window.controller.scale_keys.bulk_task is None, timeout=20000)
    assert window.focus.item != start and window.focus.item[0] == SPAN
