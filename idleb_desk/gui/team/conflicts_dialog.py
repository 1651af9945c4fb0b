"""The team's conflicts, each with its base, mine and theirs, for the analyst to choose
(issue 15). A colleague's change to a row this project changed too is never taken or
dropped unseen: the server refused the stale push, and here the analyst keeps their own
version (M) or takes the colleague's (T); the choice is a local event like any other
(one Ctrl+Z) and goes to the server at the next sync."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.core.review import ReviewSession
from idleb_desk.team import window_api as team

# The fields shown for a row; what differs between the three versions is in bold.
FIELDS = ("name", "label", "status", "start", "end", "kind", "quote_type", "comment", "flag",
          "merged_into", "actor_id")  # fmt: skip
COLUMNS = ("Row", "Field", "Base", "Mine", "Theirs")


def _value(data: dict[str, Any] | None, field: str) -> str:
    if data is None:
        return "(none)"
    value = data.get(field)
    return "" if value is None else str(value)


class ConflictsDialog(QDialog):
    def __init__(self, parent: QWidget, session: ReviewSession,
                 choose: Callable[[int, str], None]) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("teamConflicts")
        self.setWindowTitle("Team conflicts")
        self.session = session
        self.choose = choose
        self.conflicts: list[team.Conflict] = []
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("conflictList")
        self.list.currentRowChanged.connect(self._show)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("conflictRows")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.mine = QPushButton("Keep &mine (M)")
        self.theirs = QPushButton("Take &theirs (T)")
        close = QPushButton("Close (Esc)")
        self.mine.setShortcut(QKeySequence("M"))
        self.theirs.setShortcut(QKeySequence("T"))
        self.mine.clicked.connect(lambda: self._choose(team.MINE))
        self.theirs.clicked.connect(lambda: self._choose(team.THEIRS))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for b in (self.mine, self.theirs):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addWidget(self.table, 3)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addLayout(body, 1)
        lay.addLayout(buttons)
        self.resize(980, 460)

    def reload(self) -> None:
        keep = self.current_id()
        self.conflicts = team.open_conflicts(self.session.store)
        self.list.clear()
        for c in self.conflicts:
            self.list.addItem(f"{c.op} — {len(c.rows)} row(s), found {c.found_at[:16]}")
        n = len(self.conflicts)
        self.summary.setText(
            f"{n} conflict(s): a colleague changed what you changed. Nothing was overwritten; "
            "choose for each (M keeps yours, T takes theirs)." if n else
            "No conflicts: everything you and your colleagues did is merged."
        )  # fmt: skip
        ids = [c.id for c in self.conflicts]
        self.list.setCurrentRow(ids.index(keep) if keep in ids else (0 if ids else -1))
        self.mine.setEnabled(bool(n))
        self.theirs.setEnabled(bool(n))
        if not n:
            self.table.setRowCount(0)

    def current_id(self) -> int | None:
        row = self.list.currentRow()
        return self.conflicts[row].id if 0 <= row < len(self.conflicts) else None

    def _show(self, row: int) -> None:
        self.table.setRowCount(0)
        if not 0 <= row < len(self.conflicts):
            return
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r in self.conflicts[row].rows:
            versions = (r.get("base"), r.get("mine"), r.get("theirs"))
            fields = [f for f in FIELDS if any(v is not None and f in v for v in versions)]
            for field in fields or ["(row)"]:
                values = [_value(v, field) for v in versions]
                at = self.table.rowCount()
                self.table.insertRow(at)
                cells = [f"{r['tbl']} {r['key'][:8]}", field, *values]
                differs = len(set(values)) > 1
                for col, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if differs and col >= 2:
                        item.setFont(bold)
                    item.setToolTip(text)
                    self.table.setItem(at, col, item)
        self.table.resizeColumnsToContents()

    def _choose(self, choice: str) -> None:
        cid = self.current_id()
        if cid is not None:
            self.choose(cid, choice)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        # M and T as plain keys too, wherever the focus is in the dialog (the buttons'
        # shortcuts need the dialog to be the active window).
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key == Qt.Key.Key_M and self.mine.isEnabled():
            self._choose(team.MINE)
        elif key == Qt.Key.Key_T and self.theirs.isEnabled():
            self._choose(team.THEIRS)
        else:
            super().keyPressEvent(event)
