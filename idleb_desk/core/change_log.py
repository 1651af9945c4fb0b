"""What the session's operations changed since the window last asked (`ChangeLog`), and
the `Changes` a pair of row snapshots amounts to.

Every write of a review session ends here: an operation's rows before and after it
(`core.ops.Op`), an undo's or redo's rows before and after it is written back, a setting.
Only rows whose state differs are named, so the window redraws what changed and nothing
else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from idleb_desk.changes import NO_CHANGES, Changes
from idleb_desk.store.history import Snapshot

# The columns of a document row the document list shows.
_LISTED = ("status", "title")


def _differs(before: Snapshot, after: Snapshot, table: str) -> dict[str, tuple[Any, Any]]:
    """{row key: (before, after)} of the rows of `table` whose state differs."""
    old, new = before.get(table, {}), after.get(table, {})
    out = {}
    for key in old.keys() | new.keys():
        a, b = old.get(key), new.get(key)
        if a != b:
            out[key] = (a, b)
    return out


def changes_between(before: Snapshot, after: Snapshot, documents: Iterable[int] = ()) -> Changes:
    """The rows that differ between two snapshots of the same rows, by kind.

    `documents` names documents besides those of the rows (a project event's list). An
    actor is named when its row changed or when a span that names it (before or after)
    changed: its mention list and counts are what the Actors panel shows.
    """
    docs = set(documents)
    named: set[int] = set()
    spans = _differs(before, after, "spans")
    claims = _differs(before, after, "claims")
    for rows in (spans, claims):
        for pair in rows.values():
            docs.update(int(r["document_id"]) for r in pair if r is not None)
    for pair in spans.values():
        named.update(int(r["actor_id"]) for r in pair if r is not None and r["actor_id"])
    named.update(int(k) for k in _differs(before, after, "actors"))
    listed = False
    for key, (a, b) in _differs(before, after, "documents").items():
        docs.add(int(key))
        if a is None or b is None or any(a.get(c) != b.get(c) for c in _LISTED):
            listed = True
    if not (docs or spans or claims or named or listed):
        return NO_CHANGES
    return Changes(
        documents=frozenset(docs),
        spans=frozenset(int(k) for k in spans),
        claims=frozenset(int(k) for k in claims),
        actors=frozenset(named),
        document_list=listed,
    )


class ChangeLog:
    """The session's changes since the last `take`, folded into one `Changes`."""

    def __init__(self) -> None:
        self._pending = NO_CHANGES
        # Events this session logged since the last look at other writers' events
        # (`core.outside`): they are this session's own, already in `_pending`.
        self.own_events: set[int] = set()

    def add(self, changes: Changes, event_id: int | None = None) -> None:
        if changes:
            self._pending = self._pending | changes
        if event_id is not None:
            self.own_events.add(event_id)

    def take(self) -> Changes:
        out, self._pending = self._pending, NO_CHANGES
        return out

    def peek(self) -> Changes:
        return self._pending
