"""SQL behind the exports (CSV rows, JSONL annotations) and the JSONL restore.

Everything streams: rows come from a live cursor in `fetchmany` batches, so an export of
millions of spans holds one batch and one document text at a time.

Span text is sliced in Python from the document text, fetched once per document, instead
of `substr(d.text, ...)` per row: SQLite's substr walks the UTF-8 text from its start and
reads the whole text (its overflow pages) for every row, which made a 1,000,000-span
export 6x slower. Python slices are code-point exact, the same unit as our offsets.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from idleb_desk.core.model import (
    LAYER_ACTOR,
    LAYER_CLAIM,
    REVIEWED_STATUSES,
    STATUSES,
    Region,
)
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

ACTOR_COLUMNS = (
    "document_id", "document_title", "span_id", "start", "end", "text", "label", "status",
    "origin", "reviewer", "reviewed_at", "actor_id", "actor_name",
)  # fmt: skip
CLAIM_COLUMNS = (
    "document_id", "document_title", "claim_id", "speaker_text", "speaker_start",
    "speaker_end", "speaker_actor", "cue_text", "cue_start", "cue_end", "content_text",
    "content_start", "content_end", "addressees", "kind", "quote_type", "status", "origin",
    "reviewer", "reviewed_at",
)  # fmt: skip
ADDRESSEE_SEP = " | "
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CODEPOINTS = ", ".join(str(ord(c)) for c in FORMULA_PREFIXES)
BATCH = 4000


def guard_cell(value: str) -> str:
    """Prefix `'` to a string a spreadsheet would read as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _guarded(expr: str, guard: bool) -> str:
    """The same guard as `guard_cell`, in SQL: done in C it costs the export next to nothing.

    Every formula prefix sorts before "A", so the cheap comparison rules out nearly all
    cells before unicode() is called.
    """
    if not guard:
        return expr
    return (
        f"CASE WHEN {expr} < 'A' AND unicode({expr}) IN ({_FORMULA_CODEPOINTS}) "
        f"THEN '''' || {expr} ELSE {expr} END"
    )


def _statuses(include_all: bool) -> tuple[str, ...]:
    return STATUSES if include_all else REVIEWED_STATUSES


def _in(statuses: tuple[str, ...]) -> str:
    return "(" + ", ".join("?" * len(statuses)) + ")"


class _Lookups:
    """Per-document title and text, and actor names, fetched once and guarded once.

    Rows arrive grouped by document, so one document is cached at a time; actor names are
    cached in a dict that is emptied when it grows large, to keep memory flat.
    """

    MAX_NAMES = 50_000

    def __init__(self, store: Store, guard: bool) -> None:
        self.store = store
        self.guard = guard
        self.doc_id: int | None = None
        self.title = ""
        self.text = ""
        self.names: dict[int, str] = {}

    def document(self, doc_id: int) -> str:
        """Load a document's title and text (returns the text)."""
        if doc_id != self.doc_id:
            row = self.store.execute(
                "SELECT title, text FROM documents WHERE id = ?", (doc_id,)
            ).fetchone()
            self.title, self.text = (row[0], row[1]) if row else ("", "")
            if self.guard:
                self.title = guard_cell(self.title)
            self.doc_id = doc_id
        return self.text

    def actor_name(self, actor_id: int) -> str:
        name = self.names.get(actor_id)
        if name is None:
            if len(self.names) >= self.MAX_NAMES:
                self.names.clear()
            row = self.store.execute("SELECT name FROM actors WHERE id = ?", (actor_id,))
            name = (row.fetchone() or [""])[0]
            name = guard_cell(name) if self.guard else name
            self.names[actor_id] = name
        return name


