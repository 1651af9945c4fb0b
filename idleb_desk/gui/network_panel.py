"""The window's side of the Network view: the dock, its keys, following the project, export.

Mixed into MainWindow (which provides `session`, `controller`, `settings`, the document
list and `open_document`). The view follows what the window already announces: the
document list's model changes after every review operation (its progress cell) and after
another program commits (the list is re-read), and its current row changes when another
document opens. A refresh waits for a short pause, so a burst of keys draws once.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFileDialog, QWidget

from idleb_desk.core.network import Network, load_network
from idleb_desk.gui.modal import return_focus
from idleb_desk.gui.network_view import NetworkView
from idleb_desk.gui.review_state import CLAIM

log = logging.getLogger(__name__)

# A redraw waits this long after the last change: a document's network draws in tens of
# milliseconds, a large project's in a few hundred, so it waits for a longer pause.
REFRESH_MS = 150
PROJECT_REFRESH_MS = 700
# The view's share of the window height when it opens, until the analyst drags it to
# another (remembered in the settings): at 1600x1000 it leaves the article about 400 px.
NETWORK_SHARE = 0.58
SHARE_RANGE = (0.2, 0.9)
EXPORT_FILTERS = "GraphML for Gephi (*.graphml);;SVG picture (*.svg);;PNG picture (*.png)"


class _ResizeWatch(QObject):
    """Calls back when a widget is resized (a mixin's eventFilter would be shadowed by
    QMainWindow's, which comes first in the window's bases)."""

    def __init__(self, widget: QWidget, resized: Callable[[], None]) -> None:
        super().__init__(widget)
        self.resized = resized
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            self.resized()
        return False


class NetworkPanel:
    """Mixed into MainWindow."""

    def init_network(self) -> None:
        self.network_view = NetworkView()
        self.network_dock = QDockWidget("Network — who said what to whom", self)
        self.network_dock.setObjectName("networkDock")
        self.network_dock.setWidget(self.network_view)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.network_dock)
        self.network_dock.hide()
        self.network_project = bool(self.settings.value("network/project", False, type=bool))
        self.network_all = bool(self.settings.value("network/all", False, type=bool))
        self._network_timer = QTimer(self)
        self._network_timer.setSingleShot(True)
        self._network_timer.setInterval(REFRESH_MS)
        self._network_timer.timeout.connect(self.refresh_network)
        self.network_view.edge_selected.connect(self._network_edge_selected)
        self.network_dock.visibilityChanged.connect(self._network_visible)
        self.network_maximised = False
        self._network_sizing = False
        self._dock_watch = _ResizeWatch(self.network_dock, self._network_resized)
        self.doc_model.dataChanged.connect(self._network_later)
        self.doc_model.modelReset.connect(self._network_later)
        self.doc_view.selectionModel().currentRowChanged.connect(self._network_doc_changed)
        # The claim focused in the article (its row in the claims table) is marked here too.
        self.claims_view.selectionModel().currentRowChanged.connect(self._network_follow_claim)

    # ---- following the project ---------------------------------------------------------------

    def _network_later(self, *_args: Any) -> None:
        if self.network_dock.isVisible():
            wait = PROJECT_REFRESH_MS if self.network_project else REFRESH_MS
            self._network_timer.start(wait)

    def _network_doc_changed(self, *_args: Any) -> None:
        if not self.network_project:
            self._network_later()

    def _network_follow_claim(self, current: Any, _previous: Any = None) -> None:
        view, net = self.network_view, self.network_view.network
        if net is None or not self.network_dock.isVisible() or not current.isValid():
            return
        ids = self.claim_model.ids
        if not 0 <= current.row() < len(ids):
            return
        claim_id = ids[current.row()]
        if view.current is not None and net.edges[view.current].claim_id == claim_id:
            return  # already there (the edge itself asked for this claim)
        index = net.edge_index(claim_id)
        if index is not None:
            view.mark(index)

    def _network_visible(self, visible: bool) -> None:
        if visible:
            self.refresh_network()
        elif self.network_maximised and not self.isMinimized():
            self._network_restore()  # closed while filling the window: the article is back

    # ---- room --------------------------------------------------------------------------------

    def network_share(self) -> float:
        share = self.settings.value("network/share", NETWORK_SHARE, type=float)
        return min(max(float(share), SHARE_RANGE[0]), SHARE_RANGE[1])

    def _network_size(self) -> None:
        """Give the dock its remembered share of the window's height, now."""
        self._network_sizing = True
        try:
            height = int(self.network_share() * self.height())
            self.resizeDocks([self.network_dock], [height], Qt.Orientation.Vertical)
            self.layout().activate()  # at once, so the drawing is laid out for its size
        finally:
            self._network_sizing = False

    def _network_resized(self) -> None:
        """A dock the analyst dragged to another height: remember its share."""
        if (
            not self._network_sizing
            and not self.network_maximised
            and self.network_dock.isVisible()
            and not self.network_dock.isFloating()
            and self.height() > 0
        ):
            share = self.network_dock.height() / self.height()
            if SHARE_RANGE[0] <= share <= SHARE_RANGE[1]:
                self.settings.setValue("network/share", round(share, 3))

    def act_network_maximise(self) -> None:
        """Fill the window with the view (the article and tables hide), or give them back."""
        if self.network_maximised:
            self._network_restore()
            self.show_status("Network: back to its share of the window")
        else:
            self.network_maximised = True
            self.centralWidget().hide()
            self.show_status("Network: fills the window — M gives the article back")
        self.network_view.canvas.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _network_restore(self) -> None:
        self.network_maximised = False
        self.centralWidget().show()
        if self.network_dock.isVisible():
            self._network_size()

    def current_network(self) -> Network:
        doc = None if self.network_project else self.controller.doc_id
        if self.session is None or (doc is None and not self.network_project):
            return Network([], [], doc, not self.network_all)
        return load_network(self.session.store, doc, reviewed_only=not self.network_all)

    def network_title(self, net: Network) -> str:
        """What is drawn, in words (the header's first line, the SVG's title)."""
        if self.network_project:
            where = "Whole project"
        else:
            title = self.controller.state.doc.title if self.controller.state else ""
            where = f"Document: {title}" if title else "No document"
        which = "all claims" if self.network_all else "reviewed claims only"
        return f"{where} · {which} · {len(net.edges)} claim edges, {len(net.nodes)} nodes"

    def network_header(self, net: Network) -> str:
        def key(action: str) -> str:
            return "/".join(self.keymap.keys(action)[:1]) or "(no key)"

        hint = (
            f"{key('network_next_edge')}/{key('network_prev_edge')}: next/previous claim · "
            f"{key('network_focus_claim')}: go to it in the article · "
            f"{key('network_scope')}: document/project · {key('network_status')}: reviewed/all"
        )
        hint += f" · {key('network_maximise')}: fill the window"
        return (
            f"<b>{html.escape(self.network_title(net))}</b> &nbsp; "
            f"<span style='color:#444'>{html.escape(hint)}</span>"
        )

    def refresh_network(self, force: bool = False) -> None:
        """Re-read the project and redraw (unless only statuses changed and not `force`),
        keeping the selected claim selected."""
        self._network_timer.stop()
        view = self.network_view
        keep = None
        if view.network is not None and view.current is not None:
            keep = view.network.edges[view.current].claim_id
        net = self.current_network()
        if force or not view.update_in_place(net, self.network_header(net)):
            view.set_network(net, self.network_header(net), keep)

    # ---- keys ---------------------------------------------------------------------------------

    def act_network_view(self) -> None:
        opening = not self.network_dock.isVisible()
        self.network_dock.show()
        self.network_dock.raise_()
        if opening and not self.network_dock.isFloating():
            self._network_size()
        self.refresh_network()
        claim = self.controller.focused_claim()
        net = self.network_view.network
        if claim is not None and net is not None and self.network_view.current is None:
            index = net.edge_index(claim.id)
            if index is not None:
                self.network_view.mark(index)
        self.network_view.canvas.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def act_network_next_edge(self) -> None:
        if self.network_view.step(+1) is None:
            self.show_status("The network has no claim edges here (S shows all claims)")

    def act_network_prev_edge(self) -> None:
        if self.network_view.step(-1) is None:
            self.show_status("The network has no claim edges here (S shows all claims)")

    def act_network_focus_claim(self) -> None:
        """Go to the selected edge's claim in the article, keyboard focus and all."""
        if self.network_view.current is None:
            self.show_status("Select a claim edge first (J/K)")
            return
        self._network_edge_selected(self.network_view.current)
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def act_network_scope(self) -> None:
        self.network_project = not self.network_project
        self.settings.setValue("network/project", self.network_project)
        self.refresh_network()
        self.show_status(
            "Network: whole project" if self.network_project else "Network: this document"
        )

    def act_network_status(self) -> None:
        self.network_all = not self.network_all
        self.settings.setValue("network/all", self.network_all)
        self.refresh_network()
        self.show_status(
            "Network: all claims" if self.network_all else "Network: reviewed claims only"
        )

    def act_network_zoom_in(self) -> None:
        self.network_view.canvas.zoom(1.25)

    def act_network_zoom_out(self) -> None:
        self.network_view.canvas.zoom(1 / 1.25)

    def act_network_fit(self) -> None:
        self.network_view.canvas.fit()

    def _network_edge_selected(self, index: int) -> None:
        net = self.network_view.network
        if net is None:
            return
        edge = net.edges[index]
        if edge.document_id != self.controller.doc_id:
            self.open_document(edge.document_id)
        self.controller.focus_item((CLAIM, edge.claim_id))
        names = {n.id: n.name for n in net.nodes}
        where = "" if self.controller.focus == (CLAIM, edge.claim_id) else " (hidden here)"
        self.show_status(
            f"Claim {edge.claim_id}{where}: {names[edge.source]} → {names[edge.target]}, "
            f"{edge.kind} ({edge.status}) — Enter goes to it"
        )

    # ---- export -------------------------------------------------------------------------------

    def ask_network_path(self) -> tuple[str, str]:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export the network", "network.graphml", EXPORT_FILTERS
        )
        return_focus(self)
        return path, chosen

    def act_export_network(self) -> Path | None:
        path, chosen = self.ask_network_path()
        if not path:
            return None
        return self.export_network(Path(path), chosen)

    def export_network(self, path: Path, chosen: str = "") -> Path | None:
        """Write the network as shown (document or project, reviewed or all) to `path`;
        the suffix (else the chosen filter) picks GraphML, SVG or PNG."""
        from idleb_desk.io.graph_export import write_graphml, write_svg

        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("graphml", "svg", "png"):
            fmt = next((f for f in ("svg", "png") if f"*.{f}" in chosen), "graphml")
            path = path.with_name(f"{path.name}.{fmt}")
        if self.network_view.source is None or not self.network_dock.isVisible():
            net = self.current_network()
            self.network_view.set_network(net, self.network_header(net))
        net = self.network_view.source
        assert net is not None
        try:
            if fmt == "graphml":
                write_graphml(net, path)
            elif fmt == "svg":
                write_svg(net, path, self.network_title(net))
            elif not self.network_view.render_png(path):
                raise OSError("nothing to draw, or the image could not be written")
        except OSError as exc:
            from idleb_desk.gui import errors

            errors.show_error(self, "Export failed", f"{path}: {exc.strerror or exc}")
            return None
        self.show_status(f"Exported the network ({len(net.edges)} claim edges) to {path}")
        return path
