"""One change path: an operation, an undo and a commit by another connection are all
drawn by `MainWindow.apply_changes` (through `ChangeView.apply`), and nothing else.

Real keys, a real project file, a second real connection; the spy only counts calls and
passes them on, and each test checks the widgets and the store as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from idleb_desk.changes import Changes
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.main_window import MainWindow
from idleb_desk.gui.review_state import SPAN
from idleb_desk.model import ACCEPTED, SUGGESTED, ActorSuggestion, Extraction
from idleb_desk.store.store import Store

TEXT = "Lavrov met Erdogan in Ankara. Macron called Putin. Borrell warned Damascus."
NAMES = ("Lavrov", "Erdogan", "Ankara", "Macron", "Putin", "Borrell", "Damascus")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as store, store.transaction():
        doc = store.insert_document("d", "Meetings", TEXT)
        assert doc is not None
        actors = tuple(
            ActorSuggestion(TEXT.index(n), TEXT.index(n) + len(n), n, "PERSON") for n in NAMES
        )
        store.add_extraction(doc, Extraction(model="m", actors=actors))
    return path


def spy(window: MainWindow) -> list[Changes]:
    """Record every Changes the window draws, and draw it as before."""
    seen: list[Changes] = []
    draw = window.change_view.apply

    def counting(changes: Changes) -> None:
        seen.append(changes)
        draw(changes)

    window.change_view.apply = counting  # type: ignore[method-assign]
    return seen


def press(qtbot, window: MainWindow, key: Qt.Key, mod=Qt.KeyboardModifier.NoModifier) -> None:
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    qtbot.keyClick(QApplication.focusWidget(), key, mod)


def stored_status(db: Path, span_id: int) -> str:
    with Store.open(db, create=False) as store:
        return next(s.status for s in store.spans(1) if s.id == span_id)


def progress_cell(window: MainWindow) -> str:
    return str(window.doc_model.data(window.doc_model.index(0, 2)))


def test_an_operation_is_drawn_through_apply_changes(qtbot, open_window, project: Path) -> None:
    w = open_window(project)
    seen = spy(w)
    item = w.focus.item
    assert item is not None and item[0] == SPAN
    press(qtbot, w, Qt.Key.Key_A)
    assert len(seen) == 1 and item[1] in seen[0].spans
    assert stored_status(project, item[1]) == ACCEPTED
    assert w.focus.state is not None and w.focus.state.spans[item[1]].status == ACCEPTED
    assert w.actor_model.cell(item[1], 2).startswith(ACCEPTED)
    assert progress_cell(w) == f"reviewed 1 of {len(NAMES)}"


def test_an_undo_is_drawn_through_apply_changes(qtbot, open_window, project: Path) -> None:
    w = open_window(project)
    item = w.focus.item
    assert item is not None
    press(qtbot, w, Qt.Key.Key_A)
    seen = spy(w)
    press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(seen) == 1 and item[1] in seen[0].spans
    assert stored_status(project, item[1]) == SUGGESTED
    assert w.focus.state is not None and w.focus.state.spans[item[1]].status == SUGGESTED
    assert w.focus.item == item  # the undone item is focused again
    assert progress_cell(w) == f"reviewed 0 of {len(NAMES)}"


def test_a_commit_by_another_connection_is_drawn_through_apply_changes(
    qtbot, open_window, project: Path
) -> None:
    w = open_window(project)
    seen = spy(w)
    assert w.watch.follow_changes() is False and seen == []
    span = w.focus.state.spans[max(w.focus.state.spans)]  # type: ignore[union-attr]
    with Store.open(project, create=False) as store:
        ReviewSession(store, "bob").accept_span(span.id)  # a second writer, e.g. a sync
    assert w.watch.follow_changes() is True
    assert len(seen) == 1 and seen[0].everything
    assert w.focus.state is not None and w.focus.state.spans[span.id].status == ACCEPTED
    assert w.actor_model.cell(span.id, 2).startswith(ACCEPTED)
    assert progress_cell(w) == f"reviewed 1 of {len(NAMES)}"


def test_changes_for_another_document_leave_the_open_one_alone(
    qtbot, open_window, project: Path
) -> None:
    """Ids of rows in other documents (project memory, a project-wide undo) must not
    enter the open document's state."""
    with Store.open(project) as store, store.transaction():
        other = store.insert_document("e", "Other", "Putin met Lavrov.")
        assert other is not None
        store.add_extraction(other, Extraction(model="m", actors=(
            ActorSuggestion(0, 5, "Putin", "PERSON"),)))  # fmt: skip
        foreign = [s.id for s in store.spans(other)]
    w = open_window(project)
    w.open_document(1)
    before = dict(w.focus.state.spans)  # type: ignore[union-attr]
    w.apply_changes(Changes(documents=frozenset([other]), spans=frozenset(foreign)))
    assert w.focus.state is not None and w.focus.state.spans == before
