"""The document list: title, review status and "reviewed x of y" per document."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from idleb_desk.gui.rows_model import Index, RowsModel
from idleb_desk.model import DOC_DONE, DocStatus, DocumentSummary


class DocumentListModel(RowsModel[DocumentSummary]):
    headers = ("Document", "Status", "Progress")

    def __init__(self) -> None:
        super().__init__()
        # An analyst's file (team split): the documents every analyst codes blind.
        self.sample: frozenset[int] = frozenset()

    def set_documents(self, docs: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self.rows = list(docs)
        self.endResetModel()

    def refresh_counts(self, docs: list[DocumentSummary]) -> None:
        """New counts for the same documents, in place: a reset would drop the list's
        current row (and with it the open document)."""
        if [d.id for d in docs] != [d.id for d in self.rows]:
            self.set_documents(docs)
            return
        self.rows = list(docs)
        if self.rows:
            last = self.index(len(self.rows) - 1, len(self.headers) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def row_of(self, doc_id: int) -> int | None:
        return next((r for r, d in enumerate(self.rows) if d.id == doc_id), None)

    def doc_id(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def update(
        self, doc_id: int, reviewed: int, total: int, status: DocStatus | None = None
    ) -> None:
        """Progress of the open document changed; counts come from the window's own state."""
        row = self.row_of(doc_id)
        if row is None:
            return
        d = self.rows[row]
        self.rows[row] = replace(
            d, n_reviewed=reviewed, n_items=total, status=status if status else d.status
        )
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))




    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        d = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return d.title or d.ext_id
            if col == 1:
                status = "reviewed" if d.status == DOC_DONE else "to review"
                return f"{status} · sample" if d.id in self.sample else status
            return f"reviewed {d.n_reviewed} of {d.n_items}"
        if role == Qt.ItemDataRole.ToolTipRole:
            sample = "\nin the reliability sample" if d.id in self.sample else ""
            return f"{d.title}\n{d.ext_id}\nreviewed {d.n_reviewed} of {d.n_items} items{sample}"
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and d.status == DOC_DONE:
            return QColor("#006b4f")
        if role == Qt.ItemDataRole.FontRole and col == 1 and d.status == DOC_DONE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return d.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
