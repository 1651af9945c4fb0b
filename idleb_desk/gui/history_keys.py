"""Undo and redo: the analyst's own last event in the open document (or a project event),
written back by core and drawn through the window's one change path."""

from __future__ import annotations

import logging

from idleb_desk.gui.key_context import Handlers, KeyContext
from idleb_desk.gui.op_changes import event_changes

log = logging.getLogger(__name__)

# How the status bar names an operation that was undone or redone.
UNDO_WORDS = {
    "accept_span": "accept",
    "reject_span": "reject",
    "relabel_span": "relabel",
    "resize_span": "boundary change",
    "create_span": "new span",
    "delete_span": "delete",
    "create_claim": "new claim",
    "accept_claim": "accept claim",
    "reject_claim": "reject claim",
    "delete_claim": "delete claim",
    "mark_done": "mark reviewed",
    "accept_every": "accept every occurrence",
    "reject_every": "reject every occurrence",
    "accept_every_project": "accept every occurrence in the project",
    "reject_every_project": "reject every occurrence in the project",
    "flag_span": "flag",
    "flag_claim": "flag",
    "comment_span": "comment",
    "comment_claim": "comment",
    "mark_done_accept": "mark reviewed, accepting the rest",
    "mark_done_reject": "mark reviewed, rejecting the rest",
}


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
        event = ctx.commit(lambda: session.undo(doc_id) if undo else session.redo(doc_id),
                           event_changes)  # fmt: skip
        if event is None:
            ctx.status("Nothing to undo" if undo else "Nothing to redo")
            return
        item = f.first_touched(event_changes(event))
        f.shown_claim = None
        if item is not None:
            f.focus_item(item)
        else:
            f.render()
        word = UNDO_WORDS.get(event.op, event.op.replace("_", " "))
        span = f.focused_span()
        what = f" of {ctx.describe(span)}" if span is not None else ""
        ctx.status(f"{'Undone' if undo else 'Redone'}: {word}{what} — saved")
