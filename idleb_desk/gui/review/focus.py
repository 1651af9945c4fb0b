"""What is focused in the open document, and moving the focus.

`Focus` holds the open document's `DocState`, the focused item, the claim whose roles
are being picked, and what J/K walk (scope and filter). It shows the focus (extra
selections, table rows, the claim panel) and follows clicks, the caret and table rows.
Changes to rows are folded in by `ChangeView`; the keys live in the key groups.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Signal
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QAbstractItemView, QTableView

from idleb_desk.changes import Changes
from idleb_desk.core.bulk_ops import Position
from idleb_desk.core.memory import describe_origin
from idleb_desk.core.review import ReviewSession
from idleb_desk.core.undo_labels import quote
from idleb_desk.gui.navigate.scope import ALL, SCOPE_TEXT, NavFilter
from idleb_desk.gui.review.offsets import Utf16Map
from idleb_desk.gui.review.review_state import CLAIM, SPAN, DocState, Item
from idleb_desk.gui.review.review_widgets import ReviewWidgets
from idleb_desk.model import CLAIM_KINDS, LAYER_ACTOR, Claim, Span

log = logging.getLogger(__name__)


class Focus(QObject):
    # The scope or filter changed: the status bar and the filter bar show them.
    scope_changed = Signal(str, object)
    first_painted = Signal()  # a document's first screen is drawn, with its highlights

    def __init__(self, widgets: ReviewWidgets) -> None:
        super().__init__()
        self.w = widgets
        self.session: ReviewSession | None = None
        self.state: DocState | None = None
        self.item: Item | None = None
        # Where the focused item sat, so J/K continue from there after it went away.
        self.key: tuple[int, int, int, int] | None = None
        self.role_claim: int | None = None
        self.show_rejected = False
        self.scope = ALL
        self.nav_filter = NavFilter()
        self.syncing = False  # tables moved by us, not by the analyst choosing a row
        self.shown_claim: tuple[int | None, object, bool] | None = None
        self._marks: list[tuple[int, int, QTextCharFormat]] | None = None  # as last shown
        widgets.view.caret_moved.connect(self.on_caret_moved)
        widgets.view.tooltip_for = self.tooltip_for
        widgets.highlighter.visible = widgets.view.visible_blocks
        widgets.view.verticalScrollBar().valueChanged.connect(self._scrolled)
        # Lines other rooms add to the article's tooltip (the curation state of a position).
        self.tooltip_extras: list[Callable[[int], str]] = []
        widgets.actors_view.selectionModel().currentRowChanged.connect(self._actor_row)
        widgets.claims_view.selectionModel().currentRowChanged.connect(self._claim_row)

    # ---- documents -----------------------------------------------------------------------

    @property
    def doc_id(self) -> int | None:
        return self.state.doc.id if self.state else None

    def set_session(self, session: ReviewSession | None) -> None:
        self.session = session
        self.w.claim_editor.set_kinds(session.claim_kinds() if session else CLAIM_KINDS)
        self.open_document(None)

    def open_document(self, doc_id: int | None, keep: Item | None = None,
                      screen_first: bool = True) -> None:  # fmt: skip
        """Show a document; `keep` re-focuses an item (used after a re-read, which
        restores the scroll and so paints no first screen at the top).

        The screen is painted first, from the spans over it alone (one small query),
        before the whole document's spans are read; the blocks off screen are painted
        afterwards in slices (`SpanHighlighter.pending`), so a long article shows at
        once and a key never waits for its last page."""
        self.role_claim = None
        self.item = None
        self.key = None
        light = self.w.highlighter
        self._marks = []
        self.w.view.set_marks([])  # the old text's focus marks must not show on the new
        if doc_id is None or self.session is None:
            self.state = None
            light.set_state(None)
            self.w.view.set_text(Utf16Map(""))
        else:
            s = self.session
            doc = s.document(doc_id)
            umap = Utf16Map(doc.text)
            light.set_state(None)  # nothing painted while Qt takes the text in
            self.w.view.set_text(umap)
            claims, regions = s.claims(doc_id), s.regions(doc_id)
            screen = self.w.view.visible_blocks() if screen_first else range(0)
            if screen:
                lo, hi = umap.block(screen[0]).cp_start, umap.block(screen[-1]).cp_end + 1
                first = DocState(doc, s.spans_between(doc_id, lo, hi), claims, regions,
                                 self.show_rejected, umap)  # fmt: skip
                light.set_state(first, lazy=True)
                light.repaint_blocks(set(screen))
                self.w.view.viewport().repaint()  # the first paint: before the rest is read
                self.first_painted.emit()
            self.state = DocState(doc, s.spans(doc_id), claims, regions, self.show_rejected,
                                  umap)  # fmt: skip
            light.set_state(self.state, lazy=True, painted=screen)
        self.w.actors.set_state(self.state)
        self.w.claims.set_state(self.state)
        self.shown_claim = None
        if self.state is None:
            self.render()
            return
        if self.scope != ALL or self.nav_filter.active:
            self.state.set_scope(self.scope, self.nav_filter)
        target = keep if self.state.exists(keep) else self.state.step(None, +1, False)
        self.focus_item(target)
        light.paint_visible()  # where the focus took the view, before the slices get there

    def reload(self) -> None:
        """Re-read the open document, keeping the focus, the caret and the scroll."""
        if self.state is None:
            return
        keep, caret = self.item, self.w.view.caret_cp()
        scroll = self.w.view.verticalScrollBar().value()
        self.open_document(self.state.doc.id, keep, screen_first=False)
        if keep is None or not self.state.exists(keep):
            self.w.view.move_caret(caret)
        self.w.view.verticalScrollBar().setValue(scroll)

    def _scrolled(self, _value: int) -> None:
        self.w.highlighter.paint_visible()  # before the slices come to it

    # ---- what is focused -------------------------------------------------------------------

    @property
    def role_mode(self) -> bool:
        return self.role_claim is not None

    def focused_span(self) -> Span | None:
        """The span keys act on; for a focused claim, its content."""
        if self.state is None or self.item is None:
            return None
        kind, ident = self.item
        if kind == SPAN:
            return self.state.spans.get(ident)
        claim = self.state.claims.get(ident)
        return self.state.spans.get(claim.content_span_id or -1) if claim else None

    def focused_claim(self) -> Claim | None:
        if self.state is None or self.item is None or self.item[0] != CLAIM:
            return None
        return self.state.claims.get(self.item[1])

    def active_claim(self) -> Claim | None:
        """The claim roles go to: the one being built (after C), else the focused one."""
        if self.state is None:
            return None
        if self.role_claim is not None:
            return self.state.claims.get(self.role_claim)
        return self.focused_claim()

    # ---- moving and showing the focus --------------------------------------------------------

    def focus_item(self, item: Item | None, move_caret: bool = True) -> None:
        state = self.state
        if state is None:
            return
        self.item = item if state.exists(item) else None
        if self.item is not None:
            self.key = state.key(self.item)
            rng = state.item_range(self.item)
            if move_caret and rng is not None:
                self.w.view.move_caret(rng[0])
                self.w.view.ensureCursorVisible()
        self.render()

    def render(self) -> None:
        """Show the focus: marks in the article, the claim panel, the tables' rows."""
        state = self.state
        marks: list[tuple[int, int, QTextCharFormat]] = []
        claim = self.active_claim()
        if state is not None and claim is not None:
            for role, span in state.claim_parts(claim):
                marks.append((span.start, span.end, self.w.formats.focus_format(span.label, role)))
        focused = self.focused_span() if state is not None else None
        if focused is not None and (self.item is None or self.item[0] == SPAN):
            marks.append((focused.start, focused.end, self.w.formats.focus_format(focused.label)))
        if marks != self._marks:  # a fold and then a focus move render twice per key
            self._marks = marks
            self.w.view.set_marks(marks)
        shown = (claim.id if claim else None, claim, self.role_mode)
        if shown != self.shown_claim:
            self.shown_claim = shown
            self.w.claim_editor.show_claim(state, claim, self.role_mode)
        self._sync_tables(focused, claim)

    def _sync_tables(self, span: Span | None, claim: Claim | None) -> None:
        self.syncing = True
        try:
            if span is not None and span.layer == LAYER_ACTOR and self.item == (SPAN, span.id):
                self._select(self.w.actors_view, self.w.actors.row_of(span.id))
            elif self.w.actors_view.selectionModel().hasSelection():
                self.w.actors_view.selectionModel().clear()
            if claim is not None:
                self._select(self.w.claims_view, self.w.claims.row_of(claim.id))
            elif self.w.claims_view.selectionModel().hasSelection():
                # A stale claim row would suggest the wrong claim is active.
                self.w.claims_view.selectionModel().clear()
        finally:
            self.syncing = False

    @staticmethod
    def _select(view: QTableView, row: int | None) -> None:
        if row is None:
            return
        index = view.model().index(row, 0)
        sm = view.selectionModel()
        if sm.currentIndex().row() == row:
            return
        flags = QItemSelectionModel.SelectionFlag
        sm.setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        # A row out of view comes to the middle, not to the edge: walking down with J
        # then scrolls (and repaints the whole table) once a half page, not every key.
        if not view.viewport().rect().contains(view.visualRect(index)):
            view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _actor_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.syncing or not current.isValid():
            return
        self.focus_item((SPAN, self.w.actors.ids[current.row()]))

    def _claim_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.syncing or not current.isValid():
            return
        self.role_claim = None
        self.focus_item((CLAIM, self.w.claims.ids[current.row()]))

    def _item_over(self, spans: list[Span]) -> Item | None:
        """The innermost of `spans` as an item: its claim, for a claim part."""
        if not spans or self.state is None:
            return None
        inner = spans[0]
        owners = self.state.claims_of_span(inner.id)
        if inner.layer != LAYER_ACTOR and owners and not self.role_mode:
            return (CLAIM, owners[0])
        return (SPAN, inner.id)

    def on_caret_moved(self, cp: int) -> None:
        """A click or an arrow key: focus what is under the caret (nothing, if nothing)."""
        if self.state is None or self.w.view.selection_cp() is not None:
            return
        item = self._item_over(self.state.spans_at(cp))
        if item != self.item:
            self.focus_item(item, move_caret=False)

    def focus_found(self, start: int, end: int) -> None:
        """Text found with Ctrl+F is what the next key means: focus the innermost span
        over all of it (its claim, for a claim part), or nothing, so `A` never acts on
        an old focus scrolled out of sight. The match stays selected for a label key."""
        if self.state is None:
            return
        under = [s for s in self.state.spans_at(start) if s.end >= end]
        self.focus_item(self._item_over(under), move_caret=False)

    def step(self, direction: int) -> Item | None:
        state = self.state
        if state is None:
            return None
        key = state.key(self.item) if self.item else None
        if key is None:
            key = self.key
        if key is None or self.item is None:
            # Nothing focused: walk from the keyboard caret.
            key = (self.w.view.caret_cp(), -(10**12), -1, -1)
        return state.step(key, direction, self.role_mode)

    def step_from(self, key: tuple[int, int, int, int] | None, fallback: Item | None) -> None:
        """After a decision: focus the item after `key` (where the decided one sat)."""
        self.key = key
        nxt = self.state.step(key, +1, self.role_mode) if self.state and key else None
        self.focus_item(nxt if nxt is not None else fallback)

    def first_touched(self, changes: Changes) -> Item | None:
        """An item of the open document that `changes` touched, to focus after an undo:
        a claim first, else a visible span (its claim, for a claim part)."""
        state = self.state
        if state is None:
            return None
        for cid in sorted(changes.claims):
            if cid in state.claims:
                return (CLAIM, cid)
        for sid in sorted(changes.spans):
            s = state.spans.get(sid)
            if s is not None and state.visible(s.status):
                owners = state.claims_of_span(sid)
                return (CLAIM, owners[0]) if s.layer != LAYER_ACTOR and owners else (SPAN, sid)
        return None

    # ---- what J/K walk --------------------------------------------------------------------

    def set_nav(self, scope: str, nav_filter: NavFilter) -> None:
        """Change what J/K walk; the focus stays where it is (the next J starts there)."""
        self.scope = scope
        self.nav_filter = nav_filter
        if self.state is not None:
            self.state.set_scope(scope, nav_filter)
        self.scope_changed.emit(scope, nav_filter)

    def describe_nav(self) -> str:
        text = f"J/K: {SCOPE_TEXT[self.scope]}"
        if self.nav_filter.active:
            text += f" · filter: {self.nav_filter.describe()}"
        return text

    def toggle_rejected(self) -> bool:
        self.show_rejected = not self.show_rejected
        if self.state is not None:
            self.state.set_show_rejected(self.show_rejected)
            self.w.highlighter.rehighlight_lazily()
        return self.show_rejected

    # ---- where the analyst left off ------------------------------------------------------

    def position(self) -> Position | None:
        if self.state is None:
            return None
        kind, ident = self.item if self.item is not None else (None, None)
        return Position(self.state.doc.id, kind, ident)

    def resume(self, pos: Position) -> bool:
        """Focus the stored item of the open document; False if it is gone."""
        if self.state is None or pos.kind not in (SPAN, CLAIM) or pos.item_id is None:
            return False
        item: Item = (pos.kind, int(pos.item_id))
        if not self.state.exists(item):
            return False
        self.focus_item(item)
        return True

    # ---- tooltips ----------------------------------------------------------------------------

    def tooltip_for(self, cp: int) -> str:
        if self.state is None:
            return ""
        lines = []
        for s in self.state.spans_at(cp):
            line = f"{s.label} · {s.status} — {quote(s.text, 60)}"
            line += f"\n    from {describe_origin(s.origin).text}"
            cids = self.state.claims_of_span(s.id)
            if cids:
                line += f" ({', '.join(f'claim {cid}' for cid in cids)})"
            for cid in cids:
                line += self._scored(cid)
            if s.flag:
                line += f" ⚑ {s.flag}"
            if s.comment:
                line += f"\n    ✎ {quote(s.comment, 80)}"
            lines.append(line)
        lines.extend(line for extra in self.tooltip_extras if (line := extra(cp)))
        return "\n".join(lines)

    def _scored(self, claim_id: int) -> str:
        """A line for a claim the project model kept (issue 14): its version and confidence."""
        c = self.state.claims.get(claim_id) if self.state is not None else None
        if c is None or (c.confidence is None and "+project-model-v" not in c.origin):
            return ""
        return f"\n    claim {claim_id} from {describe_origin(c.origin, c.confidence).text}"
