"""Curation units as stored in a gold project (schema v9), and the gold rows they own.

A unit is one position of a document where analysts coded something: `units` lists the
distinct units found there (each with the gold span or claim that holds it), `versions`
each analyst's choice among them, and `decision` what became of it. No decision logic
lives here; `core.curation` decides, this module reads and writes rows.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from idleb_desk.store.store import Store

UNIT_COLS = (
    "id", "document_id", "layer", "start", "end", "units", "versions", "decision", "curator",
    "decided_at",
)  # fmt: skip
# What a decision (and its undo) changes; the versions and units are fixed at curation.
_DECIDED_COLS = ("decision", "curator", "decided_at")


@dataclass(frozen=True)
class UnitRow:
    id: int
    document_id: int
    layer: str
    start: int
    end: int
    # [{"sig": {...}, "row": gold span or claim id}, ...]
    units: list[dict[str, Any]]
    # Per analyst: None (the file lacks the document), else {"coded": bool, "units": [i...]}
    versions: list[dict[str, Any] | None]
    decision: str | None
    curator: str | None
    decided_at: str | None

    @property
    def key(self) -> str:
        return f"{self.layer}:{self.start}:{self.end}"


def _cols() -> str:
    return ", ".join(f'"{c}"' for c in UNIT_COLS)


def _unit(row: sqlite3.Row | tuple) -> UnitRow:
    return UnitRow(
        int(row[0]), int(row[1]), str(row[2]), int(row[3]), int(row[4]), json.loads(row[5]),
        json.loads(row[6]), row[7], row[8], row[9],
    )  # fmt: skip


def units(store: Store, doc_id: int) -> list[UnitRow]:
    """A document's units in reading order (start, then the longer first)."""
    rows = store.execute(
        f'SELECT {_cols()} FROM curation_units WHERE document_id = ? ORDER BY start, "end" DESC, '
        "layer, id",
        (doc_id,),
    ).fetchall()
    return [_unit(r) for r in rows]


def unit(store: Store, unit_id: int) -> UnitRow:
    row = store.execute(f"SELECT {_cols()} FROM curation_units WHERE id = ?", (unit_id,)).fetchone()
    if row is None:
        raise KeyError(f"no curation unit {unit_id}")
    return _unit(row)


def all_decided(store: Store) -> list[UnitRow]:
    """Every unit with a decision, in reading order (feedback reads these)."""
    rows = store.execute(
        f"SELECT {_cols()} FROM curation_units WHERE decision IS NOT NULL "
        'ORDER BY document_id, start, "end" DESC, id'
    ).fetchall()
    return [_unit(r) for r in rows]


def insert_unit(
    store: Store, doc_id: int, layer: str, start: int, end: int,
    unit_list: list[dict[str, Any]], versions: list[dict[str, Any] | None],
    decision: str | None, curator: str | None, decided_at: str | None,
) -> int:  # fmt: skip
    cur = store.con.execute(
        'INSERT INTO curation_units (document_id, layer, start, "end", units, versions, '
        "decision, curator, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (doc_id, layer, start, end, json.dumps(unit_list), json.dumps(versions), decision,
         curator, decided_at),
    )  # fmt: skip
    return int(cur.lastrowid or 0)


def set_decision(
    store: Store, unit_id: int, decision: str | None, curator: str | None, at: str | None
) -> None:
    store.con.execute(
        "UPDATE curation_units SET decision = ?, curator = ?, decided_at = ? WHERE id = ?",
        (decision, curator, at, unit_id),
    )


def delete_unit(store: Store, unit_id: int) -> None:
    store.con.execute("DELETE FROM curation_units WHERE id = ?", (unit_id,))


# ---- the gold rows of a unit -----------------------------------------------------------------


