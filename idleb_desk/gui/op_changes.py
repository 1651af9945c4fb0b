"""Where the window gets the `Changes` of an operation it just ran, and of an event it
undid or redid.

`take_changes` asks the session (core records what each operation touched). A session
without `take_changes` yet gets the fallback its caller built from what the operation
returned; the fallback goes once every session records its changes.
"""

from __future__ import annotations

from typing import Any

from idleb_desk.changes import Changes
from idleb_desk.model import Event

_ROW_KINDS = {"spans": "spans", "claims": "claims", "actors": "actors", "documents": "documents"}


def take_changes(session: Any, fallback: Changes) -> Changes:
    """What the last operation on `session` changed. The fallback is what the caller
    knows (the ids the operation returned), plus what project memory reports."""
    take = getattr(session, "take_changes", None)
    if callable(take):
        return take()  # type: ignore[no-any-return]
    return fallback | memory_changes(session)


def memory_changes(session: Any) -> Changes:
    """Rows project memory changed along with a decision (core.memory), taken once."""
    touched = tuple(getattr(session, "memory_touched", ()) or ())
    documents = tuple(getattr(session, "memory_documents", ()) or ())
    if touched:
        session.memory_touched = ()
    if documents:
        session.memory_documents = ()
    return Changes(spans=frozenset(touched), documents=frozenset(documents))


def event_changes(event: Event) -> Changes:
    """The rows an undone or redone event wrote back, by kind, and their documents."""
    ids: dict[str, set[int]] = {kind: set() for kind in _ROW_KINDS.values()}
    documents: set[int] = set()
    if event.document_id is not None:
        documents.add(event.document_id)
    for snap in (event.before, event.after):
        for table, rows in snap.items():
            kind = _ROW_KINDS.get(table)
            for key, row in rows.items():
                if kind is not None:
                    ids[kind].add(int(key))
                doc = row.get("document_id") if isinstance(row, dict) else None
                if doc is not None:
                    documents.add(int(doc))
    documents |= ids["documents"]
    return Changes(
        documents=frozenset(documents),
        spans=frozenset(ids["spans"]),
        claims=frozenset(ids["claims"]),
        actors=frozenset(ids["actors"]),
        document_list=bool(ids["documents"]) or event.document_id is None,
    )
