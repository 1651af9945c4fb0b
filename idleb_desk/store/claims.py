"""Claims as stored: one SELECT for a claim with its addressees and content parts in
order, the claims that use a span or nest in a claim, and the analyst's writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING

from idleb_desk.model import SUGGESTED, Claim
from idleb_desk.store.rows import note

if TYPE_CHECKING:
    from idleb_desk.store.store import Store

# A claim with its addressee and content-part span ids, each list in its stored order.
CLAIM_SELECT = """SELECT c.*, (SELECT group_concat(span_id) FROM
       (SELECT span_id FROM claim_addressees a WHERE a.claim_id = c.id
        ORDER BY position)) AS addressees,
       (SELECT group_concat(span_id) FROM
       (SELECT span_id FROM claim_content_parts p WHERE p.claim_id = c.id
        ORDER BY position)) AS parts
   FROM claims c"""


def claims(store: Store, doc_id: int) -> list[Claim]:
    rows = store.execute(
        CLAIM_SELECT + " LEFT JOIN spans s ON s.id = c.content_span_id "
        "WHERE c.document_id = ? ORDER BY coalesce(s.start, 0), c.id",
        (doc_id,),
    ).fetchall()
    return [claim_from_row(r) for r in rows]


def claim(store: Store, claim_id: int) -> Claim:
    row = store.execute(CLAIM_SELECT + " WHERE c.id = ?", (claim_id,)).fetchone()
    if row is None:
        raise KeyError(f"no claim {claim_id}")
    return claim_from_row(row)


def claim_from_row(row: sqlite3.Row) -> Claim:
    addressees = tuple(int(x) for x in (row["addressees"] or "").split(",") if x)
    return Claim(
        id=row["id"],
        document_id=row["document_id"],
        speaker_span_id=row["speaker_span_id"],
        cue_span_id=row["cue_span_id"],
        content_span_id=row["content_span_id"],
        addressee_span_ids=addressees,
        kind=row["kind"],
        quote_type=row["quote_type"],
        status=row["status"],
        origin=row["origin"],
        antecedent_span_id=row["antecedent_span_id"],
        reviewer=row["reviewer"],
        reviewed_at=row["reviewed_at"],
        content_part_ids=tuple(int(x) for x in (row["parts"] or "").split(",") if x),
        nested_in=row["nested_in_claim_id"],
        flag=note(row, "flag"),
        comment=note(row, "comment") or "",
        confidence=note(row, "confidence"),
    )


def claims_using_span(store: Store, span_id: int) -> list[int]:
    # Positional parameters: `execute` passes tuple(params), so a dict would bind its
    # keys (the string "s"), and no claim was ever found.
    rows = store.execute(
        """SELECT id FROM claims WHERE speaker_span_id = ?1 OR cue_span_id = ?1
               OR content_span_id = ?1 OR antecedent_span_id = ?1
           UNION SELECT claim_id FROM claim_addressees WHERE span_id = ?1
           UNION SELECT claim_id FROM claim_content_parts WHERE span_id = ?1""",
        (span_id,),
    ).fetchall()
    return sorted(int(r[0]) for r in rows)


def claims_nested_in(store: Store, claim_id: int) -> list[int]:
    """Claims whose content lies inside this claim's (they point at it)."""
    rows = store.execute(
        "SELECT id FROM claims WHERE nested_in_claim_id = ? ORDER BY id", (claim_id,)
    ).fetchall()
    return [int(r[0]) for r in rows]


# ---- the analyst's writes ------------------------------------------------------------------


def update(store: Store, claim_id: int, fields: Mapping[str, object]) -> None:
    """Set the given columns of one claim (column names come from the code, not input)."""
    cols = ", ".join(f'"{k}" = ?' for k in fields)
    store.con.execute(f"UPDATE claims SET {cols} WHERE id = ?", (*fields.values(), claim_id))


def insert(
    store: Store,
    document_id: int,
    kind: str,
    quote_type: str,
    status: str,
    origin: str,
    reviewer: str,
    reviewed_at: str,
) -> int:
    cur = store.con.execute(
        "INSERT INTO claims (document_id, kind, quote_type, status, origin, reviewer, "
        "reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (document_id, kind, quote_type, status, origin, reviewer, reviewed_at),
    )
    return int(cur.lastrowid or 0)


def delete(store: Store, claim_id: int) -> None:
    store.con.execute("DELETE FROM claims WHERE id = ?", (claim_id,))


def add_addressee(store: Store, claim_id: int, span_id: int, position: int) -> None:
    store.con.execute(
        "INSERT INTO claim_addressees (claim_id, span_id, position) VALUES (?, ?, ?)",
        (claim_id, span_id, position),
    )


def remove_addressee(store: Store, claim_id: int, span_id: int) -> None:
    store.con.execute(
        "DELETE FROM claim_addressees WHERE claim_id = ? AND span_id = ?", (claim_id, span_id)
    )


def clear_addressees(store: Store, claim_id: int) -> None:
    store.con.execute("DELETE FROM claim_addressees WHERE claim_id = ?", (claim_id,))


def suggested_ids(store: Store, document_id: int) -> list[int]:
    """A document's claims still suggested, by id."""
    rows = store.execute(
        "SELECT id FROM claims WHERE document_id = ? AND status = ? ORDER BY id",
        (document_id, SUGGESTED),
    ).fetchall()
    return [int(r[0]) for r in rows]


def marks(store: Store) -> tuple[int, int]:
    """(count, newest id) of the claims (see `store.spans.marks`)."""
    row = store.execute("SELECT count(*), coalesce(max(id), 0) FROM claims").fetchone()
    return int(row[0]), int(row[1])
