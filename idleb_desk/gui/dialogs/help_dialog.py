"""F1: every key binding, straight from the keymap table, and remapping.

The list is generated from the same data the shortcuts are made from, so it cannot drift
from what the keys do. "Change…" records a new key and runs the conflict check; a key that
is taken (by another action or by the platform) is refused with the reason.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.gui.config.keymap import KeyConflict, Keymap
from idleb_desk.gui.config.labels import LabelSet, load_labels
from idleb_desk.gui.review.highlighter import span_styles
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.modal import exec_modal

INTRO = (
    "<b>Everything works from the keyboard.</b> Arrow keys move the caret in the article; "
    "Ctrl+Shift+Left/Right select word by word. Every change is saved the moment it is "
    "made, and undo/redo survive a restart.<br>"
    "<b>Claims:</b> C on a span or selection makes a claim with that content and starts "
    "role picking: J/K (or the caret) picks a span, S speaker, V cue, R addressee; Esc ends.<br>"
    '<b>Network</b> (View menu): its keys, the rows "Network: …", act only while it has '
    "focus, so J, K and Enter step through and open claim edges there; M fills the "
    "window with it (M again gives the article back)."
)


def binding_rows(keymap: Keymap, labels: LabelSet | None = None) -> list[tuple[str, str, str]]:
    """(keys as shown, action id, description) for every binding.

    A label key's row names its label ("PERSON — Label 1: ..."), since labels.json decides
    which label a number key carries.
    """
    labels = labels or load_labels()
    rows = []
    for b in keymap:
        shown = " / ".join(
            QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in b.keys
        )
        text = b.text
        if b.action.startswith("label_"):
            label = labels.by_key(b.action.removeprefix("label_"))
            text = f"{label.name} — {text}" if label else f"(no label) — {text}"
        rows.append((shown or "(unbound)", b.action, text))
    return rows


class HelpDialog(QDialog):
    def __init__(
        self, keymap: Keymap, on_changed: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("idleb_desk — keys")
        self.keymap = keymap
        self.on_changed = on_changed
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        intro = QLabel(
            INTRO
            + "<br><b>Span styles:</b> "
            + " · ".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in span_styles().items())
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.change_button = QPushButton("Change keys…")
        self.reset_button = QPushButton("Reset to default")
        row.addWidget(self.change_button)
        row.addWidget(self.reset_button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.change_button.clicked.connect(self._change)
        self.reset_button.clicked.connect(self._reset)
        self.fill()
        self.table.setFocus()

    def fill(self) -> None:
        rows = binding_rows(self.keymap)
        self.table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.selectRow(0)

    def _current_action(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 1)
        return item.text() if item else None

    def _change(self) -> None:
        action = self._current_action()
        if action is None:
            return
        dlg = QDialog(self)
        dlg.setWindowTitle(f"New key for {action}")
        lay = QVBoxLayout(dlg)
        lay.addWidget(QLabel(f"Press the new key for <b>{action}</b>, then OK."))
        edit = QKeySequenceEdit()
        edit.setMaximumSequenceLength(1)
        lay.addWidget(edit)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(dlg.accept)
        box.rejected.connect(dlg.reject)
        lay.addWidget(box)
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if exec_modal(dlg) != QDialog.DialogCode.Accepted:
            return
        key = edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        if not key:
            return
        self.remap(action, [key])

    def remap(self, action: str, keys: list[str]) -> bool:
        try:
            self.keymap.set_keys(action, keys)
        except KeyConflict as exc:
            errors.show_error(self, "Key not changed", f"{', '.join(keys)}: {exc}")
            return False
        self.fill()
        self.on_changed()
        return True

    def _reset(self) -> None:
        action = self._current_action()
        if action is not None:
            self.keymap.reset(action)
            self.fill()
            self.on_changed()
