"""What another connection committed to the project, as a `Changes`.

Another window, `idleb-desk import`, a worker thread or (next) a team sync may commit
while a session shows the project. `PRAGMA data_version` says *that* someone did; the
events they logged say *what*. `outside_changes` names the documents, spans, claims and
actors of those events, and falls back to `Changes.all()` whenever the file changed in a
way the events do not account for: documents imported or extracted, settings written,
an older event undone or redone, rows added or removed without an event. A commit with
no event of another's that a team sync stamped (`store.sync_state.stamp`), every mark as
the events explain it, is the sync's bookkeeping: nothing shown changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from idleb_desk.changes import NO_CHANGES, Changes
from idleb_desk.core.change_log import changes_between
from idleb_desk.model import Event
from idleb_desk.store import claims, documents, history, settings, spans, sync_state
from idleb_desk.store.store import Store


@dataclass(frozen=True)
class OutsideMark:
    """How the file looked when a session last looked: the baseline the next look is
    compared with."""

    data_version: int
    last_event: int  # the newest event seen
    done_events: int  # of the events up to last_event, how many stand done
    documents: tuple[int, int]  # `store.documents.marks`
    spans: tuple[int, int]  # (count, newest id)
    claims: tuple[int, int]
    settings: tuple[tuple[str, str], ...]  # `store.settings.contents`
    sync_stamp: int = 0  # `store.sync_state.read_stamp`: commits of a team sync's bookkeeping


def read_mark(store: Store, data_version: int | None = None) -> OutsideMark:
    """The file as it is now (`data_version` if already read)."""
    version = store.data_version() if data_version is None else data_version
    last = history.last_event_id(store.con)
    return OutsideMark(
        version,
        last,
        history.done_up_to(store.con, last),
        documents.marks(store),
        spans.marks(store),
        claims.marks(store),
        settings.contents(store),
        sync_state.read_stamp(store.con),
    )


def outside_changes(
    store: Store, seen: OutsideMark, own_events: Collection[int] = ()
) -> tuple[Changes, OutsideMark]:
    """What other connections committed since `seen`, and the new baseline.

    `own_events` are events this session logged itself (already in its own change log):
    they are counted, not reported. No commit by another connection: `NO_CHANGES`.
    """
    version = store.data_version()
    if version == seen.data_version:
        return NO_CHANGES, seen
    events = history.events_since(store.con, seen.last_event)
    done = history.done_up_to(store.con, seen.last_event)
    now = read_mark(store, version)
    if events:
        # The events read are the ones accounted for; a later one is read next time.
        now = replace(
            now, last_event=events[-1].id, done_events=history.done_up_to(store.con, events[-1].id)
        )
    theirs = [e for e in events if e.id not in own_events]
    marks_hold = (
        done == seen.done_events
        and now.documents == seen.documents
        and now.settings == seen.settings
        and _rows_explained(events, "spans", seen.spans, now.spans)
        and _rows_explained(events, "claims", seen.claims, now.claims)
    )
    if not theirs and marks_hold and now.sync_stamp != seen.sync_stamp:
        # No event of another's, every mark explained, and a team sync stamped its
        # commit: the sync wrote only its own tables (the pulled log, the cursor, push
        # marks, versions). Re-reading everything would cost the window a whole
        # document's read after every sync.
        return NO_CHANGES, now
    if not (theirs and marks_hold):
        return Changes.all(), now
    out = NO_CHANGES
    for event in theirs:
        out = out | event_changes(store, event)
    return (out if out else Changes.all()), now


def event_changes(store: Store, event: Event) -> Changes:
    """The rows a logged event changed, and the documents it names."""
    docs = [event.document_id] if event.document_id is not None else []
    if event.document_id is None:
        docs += history.listed_documents(store.con, event.id)
    return changes_between(event.before, event.after, documents=docs)


def _rows_explained(
    events: list[Event], table: str, was: tuple[int, int], now: tuple[int, int]
) -> bool:
    """Do the events account for the table's row count and newest id now?"""
    first: dict[str, bool] = {}  # row -> existed before the first event touching it
    last: dict[str, bool] = {}  # row -> exists after the last one
    for event in events:
        for key, row in event.before.get(table, {}).items():
            first.setdefault(key, row is not None)
        for key, row in event.after.get(table, {}).items():
            last[key] = row is not None
    count = was[0] + sum(int(last[k]) - int(first.get(k, False)) for k in last)
    newest = max([was[1], *(int(k) for k in last)])
    return now[0] == count and now[1] <= newest
