"""The widgets review keys draw into, handed to Focus and ChangeView as one value."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QTableView

from idleb_desk.gui.review.article_view import ArticleView
from idleb_desk.gui.review.claim_editor import ClaimEditor
from idleb_desk.gui.review.highlighter import FormatCache, SpanHighlighter
from idleb_desk.gui.review.tables import ActorTableModel, ClaimTableModel


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
