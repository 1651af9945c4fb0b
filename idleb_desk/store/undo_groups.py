"""Undo groups: events logged as one undo step.

A project-wide bulk action commits in steps of whole documents, so that no other writer
waits for all of it; each step is an event of its own, and the steps share `group_id`
(the id of the first one). Undo and redo take a group as one event (`whole`) and mark
every step at once (`set_group_state`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from idleb_desk.model import Event
from idleb_desk.store.history import Snapshot, members, set_state


@dataclass
class UndoGroup:
    """Events logged as one undo step: a bulk action that commits a document at a time
    (so no other writer waits long) is still one Ctrl+Z. `id` is the first logged step's
    event id, the `group_id` of every step; None until a step is logged."""

    id: int | None = None
    time: str | None = None  # every step carries the time the action started


def whole(con: sqlite3.Connection, event: Event) -> Event:
    """The event as one undo step: for a step of an undo group, the group's steps in the
    same state merged into one event (each row's state before the first step that touched
    it, after the last one); its id is the newest step's."""
    if event.group_id is None:
        return event
    steps = members(con, event.group_id, event.state)
    before: Snapshot = {}
    after: Snapshot = {}
    for step in steps:
        for table, rows in step.before.items():
            mine = before.setdefault(table, {})
            for key, row in rows.items():
                mine.setdefault(key, row)
        for table, rows in step.after.items():
            after.setdefault(table, {}).update(rows)
    return Event(
        steps[-1].id,
        steps[0].time,
        event.reviewer,
        event.op,
        event.document_id,
        before,
        after,
        event.state,
        event.group_id,
    )


def set_group_state(con: sqlite3.Connection, event: Event, state: str, time: str | None) -> None:
    """Mark an event, or every step of its group that was in the event's state."""
    if event.group_id is None:
        set_state(con, event.id, state, time)
        return
    con.execute(
        "UPDATE events SET state = ?, undone_at = ? WHERE group_id = ? AND state = ?",
        (state, time, event.group_id, event.state),
    )
