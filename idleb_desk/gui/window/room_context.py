"""What the window's rooms share, handed to each as one small value (no mixins)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from idleb_desk.changes import Changes
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.config.keymap import Keymap
from idleb_desk.gui.review.review_controller import ReviewController
from idleb_desk.gui.window.workers import TaskRunner


@dataclass
class RoomContext:
    parent: QMainWindow  # for docks, dialogs and the status bar
    settings: QSettings
    keymap: Keymap
    controller: ReviewController
    runner: TaskRunner
    status: Callable[[str], None]
    session: Callable[[], ReviewSession | None]
    apply_changes: Callable[[Changes], None]
    open_document: Callable[[int | None], None]
    # Redraw now what other connections committed (a worker's import, a team sync's
    # pull); True if there was something. The window's watch also polls for it.
    follow_changes: Callable[[], bool]

    def key(self, action: str) -> str:
        """The first key of an action, for hints ("no key" if it has none)."""
        return " or ".join(self.keymap.keys(action)[:1]) or "no key"
