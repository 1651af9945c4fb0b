"""Every action of the keymap table (idleb_desk/resources/keymap.json) reaches a handler.

`MainWindow.run_action` looks an action up and silently does nothing when no handler
owns it, so a key added to the table (or a handler renamed) would go dead without any
error. The table is read here from the JSON file itself, not through gui/config/keymap.py, and
checked against a real window built with temporary settings, as open_window does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction, QKeySequence

import idleb_desk
from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.main_window import MainWindow

KEYMAP = Path(idleb_desk.__file__).parent / "resources" / "keymap.json"
BINDINGS: list[dict[str, Any]] = json.loads(KEYMAP.read_text(encoding="utf-8"))["bindings"]


@pytest.fixture
def window(qtbot, tmp_path: Path, shown_errors) -> MainWindow:
    w = MainWindow(make_settings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    return w


def handler_of(window: MainWindow, action: str) -> Callable[..., Any] | None:
    """What `run_action(action)` calls: the union of every room's `{action: handler}`."""
    return window.handlers.get(action)


def test_the_table_is_read() -> None:
    actions = [b["action"] for b in BINDINGS]
    assert len(actions) > 50 and len(set(actions)) == len(actions)
    assert {"next_item", "accept", "undo", "quit", "network_fit"} <= set(actions)


def test_every_keymap_action_has_a_handler(window: MainWindow) -> None:
    missing = [b["action"] for b in BINDINGS if not callable(handler_of(window, b["action"]))]
    assert not missing, f"keymap actions no handler owns: {missing}"


def test_every_keymap_action_is_a_qaction_with_its_keys_where_its_scope_says(
    window: MainWindow,
) -> None:
    owners = {"review": window.review_area, "network": window.network_view, "window": window}
    for b in BINDINGS:
        name = b["action"]
        act = window.actions_by_name.get(name)
        assert isinstance(act, QAction), name
        assert act.objectName() == f"action_{name}"
        assert act in owners[b["scope"]].actions(), f"{name} is not on its {b['scope']} widget"
        keys = [s.toString() for s in act.shortcuts()]
        assert keys == [QKeySequence(k).toString() for k in b["keys"]], name


def test_a_triggered_action_reaches_its_handler(window: MainWindow) -> None:
    # With no project open, the review keys answer in the status bar instead of acting.
    window.statusBar().clearMessage()
    window.actions_by_name["next_item"].trigger()
    assert "No document open" in window.statusBar().currentMessage()
