"""Conflicts the server refused as stale, and the analyst's choice (issue 15).

A conflict is never resolved by itself: `resolve` writes the chosen version as a new local
event ("resolve_conflict", one undo step like any other), based on the server's version of
the conflicting rows, so the next sync pushes the choice on top of theirs.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from idleb_desk.store import history, snapshots
from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store
from idleb_desk.team import keys
from idleb_desk.team.server import TeamServerError

MINE, THEIRS = "mine", "theirs"


def open_conflicts(store: Store) -> list[st.Conflict]:
    return st.conflicts(store.con)


def resolve(store: Store, conflict_id: int, choice: str, reviewer: str) -> int:
    """Keep MINE or THEIRS for every row of the conflicting event; returns the id of the
    local event that records the choice."""
    if choice not in (MINE, THEIRS):
        raise TeamServerError(f"{choice!r}: choose mine or theirs")
    con = store.con
    found = [c for c in st.conflicts(con) if c.id == conflict_id]
    if not found:
        raise TeamServerError(f"no open conflict {conflict_id} (team conflicts lists them)")
    conflict = found[0]
    event = next((e for e in history.events(con) if e.id == conflict.event_id), None)
    if event is None:
        raise TeamServerError(f"conflict {conflict_id}: its event {conflict.event_id} is gone")
    undo = conflict.op.startswith("undo ")
    state: dict[str, dict[str, Any]] = {
        tbl: dict(rows) for tbl, rows in (event.before if undo else event.after).items()
        if tbl in keys.SYNCED
    }  # fmt: skip
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with store.transaction():
        for row in conflict.rows:
            placed = keys.place(con, row["tbl"], row["key"], row["theirs"] or row["mine"])
            if placed is None:
                continue
            local, _ = placed
            if choice == THEIRS:
                theirs = keys.to_local(con, row["tbl"], local, row["theirs"])
                if theirs is not False:
                    state.setdefault(row["tbl"], {})[str(local)] = theirs
            st.set_version(con, row["tbl"], row["key"], int(row["theirs_version"]))
        wanted = {tbl: dict.fromkeys(rows) for tbl, rows in state.items()}
        before = snapshots.snapshot_rows(con, wanted)
        snapshots.apply_state(con, state)
        docs = history.documents_of(before, state)
        doc = docs[0] if len(docs) == 1 else None
        event_id = history.append_event(
            con, now, reviewer, "resolve_conflict", doc, before, state,
            docs if doc is None and docs else None,
        )  # fmt: skip
        st.resolve_conflict(con, conflict_id, choice, now, event_id)
        if not any(c.event_id == event.id for c in st.conflicts(con)):
            st.mark_event(con, event.id, st.SUPERSEDED)
    return event_id


def describe(conflict: st.Conflict) -> list[str]:
    """Lines for the terminal: each row's base, mine and theirs."""
    out = [f"conflict {conflict.id}: {conflict.op} (local event {conflict.event_id}, "
           f"found {conflict.found_at})"]  # fmt: skip
    for row in conflict.rows:
        out.append(f"  {row['tbl']} {row['key']} (server version {row['theirs_version']})")
        for name in ("base", "mine", "theirs"):
            out.append(f"    {name:6}: {_show(row[name])}")
    return out


def _show(data: dict[str, Any] | None) -> str:
    if data is None:
        return "(none)"
    keep = ("name", "label", "status", "start", "end", "kind", "comment", "merged_into")
    return ", ".join(f"{k}={data[k]!r}" for k in keep if k in data and data[k] is not None)
