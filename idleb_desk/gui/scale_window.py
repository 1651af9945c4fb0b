"""The window side of review at scale: the filter bar and the scope in the status bar,
find in all documents, and reopening where the analyst left off.

Mixed into MainWindow, which provides `controller`, `session`, `view`, `doc_model` and
`open_document`.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel

from idleb_desk.core.bulk_ops import Position
from idleb_desk.core.search import Match
from idleb_desk.gui.filter_bar import FilterBar
from idleb_desk.gui.find_all import FindAllDock
from idleb_desk.gui.scope import NavFilter

log = logging.getLogger(__name__)

# How often the position is saved while working (it is also saved on close and when
# another project or document opens); a write only happens when it moved.
POSITION_SAVE_MS = 3000


class ScaleWindow:
    controller: Any
    session: Any

    def init_scale(self) -> FilterBar:
        """Build the filter bar (returned, for the layout), the find-all dock, the scope
        indicator and the position timer."""
        self.filter_bar = FilterBar(self.labels)  # type: ignore[attr-defined]
        self.filter_bar.changed.connect(self._filter_chosen)
        self.filter_bar.closed.connect(self._back_to_text)
        self.scope_label = QLabel("")
        self.scope_label.setObjectName("scopeStatus")
        self.statusBar().addPermanentWidget(self.scope_label)  # type: ignore[attr-defined]
        self.find_all_dock = FindAllDock(self)  # type: ignore[arg-type]
        self.addDockWidget(  # type: ignore[attr-defined]
            Qt.DockWidgetArea.BottomDockWidgetArea, self.find_all_dock
        )
        self.find_all_dock.hide()
        self.find_all_dock.searched.connect(self._run_find_all)
        self.find_all_dock.open_match.connect(self._open_match)
        self.find_all_dock.closed.connect(self._back_to_text)
        self.position_timer = QTimer(self)  # type: ignore[arg-type]
        self.position_timer.setInterval(POSITION_SAVE_MS)
        self.position_timer.timeout.connect(self.remember_position)
        self.position_timer.start()
        self._saved_position: Position | None = None
        return self.filter_bar

    def connect_scale(self) -> None:
        """Once the controller exists."""
        self.controller.scope_changed.connect(self._show_scope)
        self.controller.documents_changed.connect(self._documents_changed)
        self._show_scope(self.controller.scope, self.controller.nav_filter)

    # ---- scope and filter ------------------------------------------------------------------

    def _show_scope(self, scope: str, nav: NavFilter) -> None:
        self.scope_label.setText(self.controller.describe_nav())
        self.filter_bar.set_current(scope, nav)

    def _filter_chosen(self, scope: str, nav: NavFilter) -> None:
        self.controller.set_nav(scope, nav)
        self.show_status(f"{self.controller.describe_nav()}")  # type: ignore[attr-defined]

    def _back_to_text(self) -> None:
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)  # type: ignore[attr-defined]

    def act_filter(self) -> None:
        self.filter_bar.focus_bar()

    def act_clear_filter(self) -> None:
        self.controller.set_nav(self.controller.scope, NavFilter())
        self.show_status(f"Filter cleared — {self.controller.describe_nav()}")  # type: ignore[attr-defined]

    def _documents_changed(self) -> None:
        self.refresh_documents()  # type: ignore[attr-defined]

    # ---- find in all documents -----------------------------------------------------------------

    def act_find_all(self) -> None:
        self.find_all_dock.open_dock()

    def _run_find_all(self, query: str) -> None:
        if self.session is None:
            self.show_status("No project open")  # type: ignore[attr-defined]
            return
        matches, cut = self.session.find_all(query)
        self.find_all_dock.show_results(query, matches, cut)
        self.show_status(self.find_all_dock.summary.text())  # type: ignore[attr-defined]

    def _open_match(self, m: Match) -> None:
        if self.controller.doc_id != m.document_id:
            self.open_document(m.document_id)  # type: ignore[attr-defined]
        if self.controller.doc_id != m.document_id:
            return
        # Selected in the article, as Ctrl+F leaves a match: a label key makes it a span.
        self.view.move_caret(m.end, anchor=m.start)  # type: ignore[attr-defined]
        self.view.ensureCursorVisible()  # type: ignore[attr-defined]
        n = self.find_all_dock.current + 1
        self.show_status(  # type: ignore[attr-defined]
            f"Match {n} of {len(self.find_all_dock.matches)}: “{m.text}” in {m.title} "
            "— F8 next, Shift+F8 previous"
        )

    def act_next_result(self) -> None:
        if not self.find_all_dock.step(+1):
            self.show_status("No matches — Ctrl+Shift+F finds in all documents")  # type: ignore[attr-defined]

    def act_prev_result(self) -> None:
        if not self.find_all_dock.step(-1):
            self.show_status("No matches — Ctrl+Shift+F finds in all documents")  # type: ignore[attr-defined]

    # ---- where the analyst left off -------------------------------------------------------------

    def remember_position(self) -> None:
        session = self.session
        if session is None or session.read_only_reason is not None:
            return
        pos = self.controller.position()
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
        pos = self.session.last_position() if self.session is not None else None
        self._saved_position = pos
        if pos is None or pos.document_id not in doc_ids:
            self.open_document(doc_ids[0] if doc_ids else None)  # type: ignore[attr-defined]
            return
        self.open_document(pos.document_id)  # type: ignore[attr-defined]
        self.controller.resume(pos)
        self.show_status("Reopened where you left off")  # type: ignore[attr-defined]