def actor_rows_sql(include_all: bool, guard: bool) -> tuple[str, tuple[str, ...]]:
    statuses = _statuses(include_all)
    g = lambda expr: _guarded(expr, guard)  # noqa: E731
    # No join: title, text and actor name come from _Lookups, once per document or actor,
    # which halves the rows' conversion cost. Status needs no guard: the WHERE clause
    # limits it to our own status words. ORDER BY is the spans_doc index plus rowid, so
    # SQLite sorts nothing.
    sql = f"""SELECT s.document_id, s.id, s.start, s."end", {g("s.label")}, s.status,
                  {g("s.origin")}, {g("s.reviewer")}, {g("s.reviewed_at")}, s.actor_id
              FROM spans s
              WHERE s.layer = ? AND s.status IN {_in(statuses)}
              ORDER BY s.document_id, s.start, s.id"""
    return sql, (LAYER_ACTOR, *statuses)


def count_actor_rows(store: Store, include_all: bool = False) -> int:
    statuses = _statuses(include_all)
    sql = f"SELECT count(*) FROM spans WHERE layer = ? AND status IN {_in(statuses)}"
    return int(store.execute(sql, (LAYER_ACTOR, *statuses)).fetchone()[0])


def iter_actor_rows(
    store: Store, include_all: bool = False, guard: bool = True
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of actors.csv rows (ACTOR_COLUMNS), reviewed only unless include_all."""
    sql, params = actor_rows_sql(include_all, guard)
    look = _Lookups(store, guard)
    cur = store.execute(sql, params)
    cur.row_factory = None
    doc_id, text = None, ""
    # This loop runs once per exported span: locals only, no star-unpacking.
    while batch := cur.fetchmany(BATCH):
        out = []
        append = out.append
        for r in batch:
            if r[0] != doc_id:
                doc_id, text = r[0], look.document(r[0])
            part = text[r[2] : r[3]]
            if guard and part.startswith(FORMULA_PREFIXES):
                part = "'" + part
            aid = r[9]
            name = None if aid is None else look.actor_name(aid)
            append(
                (doc_id, look.title, r[1], r[2], r[3], part, r[4], r[5], r[6], r[7], r[8],
                 aid, name)
            )  # fmt: skip
        yield out


def claim_rows_sql(include_all: bool, guard: bool) -> tuple[str, tuple[str, ...]]:
    statuses = _statuses(include_all)
    g = lambda expr: _guarded(expr, guard)  # noqa: E731
    # Addressee offsets come as "start:end,start:end" in position order; the subquery's
    # ORDER BY fixes group_concat's order (SQLite 3.40 has no ORDER BY inside it).
    sql = f"""SELECT c.document_id, c.id,
                  sp.start, sp."end", {g("coalesce(a.name, '')")},
                  cu.start, cu."end", co.start, co."end",
                  (SELECT group_concat(x.start || ':' || x."end") FROM
                      (SELECT s.start, s."end" FROM claim_addressees ca
                       JOIN spans s ON s.id = ca.span_id
                       WHERE ca.claim_id = c.id ORDER BY ca.position) x),
                  {g("c.kind")}, {g("c.quote_type")}, {g("c.status")}, {g("c.origin")},
                  {g("c.reviewer")}, {g("c.reviewed_at")}
              FROM claims c
              LEFT JOIN spans sp ON sp.id = c.speaker_span_id
              LEFT JOIN actors a ON a.id = sp.actor_id
              LEFT JOIN spans cu ON cu.id = c.cue_span_id
              LEFT JOIN spans co ON co.id = c.content_span_id
              WHERE c.status IN {_in(statuses)}
              ORDER BY c.document_id, coalesce(co.start, 0), c.id"""
    return sql, statuses


def count_claim_rows(store: Store, include_all: bool = False) -> int:
    statuses = _statuses(include_all)
    sql = f"SELECT count(*) FROM claims WHERE status IN {_in(statuses)}"
    return int(store.execute(sql, statuses).fetchone()[0])


def iter_claim_rows(
    store: Store, include_all: bool = False, guard: bool = True
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of claims.csv rows (CLAIM_COLUMNS), reviewed only unless include_all."""
    sql, params = claim_rows_sql(include_all, guard)
    look = _Lookups(store, guard)
    cur = store.execute(sql, params)
    cur.row_factory = None

    def cut(text: str, start: int | None, end: int | None) -> str:
        if start is None or end is None:
            return ""
        part = text[start:end]
        return guard_cell(part) if guard else part

    while batch := cur.fetchmany(BATCH):
        out = []
        for r in batch:
            text = look.document(r[0])
            addressees = ADDRESSEE_SEP.join(
                text[int(a) : int(b)]
                for a, b in (pair.split(":") for pair in (r[9] or "").split(",") if pair)
            )
            if guard:
                addressees = guard_cell(addressees)
            out.append(
                (r[0], look.title, r[1], cut(text, r[2], r[3]), r[2], r[3], r[4],
                 cut(text, r[5], r[6]), r[5], r[6], cut(text, r[7], r[8]), r[7], r[8],
                 addressees, *r[10:])
            )  # fmt: skip
        yield out


# ---- JSONL: annotations of one document, out and back in ------------------------------

ANNOTATIONS_FORMAT = 1
_SPAN_FIELDS = ("label", "layer", "status", "origin", "reviewer", "reviewed_at")
_CLAIM_FIELDS = ("kind", "quote_type", "status", "origin", "reviewer", "reviewed_at")
_ROLES = (
    ("speaker", "speaker_span_id"),
    ("cue", "cue_span_id"),
    ("content", "content_span_id"),
    ("antecedent", "antecedent_span_id"),
)


def document_annotations(
    store: Store, doc_id: int, text: str, include_all: bool = True
) -> dict[str, Any]:
    """Everything needed to restore a document's annotations exactly.

    Spans and claims carry their ids as local keys (the roles point at them); a restore
    gives them new ids. Without include_all, the spans kept are the reviewed ones plus
    every span a kept claim uses, so that no role points at nothing.
    """
    statuses = _statuses(include_all)
    doc = store.execute(
        "SELECT path, encoding, status, reviewer, reviewed_at, extracted_with "
        "FROM documents WHERE id = ?",
        (doc_id,),
    ).fetchone()
    claims = []
    used: set[int] = set()
    for c in store.claims(doc_id):
        if c.status not in statuses:
            continue
        roles = {
            "speaker": c.speaker_span_id,
            "cue": c.cue_span_id,
            "content": c.content_span_id,
            "antecedent": c.antecedent_span_id,
        }
        used.update(i for i in (*roles.values(), *c.addressee_span_ids) if i is not None)
        claims.append(
            {"id": c.id, **roles, "addressees": list(c.addressee_span_ids)}
            | {k: getattr(c, k) for k in _CLAIM_FIELDS}
        )
    spans = []
    for s in store.spans(doc_id, text):
        if s.status not in statuses and s.id not in used:
            continue
        actor = None
        if s.actor_id is not None:
            a = store.actor(s.actor_id)
            actor = {"name": a.name, "label": a.label}
        spans.append(
            {"id": s.id, "start": s.start, "end": s.end, "text": s.text}
            | {k: getattr(s, k) for k in _SPAN_FIELDS}
            | {"actor": actor}
        )
    return {
        "format": ANNOTATIONS_FORMAT,
        "source": {"path": doc["path"], "encoding": doc["encoding"]},
        "status": doc["status"],
        "reviewer": doc["reviewer"],
        "reviewed_at": doc["reviewed_at"],
        "extracted_with": doc["extracted_with"],
        "spans": spans,
        "claims": claims,
        "regions": [
            {"start": r.start, "end": r.end, "kind": r.kind} for r in store.regions(doc_id)
        ],
    }


def _offsets(item: dict[str, Any], text: str, what: str) -> None:
    start, end = item.get("start"), item.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise ValueError(f"{what} has offsets {start!r}..{end!r} outside the text")


def check_annotations(ann: dict[str, Any], text: str) -> None:
    """Raise ValueError naming the first thing a restore could not apply faithfully."""
    spans = ann.get("spans") or []
    claims = ann.get("claims") or []
    if not isinstance(spans, list) or not isinstance(claims, list):
        raise ValueError('"spans" and "claims" must be lists')
    keys: set[object] = set()
    for i, s in enumerate(spans):
        what = f"span {i + 1}"
        if not isinstance(s, dict):
            raise ValueError(f"{what} is not an object")
        _offsets(s, text, what)
        if "text" in s and s["text"] != text[s["start"] : s["end"]]:
            raise ValueError(
                f"{what} says {s['text']!r} but the text there is {text[s['start'] : s['end']]!r}"
            )
        if s.get("layer") not in (LAYER_ACTOR, LAYER_CLAIM) or s.get("status") not in STATUSES:
            raise ValueError(f"{what} has an unknown layer or status")
        if not isinstance(s.get("label"), str) or not isinstance(s.get("origin"), str):
            raise ValueError(f"{what} needs a label and an origin")
        keys.add(s.get("id"))
    for i, c in enumerate(claims):
        what = f"claim {i + 1}"
        if not isinstance(c, dict):
            raise ValueError(f"{what} is not an object")
        refs = [c.get(role) for role, _ in _ROLES] + list(c.get("addressees") or [])
        missing = [r for r in refs if r is not None and r not in keys]
        if missing:
            raise ValueError(f"{what} refers to span {missing[0]!r}, which is not in the line")
        if c.get("status") not in STATUSES or not all(
            isinstance(c.get(k), str) for k in ("kind", "quote_type", "origin")
        ):
            raise ValueError(f"{what} needs a kind, a quote type, an origin and a known status")
    for i, r in enumerate(ann.get("regions") or []):
        if not isinstance(r, dict):
            raise ValueError(f"region {i + 1} is not an object")
        _offsets(r, text, f"region {i + 1}")


def restore_annotations(store: Store, doc_id: int, ann: dict[str, Any]) -> None:
    """Write checked annotations (see check_annotations) to a new document.

    The caller owns the transaction, so a document and its annotations land together.
    """
    con = store.con
    con.execute(
        "UPDATE documents SET status = coalesce(?, status), reviewer = ?, reviewed_at = ?, "
        "extracted_with = ? WHERE id = ?",
        (
            ann.get("status"),
            ann.get("reviewer"),
            ann.get("reviewed_at"),
            ann.get("extracted_with"),
            doc_id,
        ),
    )
    new_ids: dict[object, int] = {}
    for s in ann.get("spans") or []:
        actor = s.get("actor")
        actor_id = store.actor_id_for(actor["name"], actor["label"]) if actor else None
        cur = con.execute(
            'INSERT INTO spans (document_id, start, "end", label, layer, status, origin, '
            "actor_id, reviewer, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, s["start"], s["end"], *(s.get(k) for k in _SPAN_FIELDS[:4]), actor_id,
             s.get("reviewer"), s.get("reviewed_at")),
        )  # fmt: skip
        new_ids[s.get("id")] = int(cur.lastrowid or 0)
    for c in ann.get("claims") or []:
        roles = [
            new_ids.get(c.get(role)) if c.get(role) is not None else None for role, _ in _ROLES
        ]
        cur = con.execute(
            f"INSERT INTO claims (document_id, {', '.join(col for _, col in _ROLES)}, "
            f"{', '.join(_CLAIM_FIELDS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, *roles, *(c.get(k) for k in _CLAIM_FIELDS)),
        )
        claim_id = int(cur.lastrowid or 0)
        con.executemany(
            "INSERT OR IGNORE INTO claim_addressees (claim_id, span_id, position) VALUES (?, ?, ?)",
            [(claim_id, new_ids[a], i) for i, a in enumerate(c.get("addressees") or [])],
        )
    store.add_regions(
        doc_id,
        (_region(r) for r in ann.get("regions") or []),
    )


def _region(r: dict[str, Any]) -> Region:
    return Region(int(r["start"]), int(r["end"]), str(r.get("kind") or "boilerplate"))


def iter_documents(store: Store) -> Iterator[tuple[Any, ...]]:
    """(id, ext_id, title, text, meta) of every document, a few texts at a time."""
    yield from store.iter_rows(
        "SELECT id, ext_id, title, text, meta FROM documents ORDER BY id", size=32
    )
