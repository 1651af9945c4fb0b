"""The bar that says (and sets) what J/K walk: scope, label filter, status filter.

Ctrl+L puts the keyboard on it: Tab moves between the three choices, the arrow keys
change them, Esc goes back to the article. It lives outside the review area, so the
single-letter review keys do not fire here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from idleb_desk.gui.config.labels import LabelSet
from idleb_desk.gui.navigate.scope import (
    CLAIM_LABEL,
    SCOPE_TEXT,
    SCOPES,
    STATUS_CHOICES,
    NavFilter,
)

ANY = "any"


class _Choice(QComboBox):
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    changed = Signal(str, object)  # scope, NavFilter
    closed = Signal()

    def __init__(self, labels: LabelSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 2)
        self.scope = _Choice()
        self.scope.setObjectName("scopeChoice")
        for s in SCOPES:
            self.scope.addItem(SCOPE_TEXT[s], s)
        self.label = _Choice()
        self.label.setObjectName("labelFilter")
        self.label.addItem("any label", None)
        for lab in labels.labels:
            self.label.addItem(lab.name, lab.name)
        self.label.addItem("claims", CLAIM_LABEL)
        self.status = _Choice()
        self.status.setObjectName("statusFilter")
        self.status.addItem("any status", None)
        for st in STATUS_CHOICES:
            self.status.addItem(st, st)
        for title, box in (("J/K walk (G):", self.scope), ("Label:", self.label),
                           ("Status:", self.status)):  # fmt: skip
            name = QLabel(title)
            name.setBuddy(box)
            lay.addWidget(name)
            lay.addWidget(box)
            box.currentIndexChanged.connect(self._emit)
            box.escaped.connect(self.closed)
        hint = QLabel("Ctrl+L filter · Ctrl+Shift+L clear · U next undecided")
        hint.setStyleSheet("color:#555")
        lay.addWidget(hint)
        lay.addStretch(1)
        self._setting = False

    def current(self) -> tuple[str, NavFilter]:
        return str(self.scope.currentData()), NavFilter(
            self.label.currentData(), self.status.currentData()
        )

    def set_current(self, scope: str, nav: NavFilter) -> None:
        """Show a scope and filter chosen elsewhere (G, Ctrl+Shift+L) without echoing it."""
        self._setting = True
        try:
            for box, value in ((self.scope, scope), (self.label, nav.label),
                               (self.status, nav.status)):  # fmt: skip
                # "any" is the first entry; its data (None) is not searchable in Qt.
                box.setCurrentIndex(0 if value is None else max(0, box.findData(value)))
        finally:
            self._setting = False

    def focus_bar(self) -> None:
        self.label.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _emit(self) -> None:
        if not self._setting:
            self.changed.emit(*self.current())
