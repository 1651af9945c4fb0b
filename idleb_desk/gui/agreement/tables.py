"""The Agreement view's tables, built from `core.agreement.report`'s plain values.

One small read-only model serves every table: rows of cells, a cell a number (drawn to
two decimals on a background by reliability band, so the tables double as heatmaps), a
text, or None (drawn as an en dash: nothing to compare there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

Cell = float | int | str | None
Index = QModelIndex | QPersistentModelIndex
NOTHING = "–"
# Krippendorff's (2004) bands: 0.8 reliable, 0.667 the least for tentative conclusions.
# Light backgrounds that differ in lightness as well as hue, and the word in the tooltip.
BANDS: tuple[tuple[float, str, str], ...] = (
    (0.8, "#a6dba0", "reliable (at least 0.800)"),
    (0.667, "#fee08b", "tentative (0.667 to 0.800)"),
    (float("-inf"), "#f4a582", "unreliable (below 0.667)"),
)


def fmt(value: float | None) -> str:
    return NOTHING if value is None else f"{value:.2f}"


def band(value: float) -> tuple[str, str]:
    """The colour and the word for a coefficient."""
    for floor, colour, word in BANDS:
        if value >= floor:
            return colour, word
    return BANDS[-1][1], BANDS[-1][2]


class GridModel(QAbstractTableModel):
    """A read-only table of cells; floats in `heat` columns get a band colour."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[Cell]] = []
        self.heat: set[int] = set()

    def set_rows(self, headers: Sequence[str], rows: Sequence[Sequence[Cell]],
                 heat: set[int]) -> None:  # fmt: skip
        self.beginResetModel()
        self.headers, self.rows, self.heat = list(headers), [list(r) for r in rows], heat
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt)
        return 0 if parent.isValid() else len(self.headers)

    def value(self, row: int, col: int) -> Cell:
        return self.rows[row][col]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = self.rows[index.row()][index.column()]
        number = isinstance(v, float | int) and not isinstance(v, bool)
        if role == Qt.ItemDataRole.DisplayRole:
            if v is None:
                return NOTHING
            return f"{v:.2f}" if isinstance(v, float) else str(v)
        if role == Qt.ItemDataRole.TextAlignmentRole and (number or v is None):
            return int(Qt.AlignmentFlag.AlignCenter)
        heat = index.column() in self.heat and isinstance(v, float)
        if role == Qt.ItemDataRole.BackgroundRole and heat:
            return QBrush(QColor(band(float(v))[0]))  # type: ignore[arg-type]
        if role == Qt.ItemDataRole.ForegroundRole and heat:
            return QBrush(QColor("#000000"))  # dark text on the light bands, in any theme
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(v, float):
            word = f": {band(v)[1]}" if heat else ""
            return f"{v:.4f}{word}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if section < len(self.headers) else None
        return None


def label_rows(result: dict[str, Any], name: Callable[[str], str]
               ) -> tuple[list[str], list[list[Cell]]]:  # fmt: skip
    """Per label: alpha_U over all analysts and its units, then overlap span F1 for
    each pair (exact F1 in the next column): "all" first in each layer."""
    every = result["all_analysts"]
    pairs = result["pairwise"]
    headers = ["Layer", "Label", "α_U (all)", "Units"]
    for p in pairs:
        headers += [f"F1 {name(p['a'])}–{name(p['b'])}", "exact"]
    rows: list[list[Cell]] = []
    for layer, alpha_key, f1_key in (("actor", "actor_alpha_u", "actor_f1"),
                                     ("claim", "claim_alpha_u", "claim_f1")):  # fmt: skip
        alphas = every[alpha_key]["labels"]
        f1_labels = {lab for p in pairs for lab in p.get(f1_key, {}) if lab != "all"}
        for label in ["all", *sorted(set(alphas) | f1_labels)]:
            if label == "all":
                alpha, units = every[alpha_key]["alpha"], sum(x["units"] for x in alphas.values())
            else:
                alpha = alphas.get(label, {}).get("alpha")
                units = alphas.get(label, {}).get("units")
            row: list[Cell] = [layer, label, alpha, units]
            for p in pairs:
                f1 = p.get(f1_key, {}).get(label)
                row += [None, None] if f1 is None else [f1["overlap"], f1["exact"]]
            rows.append(row)
    return headers, rows


# The figures the heatmap can show: (menu text, where in a group's figures).
MATRIX_FIGURES: tuple[tuple[str, Callable[[dict[str, Any]], float | None]], ...] = (
    ("Actors: α_U", lambda g: g["actor_alpha_u"]["alpha"]),
    ("Claims: α_U", lambda g: g["claim_alpha_u"]["alpha"]),
    ("Actors: span F1 (overlap)", lambda g: g.get("actor_f1", {}).get("all", {}).get("overlap")),
    ("Claims: span F1 (overlap)", lambda g: g.get("claim_f1", {}).get("all", {}).get("overlap")),
    ("Actor labels: aligned α", lambda g: g["aligned"]["actor_label"]["alpha"]),
    ("Claim kinds: aligned α", lambda g: g["aligned"]["claim_kind"]["alpha"]),
)


def matrix_rows(result: dict[str, Any], figure: int, name: Callable[[str], str]
                ) -> tuple[list[str], list[list[Cell]]]:  # fmt: skip
    """Analyst by analyst (both halves filled, the diagonal empty), then each against
    the model's suggestions in the last column."""
    pick = MATRIX_FIGURES[figure][1]
    names = [a["name"] for a in result["analysts"]]
    at: dict[tuple[str, str], float | None] = {}
    for p in result["pairwise"]:
        at[(p["a"], p["b"])] = at[(p["b"], p["a"])] = pick(p)
    model = {g["a"]: pick(g) for g in result["against_model"]}
    headers = ["", *(name(n) for n in names), "model"]
    rows = [[name(a), *(None if a == b else at.get((a, b)) for b in names), model.get(a)]
            for a in names]  # fmt: skip
    return headers, rows


def document_rows(result: dict[str, Any], name: Callable[[str], str]
                  ) -> tuple[list[str], list[list[Cell]]]:  # fmt: skip
    names = [name(a["name"]) for a in result["analysts"]]
    headers = ["Document", "Title", "Actors α_U", "Claims α_U",
               f"Mentions ({' / '.join(names)})", f"Claims ({' / '.join(names)})"]  # fmt: skip
    rows: list[list[Cell]] = [
        [d["ext_id"], d["title"], d["actor_alpha_u"], d["claim_alpha_u"],
         " / ".join(map(str, d["actor_mentions"])), " / ".join(map(str, d["claims"]))]
        for d in result["per_document"]
    ]  # fmt: skip
    return headers, rows
