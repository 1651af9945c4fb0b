"""End to end through real keys: the seed article with real spaCy suggestions.

Every check reads the project back through the review API (or the CSV export), so what
is asserted is what was saved, not what the window shows.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import press
from PySide6.QtCore import Qt

from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.dialogs import questions
from idleb_desk.gui.review.review_state import CLAIM, SPAN
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.model import ACCEPTED, DOC_DONE, EDITED, MANUAL, REJECTED, SUGGESTED
from idleb_desk.project import ensure_seed
from idleb_desk.store.store import Store

SECOND = (
    "Ankara warned Moscow on Thursday. The Turkish defence minister said that Turkey "
    "would respond to any attack on its observation posts in Idleb."
)
Key = Qt.Key
Mod = Qt.KeyboardModifier


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed plus a second article, extracted once with the real spaCy pipeline."""
    from idleb_desk.io.importer import extract_documents
    from idleb_desk.nlp.pipeline import Extractor

    path = tmp_path_factory.mktemp("template") / "project.sqlite3"
    store = Store.open(path)
    try:
        ensure_seed(store)
        with store.transaction():
            store.insert_document("second", "Ankara warns Moscow", SECOND)
        assert extract_documents(store, Extractor.load()) == 2
    finally:
        store.close()
    return path


@pytest.fixture
def project(seeded_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project.sqlite3"
    shutil.copy(seeded_template, target)
    return target


def find(qtbot, window: MainWindow, text: str) -> None:
    """Ctrl+F, type, Enter, Esc: leaves the match selected in the article."""
    press(qtbot, Key.Key_F, Mod.ControlModifier)
    assert window.find_bar.edit.hasFocus()
    qtbot.keyClicks(window.find_bar.edit, text)
    press(qtbot, Key.Key_Escape)
    assert window.view.hasFocus()
    sel = window.view.selection_cp()
    assert sel is not None
    assert window.focus.state is not None
    assert window.focus.state.text[sel[0] : sel[1]].lower() == text.lower()


def focused_text(window: MainWindow) -> str:
    span = window.focus.focused_span()
    return span.text if span else ""


def walk_to(qtbot, window: MainWindow, text: str, limit: int = 200) -> None:
    """Press J until the focused span reads `text`."""
    for _ in range(limit):
        if focused_text(window) == text and window.focus.item[0] == SPAN:
            return
        press(qtbot, Key.Key_J)
    raise AssertionError(f"J never reached {text!r}")


def test_review_by_keyboard_end_to_end(
    qtbot, open_window, project: Path, tmp_path: Path, shown_errors, monkeypatch
) -> None:
    w = open_window(project)
    c = w.focus
    assert "idleb" in w.windowTitle()
    assert c.state is not None and c.state.doc.ext_id == "idleb-eu-ministers"
    assert w.view.hasFocus() and c.item is not None

    # J / K walk; Tab / Shift+Tab do the same.
    first = c.item
    press(qtbot, Key.Key_J)
    second = c.item
    assert second != first
    press(qtbot, Key.Key_K)
    assert c.item == first
    press(qtbot, Key.Key_Tab)
    assert c.item == second
    press(qtbot, Key.Key_Backtab, Mod.ShiftModifier)
    assert c.item == first

    # A accepts and moves on; X rejects and moves on.
    assert first is not None and first[0] == SPAN
    press(qtbot, Key.Key_A)
    assert "Saved: accepted" in w.statusBar().currentMessage()
    after_accept = c.item
    assert after_accept != first
    press(qtbot, Key.Key_X)
    session = ReviewSession.open(project, "checker")
    try:
        assert session.span(first[1]).status == ACCEPTED
        if after_accept[0] == SPAN:
            assert session.span(after_accept[1]).status == REJECTED
        else:
            assert session.claim(after_accept[1]).status == REJECTED
    finally:
        session.close()

    # Label keys relabel the focused span; boundary keys move it a token at a time.
    walk_to(qtbot, w, "Jean-Yves Le Drian")
    drian = c.item[1]
    press(qtbot, Key.Key_2)
    press(qtbot, Key.Key_Right, Mod.AltModifier | Mod.ShiftModifier)
    assert focused_text(w) == "Le Drian"
    press(qtbot, Key.Key_Left, Mod.AltModifier | Mod.ShiftModifier)
    press(qtbot, Key.Key_Right, Mod.ShiftModifier)
    assert focused_text(w) == "Jean-Yves Le Drian and"
    press(qtbot, Key.Key_Left, Mod.ShiftModifier)
    press(qtbot, Key.Key_1)

    # N makes a span at the keyboard caret where nothing was suggested.
    find(qtbot, w, "Wednesday")
    press(qtbot, Key.Key_Left)  # collapse the selection: only the caret is left
    assert w.view.selection_cp() is None
    press(qtbot, Key.Key_N)
    made = c.item
    assert made is not None and focused_text(w) == "Wednesday"

    # A claim built from the keyboard: C on a selection, then S, V (selections), R (picked
    # with J), Esc, E and Q.
    find(qtbot, w, "the immediate cessation of hostilities")
    press(qtbot, Key.Key_C)
    assert c.role_claim is not None
    claim_id = c.role_claim
    find(qtbot, w, "Jean-Yves Le Drian")
    press(qtbot, Key.Key_S)
    find(qtbot, w, "call on")
    press(qtbot, Key.Key_V)
    walk_to(qtbot, w, "Russian")
    press(qtbot, Key.Key_R)
    press(qtbot, Key.Key_Escape)
    assert c.role_claim is None and c.item == (CLAIM, claim_id)
    press(qtbot, Key.Key_E)
    press(qtbot, Key.Key_Q)

    # Undo and redo the last step.
    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    assert c.state.claims[claim_id].quote_type == "indirect"
    press(qtbot, Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
    assert c.state.claims[claim_id].quote_type == "mixed"

    # Ctrl+Enter: asked about the suggestions left (leave them), reviewed, and the next
    # unreviewed document opens.
    seed_id = c.state.doc.id
    asked: list[int] = []
    monkeypatch.setattr(questions, "leftovers_asker", lambda _p, _t, n: asked.append(n) or "leave")
    press(qtbot, Key.Key_Return, Mod.ControlModifier)
    assert asked and asked[0] > 0
    assert c.state.doc.ext_id == "second"
    assert w.view.hasFocus()
    press(qtbot, Key.Key_PageUp, Mod.ControlModifier)
    assert c.state.doc.id == seed_id

    session = ReviewSession.open(project, "checker")
    try:
        assert session.document(seed_id).status == DOC_DONE
        d = session.span(drian)
        assert (d.text, d.label, d.status) == ("Jean-Yves Le Drian", "PERSON", EDITED)
        new = session.span(made[1])
        assert (new.text, new.status) == ("Wednesday", MANUAL)
        claim = session.claim(claim_id)
        assert session.span(claim.speaker_span_id).text == "Jean-Yves Le Drian"
        assert session.span(claim.cue_span_id).text == "call on"
        assert session.span(claim.content_span_id).text == "the immediate cessation of hostilities"
        assert [session.span(a).text for a in claim.addressee_span_ids] == ["Russian"]
        assert (claim.kind, claim.quote_type, claim.status) == ("demand", "mixed", MANUAL)
    finally:
        session.close()

    # The export shows the same.
    out = tmp_path / "export"
    w.project_actions.ask_export_dir = lambda: str(out)
    task = w.project_actions.export_csv()
    assert task is not None
    qtbot.waitUntil(lambda: task not in w.project_actions.runner.running, timeout=20000)
    actors = list(csv.DictReader((out / "actors.csv").open(encoding="utf-8")))
    assert {"Jean-Yves Le Drian", "Wednesday"} <= {r["text"] for r in actors}
    claims = list(csv.DictReader((out / "claims.csv").open(encoding="utf-8")))
    row = next(r for r in claims if r["claim_id"] == str(claim_id))
    assert (row["speaker_text"], row["cue_text"], row["addressees"]) == (
        "Jean-Yves Le Drian",
        "call on",
        "Russian",
    )
    assert shown_errors == []


def test_undo_after_restart(qtbot, open_window, project: Path) -> None:
    w = open_window(project)
    first = w.focus.item
    assert first is not None and first[0] == SPAN
    press(qtbot, Key.Key_A)
    w.close()  # never asks "save changes?": it was saved on the key press

    w2 = open_window(project)
    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    assert w2.focus.state.spans[first[1]].status == SUGGESTED
    assert w2.focus.item == first
    press(qtbot, Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
    w2.close()
    session = ReviewSession.open(project, "checker")
    try:
        assert session.span(first[1]).status == ACCEPTED
    finally:
        session.close()


def test_letter_keys_work_from_a_table_and_rows_follow_focus(
    qtbot, open_window, project: Path
) -> None:
    w = open_window(project)
    c = w.focus
    w.actors_view.setFocus()
    qtbot.waitUntil(w.actors_view.hasFocus)
    press(qtbot, Key.Key_J)
    press(qtbot, Key.Key_J)
    if c.item[0] == SPAN and c.state.spans[c.item[1]].layer == "actor":
        row = w.actors_view.selectionModel().currentIndex().row()
        assert w.actor_model.ids[row] == c.item[1]
    # Choosing a claim row focuses that claim.
    w.claims_view.selectRow(2)
    assert c.item == (CLAIM, w.claim_model.ids[2])
    # Font size keys.
    size = w.view.point_size()
    press(qtbot, Key.Key_Equal, Mod.ControlModifier)
    assert w.view.point_size() == size + 1
    press(qtbot, Key.Key_Minus, Mod.ControlModifier)
    assert w.view.point_size() == size


def test_mouse_select_then_label_key(qtbot, open_window, project: Path) -> None:
    w = open_window(project)
    text = w.focus.state.text
    start = text.index("humanitarian crisis")
    w.view.move_caret(start + len("humanitarian crisis"), anchor=start)
    press(qtbot, Key.Key_4)
    span = w.focus.focused_span()
    assert span is not None and (span.text, span.label) == ("humanitarian crisis", "NORP")


def test_e_cycles_through_the_project_claim_kinds(qtbot, open_window, project: Path) -> None:
    session = ReviewSession.open(project, "ana")
    session.add_claim_kind("ultimatum")
    claim_id = session.claims(1)[0].id
    session.set_claim_kind(claim_id, "threat")  # the last built-in kind
    session.close()
    w = open_window(project)
    items = [w.claim_editor.kind.itemText(i) for i in range(w.claim_editor.kind.count())]
    assert items[-1] == "ultimatum"
    w.focus.focus_item((CLAIM, claim_id))
    qtbot.keyClick(w.view, Qt.Key.Key_E)
    assert w.session is not None and w.session.claim(claim_id).kind == "ultimatum"
