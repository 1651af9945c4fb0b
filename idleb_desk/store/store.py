"""The project file: documents, spans, claims, regions and actors.

`Store` is the only place that runs SQL for them. One `Store` belongs to one thread; a
worker thread opens its own (WAL lets readers and one writer share the file).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from idleb_desk.model import (
    Actor,
    Region,
    Span,
)
from idleb_desk.store import claims as claims_q
from idleb_desk.store import documents, gate, settings, suggestions, walguard
from idleb_desk.store.connection import (
    NotAProjectError,
    ReadOnlyProjectError,
    StoreError,
    connect,
    connect_read_only,
    transaction,
    translated,
)
from idleb_desk.store.rows import span_from_row, span_rows
from idleb_desk.store.schema import SCHEMA_VERSION, check_version, migrate

log = logging.getLogger(__name__)


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
    def check(
        path: Path, *, create: bool = True, sound: bool = True
    ) -> tuple[int | None, str | None]:
        """The checks `open` runs before it writes a byte (a stray WAL set aside, the file
        ours, sound and not newer): its size (None if missing) and a notice for the analyst.
        The window runs them before it makes a lock file beside the project. `sound=False`
        leaves out SQLite's own check (`gate.check_soundness`), for a caller that only
        reads and runs it itself beside its reading (agreement)."""
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
            gate.check_header(path)  # before the WAL guard: a refused file is left as is
            notice = _guard_wal(path)
            facts = gate.inspect_file(path, check=sound, header_checked=True)
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

    document_id_by_sha = documents.document_id_by_sha
    insert_document = documents.insert_document
    document = documents.document
    document_summaries = documents.document_summaries
    document_count = documents.document_count

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

    # ---- spans, claims, regions --------------------------------------------------------

    def spans(self, doc_id: int, text: str | None = None) -> list[Span]:
        text = self.document_text(doc_id) if text is None else text
        rows = self.execute(
            'SELECT * FROM spans WHERE document_id = ? ORDER BY start, "end" DESC, id',
            (doc_id,),
        ).fetchall()
        return span_rows(rows, text)

    def spans_between(self, doc_id: int, start: int, end: int) -> list[Span]:
        """The spans of a document that overlap [start, end): what one screen shows."""
        rows = self.execute(
            'SELECT * FROM spans WHERE document_id = ? AND start < ? AND "end" > ? '
            'ORDER BY start, "end" DESC, id',
            (doc_id, end, start),
        ).fetchall()
        return span_rows(rows, self.document_text(doc_id))

    def span(self, span_id: int) -> Span:
        row = self.execute("SELECT * FROM spans WHERE id = ?", (span_id,)).fetchone()
        if row is None:
            raise KeyError(f"no span {span_id}")
        return span_from_row(row, self.document_text(row["document_id"]))

    claims = claims_q.claims
    claim = claims_q.claim
    claims_using_span = claims_q.claims_using_span
    claims_nested_in = claims_q.claims_nested_in

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

    setting = settings.setting
    set_setting = settings.set_setting

    def data_version(self) -> int:
        """SQLite's count of commits by other connections (`PRAGMA data_version`): it
        changes when another program or window committed to the file."""
        return int(self.execute("PRAGMA data_version").fetchone()[0])

    # ---- suggestions from the pipeline -------------------------------------------------

    add_regions = suggestions.add_regions
    add_extraction = suggestions.add_extraction
    unextracted_document_ids = suggestions.unextracted_document_ids

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
