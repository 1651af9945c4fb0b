"""The review window: document list, article, claim panel, actor and claim tables.

Keys come from the keymap table. Review keys are QActions on the review area with
WidgetWithChildrenShortcut, so they work while any table there has focus but not while
typing in the find bar; window keys (undo, documents, find, help) work everywhere.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.core.review import ReviewSession
from idleb_desk.gui import errors
from idleb_desk.gui.actors_panel import ActorsPanel
from idleb_desk.gui.article_view import ArticleView
from idleb_desk.gui.claim_editor import ClaimEditor
from idleb_desk.gui.doc_list import DocumentListModel
from idleb_desk.gui.find_bar import FindBar
from idleb_desk.gui.help_dialog import HelpDialog
from idleb_desk.gui.highlighter import FormatCache, SpanHighlighter
from idleb_desk.gui.keymap import SCOPE_NETWORK, SCOPE_REVIEW, Keymap, make_settings
from idleb_desk.gui.labels import LabelSet, load_labels
from idleb_desk.gui.legend import Legend
from idleb_desk.gui.modal import exec_modal
from idleb_desk.gui.network_panel import NetworkPanel
from idleb_desk.gui.project_actions import ProjectActions
from idleb_desk.gui.project_watch import ProjectWatch
from idleb_desk.gui.review_controller import ReviewWidgets
from idleb_desk.gui.scale_keys import ScaleController
from idleb_desk.gui.scale_window import ScaleWindow
from idleb_desk.gui.tables import ActorTableModel, ClaimColumns, ClaimTableModel

log = logging.getLogger(__name__)

TITLE = "idleb_desk"
# Window actions handled here rather than by the review controller.
_MENUS = {
    "File": (
        "open_project",
        "import_files",
        "export_csv",
        "export_jsonl",
        "export_network",
        "quit",
    ),  # fmt: skip
    "Go": (
        "next_document",
        "prev_document",
        "mark_done",
        "next_pane",
        "prev_pane",
        "find",
        "find_all",
        "next_result",
        "prev_result",
    ),  # fmt: skip
    "View": (
        "zoom_in",
        "zoom_out",
        "toggle_rejected",
        "filter",
        "clear_filter",
        "network_view",
        "actors_panel",
    ),
    "Help": ("help",),
}


def _table(model: object, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    # Fixed row heights: Qt never measures 4,000 rows to lay the table out.
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    view.setTabKeyNavigation(False)
    return view


class MainWindow(QMainWindow, ProjectActions, ProjectWatch, ScaleWindow, NetworkPanel):
    def __init__(self, settings: QSettings | None = None, labels: LabelSet | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else make_settings()
        self.labels = labels or load_labels()
        self.keymap = Keymap(self.settings)
        self.session: ReviewSession | None = None
        self.actions_by_name: dict[str, QAction] = {}
        self.setWindowTitle(TITLE)
        self.setAcceptDrops(True)
        self._build()
        self.init_network()
        self._build_actions()
        self.init_project_actions()
        self.resize(1560, 960)

    # ---- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.doc_model = DocumentListModel()
        self.doc_view = _table(self.doc_model, "documentList")
        self.doc_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.doc_view.horizontalHeader().setStretchLastSection(False)
        self.doc_view.setColumnWidth(1, 72)
        self.doc_view.setColumnWidth(2, 122)
        self.doc_view.setWordWrap(True)
        # Two lines per title: long headlines stay readable in a narrow list.
        self.doc_view.verticalHeader().setDefaultSectionSize(2 * self.fontMetrics().height() + 10)

        self.view = ArticleView()
        size = self.settings.value("view/font_size", 13, type=int)
        self.view.set_point_size(int(size))
        self.formats = FormatCache(self.labels)
        self.highlighter = SpanHighlighter(self.view.document(), self.formats)
        self.legend = Legend(self.labels)

        self.actor_model = ActorTableModel(self.labels, self._actor_name)
        self.claim_model = ClaimTableModel(self.labels)
        self.actors_view = _table(self.actor_model, "actorsTable")
        self.claims_view = _table(self.claim_model, "claimsTable")
        status_width = self.fontMetrics().horizontalAdvance("suggested ⚑✎") + 18
        for col, width in enumerate((170, 80, status_width, 55)):
            self.actors_view.setColumnWidth(col, width)
        self.claim_columns = ClaimColumns(self.claims_view)
        self.claim_editor = ClaimEditor(self.labels)
        self.claim_editor.actor_name = self._actor_name

        center = QWidget()
        lay = QVBoxLayout(center)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.legend)
        lay.addWidget(self.view, 1)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.claim_editor)
        right.addWidget(self.actors_view)
        right.addWidget(self.claims_view)
        right.setSizes([260, 330, 330])

        self.review_area = QSplitter(Qt.Orientation.Horizontal)
        self.review_area.setObjectName("reviewArea")
        self.review_area.addWidget(self.doc_view)
        self.review_area.addWidget(center)
        self.review_area.addWidget(right)
        # The right pane is wide enough for a claim's speaker, cue and addressees.
        self.review_area.setSizes([290, 630, 680])
        self.review_area.setChildrenCollapsible(False)

        self.find_bar = FindBar()
        root = QWidget()
        rl = QVBoxLayout(root)
        rl.setContentsMargins(4, 4, 4, 0)
        rl.addWidget(self.init_project_watch())
        rl.addWidget(self.init_scale())
        rl.addWidget(self.review_area, 1)
        rl.addWidget(self.find_bar)
        self.setCentralWidget(root)

        widgets = ReviewWidgets(
            self.view,
            self.highlighter,
            self.formats,
            self.actor_model,
            self.claim_model,
            self.actors_view,
            self.claims_view,
            self.claim_editor,
        )
        self.controller = ScaleController(widgets, self.labels)
        self.connect_scale()
        self.controller.status.connect(self.show_status)
        self.controller.progress_changed.connect(self.doc_model.update)
        self.controller.documents_changed.connect(
            lambda: self.doc_model.refresh_counts(self.session.documents() if self.session else [])
        )
        self.claim_editor.kind_chosen.connect(
            lambda cid, v: self.controller.set_claim_field(cid, "kind", v)
        )
        self.claim_editor.quote_chosen.connect(
            lambda cid, v: self.controller.set_claim_field(cid, "quote", v)
        )
        self.doc_view.selectionModel().currentRowChanged.connect(self._doc_row)
        self._build_actors_panel()
        self.find_bar.found.connect(self._found)
        self.find_bar.closed.connect(self.view.setFocus)
        self._syncing_docs = False
        self.statusBar().setSizeGripEnabled(True)

    def _build_actors_panel(self) -> None:
        self.actors_panel = ActorsPanel(self.controller, self.show_status)
        self.actors_panel.changed = self._actors_changed
        self.actors_panel.open_document = self.open_document  # type: ignore[method-assign]
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.actors_panel)
        self.actors_panel.hide()  # F9 shows it
        # Review keys change mention counts; re-read the open panel once typing pauses.
        self._actors_timer = QTimer(self)
        self._actors_timer.setSingleShot(True)
        self._actors_timer.setInterval(400)
        self._actors_timer.timeout.connect(self.actors_panel.refresh)
        self.controller.progress_changed.connect(lambda *_: self._actors_stale())

    def _actors_stale(self) -> None:
        if self.actors_panel.isVisible():
            self._actors_timer.start()
        else:
            self.actors_panel.refresh()  # only marks it stale while hidden

    def _actors_changed(self) -> None:
        """An actor was renamed, merged or split, or an undo touched actors."""
        self.actor_model.forget_names()
        self.controller.reload()

    def act_actors_panel(self) -> None:
        panel = self.actors_panel
        if panel.isVisible() and panel.isAncestorOf(self.focusWidget()):
            panel.hide()
            self.view.setFocus()
            return
        panel.show()
        panel.raise_()
        if panel.width() < 480:  # wide enough for names, aliases and counts
            self.resizeDocks([panel], [520], Qt.Orientation.Horizontal)
        panel.refresh()
        panel.actor_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _actor_name(self, actor_id: int | None) -> str:
        return self.session.actor_name(actor_id) if self.session else ""

    # ---- keys -------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        bar = self.menuBar()
        # File first, as on every desktop; then Review, where most keys live.
        menus = {"File": bar.addMenu("&File")}
        review_menu = bar.addMenu("&Review")
        menus.update({name: bar.addMenu(f"&{name}") for name in _MENUS if name not in menus})
        placed = {a: m for m, acts in _MENUS.items() for a in acts}
        for b in self.keymap:
            act = QAction(b.text.split(" (")[0].split(";")[0], self)
            act.setObjectName(f"action_{b.action}")
            act.setToolTip(b.text)
            act.triggered.connect(lambda _=False, name=b.action: self.run_action(name))
            if b.scope == SCOPE_REVIEW:
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.review_area.addAction(act)
                review_menu.addAction(act)
            elif b.scope == SCOPE_NETWORK:
                # Only while the Network view has focus: J, K and Enter mean edges there.
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.network_view.addAction(act)
                menus["View"].addAction(act)
            else:
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                self.addAction(act)
                menu = menus.get(placed.get(b.action, "")) or review_menu
                menu.addAction(act)
            self.actions_by_name[b.action] = act
        self.apply_keymap()

    def apply_keymap(self) -> None:
        """(Re)assign shortcuts from the keymap, e.g. after a remap in F1."""
        for b in self.keymap:
            self.actions_by_name[b.action].setShortcuts([QKeySequence(k) for k in b.keys])

    def run_action(self, name: str) -> None:
        handler = getattr(self, f"act_{name}", None)
        if handler is not None:
            handler()
            return
        self.controller.handle(name)
        if name in ("undo", "redo"):
            self.actor_model.forget_names()
            self.actors_panel.refresh()

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text)

    # ---- window actions ------------------------------------------------------------------------

    def act_help(self) -> None:
        exec_modal(HelpDialog(self.keymap, self.apply_keymap, self))

    def act_quit(self) -> None:
        self.close()

    def act_find(self) -> None:
        if self.controller.state is not None:
            self.find_bar.open_bar(self.controller.state.text, self.view.caret_cp())

    def _found(self, start: int, end: int) -> None:
        self.view.move_caret(end, anchor=start)
        self.view.ensureCursorVisible()
        self.controller.focus_found(start, end)

    def act_zoom_in(self) -> None:
        self._zoom(+1)

    def act_zoom_out(self) -> None:
        self._zoom(-1)

    def _zoom(self, step: int) -> None:
        size = self.view.set_point_size(self.view.point_size() + step)
        self.settings.setValue("view/font_size", size)
        self.show_status(f"Text size {size} pt")

    def act_toggle_rejected(self) -> None:
        self.controller.toggle_rejected()

    def act_next_pane(self) -> None:
        self._pane(+1)

    def act_prev_pane(self) -> None:
        self._pane(-1)

    def _pane(self, step: int) -> None:
        panes: list[QWidget] = [
            self.doc_view,
            self.view,
            self.claim_editor.kind,
            self.actors_view,
            self.claims_view,
        ]
        if self.network_dock.isVisible():
            panes.append(self.network_view.canvas)
        focus = self.focusWidget()
        i = next((k for k, p in enumerate(panes) if p is focus or p.isAncestorOf(focus)), 0)
        panes[(i + step) % len(panes)].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def act_next_document(self) -> None:
        self._doc_step(+1)

    def act_prev_document(self) -> None:
        self._doc_step(-1)

    def _doc_step(self, step: int) -> None:
        current = self.controller.doc_id
        row = self.doc_model.row_of(current) if current is not None else None
        target = 0 if row is None else row + step
        doc_id = self.doc_model.doc_id(target)
        if doc_id is None:
            self.show_status("No more documents that way")
            return
        self.open_document(doc_id)

    def act_mark_done(self) -> None:
        if not self.controller.mark_done():
            return
        assert self.session is not None
        current = self.controller.doc_id
        nxt = self.session.next_unreviewed(current)
        if nxt is None or nxt == current:
            self.show_status("Saved: document marked reviewed — every document is reviewed")
            return
        message = self.statusBar().currentMessage()
        self.open_document(nxt)
        self.show_status(f"{message}; opened the next unreviewed document")

    # ---- documents -------------------------------------------------------------------------------

    def open_document(self, doc_id: int | None) -> None:
        self.controller.open_document(doc_id)
        self._syncing_docs = True
        try:
            row = self.doc_model.row_of(doc_id) if doc_id is not None else None
            if row is not None:
                self.doc_view.selectRow(row)
        finally:
            self._syncing_docs = False
        title = self.controller.state.doc.title if self.controller.state else ""
        project = self.session.path.name if self.session else "no project"
        self.setWindowTitle(" — ".join(x for x in (TITLE, title, project) if x))

    def _doc_row(self, current: object, _previous: object) -> None:
        if self._syncing_docs:
            return
        row = current.row() if hasattr(current, "row") else -1  # type: ignore[union-attr]
        doc_id = self.doc_model.doc_id(row)
        if doc_id is not None and doc_id != self.controller.doc_id:
            self.open_document(doc_id)

    # ---- drag and drop import -----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt's name)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt's name)
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        # Every operation is already committed: closing never asks to save.
        self.runner.cancel_all()
        self.watch_timer.stop()
        self.position_timer.stop()
        self.remember_position()
        if self.session is not None:
            self.session.close()
            self.session = None
        self.settings.sync()
        event.accept()


__all__ = ["MainWindow", "errors"]
