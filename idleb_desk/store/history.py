"""The event log: before/after snapshots (`store/snapshots.py`) of the rows an operation
touched.

Undo writes each row's "before" state back, redo its "after" state. Because the log lives
in the project file, undo and redo survive closing and reopening it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from idleb_desk.model import Event
from idleb_desk.store.snapshots import Snapshot

if TYPE_CHECKING:
    from idleb_desk.store.undo_groups import UndoGroup

DONE = "done"
UNDONE = "undone"
DROPPED = "dropped"  # undone, then overwritten by a new operation: no longer redoable


# A project-wide operation (document_id NULL) lists the documents it touched in
# event_documents; "the events of document D" are D's own plus those that list D, so one
# Ctrl+Z in any of them undoes the whole operation, in every document, as one step.
#
# A project event that lists no document (an actor renamed, merged or split: issue 9's
# canonical actors) belongs to every document's history: the analyst works on actors
# from the Actors panel, whatever document is open, and one Ctrl+Z there undoes it.
_OF_DOC = (
    "(document_id IS ? OR (document_id IS NULL AND (id IN "
    "(SELECT event_id FROM event_documents WHERE document_id = ?) OR NOT EXISTS "
    "(SELECT 1 FROM event_documents l WHERE l.event_id = events.id))))"
)


def _of_doc(document_id: int | None) -> tuple[int | None, int | None]:
    return (document_id, document_id)


def documents_of(before: Snapshot, after: Snapshot) -> list[int]:
    """Every document whose rows a snapshot pair holds (spans, claims, documents)."""
    ids: set[int] = set()
    for state in (before, after):
        for table, rows in state.items():
            for key, row in rows.items():
                if table == "documents":
                    ids.add(int(key))
                elif row is not None and "document_id" in row:  # actor rows have none
                    ids.add(int(row["document_id"]))
    return sorted(ids)


def append_event(
    con: sqlite3.Connection,
    time: str,
    reviewer: str,
    op: str,
    document_id: int | None,
    before: Snapshot,
    after: Snapshot,
    documents: list[int] | None = None,
    group: UndoGroup | None = None,
) -> int:
    """Log one operation; `documents` (with document_id None) makes it project-wide, and
    `group` makes it one step of an undo group."""
    if document_id is None and not documents:
        # A project event (an actor merge or rename) may touch any document: it ends
        # all of the reviewer's redo chains.
        con.execute(
            "UPDATE events SET state = ? WHERE state = ? AND reviewer = ?",
            (DROPPED, UNDONE, reviewer),
        )
    # A new operation ends its reviewer's redo chain on the document(s) it touches; an
    # undone group it meets there ends whole, as one event would.
    for doc in documents if documents else [document_id]:
        where = f"state = ? AND {_OF_DOC} AND reviewer = ?"
        params = (UNDONE, *_of_doc(doc), reviewer)
        con.execute(
            f"UPDATE events SET state = ? WHERE state = ? AND group_id IN "
            f"(SELECT group_id FROM events WHERE {where} AND group_id IS NOT NULL)",
            (DROPPED, UNDONE, *params),
        )
        con.execute(f"UPDATE events SET state = ? WHERE {where}", (DROPPED, *params))
    group_id = group.id if group is not None else None
    cur = con.execute(
        "INSERT INTO events (time, reviewer, op, document_id, before, after, state, group_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (time, reviewer, op, document_id, json.dumps(before), json.dumps(after), DONE, group_id),
    )
    event_id = int(cur.lastrowid or 0)
    if group is not None and group_id is None:
        con.execute("UPDATE events SET group_id = id WHERE id = ?", (event_id,))
    if documents and document_id is None:
        con.executemany(
            "INSERT INTO event_documents (event_id, document_id) VALUES (?, ?)",
            [(event_id, d) for d in documents],
        )
    return event_id


def _event(row: sqlite3.Row | tuple) -> Event:
    return Event(
        id=row[0],
        time=row[1],
        reviewer=row[2],
        op=row[3],
        document_id=row[4],
        before=json.loads(row[5]),
        after=json.loads(row[6]),
        state=row[7],
        group_id=row[8],
    )


EVENT_COLS = "id, time, reviewer, op, document_id, before, after, state, group_id"


def last_done(con: sqlite3.Connection, document_id: int | None, reviewer: str) -> Event | None:
    """The reviewer's newest operation on the document that can be undone.

    Undo steps only through the reviewer's own events: another analyst's work is theirs.
    """
    row = con.execute(
        f"SELECT {EVENT_COLS} FROM events WHERE state = ? AND {_OF_DOC} "
        "AND reviewer = ? ORDER BY id DESC LIMIT 1",
        (DONE, *_of_doc(document_id), reviewer),
    ).fetchone()
    return None if row is None else _event(row)


def next_undone(con: sqlite3.Connection, document_id: int | None, reviewer: str) -> Event | None:
    # The undone events of a reviewer are always their newest ones; the oldest of them is
    # the one undone last, so it is the first to redo.
    row = con.execute(
        f"SELECT {EVENT_COLS} FROM events WHERE state = ? AND {_OF_DOC} "
        "AND reviewer = ? ORDER BY id ASC LIMIT 1",
        (UNDONE, *_of_doc(document_id), reviewer),
    ).fetchone()
    return None if row is None else _event(row)


def _rows_of(event: Event) -> set[tuple[str, str]]:
    return {(table, key) for table, rows in event.before.items() for key in rows}


def members(con: sqlite3.Connection, group_id: int, state: str | None = None) -> list[Event]:
    """The events of an undo group (in `state`, if given), oldest first."""
    sql = f"SELECT {EVENT_COLS} FROM events WHERE group_id = ?"
    params: tuple[Any, ...] = (group_id,)
    if state is not None:
        sql += " AND state = ?"
        params += (state,)
    return [_event(r) for r in con.execute(sql + " ORDER BY id", params).fetchall()]


def later_conflict(con: sqlite3.Connection, event: Event) -> Event | None:
    """A later, live operation on rows this event touched.

    Writing this event's old state back would silently undo that work too: another
    analyst's, or the same analyst's in another document after a project event (an actor
    merge) touched rows there. Within one history undo goes newest first, so the same
    analyst's later events there are undone before this one is reached.
    """
    # Any document: a project event (an actor merge) touches rows of many documents.
    return _first_overlap(con, event, True, DONE)


def earlier_undone(con: sqlite3.Connection, event: Event) -> Event | None:
    """An older undone operation on rows this event touched: it must be redone first, or
    this event's "after" rows would be written over a state they never followed (a redo
    of a project event from one document, while that document's older events wait)."""
    return _first_overlap(con, event, False, UNDONE)


