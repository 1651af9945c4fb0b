"""The Actors panel through real keys: rename, merge, split, link a speaker, each undone by
one Ctrl+Z, and checked against what the project file holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.review.review_state import CLAIM
from idleb_desk.gui.window.main_window import MainWindow

Key = Qt.Key
Mod = Qt.KeyboardModifier
TEXT_1 = "Syrian President Bashar al-Assad spoke in Damascus. He said Sergei Lavrov agreed."
TEXT_2 = "Assad replied in a speech. Lavrov answered him."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    db = tmp_path / "actors.idleb"
    s = ReviewSession.open(db, "analyst")
    with s.store.transaction():
        d1 = s.store.insert_document("one", "Assad speaks", TEXT_1)
        d2 = s.store.insert_document("two", "Assad replies", TEXT_2)
    assert d1 and d2
    for doc, text, names in (
        (d1, TEXT_1, ("Bashar al-Assad", "Damascus", "Sergei Lavrov")),
        (d2, TEXT_2, ("Assad", "Lavrov")),
    ):
        for name in names:
            at = text.index(name)
            s.create_span(doc, at, at + len(name), "GPE" if name == "Damascus" else "PERSON")
    # "He said ...": a pronoun speaker whose antecedent is the Assad mention.
    claim = s.create_claim(d1, content_range=(TEXT_1.index("Sergei"), len(TEXT_1) - 1))
    he = TEXT_1.index("He said")
    s.set_role(claim.id, "speaker", rng=(he, he + 2))
    s.close()
    return db


@pytest.fixture
def window(qtbot, tmp_path: Path, project: Path, shown_errors) -> MainWindow:
    w = MainWindow(make_settings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    assert w.open_project(project)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(w.view.hasFocus)
    return w


def names(project: Path) -> dict[str, list[str]]:
    """Each actor's name with the texts of its mentions, read from the file."""
    s = ReviewSession.open(project, "reader", create=False)
    try:
        return {a.name: list(a.aliases) for a in s.actor_rows()}
    finally:
        s.close()


def open_panel(qtbot, w: MainWindow) -> None:
    press(qtbot, Key.Key_F9)
    qtbot.waitUntil(lambda: w.actors_panel.actor_view.hasFocus())


def go_to(qtbot, w: MainWindow, name: str) -> None:
    """Home, then Down until the current actor is `name`."""
    press(qtbot, Key.Key_Home)
    for _ in range(len(w.actors_panel.actors.rows)):
        actor = w.actors_panel.current_actor()
        if actor is not None and actor.name == name:
            return
        press(qtbot, Key.Key_Down)
    raise AssertionError(f"no actor {name!r} in the panel")


def test_panel_lists_actors_with_aliases_and_counts(qtbot, window: MainWindow) -> None:
    open_panel(qtbot, window)
    rows = {r.name: r for r in window.actors_panel.actors.rows}
    assert rows["Bashar al-Assad"].aliases == ("Assad", "Bashar al-Assad")
    assert (rows["Bashar al-Assad"].mentions, rows["Bashar al-Assad"].documents) == (2, 2)
    assert "Sergei Lavrov" in rows and "Lavrov" not in rows
    press(qtbot, Key.Key_F9)  # toggles it away
    assert not window.actors_panel.isVisible() and window.view.hasFocus()


