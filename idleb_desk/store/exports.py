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

from idleb_desk.model import (
    LAYER_ACTOR,
    REVIEWED_STATUSES,
    STATUSES,
)
from idleb_desk.store.actor_queries import RoleActors, RoleSpan
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

ACTOR_COLUMNS = (
    "document_id", "document_title", "span_id", "start", "end", "text", "label", "status",
    "origin", "reviewer", "reviewed_at", "actor_id", "actor_name",
    # Issue 9, appended so DESIGN's columns keep their positions: review at scale, then
    # canonical actors.
    "flag", "comment", "actor_aliases",
)  # fmt: skip
CLAIM_COLUMNS = (
    "document_id", "document_title", "claim_id", "speaker_text", "speaker_start",
    "speaker_end", "speaker_actor", "cue_text", "cue_start", "cue_end", "content_text",
    "content_start", "content_end", "addressees", "kind", "quote_type", "status", "origin",
    "reviewer", "reviewed_at", "content_parts", "nested_in",
    "flag", "comment", "addressee_actors",
    # Issue 14: the project model's confidence (0..1) when it scored the suggestion.
    "confidence",
)  # fmt: skip
# content_parts: "start:end;start:end" when a claim's content has several parts;
# nested_in: the claim_id of the claim whose content holds this one (issue 7);
# confidence: empty for a claim no project model scored (rules alone, the analyst's own).
ADDRESSEE_SEP = " | "
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection),
# the full-width forms too (a spreadsheet with an East Asian locale folds them), and
# it skips leading spaces and line feeds before looking.
FORMULA_PREFIXES = (
    "=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20",
)  # fmt: skip
FORMULA_LEAD = " \n"
_FORMULA_CODEPOINTS = ", ".join(str(ord(c)) for c in FORMULA_PREFIXES)
# The smallest full-width prefix: SQL compares UTF-8 bytes, so only a cell at or after
# it can start with one.
_FULL_WIDTH_MIN = min(c for c in FORMULA_PREFIXES if c > "~")
BATCH = 4000


def needs_guard(value: str) -> bool:
    """True for a string a spreadsheet would read as a formula."""
    # lstrip returns the string itself when there is nothing to strip: no copy.
    return value.lstrip(FORMULA_LEAD).startswith(FORMULA_PREFIXES)


def guard_cell(value: str) -> str:
    """Prefix `'` to a string a spreadsheet would read as a formula."""
    return "'" + value if needs_guard(value) else value


def _guarded(expr: str, guard: bool) -> str:
    """The same guard as `guard_cell`, in SQL: done in C it costs the export next to nothing.

    Every ASCII formula prefix, space and line feed sorts before "A" and every
    full-width one at or after U+FF0B, so the cheap comparisons rule out nearly all
    cells before ltrim() and unicode() are called.
    """
    if not guard:
        return expr
    return (
        f"CASE WHEN ({expr} < 'A' OR {expr} >= '{_FULL_WIDTH_MIN}') "
        f"AND unicode(ltrim({expr}, ' ' || char(10))) IN ({_FORMULA_CODEPOINTS}) "
        f"THEN '''' || {expr} ELSE {expr} END"
    )


def statuses_for(include_all: bool) -> tuple[str, ...]:
    return STATUSES if include_all else REVIEWED_STATUSES


def in_marks(statuses: tuple[str, ...]) -> str:
    return "(" + ", ".join("?" * len(statuses)) + ")"


class Lookups:
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


def count_actor_rows(store: Store, include_all: bool = False) -> int:
    statuses = statuses_for(include_all)
    sql = f"SELECT count(*) FROM spans WHERE layer = ? AND status IN {in_marks(statuses)}"
    return int(store.execute(sql, (LAYER_ACTOR, *statuses)).fetchone()[0])


