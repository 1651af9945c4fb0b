"""Permanent span colours, painted one paragraph at a time by a QSyntaxHighlighter.

Qt asks for a block only when it changes, and the controller calls `rehighlightBlock`
just for the blocks an operation touched, so a key press repaints one paragraph, not the
article. Formats are built once per (label, status, depth) and cached.

Overlaps: the innermost (shortest) span of a stretch decides its colour, which is the
fixed order displaCy uses (start, then longest first, so inner spans draw last), and an
overline marks that the stretch lies inside another span too.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

from idleb_desk.gui.config.labels import LabelSet
from idleb_desk.gui.review.review_state import DocState
from idleb_desk.model import ACCEPTED, EDITED, MANUAL, REJECTED, SUGGESTED, Span

# How much of the label colour shows as background, by status (the rest is white).
_FILL = {SUGGESTED: 0.16, ACCEPTED: 0.42, EDITED: 0.42, MANUAL: 0.42, REJECTED: 0.0}
_UNDERLINE = {
    SUGGESTED: QTextCharFormat.UnderlineStyle.DashUnderline,
    ACCEPTED: QTextCharFormat.UnderlineStyle.NoUnderline,
    EDITED: QTextCharFormat.UnderlineStyle.DotLine,
    MANUAL: QTextCharFormat.UnderlineStyle.SingleUnderline,
    REJECTED: QTextCharFormat.UnderlineStyle.NoUnderline,
}
STATUS_LOOK = {
    SUGGESTED: "pale, dashed underline",
    ACCEPTED: "filled",
    EDITED: "filled, dotted underline",
    MANUAL: "filled, solid underline",
    REJECTED: "hidden (Ctrl+Shift+H: struck through)",
}
NESTED_LOOK = "overline"
# Labels drawn with a wavy underline instead of a wash of colour: a pale grey or blue wash
# is what a text selection looks like, and the addressee's colour (black) tints to grey.
# (A hatched fill did this before, but its lines ran through the letters.) The wave is
# grey while suggested and the label colour once decided; the tooltip says which status.
HATCHED_LABELS = frozenset({"ADDRESSEE"})
HATCH_LOOK = "wavy underline, not filled (grey while suggested)"
REGION_GREY = "#6b6b6b"


def span_styles() -> dict[str, str]:
    """The one description of the span styles: the legend and the F1 help both show it."""
    return {**STATUS_LOOK, "nested": NESTED_LOOK, "ADDRESSEE": HATCH_LOOK}


def tint(color: str, amount: float) -> QColor:
    """`color` mixed with white; opaque, so selections and focus marks stay crisp."""
    c = QColor(color)
    return QColor(
        round(255 - (255 - c.red()) * amount),
        round(255 - (255 - c.green()) * amount),
        round(255 - (255 - c.blue()) * amount),
    )


def readable_on(bg: QColor) -> QColor:
    """Black or white text, whichever reads better on `bg`."""
    lum = 0.299 * bg.red() + 0.587 * bg.green() + 0.114 * bg.blue()
    return QColor("#000000") if lum > 140 else QColor("#ffffff")


class FormatCache:
    def __init__(self, labels: LabelSet) -> None:
        self.labels = labels
        self._cache: dict[tuple[str, str, bool], QTextCharFormat] = {}
        self.region = QTextCharFormat()
        self.region.setForeground(QColor(REGION_GREY))
        self.region.setFontItalic(True)

    def span_format(self, label: str, status: str, nested: bool) -> QTextCharFormat:
        key = (label, status, nested)
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            color = self.labels.color(label)
            if status == REJECTED:
                fmt.setFontStrikeOut(True)
                fmt.setForeground(QColor("#767676"))
            elif label in HATCHED_LABELS:
                # Below the baseline only: nothing is drawn through the glyphs.
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(tint(color, 0.45) if status == SUGGESTED else QColor(color))
            else:
                fmt.setBackground(tint(color, _FILL.get(status, 0.3)))
                self._lines(fmt, status, color)
            if nested:
                fmt.setFontOverline(True)
            self._cache[key] = fmt
        return fmt

    @staticmethod
    def _lines(fmt: QTextCharFormat, status: str, color: str) -> None:
        style = _UNDERLINE.get(status, QTextCharFormat.UnderlineStyle.NoUnderline)
        if style != QTextCharFormat.UnderlineStyle.NoUnderline:
            fmt.setUnderlineStyle(style)
            # Pure yellow on white vanishes; darken light label colours for lines.
            line = QColor(color)
            fmt.setUnderlineColor(line.darker(160) if line.lightness() > 150 else line)

    def focus_format(self, label: str, role: str | None = None) -> QTextCharFormat:
        """The extra-selection look of the focused span or a part of the focused claim."""
        fmt = QTextCharFormat()
        bg = tint(self.labels.color(label), 0.85 if role is None else 0.7)
        fmt.setBackground(bg)
        fmt.setForeground(readable_on(bg))
        if role is None:
            fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor("#000000"))
        return fmt


@dataclass(frozen=True)
class Mark:
    """A stretch of one document underlined over whatever its spans look like: the
    curation room marks each position with its state's colour this way."""

    start: int
    end: int
    color: str
    wavy: bool  # a wave (still to decide) or a straight line (decided): not colour alone


