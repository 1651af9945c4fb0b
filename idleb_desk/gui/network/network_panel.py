"""The window's side of the Network view: the dock, its keys, following the project, export.

The view follows the window's one change path (`later()` after any change) and the
document list's current row (another document opened). A refresh waits for a short
pause, so a burst of keys draws once.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFileDialog, QTableView, QWidget

from idleb_desk.core.network import Network, load_network
from idleb_desk.gui.config import options
from idleb_desk.gui.network.network_view import NetworkView
from idleb_desk.gui.review.review_state import CLAIM
from idleb_desk.gui.window.modal import return_focus
from idleb_desk.gui.window.room_context import RoomContext

log = logging.getLogger(__name__)

# A redraw waits this long after the last change: a document's network draws in tens of
# milliseconds, a large project's in a few hundred, so it waits for a longer pause.
REFRESH_MS = 150
PROJECT_REFRESH_MS = 700
# The view's share of the window height when it opens, until the analyst drags it to
# another (remembered in the settings): at 1600x1000 it leaves the article about 400 px.
SHARE_RANGE = (0.2, 0.9)
EXPORT_FILTERS = "GraphML for Gephi (*.graphml);;SVG picture (*.svg);;PNG picture (*.png)"


class _ResizeWatch(QObject):
    """Calls back when a widget is resized."""

    def __init__(self, widget: QWidget, resized: Callable[[], None]) -> None:
        super().__init__(widget)
        self.resized = resized
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            self.resized()
        return False


class NetworkPanel:
    def __init__(self, ctx: RoomContext, doc_view: QTableView, claims_view: QTableView,
                 text_view: QWidget) -> None:  # fmt: skip
        self.ctx = ctx
        self.parent = ctx.parent
        self.focus = ctx.controller.focus
        self.claims_view = claims_view
        self.text_view = text_view
        self.view = NetworkView()
        self.dock = QDockWidget("Network — who said what to whom", ctx.parent)
        self.dock.setObjectName("networkDock")
        self.dock.setWidget(self.view)
        ctx.parent.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.project = options.NETWORK_PROJECT.get(ctx.settings)
        self.all = options.NETWORK_ALL.get(ctx.settings)
        self._timer = QTimer(ctx.parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.view.edge_selected.connect(self._edge_selected)
        self.dock.visibilityChanged.connect(self._visible)
        self.maximised = False
        self._sizing = False
        self._dock_watch = _ResizeWatch(self.dock, self._resized)
        doc_view.selectionModel().currentRowChanged.connect(self._doc_changed)
        # The claim focused in the article (its row in the claims table) is marked here too.
        claims_view.selectionModel().currentRowChanged.connect(self._follow_claim)

    def handlers(self) -> dict[str, Callable[[], Any]]:
        return {
            "network_view": self.open_view,
            "network_next_edge": lambda: self._step(+1),
            "network_prev_edge": lambda: self._step(-1),
            "network_focus_claim": self.focus_claim,
            "network_scope": self.toggle_scope,
            "network_status": self.toggle_status,
            "network_zoom_in": lambda: self.view.canvas.zoom(1.25),
            "network_zoom_out": lambda: self.view.canvas.zoom(1 / 1.25),
            "network_fit": lambda: self.view.canvas.fit(),
            "network_maximise": self.toggle_maximised,
            "export_network": self.ask_and_export,
        }

    # ---- following the project ---------------------------------------------------------------

    def later(self, *_args: Any) -> None:
        if self.dock.isVisible():
            wait = PROJECT_REFRESH_MS if self.project else REFRESH_MS
            self._timer.start(wait)

    def _doc_changed(self, *_args: Any) -> None:
        if not self.project:
            self.later()

    def _follow_claim(self, current: Any, _previous: Any = None) -> None:
        view, net = self.view, self.view.network
        if net is None or not self.dock.isVisible() or not current.isValid():
            return
        ids = self.claims_view.model().ids  # type: ignore[attr-defined]
        if not 0 <= current.row() < len(ids):
            return
        claim_id = ids[current.row()]
        if view.current is not None and net.edges[view.current].claim_id == claim_id:
            return  # already there (the edge itself asked for this claim)
        index = net.edge_index(claim_id)
        if index is not None:
            view.mark(index)

    def _visible(self, visible: bool) -> None:
        if visible:
            self.refresh()
        elif self.maximised and not self.parent.isMinimized():
            self._restore()  # closed while filling the window: the article is back

    # ---- room --------------------------------------------------------------------------------

    def share(self) -> float:
        share = options.NETWORK_SHARE.get(self.ctx.settings)
        return min(max(float(share), SHARE_RANGE[0]), SHARE_RANGE[1])

    def _size(self) -> None:
        """Give the dock its remembered share of the window's height, now."""
        self._sizing = True
        try:
            height = int(self.share() * self.parent.height())
            self.parent.resizeDocks([self.dock], [height], Qt.Orientation.Vertical)
            layout = self.parent.layout()
            if layout is not None:  # a QMainWindow always has one; the stubs allow None
                layout.activate()  # at once, so the drawing is laid out for its size
        finally:
            self._sizing = False

    def _resized(self) -> None:
        """A dock the analyst dragged to another height: remember its share."""
        if (
            not self._sizing
            and not self.maximised
            and self.dock.isVisible()
            and not self.dock.isFloating()
            and self.parent.height() > 0
        ):
            share = self.dock.height() / self.parent.height()
            if SHARE_RANGE[0] <= share <= SHARE_RANGE[1]:
                options.NETWORK_SHARE.set(self.ctx.settings, round(share, 3))

    def toggle_maximised(self) -> None:
        """Fill the window with the view (the article and tables hide), or give them back."""
        if self.maximised:
            self._restore()
            self.ctx.status("Network: back to its share of the window")
        else:
            self.maximised = True
            self._central(False)
            self.ctx.status("Network: fills the window — M gives the article back")
        self.view.canvas.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _central(self, shown: bool) -> None:
        """Show or hide the article and tables (the window's central widget)."""
        central = self.parent.centralWidget()
        if central is not None:
            central.setVisible(shown)

    def _restore(self) -> None:
        self.maximised = False
        self._central(True)
        if self.dock.isVisible():
            self._size()

    def current(self) -> Network:
        doc = None if self.project else self.focus.doc_id
        session = self.ctx.session()
        if session is None or (doc is None and not self.project):
            return Network([], [], doc, not self.all)
        return load_network(session.store, doc, reviewed_only=not self.all)

    def title(self, net: Network) -> str:
        """What is drawn, in words (the header's first line, the SVG's title)."""
        if self.project:
            where = "Whole project"
        else:
            title = self.focus.state.doc.title if self.focus.state else ""
            where = f"Document: {title}" if title else "No document"
        which = "all claims" if self.all else "reviewed claims only"
        return f"{where} · {which} · {len(net.edges)} claim edges, {len(net.nodes)} nodes"

    def header(self, net: Network) -> str:
        def key(action: str) -> str:
            return "/".join(self.ctx.keymap.keys(action)[:1]) or "(no key)"

        hint = (
            f"{key('network_next_edge')}/{key('network_prev_edge')}: next/previous claim · "
            f"{key('network_focus_claim')}: go to it in the article · "
            f"{key('network_scope')}: document/project · {key('network_status')}: reviewed/all"
        )
        hint += f" · {key('network_maximise')}: fill the window"
        return (
            f"<b>{html.escape(self.title(net))}</b> &nbsp; "
            f"<span style='color:#444'>{html.escape(hint)}</span>"
        )

    def refresh(self, force: bool = False) -> None:
        """Re-read the project and redraw (unless only statuses changed and not `force`),
        keeping the selected claim selected."""
        self._timer.stop()
        view = self.view
        keep = None
        if view.network is not None and view.current is not None:
            keep = view.network.edges[view.current].claim_id
        net = self.current()
        if force or not view.update_in_place(net, self.header(net)):
            view.set_network(net, self.header(net), keep)

    # ---- keys ---------------------------------------------------------------------------------

    def open_view(self) -> None:
        opening = not self.dock.isVisible()
        self.dock.show()
        self.dock.raise_()
        if opening and not self.dock.isFloating():
            self._size()
        self.refresh()
        claim = self.focus.focused_claim()
        net = self.view.network
        if claim is not None and net is not None and self.view.current is None:
            index = net.edge_index(claim.id)
            if index is not None:
                self.view.mark(index)
        self.view.canvas.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _step(self, step: int) -> None:
        if self.view.step(step) is None:
            self.ctx.status("The network has no claim edges here (S shows all claims)")

    def focus_claim(self) -> None:
        """Go to the selected edge's claim in the article, keyboard focus and all."""
        if self.view.current is None:
            self.ctx.status("Select a claim edge first (J/K)")
            return
        self._edge_selected(self.view.current)
        self.text_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def toggle_scope(self) -> None:
        self.project = not self.project
        options.NETWORK_PROJECT.set(self.ctx.settings, self.project)
        self.refresh()
        self.ctx.status("Network: whole project" if self.project else "Network: this document")

    def toggle_status(self) -> None:
        self.all = not self.all
        options.NETWORK_ALL.set(self.ctx.settings, self.all)
        self.refresh()
        self.ctx.status("Network: all claims" if self.all else "Network: reviewed claims only")

    def _edge_selected(self, index: int) -> None:
        net = self.view.network
        if net is None:
            return
        edge = net.edges[index]
        if edge.document_id != self.focus.doc_id:
            self.ctx.open_document(edge.document_id)
        self.focus.focus_item((CLAIM, edge.claim_id))
        names = {n.id: n.name for n in net.nodes}
        where = "" if self.focus.item == (CLAIM, edge.claim_id) else " (hidden here)"
        self.ctx.status(
            f"Claim {edge.claim_id}{where}: {names[edge.source]} → {names[edge.target]}, "
            f"{edge.kind} ({edge.status}) — Enter goes to it"
        )

    # ---- export -------------------------------------------------------------------------------

    def ask_path(self) -> tuple[str, str]:
        path, chosen = QFileDialog.getSaveFileName(
            self.parent, "Export the network", "network.graphml", EXPORT_FILTERS
        )
        return_focus(self.parent)
        return path, chosen

    def ask_and_export(self) -> Path | None:
        path, chosen = self.ask_path()
        if not path:
            return None
        return self.export(Path(path), chosen)

    def export(self, path: Path, chosen: str = "") -> Path | None:
        """Write the network as shown (document or project, reviewed or all) to `path`;
        the suffix (else the chosen filter) picks GraphML, SVG or PNG."""
        from idleb_desk.io.graph_export import write_graphml, write_svg

        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("graphml", "svg", "png"):
            fmt = next((f for f in ("svg", "png") if f"*.{f}" in chosen), "graphml")
            path = path.with_name(f"{path.name}.{fmt}")
        if self.view.source is None or not self.dock.isVisible():
            current = self.current()
            self.view.set_network(current, self.header(current))
        net = self.view.source
        assert net is not None
        try:
            if fmt == "graphml":
                write_graphml(net, path)
            elif fmt == "svg":
                write_svg(net, path, self.title(net))
            elif not self.view.render_png(path):
                raise OSError("nothing to draw, or the image could not be written")
        except OSError as exc:
            from idleb_desk.gui.window import errors

            errors.show_error(self.parent, "Export failed", f"{path}: {exc.strerror or exc}")
            return None
        self.ctx.status(f"Exported the network ({len(net.edges)} claim edges) to {path}")
        return path
