"""The Network view: actors as nodes, claims as arrows from speaker to addressee.

A QGraphicsScene drawn from a laid-out `core.network.Network`. Each claim edge is one
path item, coloured by claim kind (Okabe–Ito, as the labels); the selected edge is drawn
thick with a halo. Edges are picked with the mouse or stepped through in reading order
from the keyboard (the keys are actions of the window's keymap, scope "network").
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QImageWriter,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.core.network import (
    NODE_ACTOR,
    NODE_PLACEHOLDER,
    NODE_R,
    Network,
    Node,
    edge_geometry,
    kind_color,
)
from idleb_desk.gui.network.label_place import Box, place_labels
from idleb_desk.gui.network.network_canvas import NetworkCanvas, edge_path

HALO = QColor("#FFD84D")  # the selected edge's halo; never a kind colour
NAME_CHARS = 40  # longer node names are cut (the tooltip has the whole name)
# Room kept around the drawing, in pixels: names go right of their nodes by preference.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_Y = 40.0, 150.0, 28.0
REFIT_MS = 80  # a resize redraws once it pauses (a dragged splitter sends dozens)


def _edge_pen(color: QColor, selected: bool) -> QPen:
    return QPen(color, 4.5 if selected else 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)


def _drawn(net: Network) -> list[tuple[int, str, str, str, int]]:
    """What the scene shows of each edge (not its status, which only the tooltip says)."""
    return [(e.claim_id, e.source, e.target, e.kind, e.position) for e in net.edges]


def legend_html(net: Network | None) -> str:
    kinds = net.kinds() if net is not None else []
    chips = [
        f"<span style='color:{kind_color(k)}; font-weight:bold'>━━▶</span>&nbsp;{html.escape(k)}"
        for k in kinds
    ]
    shapes = "○ actor · ◌ mention not yet linked to an actor · □ (public) / (unattributed)"
    # One line where the panel is wide enough: every line here is a line less to draw in.
    return ("&nbsp;&nbsp; ".join(chips) or "no claims") + (
        f"&nbsp;&nbsp;&nbsp; <span style='color:#444'>{shapes}</span>"
    )


class NetworkView(QWidget):
    """The panel: a header (scope, filter, counts), the legend and the canvas."""

    edge_selected = Signal(int)  # index into network.edges

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkView")
        self.network: Network | None = None  # as drawn (widened to the panel)
        self.source: Network | None = None
        self.current: int | None = None
        self.edge_items: list[QGraphicsPathItem] = []
        self.header = QLabel("")
        self.header.setObjectName("networkHeader")
        self.header.setWordWrap(True)
        self.legend = QLabel("")
        self.legend.setObjectName("networkLegend")
        self.legend.setWordWrap(True)
        self.legend.setToolTip(
            "Edge colours: the claim's kind (Okabe–Ito palette); each edge's tooltip names "
            "its kind, status and claim. A claim with no addressee goes to (public); one "
            "with no speaker comes from (unattributed)."
        )
        self.canvas = NetworkCanvas(self)
        self.canvas.edge_tip = self.edge_tip
        self._names: dict[str, str] = {}
        self.label_items: list[QGraphicsSimpleTextItem] = []
        self._label_nodes: list[Node] = []
        self._drawn_size: QSize | None = None
        self._header_html = ""
        self.canvas.edge_clicked.connect(self.select_edge)
        self.canvas.transformed.connect(self.place_labels)
        # Names are placed inside what is visible: scrolling places them again.
        self._place_timer = QTimer(self)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(30)
        self._place_timer.timeout.connect(self.place_labels)
        for bar in (self.canvas.horizontalScrollBar(), self.canvas.verticalScrollBar()):
            bar.valueChanged.connect(self._place_timer.start)
        self._refit_timer = QTimer(self)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.setInterval(REFIT_MS)
        self._refit_timer.timeout.connect(self.refit)
        self.canvas.resized.connect(self._refit_timer.start)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.header)
        lay.addWidget(self.legend)
        lay.addWidget(self.canvas, 1)
        self.setFocusProxy(self.canvas)

    # ---- drawing -------------------------------------------------------------------------------

    def set_network(self, net: Network, header: str, keep_claim: int | None = None) -> None:
        self.source = net  # as laid out: what GraphML and SVG export
        self._drawn_size = self.canvas.viewport().size()
        net = self._fitted(net)
        self.network = net
        self._header_html = header
        self.header.setText(header)
        self.legend.setText(legend_html(net))
        scene = self.canvas.scene()
        scene.clear()
        self.halo = scene.addPath(
            QPainterPath(), QPen(HALO, 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        self.halo.setZValue(1)
        self.edge_items = []
        self.label_items = []
        self._label_nodes = []
        self.current = None
        self._names = {n.id: n.name for n in net.nodes}
        pens = {k: _edge_pen(QColor(kind_color(k)), False) for k in net.kinds()}
        for i, ((s, c, t), e) in enumerate(zip(edge_geometry(net), net.edges, strict=True)):
            item = scene.addPath(edge_path(s, c, t), pens[e.kind])
            item.setData(0, i)
            self.edge_items.append(item)
        self._draw_nodes(net, scene)
        view = self.canvas.viewport().size()
        self.canvas.setSceneRect(QRectF(0, 0, max(view.width(), 1), max(view.height(), 1)))
        self.canvas.fit()  # about one pixel per unit: nodes, arrows and pens as designed
        if keep_claim is not None:
            index = net.edge_index(keep_claim)
            if index is not None:
                self._mark(index)

    def update_in_place(self, net: Network, header: str) -> bool:
        """Take a re-read network without redrawing, if only claim statuses changed (an
        accept while all claims are shown): the scene stays, and so does the selection.
        False if anything drawn differs."""
        old = self.source
        if old is None or old.nodes != net.nodes or _drawn(old) != _drawn(net):
            return False
        if old.document_id != net.document_id or old.reviewed_only != net.reviewed_only:
            return False
        assert self.network is not None
        self.source = net
        self.network = replace(net, positions=self.network.positions)
        self.header.setText(header)
        return True

    def _fitted(self, net: Network) -> Network:
        """The layout spread over the panel as it is now, in pixels: nodes, arrowheads
        and pens keep their drawn size, however many actors there are (scaling a large
        layout down to fit made arrowheads specks). Exports keep the square layout."""
        view = self.canvas.viewport().size()
        if not net.positions:
            return net
        xs = [x for x, _ in net.positions.values()]
        ys = [y for _, y in net.positions.values()]

        def axis(lo: float, hi: float, start: float, room: float) -> Callable[[float], float]:
            room = max(room, 1.0)
            if hi - lo < 1e-9:
                return lambda _v: start + room / 2
            return lambda v: start + (v - lo) / (hi - lo) * room

        fx = axis(min(xs), max(xs), MARGIN_LEFT, view.width() - MARGIN_LEFT - MARGIN_RIGHT)
        fy = axis(min(ys), max(ys), MARGIN_Y, view.height() - 2 * MARGIN_Y)
        moved = {k: (fx(x), fy(y)) for k, (x, y) in net.positions.items()}
        return replace(net, positions=moved)

    def refit(self) -> None:
        """Draw again for a panel that changed size (a dock dragged, the view maximised),
        keeping the selected claim."""
        if self.source is None or self.canvas.viewport().size() == self._drawn_size:
            return
        keep = None
        if self.network is not None and self.current is not None:
            keep = self.network.edges[self.current].claim_id
        self.set_network(self.source, self._header_html, keep)

    def _draw_nodes(self, net: Network, scene: QGraphicsScene) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0))
        degree = net.degrees()
        for node in net.nodes:
            x, y = net.positions[node.id]
            rect = QRectF(x - NODE_R, y - NODE_R, 2 * NODE_R, 2 * NODE_R)
            pen = QPen(QColor("#333333"), 1.5)
            if node.kind == NODE_PLACEHOLDER:
                shape: QGraphicsItem = scene.addRect(rect, pen, QBrush(QColor("#eeeeee")))
            else:
                if node.kind != NODE_ACTOR:
                    pen.setStyle(Qt.PenStyle.DashLine)
                shape = scene.addEllipse(rect, pen, QBrush(QColor("#ffffff")))
            kind = {"actor": "actor", "mention": "mention (no actor linked yet)"}.get(
                node.kind, "placeholder"
            )
            label = f", {node.label}" if node.label else ""
            shape.setToolTip(f"{node.name}\n{kind}{label}; {degree[node.id]} claim edge(s)")
            shape.setZValue(3)
            name = node.name if len(node.name) <= NAME_CHARS else node.name[: NAME_CHARS - 1] + "…"
            text = QGraphicsSimpleTextItem(name)
            text.setFont(font)
            text.setBrush(QBrush(QColor("#111111")))
            text.setPos(x, y)
            text.setZValue(4)
            # Names keep their size when the view zooms; place_labels puts them beside
            # their node (an offset in the name's own, unzoomed pixels).
            text.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            text.setData(1, name)
            scene.addItem(text)
            self.label_items.append(text)
            self._label_nodes.append(node)

    def place_labels(self) -> None:
        """Put each name where it covers no other name or node at the current zoom: cut
        short, or hidden, where there is no room (`label_place`)."""
        if not self.label_items or self.network is None:
            return
        positions = self.network.positions
        centres = []
        for node in self._label_nodes:
            at = self.canvas.mapFromScene(QPointF(*positions[node.id]))
            centres.append((float(at.x()), float(at.y())))
        probe = QGraphicsSimpleTextItem()
        probe.setFont(self.label_items[0].font())

        def measure(text: str) -> tuple[float, float]:
            probe.setText(text)
            rect = probe.boundingRect()
            return rect.width(), rect.height()

        degree = self.network.degrees()
        radius = NODE_R * self.canvas.transform().m11()
        port = self.canvas.viewport().size()
        bounds = Box(0.0, 0.0, float(port.width()), float(port.height()))
        names = [item.data(1) for item in self.label_items]
        priority = [degree[n.id] for n in self._label_nodes]
        for item, spot in zip(
            self.label_items,
            place_labels(centres, names, priority, measure, radius, bounds),
            strict=True,
        ):
            item.setVisible(spot.text is not None)
            if spot.text is not None:
                item.setText(spot.text)
                item.setTransform(QTransform.fromTranslate(spot.dx, spot.dy))

    # ---- selection -------------------------------------------------------------------------------

    def select_edge(self, index: int) -> None:
        """Select an edge (click or key) and say so; the window focuses its claim."""
        if self.network is None or not 0 <= index < len(self.edge_items):
            return
        self._mark(index)
        self.canvas.ensureVisible(self.edge_items[index], 30, 30)
        self.edge_selected.emit(index)

    def edge_tip(self, index: int) -> str:
        if self.network is None or not 0 <= index < len(self.network.edges):
            return ""
        e, names = self.network.edges[index], self._names
        return (
            f"{names[e.source]} → {names[e.target]}\n{e.kind}, {e.quote_type} quote, "
            f"{e.status}\nclaim {e.claim_id} (document {e.document_id})"
        )

    def mark(self, index: int) -> None:
        """Show an edge as selected without announcing it (it follows the article)."""
        self._mark(index)
        self.canvas.ensureVisible(self.edge_items[index], 30, 30)

    def _mark(self, index: int) -> None:
        assert self.network is not None
        if self.current is not None and self.current < len(self.edge_items):
            old = self.edge_items[self.current]
            old.setPen(_edge_pen(old.pen().color(), False))
            old.setZValue(0)
        self.current = index
        item = self.edge_items[index]
        item.setPen(_edge_pen(item.pen().color(), True))
        item.setZValue(2)
        self.halo.setPath(item.path())

    def step(self, direction: int) -> int | None:
        if not self.edge_items:
            return None
        if self.current is None:
            index = 0 if direction > 0 else len(self.edge_items) - 1
        else:
            index = (self.current + direction) % len(self.edge_items)
        self.select_edge(index)
        return index

    # ---- images --------------------------------------------------------------------------------

    def render_png(self, path: Path | str, width: int = 1600) -> bool:
        """The whole scene as a PNG (not just what is scrolled into view)."""
        scene = self.canvas.scene()
        rect = self.canvas.sceneRect()
        if rect.isEmpty():
            return False
        height = max(1, int(width * rect.height() / rect.width()))
        image = QImage(QSize(width, height), QImage.Format.Format_ARGB32)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, width, height), rect)
        painter.end()
        writer = QImageWriter(str(path), QByteArray(b"png"))  # PNG whatever the file's name
        return writer.write(image)
