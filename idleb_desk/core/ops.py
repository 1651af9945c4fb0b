"""The machinery every review operation shares: one transaction, one logged event.

An `Op` records which rows it is about to touch; at the end it snapshots them again and
appends one event with both states. Undo and redo are then generic: write a state back.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from idleb_desk.model import Event
from idleb_desk.store import history, undo_groups
from idleb_desk.store.rows import now
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)


class ReviewError(ValueError):
    """An operation that makes no sense (for example an empty span); nothing was changed."""


@dataclass
class Op:
    store: Store
    name: str
    document_id: int | None
    time: str
    before: history.Snapshot = field(default_factory=dict)

    def touch(self, table: str, row_id: int | None) -> None:
        """Remember a row's state before the operation changes it."""
        if row_id is None:
            return
        rows = self.before.setdefault(table, {})
        key = str(row_id)
        if key not in rows:
            rows[key] = history.SNAPSHOTTERS[table](self.store.con, row_id)

    def created(self, table: str, row_id: int) -> None:
        self.before.setdefault(table, {})[str(row_id)] = None

    def after(self) -> history.Snapshot:
        return {
            table: {key: history.SNAPSHOTTERS[table](self.store.con, int(key)) for key in rows}
            for table, rows in self.before.items()
        }


# The operation in progress on each store: an operation started inside another one (a
# bulk accept runs accept_span for each occurrence) joins it, so the whole bulk action is
# one transaction and one event, and one Ctrl+Z undoes it.
_ACTIVE: dict[int, Op] = {}


@contextlib.contextmanager
def operation(
    store: Store,
    reviewer: str,
    name: str,
    document_id: int | None,
    project_wide: bool = False,
    group: undo_groups.UndoGroup | None = None,
) -> Iterator[Op]:
    """Run one review operation atomically and log it; nothing is logged if nothing changed.

    `project_wide` (with document_id None) logs an operation over several documents,
    listed with the event so that undo in any of them finds it. `group` logs it as one
    step of an undo group (one undo takes every step).
    """
    outer = _ACTIVE.get(id(store))
    if outer is not None:
        yield outer
        return
    op = Op(store, name, document_id, group.time if group and group.time else now())
    _ACTIVE[id(store)] = op
    event_id = None
    try:
        with store.transaction():
            yield op
            after = op.after()
            if after != op.before:
                docs = history.documents_of(op.before, after) if project_wide else None
                event_id = history.append_event(
                    store.con, op.time, reviewer, name, document_id, op.before, after, docs,
                    group,
                )  # fmt: skip
    finally:
        _ACTIVE.pop(id(store), None)
    if group is not None and group.id is None and event_id is not None:
        group.id = event_id  # only once committed: a rolled-back step frees its id
    log.debug("%s on document %s committed", name, document_id)


def revert(store: Store, event: Event, state: dict[str, Any], new_state: str) -> None:
    """Write a logged state back and mark the event, or every step of its undo group, in
    one transaction (used by undo and redo)."""
    with store.transaction():
        history.apply_state(store.con, state)
        undo_groups.set_group_state(
            store.con, event, new_state, now() if new_state == history.UNDONE else None
        )
