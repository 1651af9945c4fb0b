"""The claim panel: the focused claim's roles, kind and quote type.

It shows who said what to whom for the active claim and lets the mouse change kind and
quote type; the keyboard does the same with E / Q (see the keymap), and roles come from
S / V / R. Changes go out as signals; the controller commits them through the review API.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from idleb_desk.core.memory import confidence_note
from idleb_desk.gui.config.labels import LabelSet
from idleb_desk.gui.review.highlighter import tint
from idleb_desk.gui.review.review_state import DocState
from idleb_desk.model import CLAIM_KINDS, QUOTE_TYPES, Claim

ROLE_ROWS = (("speaker", "SPEAKER", "Speaker"), ("cue", "CUE", "Cue"))


class ClaimEditor(QGroupBox):
    kind_chosen = Signal(int, str)
    quote_chosen = Signal(int, str)

    def __init__(self, labels: LabelSet, parent: QWidget | None = None) -> None:
        super().__init__("Claim", parent)
        self.setObjectName("claimEditor")
        self.labels = labels
        self.claim_id: int | None = None
        # Looks up an actor's name for the speaker row; set by the window.
        self.actor_name: Callable[[int], str] | None = None
        self._updating = False
        outer = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        outer.addWidget(self.header)
        form = QFormLayout()
        self.role_labels: dict[str, QLabel] = {}
        for role, label, title in (
            ("speaker", "SPEAKER", "Speaker (S)"),
            ("cue", "CUE", "Cue (V)"),
            ("content", "CONTENT", "Content (C)"),
            ("addressee", "ADDRESSEE", "Addressees (R)"),
        ):
            name = QLabel(title)
            bg = tint(labels.color(label), 0.42).name()
            name.setStyleSheet(f"background:{bg}; color:#000; padding:1px 4px; border-radius:3px;")
            value = QLabel("—")
            # Always rich text: the values are HTML-escaped, and a label left on AutoText
            # shows plain-looking text (a quote with no tags) as &quot;...&quot;.
            value.setTextFormat(Qt.TextFormat.RichText)
            value.setWordWrap(True)
            form.addRow(name, value)
            self.role_labels[role] = value
        self.kind = QComboBox()
        self.kind.addItems(list(CLAIM_KINDS))
        self.kind.setToolTip("Claim kind (E / Shift+E)")
        self.quote = QComboBox()
        self.quote.addItems(list(QUOTE_TYPES))
        self.quote.setToolTip("Quote type (Q / Shift+Q)")
        form.addRow("Kind (E)", self.kind)
        form.addRow("Quote (Q)", self.quote)
        outer.addLayout(form)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("claimHint")
        outer.addWidget(self.hint)
        self.kind.currentTextChanged.connect(self._kind)
        self.quote.currentTextChanged.connect(self._quote)
        self.show_claim(None, None)

    def set_kinds(self, kinds: tuple[str, ...]) -> None:
        """The kinds to offer: the built-in ones and the project's own."""
        self._updating = True
        try:
            current = self.kind.currentText()
            self.kind.clear()
            self.kind.addItems(list(kinds))
            self.kind.setCurrentText(current)
        finally:
            self._updating = False

    def show_claim(
        self, state: DocState | None, claim: Claim | None, role_mode: bool = False
    ) -> None:
        self._updating = True
        try:
            self.claim_id = claim.id if claim else None
            enabled = claim is not None
            self.kind.setEnabled(enabled)
            self.quote.setEnabled(enabled)
            if claim is None or state is None:
                self.header.setText("No claim focused.")
                for value in self.role_labels.values():
                    value.setText("—")
                self.hint.setText(
                    "J/K to a claim, or press C on a focused span or a selection to start one."
                )
                return
            inner = "" if claim.nested_in is None else f" · inside claim {claim.nested_in}"
            note = " · <b>⚑ uncertain</b>" if claim.flag else ""
            if claim.comment:
                note += f"<br>✎ <i>{html.escape(claim.comment)}</i>"
            self.header.setText(
                f"<b>Claim {claim.id}</b> · {html.escape(claim.status)} · "
                f"<span style='color:#555'>{html.escape(claim.origin)}"
                f"{confidence_note(claim.confidence)}</span>{inner}{note}"
            )
            parts: dict[str, list[str]] = {"speaker": [], "cue": [], "content": [], "addressee": []}
            for role, span in state.claim_parts(claim):
                text = html.escape(" ".join(span.text.split()))
                if role == "speaker" and span.actor_id is not None and self.actor_name:
                    # The canonical actor the speaker stands for (a pronoun: through its
                    # antecedent); L in the Actors panel changes it.
                    text += f" → <b>{html.escape(self.actor_name(span.actor_id))}</b>"
                parts[role].append(text)
            for role, value in self.role_labels.items():
                texts = parts[role]
                value.setText(" | ".join(texts) if texts else "<i style='color:#767676'>none</i>")
            if self.kind.findText(claim.kind) < 0:
                self.kind.addItem(claim.kind)  # a project-specific kind
            self.kind.setCurrentText(claim.kind)
            self.quote.setCurrentText(claim.quote_type)
            if role_mode:
                self.hint.setText(
                    "<b>Picking roles.</b> J/K or arrows pick a span (or select text), then "
                    "S speaker · V cue · R addressee · 7 content · Shift+S/V/R clear · "
                    "Esc done."
                )
            else:
                self.hint.setText(
                    "A accept · X reject · C pick roles · E kind · Q quote type · "
                    "F flag · M comment"
                )
        finally:
            self._updating = False

    def _kind(self, text: str) -> None:
        if not self._updating and self.claim_id is not None and text:
            self.kind_chosen.emit(self.claim_id, text)

    def _quote(self, text: str) -> None:
        if not self._updating and self.claim_id is not None and text:
            self.quote_chosen.emit(self.claim_id, text)
