"""A curator's copies of the analysts' layers, from the team server (issue 15).

The curator keeps the files `team split` made (one per analyst, the same files the
analysts joined with). `fetch_layer` brings one such file up to its analyst's layer as
the server holds it, and the team's shared actors, as one local event ("team_fetch"); the
files are then curated as before (`team curate`). Row-level security decides what the
login may read: a curator reads every layer, an analyst only what blind coding allows.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from idleb_desk.store import history, snapshots
from idleb_desk.store.store import Store
from idleb_desk.team import keys
from idleb_desk.team import server_schema as ss
from idleb_desk.team.server import connect, require_schema


def server_layer(url: str, analyst: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(table, key, data) of the shared actors, then of the analyst's layer."""
    with connect(url) as pg:
        require_schema(pg, writing=False)
        actors = pg.execute(f"SELECT 'actors', key, data FROM {ss.SCHEMA}.actors").fetchall()
        rows = pg.execute(
            f"SELECT tbl, key, data FROM {ss.SCHEMA}.layer_rows WHERE analyst = %s",
            (analyst,),
        ).fetchall()
    order = {t: i for i, t in enumerate(keys.SYNCED)}
    every = [(str(t), str(k), d) for t, k, d in [*actors, *rows]]
    return sorted(every, key=lambda r: (order.get(r[0], 99), r[1]))


def fetch_layer(store: Store, url: str, analyst: str) -> int:
    """Write the analyst's layer from the server into `store` (their `team split` file,
    or a copy); returns how many rows changed."""
    rows = server_layer(url, analyst)
    con = store.con
    with store.transaction():
        # The rows the file held when it was split have the keys the analyst's own
        # copy gave them when it joined ("ANALYST/s/ID"), since both start from one file.
        keys.baseline_keys(con, analyst)
        state: dict[str, dict[str, Any]] = {}
        for tbl, key, data in rows:
            placed = keys.place(con, tbl, key, data)
            if placed is None:
                continue
            local, row = placed
            if row == snapshots.SNAPSHOTTERS[tbl](con, local):
                continue
            state.setdefault(tbl, {})[str(local)] = row
        if not state:
            return 0
        wanted = {tbl: dict.fromkeys(r) for tbl, r in state.items()}
        before = snapshots.snapshot_rows(con, wanted)
        snapshots.apply_state(con, state)
        docs = history.documents_of(before, state)
        doc = docs[0] if len(docs) == 1 else None
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        history.append_event(con, now, analyst, "team_fetch", doc, before, state,
                             docs if doc is None and docs else None)  # fmt: skip
    return sum(len(r) for r in state.values())
