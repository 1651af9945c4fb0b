"""The review window: document list, article, claim panel, actor and claim tables.

The window builds its rooms once and holds them: `controller` (the focus and the review
key groups), `project_actions`, `watch`, `recovery`, `scale`, `network`, `actors_panel`
and `window_keys`; each gets a `RoomContext`. Every change is drawn by `apply_changes`.
Keys come from the keymap table. Review keys are QActions on the review area with
WidgetWithChildrenShortcut, so they work while any table there has focus but not while
typing in the find bar; window keys (undo, documents, find, help) work everywhere.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSettings, Qt
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

from idleb_desk.changes import Changes
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.actors.actors_panel import ActorsPanel
from idleb_desk.gui.agreement.agreement_view import AgreementView
from idleb_desk.gui.agreement.feedback_room import FeedbackRoom
from idleb_desk.gui.config import options
from idleb_desk.gui.config.keymap import SCOPE_NETWORK, SCOPE_REVIEW, Keymap, make_settings
from idleb_desk.gui.config.labels import LabelSet, load_labels
from idleb_desk.gui.config.legend import Legend
from idleb_desk.gui.curation.curation_room import CurationRoom
from idleb_desk.gui.navigate.doc_list import DocumentListModel
from idleb_desk.gui.navigate.find_bar import FindBar
from idleb_desk.gui.navigate.scale_window import ScaleWindow
from idleb_desk.gui.network.network_panel import NetworkPanel
from idleb_desk.gui.review.article_view import ArticleView
from idleb_desk.gui.review.claim_editor import ClaimEditor
from idleb_desk.gui.review.highlighter import FormatCache, SpanHighlighter
from idleb_desk.gui.review.key_context import Handlers
from idleb_desk.gui.review.review_controller import ReviewController
from idleb_desk.gui.review.review_widgets import ReviewWidgets
from idleb_desk.gui.review.tables import ActorTableModel, ClaimColumns, ClaimTableModel
from idleb_desk.gui.team.team_room import TeamRoom
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.change_view import ChangeView
from idleb_desk.gui.window.menus import MENUS
from idleb_desk.gui.window.model_training import ModelTraining
from idleb_desk.gui.window.project_actions import ProjectActions
from idleb_desk.gui.window.project_recovery import ProjectRecovery
from idleb_desk.gui.window.project_watch import ProjectWatch
from idleb_desk.gui.window.room_context import RoomContext
from idleb_desk.gui.window.window_keys import WindowKeys
from idleb_desk.gui.window.workers import TaskRunner

log = logging.getLogger(__name__)

TITLE = "idleb_desk"
# Window actions handled here rather than by the review controller.



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


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, labels: LabelSet | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else make_settings()
        options.upgrade_settings(self.settings)
        self.labels = labels or load_labels()
        self.keymap = Keymap(self.settings)
        self.session: ReviewSession | None = None
        self.actions_by_name: dict[str, QAction] = {}
        self.setWindowTitle(TITLE)
        self.setAcceptDrops(True)
        self._build_review()
        self.ctx = RoomContext(
            parent=self,
            settings=self.settings,
            keymap=self.keymap,
            controller=self.controller,
            runner=TaskRunner(self),
            status=self.show_status,
            session=lambda: self.session,
            apply_changes=self.apply_changes,
            open_document=self.open_document,
            follow_changes=lambda: self.watch.follow_changes(),
        )
        self._build_rooms()
        self._build_actions()
        self.resize(1560, 960)

    # ---- layout ---------------------------------------------------------------------------

    def _build_review(self) -> None:
        """The review area: document list, article, claim panel and tables."""
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
        self.view.set_point_size(options.FONT_SIZE.get(self.settings))
        formats = FormatCache(self.labels)
        highlighter = SpanHighlighter(self.view.document(), formats)

        self.actor_model = ActorTableModel(self.labels, self._actor_name)
        self.claim_model = ClaimTableModel(self.labels)
        self.actors_view = _table(self.actor_model, "actorsTable")
        self.claims_view = _table(self.claim_model, "claimsTable")
        status_width = self.fontMetrics().horizontalAdvance("suggested ⚑✎") + 18
        for col, width in enumerate((170, 80, status_width, 55)):
            self.actors_view.setColumnWidth(col, width)
        ClaimColumns(self.claims_view)  # a child of the table: lives as long as it
        self.claim_editor = ClaimEditor(self.labels)
        self.claim_editor.actor_name = self._actor_name

        center = QWidget()
        lay = QVBoxLayout(center)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(Legend(self.labels))
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

        widgets = ReviewWidgets(
            self.view, highlighter, formats, self.actor_model, self.claim_model,
            self.actors_view, self.claims_view, self.claim_editor,
        )  # fmt: skip
        self.controller = ReviewController(widgets, self.labels, self.apply_changes)
        self.focus = self.controller.focus
        self.change_view = ChangeView(self.focus, self.doc_model, self.refresh_documents)
        self.controller.status.connect(self.show_status)
        claims = self.controller.claim_keys
        self.claim_editor.kind_chosen.connect(lambda cid, v: claims.set_field(cid, "kind", v))
        self.claim_editor.quote_chosen.connect(lambda cid, v: claims.set_field(cid, "quote", v))
        self.doc_view.selectionModel().currentRowChanged.connect(self._doc_row)
        self.find_bar.closed.connect(self.view.setFocus)
        self._syncing_docs = False
        self.statusBar().setSizeGripEnabled(True)

    def _build_rooms(self) -> None:
        ctx = self.ctx
        self.watch = ProjectWatch(ctx)
        self.recovery = ProjectRecovery(ctx, lambda path: self.open_project(path))
        # The scope label first: the status bar keeps the order it had (scope, then model).
        self.scale = ScaleWindow(ctx, self.labels, self.view)
        self.project_actions = ProjectActions(ctx, self.recovery.offer_recovery, self.set_session)
        self.network = NetworkPanel(ctx, self.doc_view, self.claims_view, self.view)
        self.network_view = self.network.view  # the Network view widget, as `view` is the article's
        self.actors_panel = ActorsPanel(ctx, self.view)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.actors_panel)
        self.actors_panel.hide()  # F9 shows it
        self.change_view.actors_panel = self.actors_panel
        self.curation = CurationRoom(ctx, self.view, self.doc_model)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.curation)
        self.curation.hide()  # a gold project shows it
        self.agreement, self.feedback = AgreementView(ctx), FeedbackRoom(ctx, self.view)  # docks
        self.team = TeamRoom(ctx)
        self.training = ModelTraining(ctx)
        self.change_view.network = self.network
        self.window_keys = WindowKeys(self)
        self.find_bar.found.connect(self.window_keys.found)
        root = QWidget()
        rl = QVBoxLayout(root)
        rl.setContentsMargins(4, 4, 4, 0)
        rl.addWidget(self.watch.banner)
        rl.addWidget(self.scale.filter_bar)
        rl.addWidget(self.review_area, 1)
        rl.addWidget(self.find_bar)
        self.setCentralWidget(root)

    def _actor_name(self, actor_id: int | None) -> str:
        return self.session.actor_name(actor_id) if self.session else ""

    # ---- keys -------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.handlers: Handlers = {}
        for room in (self.controller, self.project_actions, self.scale, self.network,
                     self.actors_panel, self.curation, self.agreement, self.feedback,
                     self.team, self.training, self.window_keys):  # fmt: skip
            self.handlers.update(room.handlers())
        bar = self.menuBar()
        # File first, as on every desktop; then Review, where most keys live.
        menus = {"File": bar.addMenu("&File")}
        review_menu = bar.addMenu("&Review")
        menus.update({name: bar.addMenu(f"&{name}") for name in MENUS if name not in menus})
        placed = {a: m for m, acts in MENUS.items() for a in acts}
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
                self.network.view.addAction(act)
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
        handler = self.handlers.get(name)
        if handler is None:
            log.warning("no handler for action %r", name)
            return
        handler()

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text)

    # ---- the one change path ---------------------------------------------------------------

    def apply_changes(self, changes: Changes) -> None:
        """Redraw what `changes` names: after an operation, an undo or redo, and a commit
        by another process alike (`ChangeView.apply`)."""
        self.change_view.apply(changes)
        self.curation.show_changes(changes)
        self.agreement.changes_applied(changes)
        self.team.changes_applied(changes)
        self.training.changes_applied(changes)

    # ---- project and documents ---------------------------------------------------------------

    def open_project(self, path: Path | str, seed: bool = False, create: bool = False) -> bool:
        return self.project_actions.open_project(path, seed=seed, create=create)

    def set_session(self, session: ReviewSession | None) -> None:
        self.scale.remember_position()  # of the project being left
        old = self.session
        self.session = session
        self.focus.set_session(session)
        if old is not None and old is not session:
            old.close()
        self.curation.set_session(session)
        self.agreement.set_session(session)
        self.feedback.set_session(session)
        self.team.set_session(session)
        self.watch.show_read_only()
        self.refresh_documents()
        self.scale.resume([d.id for d in self.doc_model.rows])
        self.network.later()
        self.view.setFocus()
        if session is None:
            self.show_status("No project open — Ctrl+O opens one")

    def refresh_documents(self) -> None:
        self.doc_model.set_documents(self.session.documents() if self.session else [])
        self.view.setPlaceholderText(self.empty_hint())

    def empty_hint(self) -> str:
        """What the empty article area says: how to get something to read into it."""
        key = self.ctx.key if hasattr(self, "ctx") else (lambda _a: "no key")
        if self.session is None:
            return f"No project is open. {key('open_project')} (File → Open project) opens one."
        if not self.doc_model.rows:
            if self.session.read_only_reason is not None:
                return "This project has no articles, and it is open read-only."
            return (
                "This project has no articles yet.\n\n"
                f"Import some with {key('import_files')} (File → Import articles…): .txt, "
                ".md, .html, .jsonl or annotation files, or whole folders. Dropping files "
                "on the window imports them too."
            )
        return "Choose a document in the list on the left."

    def open_document(self, doc_id: int | None) -> None:
        self.focus.open_document(doc_id)
        self.curation.document_opened(doc_id)
        self._syncing_docs = True
        try:
            row = self.doc_model.row_of(doc_id) if doc_id is not None else None
            if row is not None:
                self.doc_view.selectRow(row)
        finally:
            self._syncing_docs = False
        title = self.focus.state.doc.title if self.focus.state else ""
        project = self.session.path.name if self.session else "no project"
        self.setWindowTitle(" — ".join(x for x in (TITLE, title, project) if x))

    def _doc_row(self, current: object, _previous: object) -> None:
        if self._syncing_docs:
            return
        row = current.row() if isinstance(current, QModelIndex) else -1
        doc_id = self.doc_model.doc_id(row)
        if doc_id is not None and doc_id != self.focus.doc_id:
            self.open_document(doc_id)

    # ---- drag and drop import, closing ---------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt's name)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt's name)
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.project_actions.import_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        # Every operation is already committed: closing never asks to save.
        self.team.close()
        self.training.close()
        self.ctx.runner.cancel_all()
        self.watch.timer.stop()
        self.scale.position_timer.stop()
        self.scale.remember_position()
        if self.session is not None:
            self.session.close()
            self.session = None
        self.settings.sync()
        event.accept()


__all__ = ["MainWindow", "errors"]
