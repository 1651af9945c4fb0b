"""The actor table: one row per canonical actor (`actor_table.csv`).

Columns: actor_id, name, type, aliases, mentions, documents. `type` is the actor's label
(PERSON, ORG, GPE, ...), `aliases` the distinct texts of its mentions joined with ` | `,
most frequent first; `mentions` and `documents` count the exported mentions (reviewed
ones by default, every live one with --all) and the documents they are in.
"""

from __future__ import annotations

import csv
from typing import IO

from idleb_desk.store.actor_queries import ALIAS_SEP, ActorRow, actor_rows
from idleb_desk.store.exports import guard_cell, statuses_for
from idleb_desk.store.store import Store

ACTOR_TABLE_FILE = "actor_table.csv"
ACTOR_TABLE_COLUMNS = ("actor_id", "name", "type", "aliases", "mentions", "documents")


def table_rows(store: Store, include_all: bool = False) -> list[ActorRow]:
    return actor_rows(store, statuses_for(include_all), with_claims=True)


def write_actor_table(
    fh: IO[str], store: Store, include_all: bool = False, rows: list[ActorRow] | None = None
) -> int:
    """Write the table (header first) with the formula guard on every text cell; `rows`
    are `table_rows` when the caller has read them already."""
    writer = csv.writer(fh, lineterminator="\r\n")  # RFC 4180, as actors.csv and claims.csv
    writer.writerow(ACTOR_TABLE_COLUMNS)
    if rows is None:
        rows = table_rows(store, include_all)
    for a in rows:
        writer.writerow(
            (a.id, guard_cell(a.name), guard_cell(a.label),
             guard_cell(ALIAS_SEP.join(a.aliases)), a.mentions, a.documents)
        )  # fmt: skip
    return len(rows)
