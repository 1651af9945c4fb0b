"""The window side of review at scale: the filter bar and the scope in the status bar,
find in all documents, and reopening where the analyst left off."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel

from idleb_desk.core.bulk_ops import Position
from idleb_desk.core.search import Match
from idleb_desk.gui.config.labels import LabelSet
from idleb_desk.gui.navigate.filter_bar import FilterBar
from idleb_desk.gui.navigate.find_all import FindAllDock
from idleb_desk.gui.navigate.scope import NavFilter
from idleb_desk.gui.review.article_view import ArticleView
from idleb_desk.gui.review.key_context import Handlers
from idleb_desk.gui.window.room_context import RoomContext

log = logging.getLogger(__name__)

# How often the position is saved while working (it is also saved on close and when
# another project or document opens); a write only happens when it moved.
POSITION_SAVE_MS = 3000


class ScaleWindow:
    def __init__(self, ctx: RoomContext, labels: LabelSet, text_view: ArticleView) -> None:
        """The filter bar (placed by the window), the find-all dock, the scope indicator
        and the position timer."""
        self.ctx = ctx
        self.focus = ctx.controller.focus
        self.text_view = text_view
        self.filter_bar = FilterBar(labels)
        self.filter_bar.changed.connect(self._filter_chosen)
        self.filter_bar.closed.connect(self._back_to_text)
        self.scope_label = QLabel("")
        self.scope_label.setObjectName("scopeStatus")
        ctx.parent.statusBar().addPermanentWidget(self.scope_label)
        self.find_all_dock = FindAllDock(ctx.parent)
        ctx.parent.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.find_all_dock)
        self.find_all_dock.hide()
        self.find_all_dock.searched.connect(self._run_find_all)
        self.find_all_dock.open_match.connect(self._open_match)
        self.find_all_dock.closed.connect(self._back_to_text)
        self.position_timer = QTimer(ctx.parent)
        self.position_timer.setInterval(POSITION_SAVE_MS)
        self.position_timer.timeout.connect(self.remember_position)
        self.position_timer.start()
        self._saved_position: Position | None = None
        self.focus.scope_changed.connect(self._show_scope)
        self._show_scope(self.focus.scope, self.focus.nav_filter)

    def handlers(self) -> Handlers:
        return {
            "filter": self.filter_bar.focus_bar,
            "clear_filter": self.clear_filter,
            "find_all": self.find_all_dock.open_dock,
            "next_result": lambda: self._result(+1),
            "prev_result": lambda: self._result(-1),
        }

    # ---- scope and filter ------------------------------------------------------------------

    def _show_scope(self, scope: str, nav: NavFilter) -> None:
        self.scope_label.setText(self.focus.describe_nav())
        self.filter_bar.set_current(scope, nav)

    def _filter_chosen(self, scope: str, nav: NavFilter) -> None:
        self.focus.set_nav(scope, nav)
        self.ctx.status(f"{self.focus.describe_nav()}")

    def _back_to_text(self) -> None:
        self.text_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def clear_filter(self) -> None:
        self.focus.set_nav(self.focus.scope, NavFilter())
        self.ctx.status(f"Filter cleared — {self.focus.describe_nav()}")

    # ---- find in all documents -----------------------------------------------------------------

    def _run_find_all(self, query: str) -> None:
        session = self.ctx.session()
        if session is None:
            self.ctx.status("No project open")
            return
        matches, cut = session.find_all(query)
        self.find_all_dock.show_results(query, matches, cut)
        self.ctx.status(self.find_all_dock.summary.text())

    def _open_match(self, m: Match) -> None:
        if self.focus.doc_id != m.document_id:
            self.ctx.open_document(m.document_id)
        if self.focus.doc_id != m.document_id:
            return
        # Selected in the article, as Ctrl+F leaves a match: a label key makes it a span.
        self.text_view.move_caret(m.end, anchor=m.start)
        self.text_view.ensureCursorVisible()
        n = self.find_all_dock.current + 1
        self.ctx.status(
            f"Match {n} of {len(self.find_all_dock.matches)}: “{m.text}” in {m.title} "
            "— F8 next, Shift+F8 previous"
        )

    def _result(self, step: int) -> None:
        if not self.find_all_dock.step(step):
            self.ctx.status("No matches — Ctrl+Shift+F finds in all documents")

    # ---- where the analyst left off -------------------------------------------------------------

    def remember_position(self) -> None:
        session = self.ctx.session()
        if session is None or session.read_only_reason is not None:
            return
        pos = self.focus.position()
        if pos is None or pos == self._saved_position:
            return
        try:
            session.remember_position(pos)
        except Exception as exc:  # noqa: BLE001 (a lost bookmark must never cost work)
            log.warning("could not store the position in %s: %s", session.path, exc)
            return
        self._saved_position = pos

    def resume(self, doc_ids: list[int]) -> None:
        """Open the document and item where this reviewer left off, else the first."""
        session = self.ctx.session()
        pos = session.last_position() if session is not None else None
        self._saved_position = pos
        if pos is None or pos.document_id not in doc_ids:
            self.ctx.open_document(doc_ids[0] if doc_ids else None)
            return
        self.ctx.open_document(pos.document_id)
        self.focus.resume(pos)
        self.ctx.status("Reopened where you left off")
