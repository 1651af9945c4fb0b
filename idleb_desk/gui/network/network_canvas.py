"""The Network view's drawing surface: claim edges as curves with arrowheads, picked by
a click or a tooltip near them, zoomed with the wheel or keys.

Edges are plain path items tagged with their index (data 0); names and nodes are drawn
by `network_view.NetworkView`, which owns this canvas.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPainterPath, QResizeEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QToolTip, QWidget

from idleb_desk.core.network import Point

PICK_WIDTH = 10.0  # how far from an edge a click still picks it


def edge_path(s: Point, c: Point, t: Point, head: float = 9.0) -> QPainterPath:
    """A quadratic curve from s to t with an open arrowhead at t, as one path: Qt draws
    and picks it in C++, with no item per arrowhead."""
    path = QPainterPath(QPointF(*s))
    path.quadTo(QPointF(*c), QPointF(*t))
    dx, dy = t[0] - c[0], t[1] - c[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
    ux, uy = dx / length, dy / length
    bx, by = t[0] - ux * head, t[1] - uy * head
    wx, wy = -uy * head * 0.5, ux * head * 0.5
    path.moveTo(bx + wx, by + wy)
    path.lineTo(*t)
    path.lineTo(bx - wx, by - wy)
    return path


class NetworkCanvas(QGraphicsView):
    """The drawing. Edges are plain path items tagged with their index (data 0); a click
    or a tooltip looks for the topmost edge within PICK_WIDTH of the pointer."""

    edge_clicked = Signal(int)
    transformed = Signal()  # zoomed or fitted: names are placed again
    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkCanvas")
        scene = QGraphicsScene(self)
        # Items are added in bulk and looked up only on a click: no spatial index to build.
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setScene(scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))
        self.edge_tip: Callable[[int], str] = lambda _i: ""

    def edge_at(self, pos: QPoint) -> int | None:
        """The edge nearest to `pos` (view pixels), if one passes within PICK_WIDTH / 2."""
        half = PICK_WIDTH / 2
        area = QRect(pos.x() - int(half), pos.y() - int(half), int(PICK_WIDTH), int(PICK_WIDTH))
        near = [
            item
            for item in self.items(area, Qt.ItemSelectionMode.IntersectsItemShape)
            if item.data(0) is not None
        ]
        if not near:
            return None
        # Parallel edges run close together: the one whose curve passes nearest wins.
        at = self.mapToScene(pos)

        def distance(item: QGraphicsItem) -> float:
            path = item.path()  # type: ignore[attr-defined]
            points = (path.pointAtPercent(k / 24) for k in range(25))
            return min((p.x() - at.x()) ** 2 + (p.y() - at.y()) ** 2 for p in points)

        return int(min(near, key=distance).data(0))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            index = self.edge_at(event.position().toPoint())
            if index is not None:
                self.edge_clicked.emit(index)
                event.accept()
                return
        super().mousePressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ToolTip:
            index = self.edge_at(event.pos())  # type: ignore[attr-defined]
            if index is not None:
                QToolTip.showText(event.globalPos(), self.edge_tip(index), self)  # type: ignore[attr-defined]
                return True
        return super().viewportEvent(event)

    def wheelEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        step = event.angleDelta().y()  # type: ignore[attr-defined]
        self.zoom(1.15 if step > 0 else 1 / 1.15)

    def zoom(self, factor: float) -> None:
        # Between a tenth and ten times the drawing's own size: never lost in either way.
        scale = self.transform().m11() * factor
        if 0.1 <= scale <= 10:
            self.scale(factor, factor)
            self.transformed.emit()

    def fit(self) -> None:
        rect = self.sceneRect()
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
            self.transformed.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.resized.emit()
