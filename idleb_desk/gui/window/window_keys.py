"""The window's own keys: help, quit, find, text size, panes, documents, mark done."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from idleb_desk.gui.config import options
from idleb_desk.gui.dialogs.help_dialog import HelpDialog
from idleb_desk.gui.review.key_context import Handlers
from idleb_desk.gui.window.modal import exec_modal

if TYPE_CHECKING:
    from idleb_desk.gui.window.main_window import MainWindow

log = logging.getLogger(__name__)


class WindowKeys:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.focus = window.controller.focus

    def handlers(self) -> Handlers:
        w = self.window
        return {
            "help": lambda: exec_modal(HelpDialog(w.keymap, w.apply_keymap, w)),
            "quit": w.close,
            "find": self.find,
            "zoom_in": lambda: self.zoom(+1),
            "zoom_out": lambda: self.zoom(-1),
            "toggle_rejected": self.toggle_rejected,
            "next_pane": lambda: self.pane(+1),
            "prev_pane": lambda: self.pane(-1),
            "next_document": lambda: self.document_step(+1),
            "prev_document": lambda: self.document_step(-1),
            "mark_done": self.mark_done,
        }

    def find(self) -> None:
        if self.focus.state is not None:
            self.window.find_bar.open_bar(self.focus.state.text, self.window.view.caret_cp())

    def found(self, start: int, end: int) -> None:
        """A Ctrl+F match: selected in the article, and what the next key acts on."""
        self.window.view.move_caret(end, anchor=start)
        self.window.view.ensureCursorVisible()
        self.focus.focus_found(start, end)

    def zoom(self, step: int) -> None:
        view = self.window.view
        size = view.set_point_size(view.point_size() + step)
        options.FONT_SIZE.set(self.window.settings, size)
        self.window.show_status(f"Text size {size} pt")

    def toggle_rejected(self) -> None:
        shown = self.focus.toggle_rejected()
        self.window.show_status(
            "Rejected items shown struck through" if shown else "Rejected items hidden"
        )

    def pane(self, step: int) -> None:
        w = self.window
        panes: list[QWidget] = [
            w.doc_view,
            w.view,
            w.claim_editor.kind,
            w.actors_view,
            w.claims_view,
        ]
        if w.network.dock.isVisible():
            panes.append(w.network.view.canvas)
        focus = w.focusWidget()
        i = next((k for k, p in enumerate(panes) if p is focus or p.isAncestorOf(focus)), 0)
        panes[(i + step) % len(panes)].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def document_step(self, step: int) -> None:
        w, current = self.window, self.focus.doc_id
        row = w.doc_model.row_of(current) if current is not None else None
        doc_id = w.doc_model.doc_id(0 if row is None else row + step)
        if doc_id is None:
            w.show_status("No more documents that way")
            return
        w.open_document(doc_id)

    def mark_done(self) -> None:
        w = self.window
        if not w.controller.scale_keys.mark_done():
            return
        assert w.session is not None
        current = self.focus.doc_id
        nxt = w.session.next_unreviewed(current)
        if nxt is None or nxt == current:
            w.show_status("Saved: document marked reviewed — every document is reviewed")
            return
        message = w.statusBar().currentMessage()
        w.open_document(nxt)
        w.show_status(f"{message}; opened the next unreviewed document")
