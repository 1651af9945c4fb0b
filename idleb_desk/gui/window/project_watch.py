"""Following changes that other programs commit, and the read-only banner.

Another window, `idleb-desk import` or a worker thread may commit to the project while
this window shows it; `PRAGMA data_version` (polled through the session) says when, and
`session.changes_elsewhere()` what they touched, which the window redraws through its one
change path, keeping the analyst's focus.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from idleb_desk.core.opening import ProjectError
from idleb_desk.gui.window.room_context import RoomContext

log = logging.getLogger(__name__)

POLL_MS = 1000


class ProjectWatch:
    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        self.banner = QLabel("")
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#readOnlyBanner { background: #fff3c4; color: #3d2e00; "
            "border: 1px solid #c9a400; padding: 6px; font-weight: bold; }"
        )
        self.banner.hide()
        self.timer = QTimer(ctx.parent)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.follow_changes)
        self.timer.start()

    def show_read_only(self) -> None:
        session = self.ctx.session()
        reason = session.read_only_reason if session is not None else None
        self.banner.setText(f"Read-only — {reason}" if reason else "")
        self.banner.setVisible(bool(reason))

    def follow_changes(self) -> bool:
        """Re-read the view if another connection committed; True if it did."""
        session = self.ctx.session()
        if session is None or self.ctx.controller.focus.role_mode:
            return False  # picking claim roles: refresh on a later tick, not mid-gesture
        try:
            # The rows the other writers' events name (Changes.all() when core cannot
            # tell): an outside commit redraws what it touched, not the whole window.
            changes = session.changes_elsewhere()
        except ProjectError as exc:
            log.warning("polling %s: %s", session.path, exc)
            return False
        if changes:
            log.info("%s changed elsewhere; refreshing", session.path)
            self.ctx.apply_changes(changes)
        return bool(changes)
