"""Find in the document (Ctrl+F): Enter next, Shift+Enter previous, Esc back to the text.

It lives outside the review area, so while typing here the single-letter review keys do
not fire. A match is left selected in the article, so a label key or N turns it into a
span straight away.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget


class _FindEdit(QLineEdit):
    escaped = Signal()
    back = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.back.emit()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    found = Signal(int, int)  # code points of the match
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.text = ""
        self.origin = 0  # where searching starts: the caret when the bar opened
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel("Find:"))
        self.edit = _FindEdit()
        self.edit.setPlaceholderText("text in this document (case-insensitive)")
        layout.addWidget(self.edit, 1)
        self.prev_button = QPushButton("Previous")
        self.next_button = QPushButton("Next")
        self.close_button = QPushButton("Close")
        for b in (self.prev_button, self.next_button, self.close_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            layout.addWidget(b)
        self.count = QLabel("")
        layout.addWidget(self.count)
        self.edit.returnPressed.connect(lambda: self.step(+1))
        self.edit.back.connect(lambda: self.step(-1))
        self.edit.escaped.connect(self.close_bar)
        self.edit.textChanged.connect(self._typed)
        self.next_button.clicked.connect(lambda: self.step(+1))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.close_button.clicked.connect(self.close_bar)
        self._pos = 0
        self.hide()

    def open_bar(self, text: str, caret: int) -> None:
        self.text = text
        self.origin = self._pos = caret
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def _matches(self) -> list[tuple[int, int]]:
        needle = self.edit.text()
        if not needle:
            return []
        rx = re.compile(re.escape(needle), re.IGNORECASE)
        return [(m.start(), m.end()) for m in rx.finditer(self.text)]

    def _typed(self) -> None:
        self._pos = self.origin
        self._go(self._matches(), +1, inclusive=True)

    def step(self, direction: int) -> None:
        self._go(self._matches(), direction, inclusive=False)

    def _go(self, matches: list[tuple[int, int]], direction: int, inclusive: bool) -> None:
        if not matches:
            self.count.setText("no match" if self.edit.text() else "")
            return
        if direction > 0:
            after = [m for m in matches if (m[0] >= self._pos if inclusive else m[0] > self._pos)]
            hit = after[0] if after else matches[0]
        else:
            before = [m for m in matches if m[0] < self._pos]
            hit = before[-1] if before else matches[-1]
        self._pos = hit[0]
        self.count.setText(f"{matches.index(hit) + 1} of {len(matches)}")
        self.found.emit(hit[0], hit[1])
