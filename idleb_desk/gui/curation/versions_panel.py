"""Each analyst's version of the focused position, side by side: one column per analyst
(headed by the key that takes it), one row per part of a claim or mention."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from idleb_desk.core.curation_session import Version
from idleb_desk.model import LAYER_ACTOR

ACTOR_ROWS = (("text", "Mention"), ("label", "Label"))
CLAIM_ROWS = (("speaker", "Speaker"), ("cue", "Cue"), ("content", "Content"),
              ("addressees", "Addressees"), ("kind", "Kind"))  # fmt: skip
TAKEN = QColor("#d6e6f5")


def _value(unit: dict[str, Any], field: str) -> str:
    v = unit.get(field)
    if isinstance(v, list):
        return " … ".join(x for x in v if x) or "—"
    return str(v) if v else "—"


def cell(version: Version, field: str) -> str:
    """What one analyst's version says for one part: every unit's, one per line."""
    if not version.in_file:
        return "(no such document in the file)"
    if not version.units:
        return "(nothing here)" if version.coded else "(not coded)"
    return "\n".join(_value(u, field) for u in version.units)


class VersionsPanel(QTableWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("curationVersions")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.setTabKeyNavigation(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.layer: str | None = None

    def show_versions(self, layer: str | None, versions: list[Version],
                      taken: int | None = None) -> None:  # fmt: skip
        self.layer = layer
        rows = ACTOR_ROWS if layer == LAYER_ACTOR else CLAIM_ROWS
        self.clear()
        if layer is None:
            self.setRowCount(0)
            self.setColumnCount(0)
            return
        self.setColumnCount(len(versions))
        self.setRowCount(len(rows))
        self.setHorizontalHeaderLabels(
            [f"Alt+{k + 1} · {v.analyst}" if k < 9 else v.analyst for k, v in enumerate(versions)]
        )
        self.setVerticalHeaderLabels([title for _, title in rows])
        for row, (field, title) in enumerate(rows):
            texts = [cell(v, field) for v in versions]
            # Where the versions differ is what the curator decides: those cells in bold.
            differ = len(set(texts)) > 1
            for col, version in enumerate(versions):
                item = QTableWidgetItem(texts[col])
                item.setToolTip(f"{version.analyst}: {title}" + (" (the versions differ)"
                                                                 if differ else ""))  # fmt: skip
                if differ:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if col == taken:
                    item.setBackground(TAKEN)
                self.setItem(row, col, item)

    def text_at(self, row: int, col: int) -> str:
        item = self.item(row, col)
        return item.text() if item is not None else ""
