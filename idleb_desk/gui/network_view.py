"""The Network view: actors as nodes, claims as arrows from speaker to addressee.

A QGraphicsScene drawn from a laid-out `core.network.Network`. Each claim edge is one
path item, coloured by claim kind (Okabe–Ito, as the labels); the selected edge is drawn
thick with a halo. Edges are picked with the mouse or stepped through in reading order
from the keyboard (the keys are actions of the window's keymap, scope "network").
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.core.network import (
    NODE_ACTOR,
    NODE_PLACEHOLDER,
    NODE_R,
    Network,
    edge_geometry,
    kind_color,
)

HALO = QColor("#FFD84D")  # the selected edge's halo; never a kind colour
PICK_WIDTH = 10.0  # how far from an edge a click still picks it


class EdgeItem(QGraphicsPathItem):
    def __init__(self, index: int, path: QPainterPath, color: QColor, tip: str) -> None:
        super().__init__(path)
        self.index = index
        self.color = color
        self.arrow = QPolygonF()
        self.setToolTip(tip)
        self.setAcceptHoverEvents(True)
        self.set_selected(False)

    def set_selected(self, on: bool) -> None:
        self.selected = on
        self.setPen(
            QPen(self.color, 4.5 if on else 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        self.setZValue(2 if on else 0)
        self.update()

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(PICK_WIDTH)
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return super().boundingRect().adjusted(-8, -8, 8, 8)

    def paint(self, painter: QPainter, option: object, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.selected:
            painter.setPen(QPen(HALO, 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPath(self.path())
        painter.setPen(self.pen())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setBrush(QBrush(self.color))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon(self.arrow)


def _arrow(tip: QPointF, control: QPointF, size: float) -> QPolygonF:
    d = tip - control
    length = max((d.x() ** 2 + d.y() ** 2) ** 0.5, 1e-6)
    ux, uy = d.x() / length, d.y() / length
    base = QPointF(tip.x() - ux * size, tip.y() - uy * size)
    side = QPointF(-uy * size * 0.45, ux * size * 0.45)
    return QPolygonF([tip, base + side, base - side])


class NetworkCanvas(QGraphicsView):
    edge_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkCanvas")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, EdgeItem) and event.button() == Qt.MouseButton.LeftButton:
            self.edge_clicked.emit(item.index)
            event.accept()
            return
        super().mousePressEvent(event)

    def wheelEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        step = event.angleDelta().y()  # type: ignore[attr-defined]
        factor = 1.15 if step > 0 else 1 / 1.15
        self.scale(factor, factor)

    def fit(self) -> None:
        rect = self.scene().itemsBoundingRect().adjusted(-20, -20, 20, 20)
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)


def legend_html(net: Network | None) -> str:
    kinds = net.kinds() if net is not None else []
    chips = [
        f"<span style='color:{kind_color(k)}; font-weight:bold'>━━▶</span>&nbsp;{html.escape(k)}"
        for k in kinds
    ]
    shapes = "○ actor · ◌ mention not yet linked to an actor · □ (public) / (unattributed)"
    return (
        "&nbsp;&nbsp; ".join(chips) or "no claims"
    ) + f"<br><span style='color:#444'>{shapes}</span>"


class NetworkView(QWidget):
    """The panel: a header (scope, filter, counts), the legend and the canvas."""

    edge_selected = Signal(int)  # index into network.edges

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkView")
        self.network: Network | None = None
        self.current: int | None = None
        self.edge_items: list[EdgeItem] = []
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
        self.canvas.edge_clicked.connect(self.select_edge)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.header)
        lay.addWidget(self.legend)
        lay.addWidget(self.canvas, 1)
        self.setFocusProxy(self.canvas)

    # ---- drawing -------------------------------------------------------------------------------

    def set_network(self, net: Network, header: str, keep_claim: int | None = None) -> None:
        self.network = net
        self.header.setText(header)
        self.legend.setText(legend_html(net))
        scene = self.canvas.scene()
        scene.clear()
        self.edge_items = []
        self.current = None
        names = {n.id: n.name for n in net.nodes}
        for i, ((s, c, t), e) in enumerate(zip(edge_geometry(net), net.edges, strict=False)):
            path = QPainterPath(QPointF(*s))
            path.quadTo(QPointF(*c), QPointF(*t))
            tip = (
                f"{names[e.source]} → {names[e.target]}\n{e.kind}, {e.quote_type} quote, "
                f"{e.status}\nclaim {e.claim_id} (document {e.document_id})"
            )
            item = EdgeItem(i, path, QColor(kind_color(e.kind)), tip)
            item.arrow = _arrow(QPointF(*t), QPointF(*c), 9.0)
            scene.addItem(item)
            self.edge_items.append(item)
        self._draw_nodes(net, scene)
        self.canvas.setSceneRect(scene.itemsBoundingRect().adjusted(-40, -40, 40, 40))
        self.canvas.fit()
        if keep_claim is not None:
            index = net.edge_index(keep_claim)
            if index is not None:
                self._mark(index)

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
            text = scene.addText(node.name, font)
            text.setDefaultTextColor(QColor("#111111"))
            text.setPos(x + NODE_R, y - NODE_R - text.boundingRect().height() * 0.8)
            text.setZValue(4)

    # ---- selection -------------------------------------------------------------------------------

    def select_edge(self, index: int) -> None:
        """Select an edge (click or key) and say so; the window focuses its claim."""
        if self.network is None or not 0 <= index < len(self.edge_items):
            return
        self._mark(index)
        self.canvas.ensureVisible(self.edge_items[index], 30, 30)
        self.edge_selected.emit(index)

    def _mark(self, index: int) -> None:
        if self.current is not None and self.current < len(self.edge_items):
            self.edge_items[self.current].set_selected(False)
        self.current = index
        self.edge_items[index].set_selected(True)

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
        rect = scene.itemsBoundingRect().adjusted(-30, -30, 30, 30)
        if rect.isEmpty():
            return False
        height = max(1, int(width * rect.height() / rect.width()))
        image = QImage(QSize(width, height), QImage.Format.Format_ARGB32)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, width, height), rect)
        painter.end()
        return image.save(str(path), "PNG")
