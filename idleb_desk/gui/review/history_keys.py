"""Undo and redo: the analyst's own last event in the open document (or a project event),
written back by core and drawn through the window's one change path."""

from __future__ import annotations

import logging

from idleb_desk.core.undo_labels import done_message
from idleb_desk.gui.review.key_context import Handlers, KeyContext

log = logging.getLogger(__name__)


class HistoryKeys:
    def __init__(self, ctx: KeyContext) -> None:
        self.ctx = ctx
        self.focus = ctx.focus

    def handlers(self) -> Handlers:
        return {"undo": lambda: self.replay(undo=True), "redo": lambda: self.replay(undo=False)}

    def replay(self, undo: bool) -> None:
        ctx, f = self.ctx, self.focus
        session, state = ctx.session, ctx.state
        assert state is not None and session is not None
        doc_id = state.doc.id
        replay = session.undo if undo else session.redo
        ok, event = ctx.attempt(lambda: replay(doc_id))
        if not ok:
            return  # refused (a later conflicting edit): the status bar says why
        if event is None:
            ctx.status("Nothing to undo" if undo else "Nothing to redo")
            return
        item = f.first_touched(ctx.last_changes)
        f.shown_claim = None
        if item is not None:
            f.focus_item(item)
        else:
            f.render()
        ctx.status(f"{done_message(event, undo, f.focused_span())} — saved")
