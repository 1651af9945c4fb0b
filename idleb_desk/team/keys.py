"""Rows between a local project and the team server: local ids <-> keys every client shares.

A local row id means nothing on another laptop. On the server a document is its text's
SHA-256, an actor its name and label when first synced ("a:" name US label), and a span or
claim a key made once by the client that first pushed it (rows that were in the project
when it joined get "LAYER/s/ID", so two copies of one `team split` file agree). Every
reference inside a row (a span's document and actor, a claim's spans) is translated the
same way; a reference the other side does not know becomes None, never a wrong row.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from idleb_desk.store import snapshots
from idleb_desk.store import sync_state as st

US = "\x1f"
# the order rows are applied in; curation_units: a gold project's curation decisions
SYNCED = ("actors", "spans", "claims", "documents", "curation_units")
_UNIT_ROWS = {"actor": "spans", "claim": "claims"}  # a unit's gold row, by the unit's layer
_CLAIM_SPANS = ("speaker_span_id", "cue_span_id", "content_span_id", "antecedent_span_id")
_CLAIM_LISTS = ("addressees", "content_parts")
_POSITIONS = {"addressees": "addressee_positions", "content_parts": "content_part_positions"}


def actor_key(name: str, label: str) -> str:
    return f"a:{name}{US}{label}"


def baseline_keys(con: sqlite3.Connection, layer: str) -> None:
    """Name every row the project holds when it joins (inside the caller's transaction)."""
    rows: list[tuple[str, int, str]] = []
    for doc_id, sha in st.document_shas(con).items():
        rows.append(("documents", doc_id, sha))
    for tbl, tag in (("spans", "s"), ("claims", "c"), ("curation_units", "u")):
        rows += [(tbl, i, f"{layer}/{tag}/{i}") for i in st.local_ids(con, tbl)]
    st.bulk_keys(con, rows)
    for actor_id, name, label in st.actor_names(con):
        key_for(con, "actors", actor_id, {"name": name, "label": label})


class KeyCache:
    """The keys and versions a push names. For a large push every key the project knows
    is read at once (a thousand events name the same few thousand rows many times over);
    for a small one, as the window's syncs after a few keys are, each is read when first
    named (reading all of a long article's keys held the file's write lock for tens of
    milliseconds the window's next key then waited). Keys made meanwhile are added."""

    def __init__(self, con: sqlite3.Connection, events: int = 1 << 30,
                 defer: bool = False) -> None:  # fmt: skip
        self.con = con
        self.keys: dict[tuple[str, int], str | None] = {}
        self.versions: dict[tuple[str, str], int] = {}
        # defer: keys made are only noted (read outside the write lock), then written at
        # once by `write`, inside it
        self.defer = defer
        self.made: list[tuple[str, int, str]] = []
        self.made_keys: set[tuple[str, str]] = set()
        self.complete = events >= PRELOAD_EVENTS
        if self.complete:
            for tbl, local_id, key, version in st.all_keys(con):
                self.keys[(tbl, local_id)] = key
                self.versions[(tbl, key)] = version

    def key(self, tbl: str, local_id: int) -> str | None:
        if (tbl, local_id) in self.keys or self.complete:
            return self.keys.get((tbl, local_id))
        key = self.keys[(tbl, local_id)] = st.key_of(self.con, tbl, local_id)
        return key

    def version(self, tbl: str, key: str) -> int:
        if (tbl, key) in self.versions or self.complete:
            return self.versions.get((tbl, key), 0)
        version = self.versions[(tbl, key)] = st.version_of(self.con, tbl, key)
        return version

    def write(self, con: sqlite3.Connection) -> bool:
        """Record the keys made while deferred (inside the caller's write transaction);
        False if another writer named one of those rows or keys meanwhile (then the
        caller rolls back and translates again inside the lock)."""
        before = con.total_changes
        st.bulk_keys(con, self.made)
        return con.total_changes - before == len(self.made)


PRELOAD_EVENTS = 200  # from this many events on a push reads every key at once


def key_for(
    con: sqlite3.Connection,
    tbl: str,
    local_id: int,
    hint: dict[str, Any] | None = None,
    cache: KeyCache | None = None,
) -> str:
    """The row's server key, made and recorded on first use."""
    key = cache.key(tbl, local_id) if cache else st.key_of(con, tbl, local_id)
    if key is not None:
        return key
    if cache is not None and cache.defer:
        key = _choose_key(con, tbl, local_id, hint)
        if (tbl, key) in cache.made_keys or st.local_of(con, tbl, key) is not None:
            key = st.new_key()  # the natural key names another row already
        cache.made.append((tbl, local_id, key))
        cache.made_keys.add((tbl, key))
    else:
        key = _make_key(con, tbl, local_id, hint)
    if cache is not None:
        cache.keys[(tbl, local_id)] = key
    return key


def _choose_key(
    con: sqlite3.Connection, tbl: str, local_id: int, hint: dict[str, Any] | None
) -> str:
    if tbl == "documents":
        return st.document_shas(con).get(local_id) or f"doc/{st.new_key()}"
    if tbl == "actors":
        row = hint or snapshots.snapshot_actor(con, local_id)
        return actor_key(row["name"], row["label"]) if row else st.new_key()
    return st.new_key()


def _make_key(con: sqlite3.Connection, tbl: str, local_id: int, hint: dict[str, Any] | None) -> str:
    key = _choose_key(con, tbl, local_id, hint)
    if not st.add_key(con, tbl, local_id, key):
        key = st.new_key()  # the natural key names another row already (a renamed actor's)
        st.add_key(con, tbl, local_id, key)
    return key


def to_global(
    con: sqlite3.Connection,
    tbl: str,
    local_id: int,
    row: dict[str, Any] | None,
    hint: dict[str, Any] | None = None,
    cache: KeyCache | None = None,
) -> tuple[str, str | None, dict[str, Any] | None]:
    """(key, the row's document SHA-256 or None, the row as the server holds it)."""

    def _ref(tbl: str, local_id: Any) -> str | None:
        return None if local_id is None else key_for(con, tbl, int(local_id), None, cache)

    key = key_for(con, tbl, local_id, row or hint, cache)
    doc = None
    source = row or hint
    if source is not None and tbl in ("spans", "claims", "curation_units"):
        doc = _ref("documents", source.get("document_id"))
    elif tbl == "documents":
        doc = key
    if row is None:
        return key, doc, None
    data = {k: v for k, v in row.items() if k != "id"}
    if tbl in ("spans", "claims", "curation_units"):
        data["document_id"] = doc
    if tbl == "curation_units":  # each unit names the gold row holding it
        rows = _UNIT_ROWS.get(str(row.get("layer")), "spans")
        data["units"] = [{**u, "row": _ref(rows, u.get("row"))} for u in row.get("units", [])]
    if tbl == "spans":
        data["actor_id"] = _ref("actors", row.get("actor_id"))
    elif tbl == "claims":
        for col in _CLAIM_SPANS:
            data[col] = _ref("spans", row.get(col))
        data["nested_in_claim_id"] = _ref("claims", row.get("nested_in_claim_id"))
        for col in _CLAIM_LISTS:
            data[col] = [_ref("spans", s) for s in row.get(col, [])]
    elif tbl == "actors":
        data["merged_into"] = _ref("actors", row.get("merged_into"))
    return key, doc, data


def local_for(
    con: sqlite3.Connection, tbl: str, key: str, data: dict[str, Any] | None
) -> int | None:
    """The local id of a server row, made (and recorded) for a row new here; None when
    the row cannot live in this project (its document is not in it)."""
    local = st.local_of(con, tbl, key)
    if local is not None:
        return local
    if tbl == "documents":
        by_sha = {sha: i for i, sha in st.document_shas(con).items()}
        local = by_sha.get(key)
        if local is None:
            return None
    elif data is None:
        return None  # a row deleted before this client ever had it
    elif tbl == "curation_units":
        # A unit is made only by `team curate`: a decision reaches the copies of the gold
        # file that hold that unit (named alike when each joined), never a new row.
        return None
    elif tbl == "actors":
        local = st.actor_by_name(con, data["name"], data["label"])
        if local is None or st.key_of(con, "actors", local) is not None:
            local = st.next_id(con, "actors")
    else:
        local = st.next_id(con, tbl)
    st.add_key(con, tbl, local, key)
    return local


def place(
    con: sqlite3.Connection, tbl: str, key: str, data: dict[str, Any] | None
) -> tuple[int, dict[str, Any] | None] | None:
    """(local id, the row as this project's) for a server row; None when it cannot be
    placed here (its document is not in the project), and then no id stays reserved for
    it (a later local row could take that id and be mistaken for it)."""
    known = st.local_of(con, tbl, key)
    local = local_for(con, tbl, key, data)
    if local is None:
        return None
    row = to_local(con, tbl, local, data)
    if row is False or row is True:
        if known is None:
            st.drop_key(con, tbl, local)
        return None
    return local, row


def _local_ref(con: sqlite3.Connection, tbl: str, key: Any) -> int | None:
    if key is None:
        return None
    if tbl == "documents":
        return local_for(con, "documents", str(key), None)
    local = st.local_of(con, tbl, str(key))
    if local is None and tbl == "actors" and str(key).startswith("a:") and US in str(key):
        # An actor the other client's review made beside its event's rows: found or made
        # here by its name and label, as the review operation there did.
        name, label = str(key)[2:].split(US, 1)
        local = st.ensure_actor(con, name, label)
        st.add_key(con, "actors", local, str(key))  # a row keyed otherwise keeps its key
    return local


def to_local(
    con: sqlite3.Connection, tbl: str, local_id: int, data: dict[str, Any] | None
) -> dict[str, Any] | None | bool:
    """A server row as this project's row `local_id`; False when it cannot be placed."""
    if data is None:
        return None
    row: dict[str, Any] = dict(data)
    row["id"] = local_id
    if tbl in ("spans", "claims", "curation_units"):
        doc = _local_ref(con, "documents", data.get("document_id"))
        if doc is None:
            return False
        row["document_id"] = doc
    if tbl == "curation_units":
        rows = _UNIT_ROWS.get(str(data.get("layer")), "spans")
        row["units"] = [{**u, "row": _local_ref(con, rows, u.get("row"))}
                        for u in data.get("units", [])]  # fmt: skip
    if tbl == "spans":
        row["actor_id"] = _local_ref(con, "actors", data.get("actor_id"))
    elif tbl == "claims":
        for col in _CLAIM_SPANS:
            row[col] = _local_ref(con, "spans", data.get(col))
        row["nested_in_claim_id"] = _local_ref(con, "claims", data.get("nested_in_claim_id"))
        for col in _CLAIM_LISTS:
            refs = [_local_ref(con, "spans", k) for k in data.get(col, [])]
            positions_key = _POSITIONS[col]
            positions = data.get(positions_key) or list(range(len(refs)))
            kept = [(r, p) for r, p in zip(refs, positions, strict=False) if r is not None]
            row[col] = [r for r, _ in kept]
            row[positions_key] = [p for _, p in kept]
    elif tbl == "actors":
        row["merged_into"] = _local_ref(con, "actors", data.get("merged_into"))
    elif tbl == "documents":
        row["id"] = local_id
    return row