def claim_rows_sql(include_all: bool, guard: bool) -> tuple[str, tuple[str, ...]]:
    statuses = statuses_for(include_all)
    g = lambda expr: _guarded(expr, guard)  # noqa: E731
    # Addressees come as "start:end:actor_id,..." in position order; the subquery's
    # ORDER BY fixes group_concat's order (SQLite 3.40 has no ORDER BY inside it). Which
    # actors a speaker or addressee names is decided in Python (`RoleActors`).
    sql = f"""SELECT c.document_id, c.id,
                  sp.start, sp."end", sp.actor_id,
                  cu.start, cu."end", co.start, co."end",
                  (SELECT group_concat(x.start || ':' || x."end" || ':'
                                       || coalesce(x.actor_id, '')) FROM
                      (SELECT s.start, s."end", s.actor_id FROM claim_addressees ca
                       JOIN spans s ON s.id = ca.span_id
                       WHERE ca.claim_id = c.id ORDER BY ca.position) x),
                  {g("c.kind")}, {g("c.quote_type")}, {g("c.status")}, {g("c.origin")},
                  {g("c.reviewer")}, {g("c.reviewed_at")},
                  (SELECT group_concat(x.start || ':' || x."end", ';') FROM
                      (SELECT s.start, s."end" FROM claim_content_parts cp
                       JOIN spans s ON s.id = cp.span_id
                       WHERE cp.claim_id = c.id ORDER BY cp.position) x),
                  c.nested_in_claim_id,
                  {g("coalesce(c.flag, '')")}, {g("coalesce(c.comment, '')")},
                  an.start, an."end", an.actor_id, c.confidence
              FROM claims c
              LEFT JOIN spans sp ON sp.id = c.speaker_span_id
              LEFT JOIN spans an ON an.id = c.antecedent_span_id
              LEFT JOIN spans cu ON cu.id = c.cue_span_id
              LEFT JOIN spans co ON co.id = c.content_span_id
              WHERE c.status IN {in_marks(statuses)}
              ORDER BY c.document_id, coalesce(co.start, 0), c.id"""
    return sql, statuses


def count_claim_rows(store: Store, include_all: bool = False) -> int:
    statuses = statuses_for(include_all)
    sql = f"SELECT count(*) FROM claims WHERE status IN {in_marks(statuses)}"
    return int(store.execute(sql, statuses).fetchone()[0])


def iter_claim_rows(
    store: Store, include_all: bool = False, guard: bool = True
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of claims.csv rows (CLAIM_COLUMNS), reviewed only unless include_all."""
    sql, params = claim_rows_sql(include_all, guard)
    look = Lookups(store, guard)
    roles = RoleActors(store)
    cur = store.execute(sql, params)
    cur.set_plain_rows()

    def cut(text: str, start: int | None, end: int | None) -> str:
        if start is None or end is None:
            return ""
        part = text[start:end]
        return guard_cell(part) if guard else part

    def names(ids: list[int]) -> str:
        return ADDRESSEE_SEP.join(look.actor_name(a) for a in ids)

    while batch := cur.fetchmany(BATCH):
        out = []
        for r in batch:
            doc_id = r[0]
            text = look.document(doc_id)
            addressees = [
                RoleSpan(int(a), int(b), int(c) if c else None)
                for a, b, c in (x.split(":") for x in (r[9] or "").split(",") if x)
            ]
            shown = ADDRESSEE_SEP.join(text[a.start : a.end] for a in addressees)
            if guard:
                shown = guard_cell(shown)
            speaker = RoleSpan(r[2], r[3], r[4]) if r[2] is not None else None
            antecedent = RoleSpan(r[20], r[21], r[22]) if r[20] is not None else None
            # Every actor a coordinated speaker names ("Macron and Merkel"), joined as the
            # addressee actors are: a spreadsheet can count claims by either.
            speaker_actor = names(roles.speaker_ids(doc_id, speaker, antecedent))
            addressee_actors = names(roles.addressee_ids(doc_id, addressees))
            out.append(
                (doc_id, look.title, r[1], cut(text, r[2], r[3]), r[2], r[3], speaker_actor,
                 cut(text, r[5], r[6]), r[5], r[6], cut(text, r[7], r[8]), r[7], r[8],
                 shown, *r[10:16], r[16] or "", "" if r[17] is None else r[17],
                 *r[18:20], addressee_actors, "" if r[23] is None else r[23])
            )  # fmt: skip
        yield out