def _mark_order(m: Mark) -> tuple[int, int]:
    return m.start, -m.end


# How long one slice of painting the blocks off screen may hold the event loop: keys and
# paints wait at most this long while a long article is highlighted behind the screen.
BACKFILL_SLICE_S = 0.004


class SpanHighlighter(QSyntaxHighlighter):
    """Paints spans a block at a time. A document is painted lazily: the blocks on
    screen at once, the rest in short slices from the event loop (`pending`), the
    blocks that come on screen first; `all_painted` says when none is left."""

    all_painted = Signal()

    def __init__(self, document: QTextDocument, formats: FormatCache) -> None:
        super().__init__(document)
        self.formats = formats
        self.state: DocState | None = None
        # Blocks not yet painted with the current state, and what is on screen (the
        # view sets it): both kept here so a key's repaint takes a block off the list.
        self.pending: set[int] = set()
        self._queue: list[int] = []
        self.visible: Callable[[], range] = lambda: range(0)
        self._backfill = QTimer(self)
        self._backfill.setSingleShot(True)
        self._backfill.setInterval(0)
        self._backfill.timeout.connect(self._paint_slice)
        self.marks_doc: int | None = None
        self.block_marks: dict[int, list[Mark]] = {}
        self._runs: list[tuple[int, int, QTextCharFormat]] | None = None  # see _set

    def set_marks(self, doc_id: int | None, marks: list[Mark]) -> None:
        """Underline `marks` in document `doc_id` (none: no marks), repainting only the
        blocks whose marks changed, so one decided position repaints its paragraph.
        Marks of another document than the one shown are kept aside: a document opened
        before its marks arrive is painted without them."""
        shown = self.marks_doc is not None and self.marks_doc == self._doc_id()
        old = self.block_marks if shown else {}
        state = self.state
        new: dict[int, list[Mark]] = {}
        if state is not None and doc_id is not None and doc_id == self._doc_id():
            # Outer stretches first, so an inner one's line is drawn over theirs.
            for m in sorted(marks, key=_mark_order):
                for b in state.umap.blocks_between(m.start, m.end):
                    new.setdefault(b, []).append(m)
        self.marks_doc, self.block_marks = doc_id, new
        self.repaint_blocks({b for b in old.keys() | new.keys() if old.get(b) != new.get(b)})

    def replace_mark(self, doc_id: int | None, old: Mark | None, new: Mark | None) -> None:
        """One mark changed (a position decided): its paragraphs alone are repainted,
        with no walk over the document's other marks."""
        state = self.state
        if state is None or doc_id is None or doc_id != self.marks_doc or \
                doc_id != self._doc_id() or old == new:  # fmt: skip
            return
        touched: set[int] = set()
        for m, add in ((old, False), (new, True)):
            if m is None:
                continue
            for b in state.umap.blocks_between(m.start, m.end):
                here = self.block_marks.setdefault(b, [])
                if add:
                    here.append(m)
                    here.sort(key=_mark_order)
                elif m in here:
                    here.remove(m)
                touched.add(b)
        for b in touched:
            if not self.block_marks.get(b):
                self.block_marks.pop(b, None)
        self.repaint_blocks(touched)

    def _doc_id(self) -> int | None:
        return self.state.doc.id if self.state is not None else None

    def set_state(self, state: DocState | None, lazy: bool = False,
                  painted: range | set[int] = range(0)) -> None:  # fmt: skip
        """Use before `setPlainText` to have Qt paint every block with this state then.
        `lazy`: the text is shown already; paint the blocks not in `painted` later,
        those on screen first (`paint_visible`), the rest in slices."""
        self.state = state
        self.pending = set()
        self._queue = []
        if state is not None and lazy:
            self.pending = set(range(state.umap.block_count)).difference(painted)
            self._queue = sorted(self.pending, reverse=True)  # popped from the end
        if self.pending:
            self._backfill.start()
        else:
            self._backfill.stop()

    def rehighlight_lazily(self) -> None:
        """Every block again (what shows changed for all of them): the screen now,
        the rest in slices."""
        self.set_state(self.state, lazy=True)
        self.paint_visible()

    def paint_visible(self) -> None:
        if self.pending:
            self.repaint_blocks({b for b in self.visible() if b in self.pending})

    def _paint_slice(self) -> None:
        self.paint_visible()  # scrolled meanwhile: what is on screen comes first
        doc = self.document()
        deadline = time.perf_counter() + BACKFILL_SLICE_S
        while self._queue and time.perf_counter() < deadline:
            n = self._queue.pop()
            if n in self.pending:
                self.pending.discard(n)
                block = doc.findBlockByNumber(n)
                if block.isValid():
                    self.rehighlightBlock(block)
        if self._queue:
            self._backfill.start()
        else:
            self.pending.clear()
            self.all_painted.emit()

    def repaint_blocks(self, blocks: set[int]) -> None:
        self.pending.difference_update(blocks)
        doc = self.document()
        for n in sorted(blocks):
            block = doc.findBlockByNumber(n)
            if block.isValid():
                self.rehighlightBlock(block)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        state = self.state
        if state is None:
            return
        number = self.currentBlock().blockNumber()
        if number >= state.umap.block_count or number in self.pending:
            return
        umap = state.umap
        marks = self.block_marks.get(number) if self.marks_doc == state.doc.id else None
        self._runs = [] if marks else None
        for r in state.block_regions.get(number, ()):
            a, b = umap.local_qt(number, r.start), umap.local_qt(number, r.end)
            if b > a:
                self._set(a, b - a, self.formats.region)
        self._paint_spans(state, number)
        for m in marks or ():
            self._paint_mark(umap.local_qt(number, m.start), umap.local_qt(number, m.end), m)
        self._runs = None

    def _set(self, start: int, length: int, fmt: QTextCharFormat) -> None:
        """setFormat, remembering the run while marks are to be drawn over this block."""
        self.setFormat(start, length, fmt)
        if self._runs is not None:
            self._runs.append((start, start + length, fmt))

    def _paint_mark(self, a: int, b: int, mark: Mark) -> None:
        """Underline [a, b) in the mark's colour over the runs the spans painted there,
        keeping each run's fill and font (from the runs recorded, not by asking Qt for
        the format of every character)."""
        style = (QTextCharFormat.UnderlineStyle.WaveUnderline if mark.wavy
                 else QTextCharFormat.UnderlineStyle.SingleUnderline)  # fmt: skip
        color = QColor(mark.color)
        # The runs overlap (a region, then spans, then other marks over them): each
        # piece between their edges takes the format of the last run painted over it.
        runs = [(k, lo, hi, fmt) for k, (lo, hi, fmt) in enumerate(self._runs or [])
                if lo < b and a < hi]  # fmt: skip
        edges = sorted({a, b, *(min(max(x, a), b) for _, lo, hi, _ in runs for x in (lo, hi))})
        blank = QTextCharFormat()
        pieces: list[tuple[int, int, QTextCharFormat]] = []
        last = -2
        for lo, hi in zip(edges, edges[1:], strict=False):
            top = max((r for r in runs if r[1] <= lo and hi <= r[2]), default=None,
                      key=lambda r: r[0])  # fmt: skip
            k = top[0] if top is not None else -1
            if k == last and pieces:
                pieces[-1] = (pieces[-1][0], hi, pieces[-1][2])
            else:
                pieces.append((lo, hi, top[3] if top is not None else blank))
            last = k
        for lo, hi, fmt in pieces:
            marked = QTextCharFormat(fmt)
            marked.setUnderlineStyle(style)
            marked.setUnderlineColor(color)
            self._set(lo, hi - lo, marked)

    def _paint_spans(self, state: DocState, number: int) -> None:
        umap = state.umap
        ids = state.block_spans.get(number)
        if not ids:
            return
        segs: list[tuple[int, int, Span]] = []
        for sid in ids:
            s = state.spans[sid]
            if not state.visible(s.status) or state.is_part_whole(sid):
                continue
            a, b = umap.local_qt(number, s.start), umap.local_qt(number, s.end)
            if b > a:
                segs.append((a, b, s))
        if not segs:
            return
        if len(segs) == 1:
            a, b, s = segs[0]
            self._set(a, b - a, self.formats.span_format(s.label, s.status, False))
            return
        self._paint_overlaps(segs)

    def _paint_overlaps(self, segs: list[tuple[int, int, Span]]) -> None:
        """Split the block at every span edge; each piece shows its innermost span.

        A sweep over the edges with a heap of the spans open there (shortest first), so a
        paragraph with thousands of spans costs O(n log n), not O(edges x spans): a long
        one-line article took minutes to open and again for every key press.
        """
        by_start = sorted(segs, key=lambda t: t[0])
        ends = sorted(b for _, b, _ in segs)
        edges = sorted({e for a, b, _ in segs for e in (a, b)})
        heap: list[tuple[int, int, int, Span]] = []  # (length, -id, end, span)
        started = ended = 0
        for lo, hi in zip(edges, edges[1:], strict=False):
            while started < len(by_start) and by_start[started][0] <= lo:
                a, b, s = by_start[started]
                heapq.heappush(heap, (b - a, -s.id, b, s))
                started += 1
            while ended < len(ends) and ends[ended] <= lo:
                ended += 1
            while heap and heap[0][2] <= lo:  # closed before this piece
                heapq.heappop(heap)
            if not heap:
                continue
            inner = heap[0][3]
            fmt = self.formats.span_format(inner.label, inner.status, started - ended > 1)
            self._set(lo, hi - lo, fmt)
