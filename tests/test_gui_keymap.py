"""The keymap is one data table: no clashes, remaps persist, taken keys are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from idleb_desk.gui.config.keymap import KeyConflict, Keymap, load_defaults, make_settings
from idleb_desk.gui.dialogs.help_dialog import HelpDialog, binding_rows
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.main_window import MainWindow

DESIGN_KEYS = {
    "next_item": {"J", "Tab"},
    "prev_item": {"K", "Shift+Tab"},
    "accept": {"A", "Return"},
    "reject": {"X", "Del"},
    "end_left": {"Shift+Left"},
    "end_right": {"Shift+Right"},
    "start_left": {"Alt+Shift+Left"},
    "start_right": {"Alt+Shift+Right"},
    "new_span": {"N"},
    "new_claim": {"C"},
    "role_speaker": {"S"},
    "role_cue": {"V"},
    "role_addressee": {"R"},
    "undo": {"Ctrl+Z"},
    "redo": {"Ctrl+Shift+Z"},
    "mark_done": {"Ctrl+Return"},
    "next_document": {"Ctrl+PgDown"},
    "prev_document": {"Ctrl+PgUp"},
    "find": {"Ctrl+F"},
    "help": {"F1"},
    **{f"label_{i}": {str(i)} for i in range(1, 10)},
}


@pytest.fixture
def keymap(qapp, tmp_path: Path) -> Keymap:
    return Keymap(make_settings(tmp_path / "settings.ini"))


def test_defaults_cover_design_and_have_no_conflicts(keymap: Keymap) -> None:
    assert keymap.conflicts() == []
    for action, keys in DESIGN_KEYS.items():
        assert keys <= set(keymap.keys(action)), action


def test_remap_refuses_taken_keys(keymap: Keymap) -> None:
    with pytest.raises(KeyConflict, match="next_item"):
        keymap.set_keys("accept", ["J"])
    for platform_key in ("Ctrl+C", "Ctrl+A", "Ctrl+V", "Ctrl+W"):
        with pytest.raises(KeyConflict, match="platform"):
            keymap.set_keys("accept", [platform_key])
    with pytest.raises(KeyConflict, match="quit"):  # Ctrl+Q is taken by our own Quit
        keymap.set_keys("accept", ["Ctrl+Q"])
    assert "A" in keymap.keys("accept")  # nothing changed


def test_remap_persists_in_settings(qapp, tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    km = Keymap(make_settings(path))
    km.set_keys("accept", ["Y", "Return"])
    again = Keymap(make_settings(path))
    assert again.keys("accept") == ("Y", "Return")
    again.reset("accept")
    assert "A" in Keymap(make_settings(path)).keys("accept")


def test_a_clashing_override_in_settings_is_ignored(qapp, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "settings.ini")
    settings.setValue("keymap/accept", "J")
    settings.sync()
    km = Keymap(settings)
    assert km.keys("accept") == tuple(b for b in load_defaults() if b.action == "accept")[0].keys
    assert km.conflicts() == []


def test_f1_lists_every_binding_and_remaps_live(qtbot, tmp_path: Path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(errors, "presenter", lambda _p, _t, msg: shown.append(msg))
    w = MainWindow(make_settings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    dialog = HelpDialog(w.keymap, w.apply_keymap, w)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(list(w.keymap)) == len(binding_rows(w.keymap))
    actions = {dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert actions == {b.action for b in w.keymap}
    texts = {dialog.table.item(r, 1).text(): dialog.table.item(r, 2).text()
             for r in range(dialog.table.rowCount())}  # fmt: skip
    assert texts["label_1"].startswith("PERSON") and texts["label_5"].startswith("SPEAKER")
    assert not dialog.remap("accept", ["Ctrl+C"])
    assert shown and "Copy" in shown[0]
    assert dialog.remap("accept", ["Y"])
    assert [s.toString() for s in w.actions_by_name["accept"].shortcuts()] == ["Y"]


def test_default_settings_live_in_the_test_home(qapp, hermetic_home: Path) -> None:
    """The suite never reads the analyst's real settings (conftest points Qt elsewhere)."""
    settings = make_settings()
    settings.setValue("probe", 1)
    settings.sync()
    assert Path(settings.fileName()).resolve().is_relative_to(hermetic_home.resolve())
