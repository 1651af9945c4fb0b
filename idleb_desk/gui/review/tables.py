"""Table models over the open document: actor mentions and claims.

They read from the shared `DocState` and are told about single-row changes, so an accept
emits `dataChanged` for one row rather than resetting a 4,000-row table. Labels and
statuses are written out as text: a colour never carries meaning alone.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView

from idleb_desk.core.memory import describe_origin
from idleb_desk.gui.config.labels import LabelSet
from idleb_desk.gui.review.highlighter import tint
from idleb_desk.gui.review.review_state import DocState
from idleb_desk.model import CLAIM_KINDS, LAYER_ACTOR, QUOTE_TYPES, Claim, Span

Index = QModelIndex | QPersistentModelIndex
_CONTENT_CHARS = 90
# The claims table's columns (logical). Kind, Quote and Status always fit their values;
# Speaker, Cue and Addressees share what is left, each as wide as its widest cell up to a
# cap (cut with "…" beyond it: the tooltip has the whole text), short ones whole first;
# Content, last on screen, keeps at least CONTENT_MIN and takes what remains.
SPEAKER, CUE, CONTENT, ADDRESSEES, KIND, QUOTE, STATUS = range(7)
CLAIM_COLUMN_CAPS = {SPEAKER: 240, CUE: 130, ADDRESSEES: 220}
CONTENT_MIN = 64  # the claim panel above shows the content whole
# Screen order: who, how, to whom, then what kind, and the long Content last.
CLAIM_VISUAL_ORDER = (SPEAKER, CUE, ADDRESSEES, KIND, QUOTE, STATUS, CONTENT)
_SAMPLE_ROWS = 400  # rows measured to size a column (a long document has thousands)
CELL_PAD = 14  # the cell's margins and grid line, in pixels


def with_note(status: str, flag: str | None, comment: str) -> str:
    """A status with the analyst's marks: ⚑ flagged uncertain, ✎ has a comment."""
    return status + (" ⚑" if flag else "") + (" ✎" if comment else "")


