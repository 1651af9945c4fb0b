"""The questions review at scale asks, each routed through a replaceable function (as
`errors.presenter` is) so that pytest-qt tests can answer them without a modal dialog.

- `leftovers_asker`: Ctrl+Enter with suggestions left — leave them, accept all, reject
  all (or cancel: None).
- `comment_asker`: the small comment editor (M) — the new text, or None if cancelled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.core.bulk_ops import ACCEPT_ALL, LEAVE, REJECT_ALL
from idleb_desk.gui.window.modal import exec_modal

log = logging.getLogger(__name__)

LeftoversAsker = Callable[[QWidget | None, str, int], str | None]
CommentAsker = Callable[[QWidget | None, str, str], str | None]


def leftovers_message(title: str, left: int) -> str:
    items = "item is" if left == 1 else "items are"
    return (
        f"{left} {items} still suggested in “{title}”. Nobody has accepted or rejected "
        "them, and the reviewed export leaves suggestions out.\n\nWhat should happen to them?"
    )


def _leftovers_box(parent: QWidget | None, title: str, left: int) -> str | None:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Mark reviewed",
        leftovers_message(title, left),
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    # Access keys (&L, &A, &R) keep the question answerable from the keyboard.
    leave = box.addButton(f"&Leave {left} suggested", QMessageBox.ButtonRole.AcceptRole)
    accept = box.addButton(f"&Accept all {left}", QMessageBox.ButtonRole.AcceptRole)
    reject = box.addButton(f"&Reject all {left}", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(leave)
    exec_modal(box)
    clicked = box.clickedButton()
    return {leave: LEAVE, accept: ACCEPT_ALL, reject: REJECT_ALL}.get(clicked)  # type: ignore[call-overload]


leftovers_asker: LeftoversAsker = _leftovers_box


def ask_leftovers(parent: QWidget | None, title: str, left: int) -> str | None:
    log.info("asking what to do with %d suggestions left in %r", left, title)
    return leftovers_asker(parent, title, left)


class _CommentEdit(QPlainTextEdit):
    """Ctrl+Enter saves (Enter alone is a new line in the comment)."""

    save = Signal()

    @staticmethod
    def _is_save(event: QKeyEvent) -> bool:
        return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and bool(
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        )

    def event(self, event: QEvent) -> bool:
        # Claim Ctrl+Enter before any window shortcut (the main window's "mark reviewed")
        # can take it while the comment is being typed.
        if event.type() == QEvent.Type.ShortcutOverride and self._is_save(event):  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if self._is_save(event):
            self.save.emit()
            return
        super().keyPressEvent(event)


class CommentDialog(QDialog):
    """A plain-text comment: Ctrl+Enter saves, Esc cancels; an empty text removes it."""

    def __init__(self, parent: QWidget | None, what: str, current: str) -> None:
        super().__init__(parent)
        self.setObjectName("commentDialog")
        self.setWindowTitle("Comment")
        self.resize(480, 220)
        lay = QVBoxLayout(self)
        head = QLabel(f"Comment on {what}")
        head.setTextFormat(Qt.TextFormat.PlainText)
        head.setWordWrap(True)
        lay.addWidget(head)
        self.edit = _CommentEdit(current)
        self.edit.save.connect(self.accept)
        self.edit.setTabChangesFocus(True)
        lay.addWidget(self.edit, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        hint = QLabel("Ctrl+Enter saves · Esc cancels · an empty comment is removed")
        hint.setStyleSheet("color:#555")
        lay.addWidget(hint)
        self.edit.setFocus()
        self.edit.moveCursor(self.edit.textCursor().MoveOperation.End)


def _comment_dialog(parent: QWidget | None, what: str, current: str) -> str | None:
    dlg = CommentDialog(parent, what, current)
    if exec_modal(dlg) != QDialog.DialogCode.Accepted:
        return None
    return dlg.edit.toPlainText()


comment_asker: CommentAsker = _comment_dialog


def ask_comment(parent: QWidget | None, what: str, current: str) -> str | None:
    return comment_asker(parent, what, current)
