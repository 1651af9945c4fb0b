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
from idleb_desk.gui.review.review_state import CLAIM, SPAN
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.model import (
    ACCEPTED,
    SUGGESTED,
    ActorSuggestion,
    ClaimSuggestion,
    Extraction,
    TextRef,
)
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
    state = w.focus.state
    assert state is not None
    others = {sid: s for sid, s in state.spans.items() if sid != span.id}
    assert w.watch.follow_changes() is True
    # What the other writer touched is named row by row: that span is redrawn, the
    # document is not read again (same state, the other rows the very same objects).
    assert len(seen) == 1 and not seen[0].everything and seen[0].spans == {span.id}
    assert w.focus.state is state and state.spans[span.id].status == ACCEPTED
    assert all(state.spans[sid] is s for sid, s in others.items())
    assert w.actor_model.cell(span.id, 2).startswith(ACCEPTED)
    assert progress_cell(w) == f"reviewed 1 of {len(NAMES)}"


def test_an_outside_commit_in_another_document_leaves_the_open_one_alone(
    qtbot, open_window, project: Path
) -> None:
    with Store.open(project) as store, store.transaction():
        other = store.insert_document("e", "Other", "Putin met Lavrov.")
        assert other is not None
        store.add_extraction(other, Extraction(model="m", actors=(
            ActorSuggestion(0, 5, "Putin", "PERSON"),)))  # fmt: skip
        foreign = next(s.id for s in store.spans(other))
    w = open_window(project)
    w.open_document(1)
    seen = spy(w)
    state = w.focus.state
    assert state is not None
    before = dict(state.spans)
    with Store.open(project, create=False) as store:
        ReviewSession(store, "bob").accept_span(foreign)
    assert w.watch.follow_changes() is True
    assert len(seen) == 1 and not seen[0].everything and seen[0].documents == {other}
    assert w.focus.state is state and state.spans == before
    assert all(state.spans[sid] is s for sid, s in before.items())
    row = w.doc_model.row_of(other)
    assert row is not None
    assert str(w.doc_model.data(w.doc_model.index(row, 2))) == "reviewed 1 of 1"


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


CLAIM_TEXT = "Lavrov said the talks will resume in Ankara soon."


@pytest.fixture
def claim_project(tmp_path: Path) -> Path:
    path = tmp_path / "c.sqlite3"
    t = CLAIM_TEXT

    def ref(s: str) -> TextRef:
        return TextRef(t.index(s), t.index(s) + len(s), s)

    with Store.open(path) as store, store.transaction():
        doc = store.insert_document("c", "Talks", t)
        assert doc is not None
        claim = ClaimSuggestion(content=ref("the talks will resume"), speaker=ref("Lavrov"),
                                cue=ref("said"))  # fmt: skip
        store.add_extraction(doc, Extraction(model="m", claims=(claim,)))
    return path


def _focus_claim(qtbot, w: MainWindow) -> int:
    for _ in range(10):
        if w.focus.item is not None and w.focus.item[0] == CLAIM:
            return w.focus.item[1]
        press(qtbot, w, Qt.Key.Key_J)
    raise AssertionError("no claim on the J/K path")


def test_resizing_a_claims_content_redraws_the_claim(
    qtbot, open_window, claim_project: Path
) -> None:
    """Core names only the span it resized (the claim's row is unchanged); the window
    maps the span to its claims, so the claim panel and the claim's place follow."""
    w = open_window(claim_project)
    cid = _focus_claim(qtbot, w)
    assert w.claim_editor.role_labels["content"].text() == "the talks will resume"
    press(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    state = w.focus.state
    assert state is not None
    content = state.spans[state.claims[cid].content_span_id]  # type: ignore[index]
    assert content.text == "the talks will resume in"
    assert w.claim_editor.role_labels["content"].text() == "the talks will resume in"
    assert "resume in" in w.claim_model.cell(cid, 2)


def test_an_outside_resize_of_a_claims_content_redraws_the_claim(
    qtbot, open_window, claim_project: Path
) -> None:
    w = open_window(claim_project)
    cid = _focus_claim(qtbot, w)
    state = w.focus.state
    assert state is not None
    content_id = state.claims[cid].content_span_id
    assert content_id is not None
    with Store.open(claim_project, create=False) as store:
        ReviewSession(store, "bob").move_edge(content_id, "end", +1)
    assert w.watch.follow_changes() is True
    assert w.focus.state is state  # drawn row by row, not re-read
    assert w.claim_editor.role_labels["content"].text() == "the talks will resume in"
    assert "resume in" in w.claim_model.cell(cid, 2)


def test_a_refused_undo_says_why(qtbot, open_window, project: Path) -> None:
    """Undo refused because someone else changed the item since: the status bar keeps
    the reason (it once said "Nothing to undo" over it) and nothing is written."""
    w = open_window(project)
    item = w.focus.item
    assert item is not None and item[0] == SPAN
    press(qtbot, w, Qt.Key.Key_A)
    with Store.open(project, create=False) as store:
        ReviewSession(store, "bob").reject_span(item[1])
    w.watch.follow_changes()
    w.focus.focus_item(item)
    press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    message = w.statusBar().currentMessage()
    assert message.startswith("Not changed: cannot undo accept span: bob changed"), message
    assert stored_status(project, item[1]) == "rejected"


def test_an_accept_repaints_its_row_not_the_whole_actor_column(
    qtbot, open_window, project: Path
) -> None:
    """An accept names its span's actor among the Changes, but the actor's name stays:
    the Actor column is not repainted row by row for every key (it cost a key 1 ms)."""
    w = open_window(project)
    ranges: list[tuple[int, int, int, int]] = []
    w.actor_model.dataChanged.connect(
        lambda a, b, *_: ranges.append((a.row(), a.column(), b.row(), b.column()))
    )
    item = w.focus.item
    assert item is not None and item[0] == SPAN
    press(qtbot, w, Qt.Key.Key_A)
    assert stored_status(project, item[1]) == ACCEPTED
    whole_column = (0, 4, len(NAMES) - 1, 4)
    assert ranges and whole_column not in ranges, ranges
    row = w.actor_model.row_of(item[1])
    assert any(r0 <= row <= r1 for r0, _c0, r1, _c1 in ranges)  # its own row is redrawn


def test_a_rename_repaints_the_renamed_actors_rows(qtbot, open_window, project: Path) -> None:
    w = open_window(project)
    item = w.focus.item
    assert item is not None and w.session is not None
    press(qtbot, w, Qt.Key.Key_A)
    span = w.session.span(item[1])
    assert span.actor_id is not None
    w.session.rename_actor(span.actor_id, "Sergei Lavrov")
    w.apply_changes(w.session.take_changes())
    assert w.actor_model.cell(item[1], 4) == "Sergei Lavrov"
