"""Find in all documents (Ctrl+Shift+F): a dock with a query line and a results list.

Enter in the query lists the matches and moves the keyboard into the list; Enter (or a
double click) on a match opens its document with the match selected; F8 / Shift+F8 open
the next / previous match from anywhere. The dock is outside the review area, so the
single-letter review keys never fire while typing here.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.core.search import Match


class _ResultList(QListWidget):
    opened = Signal(int)
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.opened.emit(self.currentRow())
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class _QueryEdit(QLineEdit):
    escaped = Signal()
    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class FindAllDock(QDockWidget):
    searched = Signal(str)  # the window runs the search and calls show_results
    open_match = Signal(object)  # Match
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Find in all documents", parent)
        self.setObjectName("findAllDock")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        self.query = _QueryEdit()
        self.query.setObjectName("findAllQuery")
        self.query.setPlaceholderText("Find in all documents — Enter lists the matches")
        self.summary = QLabel("")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.results = _ResultList()
        self.results.setObjectName("findAllResults")
        self.results.setUniformItemSizes(True)  # a 2,000-row list lays out at once
        lay.addWidget(self.query)
        lay.addWidget(self.summary)
        lay.addWidget(self.results, 1)
        self.setWidget(body)
        self.matches: list[Match] = []
        self.current = -1
        self.query.returnPressed.connect(lambda: self.searched.emit(self.query.text()))
        self.query.down.connect(self.focus_results)
        self.query.escaped.connect(self.closed)
        self.results.escaped.connect(self.closed)
        self.results.opened.connect(self.open_row)
        self.results.itemActivated.connect(lambda item: self.open_row(self.results.row(item)))

    def open_dock(self) -> None:
        self.show()
        self.raise_()
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def show_results(self, query: str, matches: list[Match], cut: bool) -> None:
        self.matches = matches
        self.current = -1
        self.results.clear()
        for m in matches:
            item = QListWidgetItem(f"{m.title}: …{m.before}[{m.text}]{m.after}…")
            item.setToolTip(
                f"<b>{html.escape(m.title)}</b><br>{html.escape(m.before)}"
                f"<b>{html.escape(m.text)}</b>{html.escape(m.after)}"
            )
            self.results.addItem(item)
        docs = len({m.document_id for m in matches})
        more = " (the first ones; refine the query)" if cut else ""
        self.summary.setText(
            f"{len(matches)} match(es) of “{query}” in {docs} document(s){more}"
            if matches
            else f"No match of “{query}” in any document"
        )
        if matches:
            self.focus_results()

    def focus_results(self) -> None:
        if self.results.count():
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)
            self.results.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.matches):
            self.current = row
            self.results.setCurrentRow(row)
            self.open_match.emit(self.matches[row])

    def step(self, direction: int) -> bool:
        """Open the next (previous) match; False when there are none."""
        if not self.matches:
            return False
        start = self.current if self.current >= 0 else (-1 if direction > 0 else 0)
        self.open_row((start + direction) % len(self.matches))
        return True