def test_rename_by_f2_and_one_ctrl_z(qtbot, window: MainWindow, project: Path) -> None:
    open_panel(qtbot, window)
    go_to(qtbot, window, "Sergei Lavrov")
    press(qtbot, Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not window.actors_panel.actor_view
    qtbot.keyClick(editor, Key.Key_A, Mod.ControlModifier)
    qtbot.keyClicks(editor, "Sergey Lavrov")
    qtbot.keyClick(editor, Key.Key_Return)
    qtbot.waitUntil(lambda: "Sergey Lavrov" in names(project))
    assert names(project)["Sergey Lavrov"] == ["Lavrov", "Sergei Lavrov"]
    # The article's actor table shows the new name too.
    assert "Sergey Lavrov" in window.statusBar().currentMessage()
    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    assert "Sergei Lavrov" in names(project) and "Sergey Lavrov" not in names(project)
    assert window.actors_panel.current_actor().name == "Sergei Lavrov"


def test_split_then_merge_back_each_one_undo(qtbot, window: MainWindow, project: Path) -> None:
    open_panel(qtbot, window)
    go_to(qtbot, window, "Bashar al-Assad")
    press(qtbot, Key.Key_Return)  # to its mentions
    panel = window.actors_panel
    assert panel.mention_view.hasFocus()
    while panel.current_mention().text != "Assad":
        press(qtbot, Key.Key_Down)
    press(qtbot, Key.Key_S)  # split "Assad" (document 2) off
    after_split = names(project)
    assert after_split["Assad"] == ["Assad"]
    assert after_split["Bashar al-Assad"] == ["Bashar al-Assad"]
    assert panel.actor_view.hasFocus() and panel.current_actor().name == "Assad"
    # Merge it back: M on "Assad", then M on "Bashar al-Assad".
    press(qtbot, Key.Key_M)
    go_to(qtbot, window, "Bashar al-Assad")
    press(qtbot, Key.Key_M)
    merged = names(project)
    assert "Assad" not in merged and merged["Bashar al-Assad"] == ["Assad", "Bashar al-Assad"]
    # The open document is document 1; both events touched document 2's mention.
    assert window.focus.state.doc.title == "Assad speaks"
    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    assert names(project) == after_split
    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    assert names(project)["Bashar al-Assad"] == ["Assad", "Bashar al-Assad"]
    assert "Assad" not in names(project)
    press(qtbot, Key.Key_Y, Mod.ControlModifier)  # redo the split
    assert names(project) == after_split


def test_escape_cancels_a_merge(qtbot, window: MainWindow, project: Path) -> None:
    before = names(project)
    open_panel(qtbot, window)
    go_to(qtbot, window, "Damascus")
    press(qtbot, Key.Key_M)
    press(qtbot, Key.Key_Escape)
    go_to(qtbot, window, "Sergei Lavrov")
    press(qtbot, Key.Key_M)  # marks, does not merge
    assert names(project) == before
    assert "merge" in window.statusBar().currentMessage().lower()


def test_pronoun_speaker_shows_its_actor_and_l_relinks_it(
    qtbot, window: MainWindow, project: Path
) -> None:
    w = window
    claim_id = next(iter(w.focus.state.claims))
    w.focus.focus_item((CLAIM, claim_id))
    # "He" resolved through nothing yet: link it from the panel with L.
    open_panel(qtbot, w)
    go_to(qtbot, w, "Bashar al-Assad")
    press(qtbot, Key.Key_L)
    s = ReviewSession.open(project, "reader", create=False)
    actor_id, _how = s.speaker_actor(claim_id)
    assert s.actor_name(actor_id) == "Bashar al-Assad"
    s.close()
    assert "Bashar al-Assad" in w.claim_editor.role_labels["speaker"].text()
    press(qtbot, Key.Key_Z, Mod.ControlModifier)
    s = ReviewSession.open(project, "reader", create=False)
    assert s.speaker_actor(claim_id)[0] is None
    s.close()


def test_d_toggles_the_demonym_setting(qtbot, window: MainWindow, project: Path) -> None:
    open_panel(qtbot, window)
    press(qtbot, Key.Key_D)
    s = ReviewSession.open(project, "reader", create=False)
    assert s.demonyms_to_state()
    s.close()
    assert "Russia" in window.statusBar().currentMessage()
    press(qtbot, Key.Key_D)
    s = ReviewSession.open(project, "reader", create=False)
    assert not s.demonyms_to_state()
    s.close()
