"""Feedback in an analyst's own file: where the curator of the gold project decided
otherwise than this analyst coded (`core.curation_session.feedback`).

Go → Compare with gold… picks the gold project; it is read off the GUI thread, both
files read-only. Then F7 and Shift+F7 step through the positions in reading order: each
opens its document, puts the caret on the position, focuses the unit there, and the
panel and status bar show the analyst's version beside the gold's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel

from idleb_desk.core.curation_session import Feedback, feedback_files
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.review.article_view import ArticleView
from idleb_desk.gui.review.key_context import Handlers
from idleb_desk.gui.window.room_context import RoomContext
from idleb_desk.project import PROJECT_GLOBS

log = logging.getLogger(__name__)


def version_text(units: tuple[dict[str, Any], ...] | None) -> str:
    """A version in a few words: "not coded", "none", or each unit's label and text."""
    if units is None:
        return "not coded"
    if not units:
        return "none"
    parts = []
    for u in units:
        if "label" in u:
            parts.append(f"{u['label']} “{u['text']}”")
        else:
            content = " … ".join(c or "" for c in u["content"])
            parts.append(f"{u['kind']}: {u['speaker'] or '(no speaker)'} “{content}”")
    return "; ".join(parts)


class FeedbackRoom(QDockWidget):
    def __init__(self, ctx: RoomContext, view: ArticleView) -> None:
        super().__init__("Feedback", ctx.parent)
        self.setObjectName("feedbackDock")
        self.ctx = ctx
        self.view = view
        self.items: list[Feedback] = []
        self.index = -1
        self.gold: Path | None = None
        self.doc_ids: dict[str, int] = {}
        # Tests and scripts replace this; the window asks with a file dialog.
        self.ask_gold: Callable[[], Path | None] = self._ask_gold
        self.panel = QLabel("Go → Compare with gold… picks the gold project")
        self.panel.setObjectName("feedbackPanel")
        self.panel.setWordWrap(True)
        self.panel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setWidget(self.panel)
        # Below the article, hidden until its key shows it.
        ctx.parent.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self.hide()

    def handlers(self) -> Handlers:
        return {
            "compare_gold": self.compare,
            "next_feedback": lambda: self.step(1),
            "prev_feedback": lambda: self.step(-1),
        }

    def set_session(self, session: ReviewSession | None) -> None:
        self.items, self.index, self.gold = [], -1, None
        self.hide()

    def _ask_gold(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self.ctx.parent, "Compare with the gold project", "",
            f"idleb_desk projects ({PROJECT_GLOBS});;All files (*)",
        )  # fmt: skip
        return Path(name) if name else None

    def compare(self) -> None:
        session = self.ctx.session()
        if session is None:
            self.ctx.status("Open your own project file first, then compare it with the gold")
            return
        gold = self.ask_gold()
        if gold is None:
            return
        mine = Path(session.path)
        self.doc_ids = {d.ext_id: d.id for d in session.documents()}

        def work(_progress: object, _cancelled: object) -> list[Feedback]:
            return feedback_files(gold, mine)

        def done(items: list[Feedback]) -> None:
            self.gold, self.items, self.index = gold, list(items), -1
            self.show()
            keys = f"{self.ctx.key('next_feedback')} / {self.ctx.key('prev_feedback')}"
            text = (f"{len(items)} positions where the curator of {gold.name} decided "
                    f"otherwise: {keys} step through them") if items else (
                    f"The curator of {gold.name} decided as you coded everywhere")  # fmt: skip
            self.panel.setText(text)
            self.ctx.status(text)

        def failed(exc: BaseException) -> None:
            self.ctx.status(f"Cannot compare with {gold.name}: {exc}")

        self.ctx.runner.run("Comparing with the gold project", work, done, failed)

    def step(self, direction: int) -> Feedback | None:
        if not self.items:
            self.ctx.status("No feedback to step through: Go → Compare with gold… first")
            return None
        index = self.index + direction
        if not 0 <= index < len(self.items):
            self.ctx.status("No more positions " + ("after" if direction > 0 else "before")
                            + " this one")  # fmt: skip
            return None
        self.index = index
        self.show_item(self.items[index])
        return self.items[index]

    def show_item(self, item: Feedback) -> None:
        doc_id = self.doc_ids.get(item.ext_id)
        if doc_id is None:
            self.ctx.status(f"Document {item.ext_id} is not in this file")
            return
        focus = self.ctx.controller.focus
        if focus.doc_id != doc_id:
            self.ctx.open_document(doc_id)
        self.view.move_caret(item.start)
        self.view.ensureCursorVisible()
        focus.focus_found(item.start, item.end)
        where = f"{self.index + 1}/{len(self.items)} · {item.ext_id} {item.layer} “{item.text}”"
        mine, gold = version_text(item.mine), version_text(item.gold)
        self.panel.setText(f"{where}\nYou: {mine}\nGold: {gold}")
        self.ctx.status(f"{where} — you: {mine} · gold: {gold}")
