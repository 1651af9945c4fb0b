"""Undo and redo of a reviewer's own operations (`session.undo_ops`).

Generic over every operation: an event holds its rows before and after, and undo writes
the before back, redo the after (`core.ops.revert`). The rows written back are recorded
in the session's change log like an operation's.
"""

from __future__ import annotations

import logging
from typing import Any

from idleb_desk.core.change_log import changes_between
from idleb_desk.core.ops import ReviewError, revert
from idleb_desk.core.session_context import SessionContext
from idleb_desk.model import Event
from idleb_desk.store import history, snapshots, undo_groups

log = logging.getLogger(__name__)


class UndoOps:
    def __init__(self, ctx: SessionContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    @property
    def reviewer(self) -> str:
        return self.ctx.reviewer

    def can_undo(self, document_id: int) -> bool:
        return history.last_done(self.store.con, document_id, self.reviewer) is not None

    def can_redo(self, document_id: int) -> bool:
        return history.next_undone(self.store.con, document_id, self.reviewer) is not None

    def undo_event(self, document_id: int) -> Event | None:
        """What `undo` would undo now (a bulk action's steps as one event), for its label."""
        event = history.last_done(self.store.con, document_id, self.reviewer)
        return None if event is None else undo_groups.whole(self.store.con, event)

    def redo_event(self, document_id: int) -> Event | None:
        event = history.next_undone(self.store.con, document_id, self.reviewer)
        return None if event is None else undo_groups.whole(self.store.con, event)

    def undo(self, document_id: int) -> Event | None:
        """Undo this reviewer's newest operation on the document; None if there is none."""
        event = history.last_done(self.store.con, document_id, self.reviewer)
        return self._replay(event, "undo", history.UNDONE)

    def redo(self, document_id: int) -> Event | None:
        event = history.next_undone(self.store.con, document_id, self.reviewer)
        return self._replay(event, "redo", history.DONE)

    def _replay(self, event: Event | None, verb: str, new_state: str) -> Event | None:
        """Write an event's before (undo) or after (redo) rows back and mark it."""
        if event is None:
            return None
        event = undo_groups.whole(self.store.con, event)  # a bulk action's steps are one step
        self._refuse_conflict(event, verb)
        target, other = (
            (event.before, event.after) if verb == "undo" else (event.after, event.before)
        )
        was, now = revert(self.store, event, self._keep_later_work(event, target, other), new_state)
        self.ctx.log.add(changes_between(was, now))
        log.info("%s %s (event %d) on document %s", verb, event.op, event.id, event.document_id)
        return event

    def _refuse_conflict(self, event: Event, verb: str) -> None:
        other = history.later_conflict(self.store.con, event)
        if other is not None and other.reviewer == event.reviewer and event.document_id is not None:
            # A document event keeps the analyst's own later work in other documents
            # (`_keep_later_work`, project memory); only a project event must wait.
            other = None
        if other is None and verb == "redo" and event.document_id is None:
            other = history.earlier_undone(self.store.con, event)
        if other is not None and other.reviewer == event.reviewer:
            where = (
                f"in {self.store.document(other.document_id).title!r}"
                if other.document_id is not None
                else "in the project"
            )
            raise ReviewError(
                f"cannot {verb} {event.op.replace('_', ' ')}: "
                f"{'a later' if other.id > event.id else 'an earlier'} change {where} "
                f"({other.op.replace('_', ' ')}) touched the same item; {verb} that first"
            )
        if other is not None:
            raise ReviewError(
                f"cannot {verb} {event.op.replace('_', ' ')}: {other.reviewer} changed the "
                f"same item afterwards ({other.op.replace('_', ' ')} at {other.time})"
            )

    def _keep_later_work(
        self, event: Event, state: snapshots.Snapshot, expected: snapshots.Snapshot
    ) -> snapshots.Snapshot:
        """`state` without the rows of other documents that changed since the event left
        them as `expected` (the analyst reviewed them there afterwards)."""
        out: dict[str, dict[str, Any]] = {}
        for table, rows in state.items():
            kept: dict[str, Any] = {}
            for key, row in rows.items():
                ref = row or expected.get(table, {}).get(key)
                doc = ref.get("document_id", event.document_id) if ref else event.document_id
                if doc != event.document_id and table in snapshots.SNAPSHOTTERS:
                    now = snapshots.SNAPSHOTTERS[table](self.store.con, int(key))
                    if now != expected.get(table, {}).get(key):
                        log.info(
                            "undo/redo keeps %s %s: reviewed since in document %s", table, key, doc
                        )
                        continue
                kept[key] = row
            out[table] = kept
        return out