def _short(text: str, n: int = _CONTENT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class _RowModel(QAbstractTableModel):
    """Rows are ids kept in text order; subclasses say what each column shows."""

    headers: tuple[str, ...] = ()

    def __init__(self, labels: LabelSet) -> None:
        super().__init__()
        self.labels = labels
        self.state: DocState | None = None
        self.ids: list[int] = []
        self._keys: list[tuple[int, int, int]] = []
        self._row_of: dict[int, int] = {}

    # subclasses
    def _collect(self, state: DocState) -> list[tuple[tuple[int, int, int], int]]:
        raise NotImplementedError

    def _key(self, ident: int) -> tuple[int, int, int] | None:
        raise NotImplementedError

    def cell(self, ident: int, column: int) -> str:
        raise NotImplementedError

    def label_of(self, ident: int) -> str | None:
        return None

    def tip(self, ident: int, column: int) -> str:
        """A cell's tooltip text: the whole of what the cell may show cut short."""
        return self.cell(ident, column)

    def origin_of(self, ident: int) -> str:
        """Where the row's item came from (model, project memory, analyst, import)."""
        return ""

    def confidence_of(self, ident: int) -> float | None:
        """The project model's confidence in the row's item, if it scored it."""
        return None

    # Qt API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.ids):
            return None
        ident = self.ids[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            # Worded only when Qt asks (a hover): no key pays for it.
            origin = self.origin_of(ident)
            tip = self.tip(ident, index.column())
            if not origin:
                return tip
            return f"{tip}\nfrom {describe_origin(origin, self.confidence_of(ident)).text}"
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(ident, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 1:
            label = self.label_of(ident)
            return tint(self.labels.color(label), 0.42) if label else None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            return QColor("#000000")
        if role == Qt.ItemDataRole.UserRole:
            return ident
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # updates
    def set_state(self, state: DocState | None) -> None:
        self.beginResetModel()
        self.state = state
        pairs = sorted(self._collect(state)) if state else []
        self._keys = [k for k, _ in pairs]
        self.ids = [i for _, i in pairs]
        self._row_of = {i: r for r, i in enumerate(self.ids)}
        self.endResetModel()

    def row_of(self, ident: int) -> int | None:
        return self._row_of.get(ident)

    def refresh(self, ident: int) -> None:
        """One row changed, appeared or went away; rows keep text order."""
        row = self._row_of.get(ident)
        key = self._key(ident)
        if row is not None and key is not None and self._keys[row] == key:
            self.dataChanged.emit(
                self.index(row, 0),
                self.index(row, len(self.headers) - 1),
                [Qt.ItemDataRole.DisplayRole],
            )
            return
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.ids[row]
            del self._keys[row]
            self.endRemoveRows()
        if key is not None:
            at = bisect_left(self._keys, key)
            self.beginInsertRows(QModelIndex(), at, at)
            self.ids.insert(at, ident)
            self._keys.insert(at, key)
            self.endInsertRows()
        if row is not None or key is not None:
            self._row_of = {i: r for r, i in enumerate(self.ids)}


class ActorTableModel(_RowModel):
    headers = ("Mention", "Label", "Status", "Start", "Actor")

    def __init__(self, labels: LabelSet, actor_name: Callable[[int | None], str]) -> None:
        super().__init__(labels)
        self._actor_name = actor_name
        self._names: dict[int, str] = {}

    def forget_names(self, actor_ids: Iterable[int] | None = None) -> None:
        """Actor names may have changed (a rename, a merge, an undo): look them up again,
        all of them, or these actors'; repaint only rows whose shown name changed (an
        accept names its actor too, but its name stays, and a key must not repaint the
        whole column)."""
        if actor_ids is None:
            self._names.clear()
            if self.ids:
                self.dataChanged.emit(self.index(0, 4), self.index(len(self.ids) - 1, 4))
            return
        renamed = set()
        for aid in actor_ids:
            old = self._names.pop(aid, None)
            if old is not None and self._actor_name(aid) != old:
                renamed.add(aid)
        if not renamed or self.state is None:
            return
        spans = self.state.spans
        rows = [r for r, sid in enumerate(self.ids) if spans[sid].actor_id in renamed]
        if rows:
            self.dataChanged.emit(self.index(rows[0], 4), self.index(rows[-1], 4))

    def _collect(self, state: DocState) -> list[tuple[tuple[int, int, int], int]]:
        return [
            ((s.start, -s.end, s.id), s.id) for s in state.spans.values() if s.layer == LAYER_ACTOR
        ]

    def _key(self, ident: int) -> tuple[int, int, int] | None:
        s = self.state.spans.get(ident) if self.state else None
        return (s.start, -s.end, s.id) if s and s.layer == LAYER_ACTOR else None

    def span_of(self, ident: int) -> Span | None:
        return self.state.spans.get(ident) if self.state else None

    def label_of(self, ident: int) -> str | None:
        s = self.span_of(ident)
        return s.label if s else None

    def origin_of(self, ident: int) -> str:
        s = self.span_of(ident)
        return s.origin if s else ""

    def cell(self, ident: int, column: int) -> str:
        s = self.span_of(ident)
        if s is None:
            return ""
        if column == 0:
            return _short(s.text, 60)
        if column == 1:
            return s.label
        if column == 2:
            return with_note(s.status, s.flag, s.comment)
        if column == 3:
            return str(s.start)
        if s.actor_id is None:
            return ""
        if s.actor_id not in self._names:
            # Looked up once per actor and only for rows on screen.
            self._names[s.actor_id] = self._actor_name(s.actor_id)
        return self._names[s.actor_id]


class ClaimTableModel(_RowModel):
    headers = ("Speaker", "Cue", "Content", "Addressees", "Kind", "Quote", "Status")

    def _collect(self, state: DocState) -> list[tuple[tuple[int, int, int], int]]:
        out = []
        for c in state.claims.values():
            start, end = state.claim_range(c)
            out.append(((start, -end, c.id), c.id))
        return out

    def _key(self, ident: int) -> tuple[int, int, int] | None:
        c = self.state.claims.get(ident) if self.state else None
        if c is None or self.state is None:
            return None
        start, end = self.state.claim_range(c)
        return (start, -end, c.id)

    def claim(self, ident: int) -> Claim | None:
        return self.state.claims.get(ident) if self.state else None

    def origin_of(self, ident: int) -> str:
        c = self.claim(ident)
        return c.origin if c else ""

    def confidence_of(self, ident: int) -> float | None:
        c = self.claim(ident)
        return c.confidence if c else None

    def _text(self, span_id: int | None, n: int = 80) -> str:
        # The view elides what its column cannot hold; the tooltip has it whole.
        if span_id is None or self.state is None:
            return ""
        s = self.state.spans.get(span_id)
        return _short(s.text, n) if s else ""

    def tip(self, ident: int, column: int) -> str:
        c = self.claim(ident)
        if c is None or column not in (0, 1, 2, 3):
            return self.cell(ident, column)
        ids: list[int | None]
        if column == 0:
            ids = [c.speaker_span_id]
        elif column == 1:
            ids = [c.cue_span_id]
        elif column == 2:
            ids = [*c.content_part_ids] if c.content_part_ids else [c.content_span_id]
        else:
            ids = [*c.addressee_span_ids]
        whole = [self._text(i, 100_000) for i in ids if i is not None]
        return (" | " if column == 3 else " … ").join(whole)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return None
        return super().data(index, role)

    def cell(self, ident: int, column: int) -> str:
        c = self.claim(ident)
        if c is None:
            return ""
        if column == 0:
            return self._text(c.speaker_span_id)
        if column == 1:
            return self._text(c.cue_span_id)
        if column == 2:
            if c.content_part_ids:
                return " … ".join(self._text(p, _CONTENT_CHARS) for p in c.content_part_ids)
            return self._text(c.content_span_id, _CONTENT_CHARS)
        if column == 3:
            return " | ".join(self._text(a) for a in c.addressee_span_ids)
        if column == 4:
            return c.kind
        if column == 5:
            return c.quote_type
        return with_note(c.status, c.flag, c.comment)


def share_out(room: int, needs: dict[int, int], floors: dict[int, int]) -> dict[int, int]:
    """Split `room` pixels between columns: a column that needs less than an equal share
    gets what it needs, and the rest is shared again; none gets less than its floor."""
    widths: dict[int, int] = {}
    left = dict(needs)
    while left:
        share = room / len(left)
        small = {c: n for c, n in left.items() if n <= share}
        if not small:
            widths.update({c: max(int(share), floors[c]) for c in left})
            break
        for c, n in small.items():
            widths[c] = n
            room -= n
            del left[c]
    return widths


class ClaimColumns(QObject):
    """Keeps the claims table's columns sized to the open document's claims and to the
    table's width (a splitter dragged, the window resized)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.fit)
        header = view.horizontalHeader()
        for visual, logical in enumerate(CLAIM_VISUAL_ORDER):
            header.moveSection(header.visualIndex(logical), visual)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(CONTENT_MIN // 2)
        view.setColumnWidth(CONTENT, CONTENT_MIN)  # the stretched section's least width
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        model = view.model()
        model.modelReset.connect(self.fit)
        for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(self.timer.start)
        view.viewport().installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            self.timer.start()
        return False

    def _widest(self, column: int, rows: int, least: int = 0) -> int:
        view, model = self.view, self.view.model()
        fm = view.fontMetrics()
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        widest = max(least, view.horizontalHeader().fontMetrics().horizontalAdvance(title) + 6)
        for row in range(rows):
            text = model.data(model.index(row, column))
            if text:
                widest = max(widest, fm.horizontalAdvance(str(text)))
        return widest + CELL_PAD

    def fit(self) -> None:
        view = self.view
        fm = view.fontMetrics()
        rows = min(view.model().rowCount(), _SAMPLE_ROWS)
        fixed = {
            KIND: self._widest(KIND, rows, max(map(fm.horizontalAdvance, CLAIM_KINDS))),
            QUOTE: self._widest(QUOTE, rows, max(map(fm.horizontalAdvance, QUOTE_TYPES))),
            STATUS: self._widest(STATUS, rows, fm.horizontalAdvance("suggested")),
        }
        needs = {c: min(self._widest(c, rows), cap) for c, cap in CLAIM_COLUMN_CAPS.items()}
        floors = {c: self._widest(c, 0) for c in needs}
        room = view.viewport().width() - sum(fixed.values()) - CONTENT_MIN - 2
        for column, width in {**fixed, **share_out(room, needs, floors)}.items():
            view.setColumnWidth(column, width)
