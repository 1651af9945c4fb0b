"""The project file's rows as plain values, and what a `Changes` must say about the step
between two readings of them (tests of issue 18's one change path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from idleb_desk.changes import NO_CHANGES, Changes
from idleb_desk.core.review import ReviewSession

Snapshot = dict[str, dict[Any, tuple]]


def snapshot(s: ReviewSession) -> Snapshot:
    con = s.store.con

    def rows(sql: str) -> dict[Any, tuple]:
        return {r[0]: tuple(r) for r in con.execute(sql).fetchall()}

    links: dict[int, list[tuple]] = {}
    for table in ("claim_addressees", "claim_content_parts"):
        for cid, sid, pos in con.execute(f"SELECT claim_id, span_id, position FROM {table}"):
            links.setdefault(cid, []).append((table, sid, pos))
    # A claim: its row (document id second), then its addressees and parts.
    claims = {
        k: (*row, *sorted(links.get(k, []))) for k, row in rows("SELECT * FROM claims").items()
    }
    return {
        "spans": rows("SELECT * FROM spans"),
        "claims": claims,
        "actors": rows("SELECT * FROM actors"),
        "documents": rows("SELECT id, status, title, reviewer, reviewed_at FROM documents"),
        "settings": rows("SELECT key, value FROM settings"),
    }


def differing(a: Snapshot, b: Snapshot, table: str) -> set[Any]:
    return {k for k in a[table].keys() | b[table].keys() if a[table].get(k) != b[table].get(k)}


def expected(a: Snapshot, b: Snapshot) -> Changes:
    """What a `Changes` must say about the step from `a` to `b`."""
    spans = differing(a, b, "spans")
    claims = differing(a, b, "claims")
    docs = differing(a, b, "documents")
    listed = any(
        (a["documents"].get(d) or (None,) * 3)[1:3] != (b["documents"].get(d) or (None,) * 3)[1:3]
        for d in docs
    )
    for snap in (a, b):
        docs |= {snap["spans"][i][1] for i in spans if i in snap["spans"]}
        docs |= {snap["claims"][i][1] for i in claims if i in snap["claims"]}
    # An actor whose row changed, or whose mentions did (a span naming it before or after).
    actors = differing(a, b, "actors")
    for snap in (a, b):
        con_span = snap["spans"]
        actors |= {con_span[i][8] for i in spans if i in con_span and con_span[i][8]}
    return Changes(
        documents=frozenset(docs),
        spans=frozenset(spans),
        claims=frozenset(claims),
        actors=frozenset(actors),
        document_list=listed,
        settings=bool(differing(a, b, "settings")),
    )


def checked(s: ReviewSession, step: Callable[[], object]) -> Changes:
    """Run a step and check its Changes against the file; returns them."""
    s.take_changes()
    before = snapshot(s)
    step()
    after = snapshot(s)
    got = s.take_changes()
    want = expected(before, after)
    assert want, "the step changed nothing in the file: the test would prove nothing"
    assert got == want
    assert s.take_changes() == NO_CHANGES  # taken: the log starts afresh
    return got
