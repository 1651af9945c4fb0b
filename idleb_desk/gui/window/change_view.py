"""The one way the window shows what changed: `ChangeView.apply(changes)`.

An operation, an undo or redo, a commit by another process (or by this window's own
worker) all end here with a `Changes`. The open document's rows it names are re-read
and repainted one row and one paragraph at a time (or the document is re-read whole
when many changed); the document list's counts, the actors panel and the network view
follow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from idleb_desk.changes import Changes
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.navigate.doc_list import DocumentListModel
from idleb_desk.gui.review.focus import Focus
from idleb_desk.model import LAYER_ACTOR, Claim, Span

if TYPE_CHECKING:
    from idleb_desk.gui.actors.actors_panel import ActorsPanel
    from idleb_desk.gui.network.network_panel import NetworkPanel

log = logging.getLogger(__name__)

# Above this many rows touched, the open document is re-read whole: one read beats
# hundreds of row inserts on a long article.
FOLD_ONE_BY_ONE = 50


class ChangeView:
    def __init__(
        self,
        focus: Focus,
        doc_model: DocumentListModel,
        refresh_documents: Callable[[], None],
    ) -> None:
        self.focus = focus
        self.w = focus.w
        self.doc_model = doc_model
        self.refresh_documents = refresh_documents
        # Set once the window has built them (they are built after the review area).
        self.actors_panel: ActorsPanel | None = None
        self.network: NetworkPanel | None = None

    @property
    def session(self) -> ReviewSession | None:
        return self.focus.session

    def apply(self, changes: Changes) -> None:
        """Redraw exactly what `changes` names; `everything` re-reads all of it."""
        if not changes or self.session is None:
            return
        if changes.everything:
            self.refresh_documents()
            if changes.settings:
                self.w.claim_editor.set_kinds(self.session.claim_kinds())
            self.w.actors.forget_names()
            self.focus.reload()
        else:
            self._fold_document(changes)
            self._document_list(changes)
        if self.actors_panel is not None:
            self.actors_panel.show_changes(changes)
        if self.network is not None:
            self.network.later()

    # ---- the open document -------------------------------------------------------------------

    def _fold_document(self, changes: Changes) -> None:
        state = self.focus.state
        if state is None:
            return
        doc_id = state.doc.id
        if changes.actors:
            self.w.actors.forget_names(changes.actors)  # names shown in the tables
            self.focus.shown_claim = None  # and in the claim panel
        # Core names the rows whose stored state changed: a claim whose span was resized
        # is not among them, yet its text, place and panel follow that span.
        claims = changes.claims | {
            cid for sid in changes.spans for cid in state.claims_of_span(sid)
        }
        rows = len(changes.spans) + len(claims)
        here = doc_id in changes.documents or not changes.documents
        if rows > FOLD_ONE_BY_ONE and here:
            self.focus.reload()
        elif rows:
            for sid in sorted(changes.spans):
                self.put_span(sid)
            for cid in sorted(claims):
                self.put_claim(cid)
            if self.focus.role_claim is not None and self.focus.role_claim not in state.claims:
                self.focus.role_claim = None
            if claims or changes.actors:
                self.focus.shown_claim = None  # the claim panel shows the claim as it is now
            if self.focus.item is not None and not state.exists(self.focus.item):
                self.focus.item = None
            self.focus.render()
        if doc_id in changes.documents and changes.document_list and self.session is not None:
            state.doc = self.session.document(doc_id)  # its status or title
        if here or rows:
            p = state.progress
            self.doc_model.update(doc_id, p.reviewed, p.total, state.doc.status)

    def put_span(self, span_id: int) -> None:
        """Re-read one span of the open document (gone, if it was deleted); its claims
        are redrawn by `put_claim` (`_fold_document` adds them)."""
        state, session = self.focus.state, self.session
        if state is None or session is None:
            return
        span: Span | None
        try:
            span = session.span(span_id)
        except KeyError:
            span = None
        if span is not None and span.document_id != state.doc.id:
            return  # a row of another document (project memory, a project-wide event)
        old = state.spans.get(span_id)
        if old is None and span is None:
            return
        self.w.highlighter.repaint_blocks(state.put_span(span_id, span))
        self.focus.syncing = True  # row moves shift the tables' current row
        try:
            if (old and old.layer == LAYER_ACTOR) or (span and span.layer == LAYER_ACTOR):
                self.w.actors.refresh(span_id)
        finally:
            self.focus.syncing = False

    def put_claim(self, claim_id: int) -> None:
        """Re-read one claim of the open document and repaint its parts."""
        state, session = self.focus.state, self.session
        if state is None or session is None:
            return
        claim: Claim | None
        try:
            claim = session.claim(claim_id)
        except KeyError:
            claim = None
        if claim is not None and claim.document_id != state.doc.id:
            return
        if claim is None and claim_id not in state.claims:
            return
        touched = state.put_claim(claim_id, claim)
        self.focus.syncing = True
        try:
            for sid in sorted(touched):
                part = state.spans.get(sid)
                if part is not None:  # its paint and J/K path depend on its claims
                    self.w.highlighter.repaint_blocks(state.put_span(sid, part))
                    if part.layer == LAYER_ACTOR:
                        self.w.actors.refresh(sid)
            self.w.claims.refresh(claim_id)
        finally:
            self.focus.syncing = False

    # ---- the document list -------------------------------------------------------------------

    def _document_list(self, changes: Changes) -> None:
        """Other documents' counts (project memory, project-wide operations), or the list
        itself when documents came or went."""
        if self.session is None:
            return
        open_id = self.focus.doc_id
        others = changes.documents - {open_id} if open_id is not None else changes.documents
        if others or (changes.document_list and open_id not in changes.documents):
            self.doc_model.refresh_counts(self.session.documents())
