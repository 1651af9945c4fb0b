"""The open document's curation positions as a table: state (colour and word), layer,
text and whose version was taken."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from idleb_desk.core.curation_session import PositionState
from idleb_desk.gui.curation import states
from idleb_desk.gui.rows_model import Index, RowsModel


class PositionsModel(RowsModel[PositionState]):
    headers = ("State", "Layer", "Text", "Taken from")

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.analysts: list[str] = []

    def set_positions(self, rows: list[PositionState], text: str, analysts: list[str]) -> None:
        self.beginResetModel()
        self.rows, self.text, self.analysts = list(rows), text, list(analysts)
        self.endResetModel()

    def put(self, pos: PositionState) -> None:
        """One position's new state, in place (a reset would lose the current row)."""
        row = self.row_of(pos.id)
        if row is None:
            return
        self.rows[row] = pos
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))

    def row_of(self, unit_id: int) -> int | None:
        return next((r for r, p in enumerate(self.rows) if p.id == unit_id), None)

    def taken_name(self, pos: PositionState) -> str | None:
        k = pos.taken_from
        if k is None:
            return None
        return self.analysts[k] if 0 <= k < len(self.analysts) else f"Analyst {k + 1}"




    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        p = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return states.look(p.state).word
            if col == 1:
                return p.layer
            if col == 2:
                return " ".join(self.text[p.start : p.end].split())[:80]
            return self.taken_name(p) or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return states.tooltip(p.state, self.taken_name(p))
        if role == Qt.ItemDataRole.BackgroundRole and col == 0:
            return states.background(p.state)
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return states.foreground(p.state)
        if role == Qt.ItemDataRole.UserRole:
            return p.id
        return None