def _first_overlap(con: sqlite3.Connection, event: Event, later: bool, state: str) -> Event | None:
    """The oldest event in `state`, outside this event's group, that touched one of its
    rows after (`later`) or before the step of the group that touched that row.

    Another analyst may write between the steps of a group (that is why it has steps): a
    row changed before the step that touched it is no conflict."""
    steps = [event] if event.group_id is None else members(con, event.group_id)
    ids = {step.id for step in steps}
    touched: dict[tuple[str, str], tuple[int, int]] = {}  # row -> (first, last) step id
    for step in steps:
        for row in _rows_of(step):
            first, _ = touched.get(row, (step.id, step.id))
            touched[row] = (first, step.id)
    side, edge = ("id > ?", min(ids)) if later else ("id < ?", max(ids))
    rows = con.execute(
        f"SELECT {EVENT_COLS} FROM events WHERE {side} AND state = ? ORDER BY id",
        (edge, state),
    ).fetchall()
    for row in rows:
        other = _event(row)
        if other.id in ids:
            continue
        for key in _rows_of(other).intersection(touched):
            first, last = touched[key]
            if (later and other.id > last) or (not later and other.id < first):
                return other
    return None


def set_state(con: sqlite3.Connection, event_id: int, state: str, time: str | None) -> None:
    con.execute("UPDATE events SET state = ?, undone_at = ? WHERE id = ?", (state, time, event_id))


def events(con: sqlite3.Connection, document_id: int | None = None) -> list[Event]:
    if document_id is None:
        rows = con.execute(f"SELECT {EVENT_COLS} FROM events ORDER BY id").fetchall()
    else:
        rows = con.execute(
            f"SELECT {EVENT_COLS} FROM events WHERE {_OF_DOC} ORDER BY id", _of_doc(document_id)
        ).fetchall()
    return [_event(r) for r in rows]


def last_event_id(con: sqlite3.Connection) -> int:
    return int(con.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


def events_since(con: sqlite3.Connection, after_id: int) -> list[Event]:
    """Events logged after `after_id`, oldest first."""
    rows = con.execute(
        f"SELECT {EVENT_COLS} FROM events WHERE id > ? ORDER BY id", (after_id,)
    ).fetchall()
    return [_event(r) for r in rows]


def listed_documents(con: sqlite3.Connection, event_id: int) -> list[int]:
    """The documents a project-wide event lists (`event_documents`)."""
    rows = con.execute(
        "SELECT document_id FROM event_documents WHERE event_id = ? ORDER BY document_id",
        (event_id,),
    ).fetchall()
    return [int(r[0]) for r in rows]


def done_up_to(con: sqlite3.Connection, last_id: int) -> int:
    """How many events up to `last_id` stand done: an undo or redo of one of them (by
    anyone) changes it; a new operation dropping an undone event's redo does not."""
    # The index holds state and id: counting from it never reads the events' snapshots.
    row = con.execute(
        "SELECT count(*) FROM events INDEXED BY events_doc WHERE id <= ? AND state = ?",
        (last_id, DONE),
    ).fetchone()
    return int(row[0])
