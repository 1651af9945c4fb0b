"""The Actors panel: the project's canonical actors, their aliases and mentions.

All from the keyboard (F9 opens it):
- actors list: F2 renames; M marks the actor to merge, M again on another merges the
  marked one into it (Esc cancels); L links the focused claim's speaker to this actor;
  Enter or Right goes to its mentions.
- mentions list: S splits the mention off into an actor of its own; Enter opens the
  mention in its document; Left or Esc goes back to the actors.

Every change is one project event, so Ctrl+Z in the window undoes it (see core.actors).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QObject,
    Qt,
    QTimer,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.changes import Changes
from idleb_desk.core.actors import ALIAS_SEP, ActorRow, Mention
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.review.key_context import Handlers
from idleb_desk.gui.review.review_state import SPAN
from idleb_desk.gui.rows_model import Index, RowsModel
from idleb_desk.gui.window.room_context import RoomContext
from idleb_desk.model import LAYER_ACTOR

log = logging.getLogger(__name__)

HINT = (
    "F2 rename · M merge (M again on the target) · L link the focused claim's speaker · "
    "Enter mentions · S split a mention off · D demonyms → states · Ctrl+Z undo"
)


class ActorListModel(RowsModel[ActorRow]):
    headers = ("Actor", "Type", "Aliases", "Mentions", "Docs")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ActorRow] = []
        self.marked: int | None = None  # the actor M marked for merging
        self.rename: Callable[[int, str], bool] | None = None

    def row_of(self, actor_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == actor_id), None)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        a = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            marked = (
                " ⇢ merge" if a.id == self.marked and role == Qt.ItemDataRole.DisplayRole else ""
            )
            values = (a.name + marked, a.label, ALIAS_SEP.join(a.aliases), a.mentions, a.documents)
            return values[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{a.name} ({a.label}), actor {a.id}\nAliases: {ALIAS_SEP.join(a.aliases)}"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or index.column() != 0 or self.rename is None:
            return False
        return self.rename(self.rows[index.row()].id, str(value))


class MentionModel(RowsModel[Mention]):
    headers = ("Document", "Mention", "Part", "Status")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Mention] = []

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        m = self.rows[index.row()]
        part = "mention" if m.layer == LAYER_ACTOR else "speaker"
        return (m.document_title, " ".join(m.text.split()), part, m.status)[index.column()]


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.setTabKeyNavigation(False)
    return view


class ActorsPanel(QDockWidget):
    """A dock with the actor list above and the current actor's mentions below."""

    def __init__(self, ctx: RoomContext, text_view: QWidget) -> None:
        super().__init__("Actors")
        self.setObjectName("actorsPanel")
        self.ctx = ctx
        self.focus = ctx.controller.focus
        self.status = ctx.status
        self.text_view = text_view
        # Review keys change mention counts; re-read the open panel once typing pauses.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self.refresh)
        self._stale = True
        self.actors = ActorListModel()
        self.actors.rename = self._rename
        self.mentions = MentionModel()
        self.actor_view = _table(self.actors, "actorList")
        self.actor_view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.mention_view = _table(self.mentions, "mentionList")
        self.mention_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for view, widths in (
            (self.actor_view, (150, 62, 170, 66)),
            (self.mention_view, (170, 150, 62)),
        ):
            for col, w in enumerate(widths):
                view.setColumnWidth(col, w)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            view.installEventFilter(self)
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("actorsHint")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.actor_view)
        split.addWidget(self.mention_view)
        split.setSizes([300, 160])
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 2, 4, 4)
        lay.addWidget(self.hint)
        lay.addWidget(split, 1)
        self.setWidget(body)
        self.actor_view.selectionModel().currentRowChanged.connect(self._actor_row)

    # ---- reading ----------------------------------------------------------------------------

    @property
    def session(self) -> ReviewSession | None:
        return self.ctx.session()

    def handlers(self) -> Handlers:
        return {"actors_panel": self.toggle}

    def toggle(self) -> None:
        """F9: show the panel with the keyboard in it, or hide it and go back to the text."""
        if self.isVisible() and self.isAncestorOf(self.ctx.parent.focusWidget()):
            self.hide()
            self.text_view.setFocus()
            return
        self.show()
        self.raise_()
        if self.width() < 480:  # wide enough for names, aliases and counts
            self.ctx.parent.resizeDocks([self], [520], Qt.Orientation.Horizontal)
        self.refresh()
        self.actor_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_changes(self, changes: Changes) -> None:
        """The window's change path: actors alone changed (a rename, its undo), re-read
        now; mentions moved too, re-read when typing pauses (or when shown, if hidden).
        A review key's accept names its mention's actor, so re-reading every actor at
        once cost each key a query and a whole-table repaint; the panel's own
        operations (rename, merge, split) re-read at once themselves."""
        if changes.everything or (changes.actors and not changes.spans and not changes.claims):
            self.refresh()
        elif changes.actors or changes.spans or changes.claims:
            if self.isVisible():
                self._timer.start()
            else:
                self._stale = True

    def current_actor(self) -> ActorRow | None:
        row = self.actor_view.currentIndex().row()
        return self.actors.rows[row] if 0 <= row < len(self.actors.rows) else None

    def current_mention(self) -> Mention | None:
        row = self.mention_view.currentIndex().row()
        return self.mentions.rows[row] if 0 <= row < len(self.mentions.rows) else None

    def refresh(self, select: int | None = None) -> None:
        """Re-read the actors (after a change, an undo, another document); keeps the row."""
        if not self.isVisible() and select is None:
            self._stale = True
            return
        self._stale = False
        keep = select if select is not None else getattr(self.current_actor(), "id", None)
        mention_row = self.mention_view.currentIndex().row()
        rows = self.session.actor_rows() if self.session is not None else []
        self.actors.set_rows(rows)
        if self.actors.marked is not None and self.actors.row_of(self.actors.marked) is None:
            self.actors.marked = None
        row = self.actors.row_of(keep) if keep is not None else None
        if row is None and rows:
            row = 0
        if row is not None:
            self.actor_view.setCurrentIndex(self.actors.index(row, 0))
        self._load_mentions()
        if 0 <= mention_row < len(self.mentions.rows):
            self.mention_view.setCurrentIndex(self.mentions.index(mention_row, 0))

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _actor_row(self, *_: object) -> None:
        self._load_mentions()

    def _load_mentions(self) -> None:
        actor = self.current_actor()
        rows = self.session.actor_mentions(actor.id) if actor and self.session else []
        self.mentions.set_rows(rows)
        if rows:
            self.mention_view.setCurrentIndex(self.mentions.index(0, 0))

    # ---- keys -------------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Ctrl+Z and the other window keys pass through
        key = event.key()
        if (
            obj is self.actor_view
            and self.actor_view.state() != QAbstractItemView.State.EditingState
        ):
            return self._actor_key(key)
        if obj is self.mention_view:
            return self._mention_key(key)
        return False

    def _actor_key(self, key: int) -> bool:
        if key == Qt.Key.Key_M:
            self.merge_key()
        elif key == Qt.Key.Key_L:
            self.link_speaker()
        elif key == Qt.Key.Key_Escape and self.actors.marked is not None:
            self.actors.marked = None
            self.actors.layoutChanged.emit()
            self.status("Merge cancelled")
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Right):
            self.mention_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif key == Qt.Key.Key_D:
            self.toggle_demonyms()
        else:
            return False
        return True

    def toggle_demonyms(self) -> None:
        """D: the project setting that links a demonym ("Russian") to its state (Russia)."""
        session = self.session
        if session is None:
            return
        on = not session.demonyms_to_state()
        if self.ctx.controller.ctx.run(lambda: session.set_demonyms_to_state(on)):
            self.status(
                "Project setting: demonyms link to their state (Russian → Russia) from now on"
                if on
                else "Project setting: demonyms are actors of their own from now on"
            )

    def _mention_key(self, key: int) -> bool:
        if key == Qt.Key.Key_S:
            self.split_key()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_mention()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Escape):
            self.actor_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            return False
        return True

    # ---- operations -------------------------------------------------------------------------

    def _commit(self, fn: Callable[[], object], what: str, select: int | None = None) -> bool:
        if not self.ctx.controller.ctx.run(fn):
            return False
        self.refresh(select)
        self.status(f"Saved: {what} (Ctrl+Z undoes it)")
        return True

    def _rename(self, actor_id: int, name: str) -> bool:
        session = self.session
        if session is None:
            return False
        old = session.actor_name(actor_id)
        # After the editor has closed: renaming re-reads (resets) the list it edits.
        QTimer.singleShot(
            0,
            lambda: self._commit(
                lambda: session.rename_actor(actor_id, name),
                f"renamed {old!r} to {' '.join(name.split())!r}",
                actor_id,
            ),
        )
        return True

    def merge_key(self) -> None:
        actor, session = self.current_actor(), self.session
        if actor is None or session is None:
            return
        marked = self.actors.marked
        if marked is None or marked == actor.id:
            self.actors.marked = actor.id
            self.actors.layoutChanged.emit()
            self.status(
                f"Merge {actor.name!r} into…: go to the actor to keep and press M (Esc cancels)"
            )
            return
        source = next((r for r in self.actors.rows if r.id == marked), None)
        self.actors.marked = None
        name = source.name if source else str(marked)
        self._commit(
            lambda: session.merge_actors(marked, actor.id),
            f"merged {name!r} into {actor.name!r}",
            actor.id,
        )

    def split_key(self) -> None:
        mention, session = self.current_mention(), self.session
        if mention is None or session is None:
            return
        new_id = self.ctx.controller.ctx.commit(lambda: session.split_mention(mention.span_id))
        if new_id is None:
            return
        self.refresh(new_id)
        self.actor_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        name = session.actor_name(new_id)
        self.status(f"Saved: split {mention.text!r} off as {name!r} (F2 renames, Ctrl+Z undoes)")

    def link_speaker(self) -> None:
        """L: the focused claim's speaker stands for the current actor."""
        actor, session = self.current_actor(), self.session
        claim = self.focus.active_claim() if self.focus.state else None
        if actor is None or session is None:
            return
        if claim is None:
            self.status("Not changed: focus a claim in the article first (J/K), then press L here")
            return
        self._commit(
            lambda: session.link_speaker(claim.id, actor.id),
            f"the speaker of claim {claim.id} is {actor.name!r}",
            actor.id,
        )

    def open_mention(self) -> None:
        mention = self.current_mention()
        if mention is None:
            return
        self.ctx.open_document(mention.document_id)
        state = self.focus.state
        if state is not None and mention.span_id in state.spans:
            self.focus.focus_item((SPAN, mention.span_id))
            self.text_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
