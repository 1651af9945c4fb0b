"""The read-only article with a visible keyboard caret.

Read-only matters for the keymap: an editable text widget claims single letters through
ShortcutOverride, which would swallow J, K, A... Keyboard selection stays on, so arrow keys
move a caret that N and the label keys use to make a span where nothing was suggested.
All positions in and out of this class are code points; `Utf16Map` does the converting.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from idleb_desk.gui.review.offsets import Utf16Map

MIN_POINT_SIZE = 8
MAX_POINT_SIZE = 40


class ArticleView(QPlainTextEdit):
    caret_moved = Signal(int)  # code point, only for moves the analyst made

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setCursorWidth(2)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setUndoRedoEnabled(False)
        self.setCenterOnScroll(False)
        # Files dropped here go to the window's import, not into the text.
        self.setAcceptDrops(False)
        self.viewport().setAcceptDrops(False)
        self.umap = Utf16Map("")
        self.tooltip_for: Callable[[int], str] | None = None
        self._programmatic = False
        self.cursorPositionChanged.connect(self._on_cursor)
        self.viewport().installEventFilter(self)
        font = QFont(self.font())
        font.setPointSize(13)
        self.setFont(font)
        self.document().setDocumentMargin(14)

    # ---- text ----------------------------------------------------------------------------

    def set_text(self, umap: Utf16Map) -> None:
        """Show the text `umap` was made from (its display form, `offsets.display_text`)."""
        self.umap = umap
        self._programmatic = True
        try:
            self.setPlainText(umap.display)
        finally:
            self._programmatic = False

    def visible_blocks(self) -> range:
        """The block numbers on screen now (laying out just those, if not yet laid out)."""
        block = self.firstVisibleBlock()
        if not block.isValid():
            return range(0)
        first = block.blockNumber()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        height = self.viewport().height()
        last = first
        while block.isValid() and top <= height:
            last = block.blockNumber()
            top += self.blockBoundingRect(block).height()
            block = block.next()
        return range(first, last + 1)

    # ---- caret and selection in code points ----------------------------------------------

    def caret_cp(self) -> int:
        return self.umap.to_cp(self.textCursor().position())

    def selection_cp(self) -> tuple[int, int] | None:
        cur = self.textCursor()
        if not cur.hasSelection():
            return None
        a, b = self.umap.to_cp(cur.selectionStart()), self.umap.to_cp(cur.selectionEnd())
        return (a, b) if b > a else None

    def move_caret(self, cp: int, anchor: int | None = None) -> None:
        """Put the caret at `cp` (selecting from `anchor`), without a caret_moved signal."""
        cur = self.textCursor()
        if anchor is not None:
            cur.setPosition(self.umap.to_qt(anchor))
            cur.setPosition(self.umap.to_qt(cp), QTextCursor.MoveMode.KeepAnchor)
        else:
            cur.setPosition(self.umap.to_qt(cp))
        self._programmatic = True
        try:
            self.setTextCursor(cur)
        finally:
            self._programmatic = False

    def clear_selection(self) -> None:
        cur = self.textCursor()
        if cur.hasSelection():
            cur.clearSelection()
            self._programmatic = True
            try:
                self.setTextCursor(cur)
            finally:
                self._programmatic = False

    def _on_cursor(self) -> None:
        if not self._programmatic:
            self.caret_moved.emit(self.caret_cp())

    # ---- temporary marks ------------------------------------------------------------------

    def set_marks(self, marks: list[tuple[int, int, QTextCharFormat]]) -> None:
        """Focused span and claim parts: a handful of extra selections, never thousands."""
        sels = []
        for start, end, fmt in marks:
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(self.document())
            cur.setPosition(self.umap.to_qt(start))
            cur.setPosition(self.umap.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            sel.format = fmt
            sels.append(sel)
        self.setExtraSelections(sels)

    # ---- font size ------------------------------------------------------------------------

    def point_size(self) -> int:
        return self.font().pointSize()

    def set_point_size(self, size: int) -> int:
        size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, size))
        font = QFont(self.font())
        font.setPointSize(size)
        self.setFont(font)
        return size

    # ---- tooltips: label and status in words, so nothing depends on colour alone ----------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ToolTip and self.tooltip_for is not None:
            assert isinstance(event, QHelpEvent)
            cur = self.cursorForPosition(event.pos())
            text = self.tooltip_for(self.umap.to_cp(cur.position()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(obj, event)
