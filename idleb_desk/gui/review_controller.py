"""Focus and navigation over the open document, and the glue between views and state.

The review keys themselves live in `review_keys.py` (a mixin); this half knows what is
focused, shows it (extra selections, table rows, claim panel), and folds the rows an
operation touched back into the views one row and one paragraph at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Signal
from PySide6.QtWidgets import QTableView

from idleb_desk.core.memory import describe_origin
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.article_view import ArticleView
from idleb_desk.gui.claim_editor import ClaimEditor
from idleb_desk.gui.highlighter import FormatCache, SpanHighlighter
from idleb_desk.gui.labels import LabelSet
from idleb_desk.gui.offsets import Utf16Map
from idleb_desk.gui.review_state import CLAIM, SPAN, DocState, Item
from idleb_desk.gui.tables import ActorTableModel, ClaimTableModel
from idleb_desk.model import CLAIM_KINDS, LAYER_ACTOR, Claim, Event, Span

log = logging.getLogger(__name__)


def quote(text: str, n: int = 50) -> str:
    text = " ".join(text.split())
    return f"'{text}'" if len(text) <= n else f"'{text[: n - 1]}…'"


@dataclass
class ReviewWidgets:
    view: ArticleView
    highlighter: SpanHighlighter
    formats: FormatCache
    actors: ActorTableModel
    claims: ClaimTableModel
    actors_view: QTableView
    claims_view: QTableView
    claim_editor: ClaimEditor


class FocusController(QObject):
    status = Signal(str)
    # doc id, reviewed, total, document status ("" = unchanged)
    progress_changed = Signal(int, int, int, str)
    # Other documents' items changed (project memory spread a decision to them).
    documents_changed = Signal()

    def __init__(self, widgets: ReviewWidgets, labels: LabelSet) -> None:
        super().__init__()
        self.w = widgets
        self.labels = labels
        self.session: ReviewSession | None = None
        self.state: DocState | None = None
        self.focus: Item | None = None
        self.focus_key: tuple[int, int, int, int] | None = None
        self.role_claim: int | None = None
        self.show_rejected = False
        self._syncing = False
        self._shown_claim: tuple[int | None, object, bool] | None = None
        widgets.view.caret_moved.connect(self.on_caret_moved)
        widgets.view.tooltip_for = self.tooltip_for
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

    def open_document(self, doc_id: int | None, keep: Item | None = None) -> None:
        """Show a document; `keep` re-focuses an item (used after a background reload)."""
        self.role_claim = None
        self.focus = None
        self.focus_key = None
        if doc_id is None or self.session is None:
            self.state = None
        else:
            doc = self.session.document(doc_id)
            self.state = DocState(
                doc,
                self.session.spans(doc_id),
                self.session.claims(doc_id),
                self.session.regions(doc_id),
                self.show_rejected,
            )
        self.w.highlighter.set_state(self.state)
        if self.state is not None:
            self.w.view.set_text(self.state.text, self.state.umap)
        else:
            self.w.view.set_text("", Utf16Map(""))
        self.w.actors.set_state(self.state)
        self.w.claims.set_state(self.state)
        self._shown_claim = None
        if self.state is None:
            self.render_focus()
            return
        target = keep if self.state.exists(keep) else self.state.step(None, +1, False)
        self.focus_item(target)

    def reload(self) -> None:
        """Re-read the open document (after extraction or import), keeping the focus."""
        if self.state is None:
            return
        keep, caret = self.focus, self.w.view.caret_cp()
        scroll = self.w.view.verticalScrollBar().value()
        self.open_document(self.state.doc.id, keep)
        if keep is None or not self.state.exists(keep):
            self.w.view.move_caret(caret)
        self.w.view.verticalScrollBar().setValue(scroll)

    # ---- focus -----------------------------------------------------------------------------

    @property
    def role_mode(self) -> bool:
        return self.role_claim is not None

    def focused_span(self) -> Span | None:
        """The span keys act on; for a focused claim, its content."""
        if self.state is None or self.focus is None:
            return None
        kind, ident = self.focus
        if kind == SPAN:
            return self.state.spans.get(ident)
        claim = self.state.claims.get(ident)
        return self.state.spans.get(claim.content_span_id or -1) if claim else None

    def focused_claim(self) -> Claim | None:
        if self.state is None or self.focus is None or self.focus[0] != CLAIM:
            return None
        return self.state.claims.get(self.focus[1])

    def active_claim(self) -> Claim | None:
        """The claim roles go to: the one being built (after C), else the focused one."""
        if self.state is None:
            return None
        if self.role_claim is not None:
            return self.state.claims.get(self.role_claim)
        return self.focused_claim()

    def focus_item(self, item: Item | None, move_caret: bool = True) -> None:
        state = self.state
        if state is None:
            return
        self.focus = item if state.exists(item) else None
        if self.focus is not None:
            self.focus_key = state.key(self.focus)
            rng = state.item_range(self.focus)
            if move_caret and rng is not None:
                self.w.view.move_caret(rng[0])
                self.w.view.ensureCursorVisible()
        self.render_focus()

    def render_focus(self) -> None:
        state = self.state
        marks = []
        claim = self.active_claim()
        if state is not None and claim is not None:
            for role, span in state.claim_parts(claim):
                marks.append((span.start, span.end, self.w.formats.focus_format(span.label, role)))
        span = self.focused_span() if state is not None else None
        if span is not None and (self.focus is None or self.focus[0] == SPAN):
            marks.append((span.start, span.end, self.w.formats.focus_format(span.label)))
        self.w.view.set_marks(marks)
        shown = (claim.id if claim else None, claim, self.role_mode)
        if shown != self._shown_claim:
            self._shown_claim = shown
            self.w.claim_editor.show_claim(state, claim, self.role_mode)
        self._sync_tables(span, claim)

    def _sync_tables(self, span: Span | None, claim: Claim | None) -> None:
        self._syncing = True
        try:
            if span is not None and span.layer == LAYER_ACTOR and self.focus == (SPAN, span.id):
                self._select(self.w.actors_view, self.w.actors.row_of(span.id))
            elif self.w.actors_view.selectionModel().hasSelection():
                self.w.actors_view.selectionModel().clear()
            if claim is not None:
                self._select(self.w.claims_view, self.w.claims.row_of(claim.id))
            elif self.w.claims_view.selectionModel().hasSelection():
                # A stale claim row would suggest the wrong claim is active.
                self.w.claims_view.selectionModel().clear()
        finally:
            self._syncing = False

    @staticmethod
    def _select(view: QTableView, row: int | None) -> None:
        if row is None:
            return
        model = view.model()
        index = model.index(row, 0)
        sm = view.selectionModel()
        if sm.currentIndex().row() == row:
            return
        sm.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        view.scrollTo(index)

    def _actor_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        ident = self.w.actors.ids[current.row()]
        self.focus_item((SPAN, ident))

    def _claim_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        ident = self.w.claims.ids[current.row()]
        self.role_claim = None
        self.focus_item((CLAIM, ident))

    def on_caret_moved(self, cp: int) -> None:
        """A click or an arrow key: focus what is under the caret (nothing, if nothing)."""
        if self.state is None or self.w.view.selection_cp() is not None:
            return
        under = self.state.spans_at(cp)
        item: Item | None = None
        if under:
            inner = under[0]
            owners = self.state.claims_of_span(inner.id)
            if inner.layer != LAYER_ACTOR and owners and not self.role_mode:
                item = (CLAIM, owners[0])
            else:
                item = (SPAN, inner.id)
        if item != self.focus:
            self.focus_item(item, move_caret=False)

    def focus_found(self, start: int, end: int) -> None:
        """Text found with Ctrl+F is what the next key means: focus the innermost span
        over all of it (its claim, for a claim part), or nothing, so `A` never acts on
        an old focus scrolled out of sight. The match stays selected for a label key."""
        if self.state is None:
            return
        under = [s for s in self.state.spans_at(start) if s.end >= end]
        item: Item | None = None
        if under:
            inner = under[0]
            owners = self.state.claims_of_span(inner.id)
            if inner.layer != LAYER_ACTOR and owners and not self.role_mode:
                item = (CLAIM, owners[0])
            else:
                item = (SPAN, inner.id)
        self.focus_item(item, move_caret=False)

    def step(self, direction: int) -> Item | None:
        state = self.state
        if state is None:
            return None
        key = state.key(self.focus) if self.focus else None
        if key is None:
            key = self.focus_key
        if key is None or self.focus is None:
            # Nothing focused: walk from the keyboard caret.
            caret = self.w.view.caret_cp()
            key = (caret, -(10**12), -1, -1)
        return state.step(key, direction, self.role_mode)

    # ---- folding changes back in ------------------------------------------------------------

    def put_span(self, span_id: int, span: Span | None = None, claims_too: bool = True) -> None:
        """A span changed (or went away: span None after a failed read)."""
        state = self.state
        if state is None or self.session is None:
            return
        if span is None:
            try:
                span = self.session.span(span_id)
            except KeyError:
                span = None
        if span is not None and span.document_id != state.doc.id:
            return  # an event can touch other documents (project memory)
        old = state.spans.get(span_id)
        blocks = state.put_span(span_id, span)
        self.w.highlighter.repaint_blocks(blocks)
        # Row moves shift the tables' current row; that is not the analyst choosing one.
        self._syncing = True
        try:
            if (old and old.layer == LAYER_ACTOR) or (span and span.layer == LAYER_ACTOR):
                self.w.actors.refresh(span_id)
            if claims_too:
                for cid in state.claims_of_span(span_id):
                    self.w.claims.refresh(cid)
        finally:
            self._syncing = False

    def put_claim(self, claim_id: int, parts_too: bool = True) -> None:
        state = self.state
        if state is None or self.session is None:
            return
        try:
            claim: Claim | None = self.session.claim(claim_id)
        except KeyError:
            claim = None
        touched = state.put_claim(claim_id, claim)
        if parts_too:
            for sid in sorted(touched):
                self.put_span(sid, claims_too=False)
        self._syncing = True
        try:
            self.w.claims.refresh(claim_id)
        finally:
            self._syncing = False
        if claim is None and self.role_claim == claim_id:
            self.role_claim = None

    def put_event(self, event: Event) -> Item | None:
        """Fold in an undone/redone event; returns an item it touched, to focus."""
        focus: Item | None = None
        # A project event (an actor merge) also touches rows of other documents: only
        # this document's rows belong in its state.
        doc_id = self.state.doc.id if self.state is not None else None

        def here(table: str) -> set[int]:
            return {
                int(k)
                for snap in (event.before, event.after)
                for k, row in snap.get(table, {}).items()
                if row is not None and row.get("document_id") == doc_id
            }

        span_ids = here("spans")
        claim_ids = here("claims")
        for sid in sorted(span_ids):
            self.put_span(sid)
        for cid in sorted(claim_ids):
            self.put_claim(cid, parts_too=False)
        if self.state is not None:
            for cid in sorted(claim_ids):
                if cid in self.state.claims:
                    focus = (CLAIM, cid)
                    break
            if focus is None:
                for sid in sorted(span_ids):
                    s = self.state.spans.get(sid)
                    if s is not None and self.state.visible(s.status):
                        owners = self.state.claims_of_span(sid)
                        focus = (
                            (CLAIM, owners[0]) if s.layer != LAYER_ACTOR and owners else (SPAN, sid)
                        )
                        break
        return focus

    def emit_progress(self, doc_status: str = "") -> None:
        if self.state is not None:
            p = self.state.progress
            self.progress_changed.emit(self.state.doc.id, p.reviewed, p.total, doc_status)

    # ---- tooltips ----------------------------------------------------------------------------

    def tooltip_for(self, cp: int) -> str:
        if self.state is None:
            return ""
        lines = []
        for s in self.state.spans_at(cp):
            line = f"{s.label} · {s.status} — {quote(s.text, 60)}"
            line += f"\n    from {describe_origin(s.origin).text}"
            roles = [f"claim {cid}" for cid in self.state.claims_of_span(s.id)]
            if roles:
                line += f" ({', '.join(roles)})"
            if s.flag:
                line += f" ⚑ {s.flag}"
            if s.comment:
                line += f"\n    ✎ {quote(s.comment, 80)}"
            lines.append(line)
        return "\n".join(lines)
