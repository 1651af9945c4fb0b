"""The curation room: a gold project made by `team curate` opens in curation mode.

A dock lists the open document's positions with their state (a colour and a word, a
legend above, the meaning in the tooltip) and shows each analyst's version of the
focused position side by side. Keys step to the next or previous position still to
decide and take analyst N's version or none; each is one review operation on the gold
project, drawn through the window's one change path (`KeyContext.attempt` runs it and
hands `session.take_changes()` to `apply_changes`), so Ctrl+Z undoes it as any other.

In an analyst's file made by `team split`, the status bar names the analyst and says
whether the open document is in the reliability sample; the document list marks them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.changes import Changes
from idleb_desk.core import curation_units as cu
from idleb_desk.core.curation_session import (
    AnalystFile,
    Curation,
    PositionState,
    analyst_file,
    is_gold,
)
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.config import options
from idleb_desk.gui.curation import states
from idleb_desk.gui.curation.positions import PositionsModel
from idleb_desk.gui.curation.versions_panel import VersionsPanel
from idleb_desk.gui.navigate.doc_list import DocumentListModel
from idleb_desk.gui.review.article_view import ArticleView
from idleb_desk.gui.review.highlighter import Mark
from idleb_desk.gui.review.key_context import Handlers
from idleb_desk.gui.window.room_context import RoomContext

log = logging.getLogger(__name__)

TAKE_KEYS = 9  # Alt+1 .. Alt+9
MANY = 50  # above this many rows changed, every position is re-read


def _mark(p: PositionState) -> Mark:
    return Mark(p.start, p.end, states.look(p.state).color, p.state in cu.TO_DECIDE)


class CurationRoom(QDockWidget):
    def __init__(self, ctx: RoomContext, view: ArticleView, doc_model: DocumentListModel
                 ) -> None:  # fmt: skip
        super().__init__("Curation", ctx.parent)
        self.setObjectName("curationDock")
        self.ctx = ctx
        self.view = view
        self.doc_model = doc_model
        self.curation: Curation | None = None
        self.team: AnalystFile | None = None
        self.doc_id: int | None = None
        self.current: PositionState | None = None

        self.model = PositionsModel()
        self.table = QTableView()
        self.table.setObjectName("curationPositions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 60)
        self.table.setColumnWidth(2, 260)
        self.table.setTabKeyNavigation(False)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.versions = VersionsPanel()
        self.legend = QLabel(states.legend_html())
        self.legend.setObjectName("curationLegend")
        self.legend.setWordWrap(True)
        self.legend.setToolTip("\n".join(states.tooltip(s) for s in cu.STATES))
        self.summary = QLabel()
        self.summary.setObjectName("curationSummary")

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.versions)
        split.setSizes([600, 900])
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(self.legend)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)
        self.setWidget(body)

        # The article shows each position's state too, under its spans, and says it in
        # the tooltip; the table above is the same list in words.
        self.highlighter = ctx.controller.focus.w.highlighter
        ctx.controller.focus.tooltip_extras.append(self.tooltip_at)

        self.badge = QLabel()
        self.badge.setObjectName("teamBadge")
        ctx.parent.statusBar().addPermanentWidget(self.badge)
        self.badge.hide()

    # ---- keys ----------------------------------------------------------------------------

    def handlers(self) -> Handlers:
        out: Handlers = {
            "next_disagreement": lambda: self.step(1),
            "prev_disagreement": lambda: self.step(-1),
            "take_none": self.take_none,
        }
        for k in range(TAKE_KEYS):
            out[f"take_{k + 1}"] = partial(self.take, k)
        return out

    def _ready(self) -> bool:
        if self.curation is None:
            self.ctx.status("Not a gold project: curation keys work in a project made by "
                            "'idleb-desk team curate'")  # fmt: skip
            return False
        if self.doc_id is None:
            self.ctx.status("Open a document to curate")
            return False
        return True

    def step(self, direction: int) -> PositionState | None:
        """The next (previous) position still to decide after (before) the focused one.
        Read from the rows on show, which every change refreshes: no second read per key."""
        if not self._ready():
            return None
        here = self.current.start if self.current is not None else None
        rows = self.model.rows if direction > 0 else list(reversed(self.model.rows))
        for p in rows:
            after = here is None or (p.start > here if direction > 0 else p.start < here)
            if p.state in cu.TO_DECIDE and after:
                self.choose(p)
                return p
        self.ctx.status("No position to decide " + ("after" if direction > 0 else "before")
                        + " this one in this document")  # fmt: skip
        return None

    def take(self, k: int) -> None:
        if not self._ready() or self.curation is None:
            return
        if k >= len(self.curation.analysts()):
            self.ctx.status(f"There is no analyst {k + 1} in this curation")
            return
        self._decide(lambda c, uid: c.take(uid, k), f"Took {self.curation.analysts()[k]}'s version")

    def take_none(self) -> None:
        if self._ready():
            self._decide(lambda c, uid: c.take_none(uid), "Took none of the versions")

    def _decide(self, fn: Callable[[Curation, int], PositionState], what: str) -> None:
        cur, curation = self.current, self.curation
        if cur is None or curation is None:
            self.ctx.status("No position chosen: Alt+J goes to the next one to decide")
            return
        self._deciding = True  # the decision's own row is put below: no re-read of all
        try:
            ok, pos = self.ctx.controller.ctx.attempt(lambda: fn(curation, cur.id))
        finally:
            self._deciding = False
        if not ok or pos is None:
            return
        row = self.model.row_of(pos.id)
        shown = self.model.rows[row] if row is not None else None
        self.model.put(pos)
        self._count()
        self.highlighter.replace_mark(self.doc_id, _mark(shown) if shown else None, _mark(pos))
        self.current = pos
        text = self.model.text[pos.start : pos.end]
        nxt = self.step(1) if pos.state not in cu.TO_DECIDE else None
        where = " — next to decide" if nxt is not None else ""
        self.ctx.status(f"{what} at '{' '.join(text.split())[:40]}': "
                        f"{states.look(pos.state).word} — saved{where}")  # fmt: skip

    # ---- the window's hooks --------------------------------------------------------------

    def set_session(self, session: ReviewSession | None) -> None:
        self.curation, self.team, self.doc_id, self.current = None, None, None, None
        self.model.set_positions([], "", [])
        self.highlighter.set_marks(None, [])
        self.versions.show_versions(None, [])
        if session is not None and is_gold(session.store):
            anonymise = options.CURATION_ANONYMISE.get(self.ctx.settings)
            self.curation = Curation(session, anonymise)
            self.show()
            names = ", ".join(self.curation.analysts())
            self.badge.setText(f"Curation: {names}")
            self.badge.setToolTip("A gold project made by 'idleb-desk team curate'")
            self.badge.show()
        else:
            self.hide()
            self.team = analyst_file(session.store) if session is not None else None
            self.badge.setVisible(self.team is not None)
        self.doc_model.sample = self.team.sample if self.team is not None else frozenset()
        self._badge_for_document()

    def document_opened(self, doc_id: int | None) -> None:
        self.doc_id = doc_id
        self.current = None
        self._badge_for_document()
        if self.curation is not None:
            if doc_id is None:
                self.model.set_positions([], "", [])
                self._paint()
            self._reload()
            self.versions.show_versions(None, [])

    def show_changes(self, changes: Changes) -> None:
        """Every change arrives here after the window drew it: the states follow."""
        if self.curation is None or self.doc_id is None or not changes:
            return
        if self._deciding:
            return
        if changes.everything or len(changes.spans) + len(changes.claims) > MANY:
            self._reload()
            return
        ranges = self._ranges(changes)
        if ranges is None:
            self._reload()
            return
        # Only the positions over what changed (an undo, another window's commit) are
        # re-read: all of a long article's positions take ~80 ms.
        curation = self.curation
        for p in list(self.model.rows):
            if any(p.start < e and s < p.end for s, e in ranges):
                self.model.put(curation.state(p.id))
        self._count()
        self._paint()
        if self.current is not None:
            row = self.model.row_of(self.current.id)
            self.current = self.model.rows[row] if row is not None else None
            self._show_current(move_article=False)

    def _ranges(self, changes: Changes) -> list[tuple[int, int]] | None:
        """The open document's stretches that changed; None: cannot tell (re-read all)."""
        session = self.curation.session if self.curation is not None else None
        if session is None:
            return None
        out = []
        try:
            for sid in changes.spans:
                sp = session.span(sid)
                if sp.document_id == self.doc_id:
                    out.append((sp.start, sp.end))
            for cid in changes.claims:
                c = session.claim(cid)
                if c.document_id != self.doc_id:
                    continue
                for part in (c.content_span_id, *c.content_part_ids):
                    if part is not None:
                        sp = session.span(part)
                        out.append((sp.start, sp.end))
        except KeyError:
            return None  # a row deleted: its place is gone with it
        return out

    # ---- showing -------------------------------------------------------------------------

    def _badge_for_document(self) -> None:
        if self.team is None:
            return
        name = self.team.analyst
        if self.doc_id is None:
            where = f"{len(self.team.sample)} documents in the reliability sample"
        elif self.doc_id in self.team.sample:
            where = "this document is in the reliability sample"
        else:
            where = "this document is not in the sample"
        self.badge.setText(f"Analyst: {name} · {where}")
        self.badge.setToolTip(
            f"A file for {name} made by 'idleb-desk team split' (team {self.team.team_id[:8]}); "
            "documents marked 'sample' are coded blind by every analyst"
        )

    def _reload(self) -> None:
        curation, doc_id = self.curation, self.doc_id
        if curation is None or doc_id is None:
            return
        session = curation.session
        rows = curation.states(doc_id)
        self.model.set_positions(rows, session.document(doc_id).text, curation.analysts())
        self._count()
        self._paint()
        if self.current is not None:
            self.current = next((p for p in rows if p.id == self.current.id), None)
        self._show_current(move_article=False)

    def _paint(self) -> None:
        """Underline every position of the open document in its state's colour: a wave
        while it is still to decide, a line once decided."""
        marks = [_mark(p) for p in self.model.rows]
        self.highlighter.set_marks(self.doc_id if self.curation else None, marks)

    def tooltip_at(self, cp: int) -> str:
        """The states of the positions at `cp`, in words, for the article's tooltip."""
        if self.curation is None:
            return ""
        return "\n".join(
            "Curation: " + states.tooltip(p.state, self.model.taken_name(p))
            for p in self.model.rows if p.start <= cp < p.end
        )  # fmt: skip

    def _count(self) -> None:
        rows = self.model.rows
        to_decide = sum(1 for p in rows if p.state in cu.TO_DECIDE)
        self.summary.setText(f"{to_decide} of {len(rows)} positions in this document to decide"
                             " · Alt+J / Alt+K: next / previous · Alt+1…9: take a version"
                             " · Alt+0: none · Ctrl+Z: undo")  # fmt: skip

    def choose(self, pos: PositionState) -> None:
        self.current = pos
        self._show_current(move_article=True)

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        self.choose(self.model.rows[current.row()])

    _syncing = False
    _deciding = False

    def _show_current(self, move_article: bool) -> None:
        pos, curation = self.current, self.curation
        row = self.model.row_of(pos.id) if pos is not None else None
        self._syncing = True
        try:
            if row is None:
                self.table.clearSelection()
            else:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
        finally:
            self._syncing = False
        if pos is None or curation is None:
            self.versions.show_versions(None, [])
            return
        self.versions.show_versions(pos.layer, curation.versions(pos.id), pos.taken_from)
        if move_article:
            self.view.move_caret(pos.start)
            self.view.ensureCursorVisible()
            self.ctx.controller.focus.focus_found(pos.start, pos.end)
            word = states.look(pos.state).word
            self.ctx.status(f"{pos.layer} at {pos.start}–{pos.end}: {word}")
