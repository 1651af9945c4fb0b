"""Settings declared once (gui/config/options.py) with a version, and every key bound to code."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import Qt

from idleb_desk.gui.config import options
from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.main_window import MainWindow

GUI = Path(__file__).resolve().parents[1] / "idleb_desk" / "gui"


def test_old_settings_are_upgraded_and_keep_their_values(tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    old = make_settings(path)
    old.setValue("view/font_size", 17)  # written by a release without a version key
    old.sync()
    settings = make_settings(path)
    assert options.upgrade_settings(settings) == 1
    assert options.settings_version(settings) == options.SETTINGS_VERSION
    assert options.FONT_SIZE.get(settings) == 17


def test_newer_settings_warn_and_are_left_as_they_are(tmp_path: Path, caplog) -> None:
    settings = make_settings(tmp_path / "s.ini")
    settings.setValue(options.VERSION_KEY, options.SETTINGS_VERSION + 5)
    with caplog.at_level(logging.WARNING):
        assert options.upgrade_settings(settings) == options.SETTINGS_VERSION + 5
    assert "newer than this program" in caplog.text
    assert options.settings_version(settings) == options.SETTINGS_VERSION + 5


def test_a_bad_value_reads_as_the_default(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "s.ini")
    settings.setValue(options.NETWORK_SHARE.key, "wide")
    assert options.NETWORK_SHARE.get(settings) == options.NETWORK_SHARE.default


def test_every_upgrade_step_is_there() -> None:
    assert sorted(options.UPGRADES) == list(range(1, options.SETTINGS_VERSION))


def test_no_settings_key_is_written_outside_options() -> None:
    """A key spelled at a call site would start a second setting on a typo."""
    calls = re.compile(r"settings\.(value|setValue)\(\s*[\"']")
    offenders = [
        p.name for p in GUI.glob("*.py") if p.name != "options.py" and calls.search(p.read_text())
    ]
    assert offenders == []


def test_zoom_is_remembered_through_its_option(qtbot, tmp_path: Path) -> None:
    w = MainWindow(make_settings(tmp_path / "s.ini"))
    qtbot.addWidget(w)
    size = w.view.point_size()
    w.run_action("zoom_in")
    assert options.FONT_SIZE.get(w.settings) == size + 1
    again = MainWindow(make_settings(tmp_path / "s.ini"))
    qtbot.addWidget(again)
    assert again.view.point_size() == size + 1


def test_every_keymap_action_has_a_handler(qtbot, tmp_path: Path) -> None:
    w = MainWindow(make_settings(tmp_path / "s.ini"))
    qtbot.addWidget(w)
    missing = [b.action for b in w.keymap if b.action not in w.handlers]
    assert missing == []
    assert w.actions_by_name["help"].shortcutContext() == Qt.ShortcutContext.WindowShortcut
