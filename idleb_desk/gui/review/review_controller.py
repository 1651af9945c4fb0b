"""The review keys, as one table: every key group's `{action: handler}` merged.

`ReviewController` owns the open document's `Focus` and the key groups (span, claim,
history, scale); the window binds each keymap action to a handler from `handlers()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from idleb_desk.changes import Changes
from idleb_desk.gui.config.labels import LabelSet
from idleb_desk.gui.navigate.scale_keys import ScaleKeys
from idleb_desk.gui.review.claim_keys import ClaimKeys
from idleb_desk.gui.review.focus import Focus
from idleb_desk.gui.review.history_keys import HistoryKeys
from idleb_desk.gui.review.key_context import Handlers, KeyContext
from idleb_desk.gui.review.review_widgets import ReviewWidgets
from idleb_desk.gui.review.span_keys import SpanKeys

log = logging.getLogger(__name__)

NO_DOCUMENT = "No document open — Ctrl+I imports articles, Ctrl+O opens a project"


class ReviewController(QObject):
    status = Signal(str)

    def __init__(
        self, widgets: ReviewWidgets, labels: LabelSet, apply_changes: Callable[[Changes], None]
    ) -> None:
        super().__init__()
        self.focus = Focus(widgets)
        self.ctx = KeyContext(self.focus, labels, self.status.emit, apply_changes)
        self.claim_keys = ClaimKeys(self.ctx)
        self.span_keys = SpanKeys(self.ctx, self.claim_keys.part_label)
        self.history_keys = HistoryKeys(self.ctx)
        self.scale_keys = ScaleKeys(self.ctx)

    def handlers(self) -> Handlers:
        """Every review action; each says so in the status bar when no document is open."""
        out: Handlers = {}
        for group in (self.span_keys, self.claim_keys, self.history_keys, self.scale_keys):
            for action, handler in group.handlers().items():
                out[action] = self._needs_document(handler)
        return out

    def _needs_document(self, handler: Callable[[], object]) -> Callable[[], object]:
        def run() -> None:
            if self.focus.state is None:
                self.status.emit(NO_DOCUMENT)
                return
            handler()

        return run
