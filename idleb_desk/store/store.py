"""The project file: documents, spans, claims, regions and actors.

`Store` is the only place that runs SQL for them. One `Store` belongs to one thread; a
worker thread opens its own (WAL lets readers and one writer share the file).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from idleb_desk.core.model import (
    LAYER_ACTOR,
    LAYER_CLAIM,
    SUGGESTED,
    Actor,
    Claim,
    Document,
    DocumentSummary,
    Extraction,
    Region,
    Span,
    TextRef,
    text_sha256,
)
from idleb_desk.store import gate, walguard
from idleb_desk.store.connection import (
    NotAProjectError,
    ReadOnlyProjectError,
    StoreError,
    connect,
    connect_read_only,
    transaction,
    translated,
)
from idleb_desk.store.schema import SCHEMA_VERSION, check_version, migrate

log = logging.getLogger(__name__)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _note(row: sqlite3.Row, col: str) -> Any:
    """The flag or comment column; absent in a read-only file of an older schema."""
    try:
        return row[col]
    except IndexError:
        return None


_SPAN_FIELDS = ("id", "document_id", "start", "end", "label", "layer", "status", "origin",
                "actor_id", "reviewer", "reviewed_at")  # fmt: skip


def _span_rows(rows: list[sqlite3.Row], text: str = "") -> list[Span]:
    """Spans of many rows: column positions looked up once, not by name per row (a
    4,000-span article opens this way)."""
    if not rows:
        return []
    keys = rows[0].keys()
    at = [keys.index(k) for k in _SPAN_FIELDS]
    # The flag and comment columns are absent in a read-only file of an older schema.
    flag_at = keys.index("flag") if "flag" in keys else None
    comment_at = keys.index("comment") if "comment" in keys else None
    i_id, i_doc, i_start, i_end, i_label, i_layer, i_status, i_origin, i_actor, i_rev, i_at = at
    out = []
    for row in rows:
        t = tuple(row)
        start, end = t[i_start], t[i_end]
        out.append(
            Span(t[i_id], t[i_doc], start, end, t[i_label], t[i_layer], t[i_status],
                 t[i_origin], text[start:end] if text else "", t[i_actor], t[i_rev], t[i_at],
                 None if flag_at is None else t[flag_at],
                 (None if comment_at is None else t[comment_at]) or "")
        )  # fmt: skip
    return out


def _span(row: sqlite3.Row, text: str = "") -> Span:
    return _span_rows([row], text)[0]


def _guard_wal(path: Path) -> str | None:
    try:
        return walguard.guard(path)
    except OSError as exc:
        raise StoreError(
            path,
            f"has a WAL beside it ({walguard.wal_path(path).name}) that could not be checked "
            f"or moved aside ({exc.strerror or exc}); nothing was changed",
        ) from exc


class Cursor:
    """An sqlite3 cursor whose fetches name the file too: a damaged page or an undecodable
    text is often met only when rows are fetched, not when the query starts."""

    def __init__(self, cur: sqlite3.Cursor, path: Path) -> None:
        self.cur = cur
        self.path = path

    @property
    def lastrowid(self) -> int | None:
        return self.cur.lastrowid

    @property
    def rowcount(self) -> int:
        return self.cur.rowcount

    def set_plain_rows(self) -> None:
        self.cur.row_factory = None  # plain tuples are cheaper than Row for bulk export

    def fetchone(self) -> Any:
        with translated(self.path):
            return self.cur.fetchone()

    def fetchall(self) -> list[Any]:
        with translated(self.path):
            return self.cur.fetchall()

    def fetchmany(self, size: int) -> list[Any]:
        with translated(self.path):
            return self.cur.fetchmany(size)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class Store:
    """An open project file. Use `Store.open(path)`; close it when done."""

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self.con = con
        self.path = path
        self.backup_path: Path | None = None
        # Why this store may not write (a read-only file, another window holds the
        # project); None while it may.
        self.read_only_reason: str | None = None
        self._texts: dict[int, str] = {}
        self._held: tuple[int, int] | None = None
        # What the analyst should be told about opening the file (a stray WAL set aside).
        self.notices: list[str] = []
        self._wal: walguard.WalRecord | None = None

    @classmethod
    def open(
        cls,
        path: Path | str,
        synchronous: str = "FULL",
        *,
        create: bool = True,
        read_only: bool = False,
        checked: tuple[int | None, str | None] | None = None,
    ) -> Store:
        """Open a project after checking it is ours, sound and not newer than us.

        `create` says the analyst asked for a new project here: only then is a missing,
        zero-byte or blank SQLite file made into one. A file that fails a check is refused
        before anything is written to it.
        """
        path = Path(path)
        # `checked`: what `check` returned a moment ago, in this process (the window's path).
        size, notice = checked if checked is not None else cls.check(path, create=create)
        writable = size is None or (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
        if read_only or not writable:
            store = cls._open_read_only(path, synchronous)
            store.notices += [notice] if notice else []
            if not writable:
                store.read_only_reason = (
                    f"{path} is read-only (the file or its folder cannot be written); "
                    "you can read and export it, but not change it"
                )
            return store
        con = connect(path, synchronous)
        store = cls(con, path)
        try:
            store.backup_path = migrate(con, path)
        except BaseException:
            con.close()
            raise
        store._held = gate.hold(path)
        store.notices += [notice] if notice else []
        store._wal = walguard.WalRecord(path)
        store._wal.renew()
        return store

    @staticmethod
    def check(path: Path, *, create: bool = True) -> tuple[int | None, str | None]:
        """The checks `open` runs before it writes a byte (a stray WAL set aside, the file
        ours, sound and not newer): its size (None if missing) and a notice for the analyst.
        The window runs them before it makes a lock file beside the project."""
        if path.is_dir():
            raise StoreError(path, "is a folder, not a project file")
        size = path.stat().st_size if path.exists() else None
        notice = None
        if not size:
            if not create:
                raise NotAProjectError(
                    path,
                    "does not exist"
                    if size is None
                    else "is an empty file (0 bytes), not a project; nothing was written to it",
                )
            if size is None and not path.parent.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
        elif not gate.held(path):
            gate.check_side_files(path)
            notice = _guard_wal(path)
            facts = gate.inspect_file(path)
            if facts.blank and not create:
                raise NotAProjectError(path, "is an empty SQLite database, not a project")
            check_version(path, facts.user_version)
        return size, notice

    @classmethod
    def _open_read_only(cls, path: Path, synchronous: str) -> Store:
        if not path.exists():
            raise NotAProjectError(path, "does not exist")
        con = connect_read_only(path)
        with translated(path):
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
        if version != SCHEMA_VERSION:
            con.close()
            raise StoreError(
                path,
                f"is read-only and from an older idleb_desk (schema version {version}); "
                "it must be upgraded before it can be opened, so make it writable first",
            )
        store = cls(con, path)
        store.read_only_reason = f"{path} is open read-only"
        store._held = gate.hold(path)
        return store

    def close(self) -> None:
        wal, self._wal = self._wal, None
        if wal is not None:
            # Checkpoint and truncate, so that a `-wal` left beside a closed project always
            # means a crash of this file (see walguard.py).
            wal.renew(checkpointing=True)
            with contextlib.suppress(sqlite3.Error):
                self.con.execute("PRAGMA busy_timeout = 0")  # never wait on other readers
                self.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            self.con.close()
        except sqlite3.Error as exc:  # closing must never lose the caller's own error
            log.warning("closing %s: %s", self.path, exc)
        gate.release(self._held)
        self._held = None
        if wal is not None:
            wal.renew(clean=walguard.read_wal_header(self.path) is None)

    def _after_commit(self) -> None:
        wal = self._wal
        if wal is None:
            return
        if walguard.wal_size(self.path) >= walguard.CHECKPOINT_BYTES:
            # SQLite's own automatic checkpoint is off: the record must say a checkpoint is
            # writing the file before it does (see walguard.py).
            wal.renew(checkpointing=True)
            with contextlib.suppress(sqlite3.Error):
                self.con.execute("PRAGMA wal_checkpoint(PASSIVE)")
        wal.renew()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self, mode: str = "IMMEDIATE") -> Iterator[None]:
        # DEFERRED is how exports read one consistent snapshot; only writes are refused.
        if self.read_only_reason is not None and mode != "DEFERRED":
            raise ReadOnlyProjectError(self.path, f"not changed: {self.read_only_reason}")
        try:
            with transaction(self.con, self.path, mode):
                yield
        except BaseException:
            # A rolled-back insert frees its id for reuse; forget texts read inside it.
            self._texts.clear()
            raise
        if mode != "DEFERRED":
            self._after_commit()

    def execute(self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()) -> Cursor:
        # A mapping feeds named parameters; tuple() of it would keep only its keys.
        bound = params if isinstance(params, Mapping) else tuple(params)
        with translated(self.path):
            return Cursor(self.con.execute(sql, bound), self.path)

    # ---- documents -------------------------------------------------------------------

    def document_id_by_sha(self, sha: str) -> int | None:
        row = self.execute("SELECT id FROM documents WHERE sha256 = ?", (sha,)).fetchone()
        return None if row is None else int(row[0])

    def insert_document(
        self,
        ext_id: str,
        title: str,
        text: str,
        path: str = "",
        encoding: str = "utf-8",
        meta: dict[str, Any] | None = None,
    ) -> int | None:
        """Add a document; returns None (and adds nothing) if the same text is stored."""
        sha = text_sha256(text)
        if self.document_id_by_sha(sha) is not None:
            return None
        cur = self.execute(
            "INSERT INTO documents (ext_id, title, path, text, sha256, encoding, meta, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ext_id, title, path, text, sha, encoding, json.dumps(meta or {}), now()),
        )
        return int(cur.lastrowid or 0)

    def document(self, doc_id: int) -> Document:
        row = self.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id}")
        return Document(
            id=row["id"],
            ext_id=row["ext_id"],
            title=row["title"],
            text=row["text"],
            sha256=row["sha256"],
            path=row["path"],
            encoding=row["encoding"],
            status=row["status"],
            meta=json.loads(row["meta"] or "{}"),
            reviewer=row["reviewer"],
            reviewed_at=row["reviewed_at"],
        )

    def document_text(self, doc_id: int) -> str:
        # A stored text never changes (offsets depend on it), so the last few are kept:
        # every span read and review operation needs its document's text.
        cached = self._texts.get(doc_id)
        if cached is not None:
            return cached
        row = self.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(f"no document {doc_id}")
        if len(self._texts) >= 4:
            self._texts.pop(next(iter(self._texts)))
        self._texts[doc_id] = text = str(row[0])
        return text

    def document_summaries(self) -> list[DocumentSummary]:
        """Documents in import order with their review progress (items reviewed of all)."""
        rows = self.execute(
            """SELECT d.id, d.ext_id, d.title, d.status,
                  (SELECT count(*) FROM spans s WHERE s.document_id = d.id) +
                  (SELECT count(*) FROM claims c WHERE c.document_id = d.id) AS n_items,
                  (SELECT count(*) FROM spans s WHERE s.document_id = d.id
                       AND s.status != 'suggested') +
                  (SELECT count(*) FROM claims c WHERE c.document_id = d.id
                       AND c.status != 'suggested') AS n_reviewed
               FROM documents d ORDER BY d.id"""
        ).fetchall()
        return [
            DocumentSummary(r["id"], r["ext_id"], r["title"], r["status"], r[4], r[5]) for r in rows
        ]

    def document_count(self) -> int:
        return int(self.execute("SELECT count(*) FROM documents").fetchone()[0])

    # ---- spans, claims, regions --------------------------------------------------------

    def spans(self, doc_id: int, text: str | None = None) -> list[Span]:
        text = self.document_text(doc_id) if text is None else text
        rows = self.execute(
            'SELECT * FROM spans WHERE document_id = ? ORDER BY start, "end" DESC, id',
            (doc_id,),
        ).fetchall()
        return _span_rows(rows, text)

    def span(self, span_id: int) -> Span:
        row = self.execute("SELECT * FROM spans WHERE id = ?", (span_id,)).fetchone()
        if row is None:
            raise KeyError(f"no span {span_id}")
        return _span(row, self.document_text(row["document_id"]))

    def claims(self, doc_id: int) -> list[Claim]:
        rows = self.execute(
            """SELECT c.*, (SELECT group_concat(span_id) FROM
                   (SELECT span_id FROM claim_addressees a WHERE a.claim_id = c.id
                    ORDER BY position)) AS addressees,
                   (SELECT group_concat(span_id) FROM
                   (SELECT span_id FROM claim_content_parts p WHERE p.claim_id = c.id
                    ORDER BY position)) AS parts
               FROM claims c LEFT JOIN spans s ON s.id = c.content_span_id
               WHERE c.document_id = ? ORDER BY coalesce(s.start, 0), c.id""",
            (doc_id,),
        ).fetchall()
        return [self._claim(r) for r in rows]

    def claim(self, claim_id: int) -> Claim:
        row = self.execute(
            """SELECT c.*, (SELECT group_concat(span_id) FROM
                   (SELECT span_id FROM claim_addressees a WHERE a.claim_id = c.id
                    ORDER BY position)) AS addressees,
                   (SELECT group_concat(span_id) FROM
                   (SELECT span_id FROM claim_content_parts p WHERE p.claim_id = c.id
                    ORDER BY position)) AS parts
               FROM claims c WHERE c.id = ?""",
            (claim_id,),
        ).fetchone()
        if row is None:
            raise KeyError(f"no claim {claim_id}")
        return self._claim(row)

    @staticmethod
    def _claim(row: sqlite3.Row) -> Claim:
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
            flag=_note(row, "flag"),
            comment=_note(row, "comment") or "",
        )

    def claims_using_span(self, span_id: int) -> list[int]:
        # Positional parameters: `execute` passes tuple(params), so a dict would bind its
        # keys (the string "s"), and no claim was ever found.
        rows = self.execute(
            """SELECT id FROM claims WHERE speaker_span_id = ?1 OR cue_span_id = ?1
                   OR content_span_id = ?1 OR antecedent_span_id = ?1
               UNION SELECT claim_id FROM claim_addressees WHERE span_id = ?1
               UNION SELECT claim_id FROM claim_content_parts WHERE span_id = ?1""",
            (span_id,),
        ).fetchall()
        return sorted(int(r[0]) for r in rows)

    def claims_nested_in(self, claim_id: int) -> list[int]:
        """Claims whose content lies inside this claim's (they point at it)."""
        rows = self.execute(
            "SELECT id FROM claims WHERE nested_in_claim_id = ? ORDER BY id", (claim_id,)
        ).fetchall()
        return [int(r[0]) for r in rows]

    def regions(self, doc_id: int) -> list[Region]:
        rows = self.execute(
            'SELECT start, "end", kind FROM regions WHERE document_id = ? ORDER BY start',
            (doc_id,),
        ).fetchall()
        return [Region(r[0], r[1], r[2]) for r in rows]

    def actor(self, actor_id: int) -> Actor:
        row = self.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if row is None:
            raise KeyError(f"no actor {actor_id}")
        return Actor(row["id"], row["name"], row["label"])

    def actor_id_for(self, name: str, label: str) -> int:
        """The canonical actor of this name and label, created on first use."""
        name = " ".join(name.split())
        row = self.execute(
            "SELECT id FROM actors WHERE name = ? AND label = ?", (name, label)
        ).fetchone()
        if row is not None:
            return int(row[0])
        return int(
            self.execute("INSERT INTO actors (name, label) VALUES (?, ?)", (name, label)).lastrowid
            or 0
        )

    # ---- project settings ---------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        row = self.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self.con.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    # ---- suggestions from the pipeline -------------------------------------------------

    def add_regions(self, doc_id: int, regions: Iterable[Region]) -> None:
        self.con.executemany(
            'INSERT INTO regions (document_id, start, "end", kind) VALUES (?, ?, ?, ?)',
            [(doc_id, r.start, r.end, r.kind) for r in regions],
        )

    def add_extraction(self, doc_id: int, ex: Extraction) -> None:
        """Store the pipeline's suggestions for a document. The caller owns the transaction."""
        origin = ex.model
        self.con.execute("UPDATE documents SET extracted_with = ? WHERE id = ?", (ex.model, doc_id))
        self.add_regions(doc_id, ex.regions)
        seen: dict[tuple[int, int, str, str], int] = {}

        def span_id(ref: TextRef, label: str, layer: str) -> int:
            key = (ref.start, ref.end, label, layer)
            if key not in seen:
                cur = self.con.execute(
                    'INSERT INTO spans (document_id, start, "end", label, layer, status, '
                    "origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (doc_id, ref.start, ref.end, label, layer, SUGGESTED, origin),
                )
                seen[key] = int(cur.lastrowid or 0)
            return seen[key]

        for a in ex.actors:
            span_id(TextRef(a.start, a.end, a.text), a.label, LAYER_ACTOR)
        claim_ids: list[int] = []
        for c in ex.claims:
            speaker = span_id(c.speaker, "SPEAKER", LAYER_CLAIM) if c.speaker else None
            cue = span_id(c.cue, "CUE", LAYER_CLAIM) if c.cue else None
            content = span_id(c.content, "CONTENT", LAYER_CLAIM)
            antecedent = (
                span_id(c.speaker_antecedent, "SPEAKER", LAYER_CLAIM)
                if c.speaker_antecedent
                else None
            )
            cur = self.con.execute(
                "INSERT INTO claims (document_id, speaker_span_id, cue_span_id, "
                "content_span_id, antecedent_span_id, kind, quote_type, status, origin) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    speaker,
                    cue,
                    content,
                    antecedent,
                    c.kind,
                    c.quote_type,
                    SUGGESTED,
                    origin,
                ),
            )
            claim_id = int(cur.lastrowid or 0)
            claim_ids.append(claim_id)
            if len(c.content_parts) > 1:
                self.con.executemany(
                    "INSERT OR IGNORE INTO claim_content_parts (claim_id, span_id, position) "
                    "VALUES (?, ?, ?)",
                    [
                        (claim_id, span_id(p, "CONTENT", LAYER_CLAIM), i)
                        for i, p in enumerate(c.content_parts)
                    ],
                )
            self.con.executemany(
                "INSERT OR IGNORE INTO claim_addressees (claim_id, span_id, position) "
                "VALUES (?, ?, ?)",
                [
                    (claim_id, span_id(a, "ADDRESSEE", LAYER_CLAIM), i)
                    for i, a in enumerate(c.addressees)
                ],
            )

        self.con.executemany(
            "UPDATE claims SET nested_in_claim_id = ? WHERE id = ?",
            [
                (claim_ids[c.nested_in], claim_ids[i])
                for i, c in enumerate(ex.claims)
                if c.nested_in is not None and 0 <= c.nested_in < len(claim_ids)
            ],
        )

    def unextracted_document_ids(self) -> list[int]:
        """Documents the pipeline has not seen yet (imported with no model, or --no-extract)."""
        rows = self.execute(
            "SELECT id FROM documents WHERE extracted_with IS NULL ORDER BY id"
        ).fetchall()
        return [int(r[0]) for r in rows]

    def stats(self) -> dict[str, Any]:
        """Counts for `idleb-desk stats`: documents by state, spans and claims by status."""

        def by(sql: str) -> dict[str, int]:
            return {str(k): int(v) for k, v in self.execute(sql).fetchall()}

        return {
            "file": str(self.path),
            "documents": by("SELECT status, count(*) FROM documents GROUP BY status"),
            "actor_spans": by(
                "SELECT status, count(*) FROM spans WHERE layer = 'actor' GROUP BY status"
            ),
            "claim_spans": by(
                "SELECT status, count(*) FROM spans WHERE layer = 'claim' GROUP BY status"
            ),
            "claims": by("SELECT status, count(*) FROM claims GROUP BY status"),
            "claim_kinds": by("SELECT kind, count(*) FROM claims GROUP BY kind"),
            "actors": int(self.execute("SELECT count(*) FROM actors").fetchone()[0]),
            "events": int(self.execute("SELECT count(*) FROM events").fetchone()[0]),
        }

    # ---- streaming reads for export ----------------------------------------------------

    def iter_rows(self, sql: str, params: Iterable[Any] = (), size: int = 2000) -> Iterator[tuple]:
        """Yield rows in batches from a live cursor: memory stays flat for any table size."""
        cur = self.execute(sql, params)
        cur.set_plain_rows()
        while True:
            batch = cur.fetchmany(size)
            if not batch:
                return
            yield from batch