def insert_span(
    store: Store, doc_id: int, start: int, end: int, label: str, layer: str, status: str,
    origin: str, actor_id: int | None, reviewer: str | None, at: str | None,
) -> int:  # fmt: skip
    cur = store.con.execute(
        'INSERT INTO spans (document_id, start, "end", label, layer, status, origin, actor_id, '
        "reviewer, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (doc_id, start, end, label, layer, status, origin, actor_id, reviewer, at),
    )
    return int(cur.lastrowid or 0)


def insert_claim(
    store: Store, doc_id: int, roles: dict[str, int | None], parts: list[int],
    addressees: list[int], kind: str, quote_type: str, status: str, origin: str,
    reviewer: str | None, at: str | None,
) -> int:  # fmt: skip
    cur = store.con.execute(
        "INSERT INTO claims (document_id, speaker_span_id, cue_span_id, content_span_id, kind, "
        "quote_type, status, origin, reviewer, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (doc_id, roles.get("speaker"), roles.get("cue"), roles.get("content"), kind, quote_type,
         status, origin, reviewer, at),
    )  # fmt: skip
    claim_id = int(cur.lastrowid or 0)
    if len(parts) > 1:
        store.con.executemany(
            "INSERT OR IGNORE INTO claim_content_parts (claim_id, span_id, position) "
            "VALUES (?, ?, ?)",
            [(claim_id, s, i) for i, s in enumerate(parts)],
        )
    store.con.executemany(
        "INSERT OR IGNORE INTO claim_addressees (claim_id, span_id, position) VALUES (?, ?, ?)",
        [(claim_id, s, i) for i, s in enumerate(addressees)],
    )
    return claim_id


def set_rows_status(
    store: Store, table: str, ids: list[int], status: str, reviewer: str | None, at: str | None
) -> None:
    """The pre-merge's write: the rows of a unit accepted or rejected, or back to suggested."""
    if table not in ("spans", "claims"):
        raise ValueError(f"not an item table: {table!r}")
    store.con.executemany(
        f"UPDATE {table} SET status = ?, reviewer = ?, reviewed_at = ? WHERE id = ?",
        [(status, reviewer, at, i) for i in ids],
    )


def claim_span_ids(store: Store, claim_id: int) -> list[int]:
    """Every span a claim points at (roles, parts, addressees)."""
    rows = store.execute(
        "SELECT speaker_span_id, cue_span_id, content_span_id, antecedent_span_id FROM claims "
        "WHERE id = ? UNION ALL SELECT span_id, NULL, NULL, NULL FROM claim_content_parts "
        "WHERE claim_id = ? UNION ALL SELECT span_id, NULL, NULL, NULL FROM claim_addressees "
        "WHERE claim_id = ?",
        (claim_id, claim_id, claim_id),
    ).fetchall()
    return sorted({int(v) for r in rows for v in r if v is not None})


def delete_rows(store: Store, claim_ids: list[int], span_ids: list[int]) -> None:
    store.con.executemany("DELETE FROM claims WHERE id = ?", [(i,) for i in claim_ids])
    store.con.executemany("DELETE FROM spans WHERE id = ?", [(i,) for i in span_ids])


# ---- in the event log (store.history) --------------------------------------------------------


def snapshot_unit(con: sqlite3.Connection, unit_id: int) -> dict[str, Any] | None:
    """A unit as an event records it: the versions it was chosen from and the decision."""
    row = con.execute(f"SELECT {_cols()} FROM curation_units WHERE id = ?", (unit_id,)).fetchone()
    if row is None:
        return None
    out = dict(zip(UNIT_COLS, tuple(row), strict=True))
    out["units"], out["versions"] = json.loads(out["units"]), json.loads(out["versions"])
    return out


def restore_unit(con: sqlite3.Connection, row: dict[str, Any]) -> None:
    """Undo and redo write a unit's decision back (its versions never change)."""
    con.execute(
        "UPDATE curation_units SET decision = ?, curator = ?, decided_at = ? WHERE id = ?",
        (*(row.get(c) for c in _DECIDED_COLS), row["id"]),
    )
