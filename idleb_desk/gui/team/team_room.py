"""The team server in the window (issue 15): sync off the GUI thread, the status item,
and the conflicts.

A project joined to a team server (`idleb-desk team join`) syncs by itself: a couple of
seconds after the analyst's last change, every half minute, when the server says its
log grew (LISTEN/NOTIFY, on a thread of its own; at most every WOKEN_GAP_MS), and on F5.
Each sync is a worker task on its own connection; what it pulls reaches the screen
through the window's watch of outside commits, as another window's work does. The status
bar says where things stand: synced, N pending, offline since when, conflicts. A conflict
is never settled for the analyst: Shift+F5 shows each one (base, mine, theirs) and the
analyst chooses.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from idleb_desk.changes import Changes
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.review.key_context import Handlers
from idleb_desk.gui.window.room_context import RoomContext
from idleb_desk.team import status as team_status

if TYPE_CHECKING:
    from idleb_desk.gui.team.conflicts_dialog import ConflictsDialog

log = logging.getLogger(__name__)


def _api() -> Any:
    """The team server's calls, imported on first use: the PostgreSQL driver is loaded
    only for a project joined to a team, not at start-up."""
    from idleb_desk.team import window_api

    return window_api


AFTER_CHANGE_MS = 2000  # a pause in the keys, then the decisions go to the server
EVERY_MS = 30000  # and a pull at least this often (a notice can be lost)
# A notice (a colleague pushed) starts a sync at most this long after the last one began:
# with a team pushing all the time the room would otherwise sync back to back, and each
# sync's work (on its thread, but sharing the interpreter and the file) slows the keys.
WOKEN_GAP_MS = 2000


class TeamRoom(QObject):
    woken = Signal()  # emitted from the listening thread; delivered on the GUI thread

    def __init__(self, ctx: RoomContext) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.link: team_status.Link | None = None
        self.path: str | None = None
        self.task: Any = None
        self.again = False
        self.last: team_status.SyncReport | None = None
        self._stop: threading.Event | None = None
        self.dialog: ConflictsDialog | None = None

        self.badge = QLabel()
        self.badge.setObjectName("teamSyncBadge")
        ctx.parent.statusBar().addPermanentWidget(self.badge)
        self.badge.hide()
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(AFTER_CHANGE_MS)
        self.soon.timeout.connect(self._push_pending)
        self.every = QTimer(self)
        self.every.setInterval(EVERY_MS)
        self.every.timeout.connect(self.sync_now)
        self.later = QTimer(self)
        self.later.setSingleShot(True)
        self.later.timeout.connect(self.sync_now)
        self.started = -1e9  # time.monotonic() when the last sync began
        self.woken.connect(self._woken)

    def handlers(self) -> Handlers:
        return {"team_sync": self.sync_now, "team_conflicts": self.show_conflicts}

    # ---- the window's hooks --------------------------------------------------------------

    def set_session(self, session: ReviewSession | None) -> None:
        self._stop_listening()
        self.later.stop()
        self.soon.stop()
        self.every.stop()
        self.link = team_status.link_of(session.store) if session is not None else None
        self.path = str(session.path) if session is not None else None
        self.last = None
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
        if self.link is None or session is None or session.read_only_reason is not None:
            self.link = None
            self.badge.hide()
            return
        self.badge.show()
        self._show(team_status.status(session.store))
        self.every.start()
        self._listen(self.link.url)
        self.sync_now()

    def changes_applied(self, changes: Changes) -> None:
        """The analyst decided something: push it once the keys pause."""
        if self.link is not None and changes:
            self.soon.start()

    def _push_pending(self) -> None:
        """The keys paused: sync if this project holds events the server lacks. What a
        pull just brought reaches this path too (drawn as an outside change), and is on
        the server already: no second sync for it."""
        session = self.ctx.session()
        if session is not None and self.link is not None and \
                team_status.status(session.store).pending:  # fmt: skip
            self.sync_now()

    def _woken(self) -> None:
        """The server's log grew: sync now, or once WOKEN_GAP_MS have passed since the
        last sync began (several notices meanwhile make one sync)."""
        wait = WOKEN_GAP_MS - (time.monotonic() - self.started) * 1000
        if wait <= 0:
            self.sync_now()
        elif not self.later.isActive():
            self.later.start(int(wait))

    def close(self) -> None:
        self.later.stop()
        self._stop_listening()
        if self.dialog is not None:
            self.dialog.close()

    # ---- syncing -------------------------------------------------------------------------

    def sync_now(self) -> None:
        if self.link is None or self.path is None:
            self.ctx.status("This project is not joined to a team server "
                            "(idleb-desk team join PROJECT URL --analyst NAME)")  # fmt: skip
            return
        if self.task is not None:
            self.again = True  # one more once this one is done: it may have missed it
            return
        path, team = self.path, _api()
        self.started = time.monotonic()

        def work(_progress: object, _cancelled: object) -> team_status.SyncReport:
            return team.sync_at(path)

        self.task = self.ctx.runner.run("Team sync", work, self._synced, self._failed,
                                        dialog=False)  # fmt: skip

    def _synced(self, report: team_status.SyncReport) -> None:
        self.task = None
        self.last = report
        self._show(report)
        if report.pulled:
            self.ctx.follow_changes()  # what the others did, drawn now, not on the next poll
        if report.new_conflicts:
            n = len(report.new_conflicts)
            self.ctx.status(f"Team sync: {n} new conflict(s) with a colleague's work — "
                            "Shift+F5 shows them; nothing was overwritten")  # fmt: skip
            if self.dialog is not None:
                self.dialog.reload()
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        session = self.ctx.session()
        if isinstance(exc, _api().ServerOffline) and session is not None:
            self._show(team_status.status(session.store))
        else:
            self.badge.setText("Team: sync failed")
            self.badge.setToolTip(str(exc))
            self.ctx.status(f"Team sync failed: {exc}")
        log.warning("team sync: %s", exc)
        self._next()

    def _next(self) -> None:
        if self.again:
            self.again = False
            self.sync_now()

    def _show(self, report: team_status.SyncReport) -> None:
        name = self.link.analyst if self.link is not None else "?"
        if report.offline_since:
            text = f"Team ({name}): offline since {report.offline_since[11:16]} UTC"
            tip = (f"The server could not be reached since {report.offline_since}; your "
                   "work is saved here and goes out at the next sync")  # fmt: skip
        elif report.pending or report.open_conflicts:
            text = f"Team ({name}): {report.pending} pending"
            tip = "Decisions saved here, not yet on the team server"
        else:
            text, tip = f"Team ({name}): synced", "Everything is on the team server"
        if report.open_conflicts:
            text += f" · ⚠ {report.open_conflicts} conflict(s)"
            tip += "; Shift+F5 shows the conflicts (base, mine, theirs) to choose"
        self.badge.setText(text)
        self.badge.setToolTip(tip + ". F5 syncs now.")

    # ---- conflicts -----------------------------------------------------------------------

    def show_conflicts(self) -> None:
        session = self.ctx.session()
        if self.link is None or session is None or self.path is None:
            self.ctx.status("This project is not joined to a team server")
            return
        if self.dialog is None:
            from idleb_desk.gui.team.conflicts_dialog import ConflictsDialog

            self.dialog = ConflictsDialog(self.ctx.parent, session, self._resolve)
        self.dialog.reload()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def _resolve(self, conflict_id: int, choice: str) -> None:
        session, path = self.ctx.session(), self.path
        if session is None or path is None:
            return
        reviewer, team = session.reviewer, _api()

        def work(_progress: object, _cancelled: object) -> int:
            return team.resolve_at(path, conflict_id, choice, reviewer)

        def done(_event_id: int) -> None:
            self.ctx.follow_changes()
            self.ctx.status(f"Conflict {conflict_id}: kept {choice} — saved; syncing")
            if self.dialog is not None:
                self.dialog.reload()
            self._show(team_status.status(session.store))
            self.sync_now()

        def failed(exc: BaseException) -> None:
            self.ctx.status(f"Conflict {conflict_id}: {exc}")

        self.ctx.runner.run("Resolving a conflict", work, done, failed, dialog=False)

    # ---- listening -----------------------------------------------------------------------

    def _listen(self, url: str) -> None:
        stop = threading.Event()
        self._stop = stop
        thread = threading.Thread(target=_api().listen, args=(url, stop, self.woken.emit),
                                  name="team-listen", daemon=True)  # fmt: skip
        thread.start()

    def _stop_listening(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._stop = None
