"""The machinery every review operation shares: one transaction, one logged event.

An `Op` records which rows it is about to touch; at the end it snapshots them again and
appends one event with both states. Undo and redo are then generic: write a state back.
The same two snapshots say what the operation changed (`core.change_log`): the caller's
`sink` receives that `Changes` once the transaction committed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from idleb_desk.changes import Changes
from idleb_desk.core.change_log import changes_between
from idleb_desk.model import Event
from idleb_desk.store import history, snapshots, undo_groups
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
    before: snapshots.Snapshot = field(default_factory=dict)

    def touch(self, table: str, row_id: int | None) -> None:
        """Remember a row's state before the operation changes it."""
        if row_id is None:
            return
        rows = self.before.setdefault(table, {})
        key = str(row_id)
        if key not in rows:
            rows[key] = snapshots.SNAPSHOTTERS[table](self.store.con, row_id)

    def created(self, table: str, row_id: int) -> None:
        self.before.setdefault(table, {})[str(row_id)] = None

    def after(self) -> snapshots.Snapshot:
        return snapshots.snapshot_rows(self.store.con, self.before)


# Receives what a committed operation changed, and the id of the event it logged.
ChangeSink = Callable[[Changes, "int | None"], None]


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
    sink: ChangeSink | None = None,
) -> Iterator[Op]:
    """Run one review operation atomically and log it; nothing is logged if nothing changed.

    `project_wide` (with document_id None) logs an operation over several documents,
    listed with the event so that undo in any of them finds it. `group` logs it as one
    step of an undo group (one undo takes every step). `sink` is told what it changed
    once it committed (an operation joined by an inner one tells its own sink only).
    """
    outer = _ACTIVE.get(id(store))
    if outer is not None:
        yield outer
        return
    op = Op(store, name, document_id, group.time if group and group.time else now())
    _ACTIVE[id(store)] = op
    event_id = None
    changes = None
    try:
        with store.transaction():
            yield op
            after = op.after()
            # An actor made on first use (a mention linking to a new name) is named through
            # the span that links to it.
            changes = changes_between(op.before, after) if sink is not None else None
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
    if sink is not None and changes is not None:
        sink(changes, event_id)
    log.debug("%s on document %s committed", name, document_id)


def revert(
    store: Store, event: Event, state: dict[str, Any], new_state: str
) -> tuple[snapshots.Snapshot, snapshots.Snapshot]:
    """Write a logged state back and mark the event, or every step of its undo group, in
    one transaction (used by undo and redo); returns the rows it wrote as they were
    before and after, read in that transaction."""
    with store.transaction():
        was = snapshots.snapshot_rows(store.con, state)
        snapshots.apply_state(store.con, state)
        undo_groups.set_group_state(
            store.con, event, new_state, now() if new_state == history.UNDONE else None
        )
        now_ = snapshots.snapshot_rows(store.con, state)
    return was, now_
