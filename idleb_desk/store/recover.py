"""Copy everything still readable out of a damaged project into a new one.

The damaged file is only ever read, through an immutable connection (no `-wal`, `-shm` or
journal is made beside it). Each table is read in rowid order; where a damaged page stops
the scan, the reader skips ahead to the next rowid it can read, so one bad page costs the
rows on it, not the rest of the table. Rows that point at rows which were lost (a span of a
lost document) are dropped at the end and counted, so the new file passes every check.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from idleb_desk.store import walguard
from idleb_desk.store.connection import StoreError
from idleb_desk.store.gate import SQLITE_MAGIC, held, reading
from idleb_desk.store.lockfile import process_alive
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

# Rowids tried one by one in a table whose scan met damage, in all, before giving up.
MAX_PROBES = 2_000_000
# With no readable maximum rowid, how far past the damage rowids are tried one by one.
SEARCH_PAST_DAMAGE = 100_000


@dataclass
class TableSalvage:
    table: str
    copied: int = 0
    dropped: int = 0  # read, but pointing at a row that was lost
    problems: list[str] = field(default_factory=list)


@dataclass
class RecoveryReport:
    source: Path
    target: Path
    tables: list[TableSalvage]

    @property
    def complete(self) -> bool:
        return all(not t.problems and not t.dropped for t in self.tables)

    def summary(self) -> str:
        lines = [f"Recovered {self.source} into {self.target}:"]
        for t in self.tables:
            line = f"  {t.table}: {t.copied} rows saved"
            if t.dropped:
                line += f", {t.dropped} dropped (they pointed at lost rows)"
            if t.problems:
                line += f"; not saved: {'; '.join(t.problems[:3])}"
            lines.append(line)
        lines.append(
            "Everything readable was saved."
            if self.complete
            else "Some rows could not be read; check the new project before you go on."
        )
        return "\n".join(lines)


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in con.execute(f'PRAGMA table_info("{table}")')]


def _rows(
    con: sqlite3.Connection, table: str, cols: list[str], out: TableSalvage
) -> Iterator[tuple]:
    """Every readable row in rowid order. A scan stops at the first damaged page; then
    rows are read one rowid at a time (a lookup reaches a row through other pages than a
    scan does) until a scan can go on again."""
    names = ", ".join(f'"{c}"' for c in cols)
    scan = f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ? ORDER BY rowid'
    point = f'SELECT rowid, {names} FROM "{table}" WHERE rowid = ?'
    last = -(2**63)
    top: int | None = None
    probes = 0
    while True:
        try:
            for row in con.execute(scan, (last,)):
                last = int(row[0])
                yield tuple(row[1:])
            return
        except sqlite3.DatabaseError as exc:
            out.problems.append(f"rows after id {max(last, 0)}: {exc}")
        if top is None:
            top = _top_rowid(con, table, max(last, 0))
        found = False
        rowid = max(last, 0) + 1
        while rowid <= top and probes < MAX_PROBES:
            probes += 1
            try:
                row = con.execute(point, (rowid,)).fetchone()
            except sqlite3.DatabaseError:
                row = None
            if row is not None:
                last = int(row[0])
                found = True
                yield tuple(row[1:])
                break
            rowid += 1
        if not found:
            if probes >= MAX_PROBES:
                out.problems.append("gave up after too many unreadable ids")
            return


def _top_rowid(con: sqlite3.Connection, table: str, last: int) -> int:
    """The highest rowid still readable from the end of the table, or a bounded guess.
    (SQLite answers max(rowid) by seeking the table's last row, as a descending scan would.)"""
    try:
        row = con.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()
        if row is not None and row[0] is not None:
            return int(row[0])
    except sqlite3.DatabaseError:
        pass
    return last + SEARCH_PAST_DAMAGE


def recover(source: Path | str, target: Path | str) -> RecoveryReport:
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise StoreError(source, "does not exist or is not a file")
    if target.exists() and target.stat().st_size > 0:
        raise StoreError(target, "already exists; recovery writes only into a new file")
    if source.resolve() == target.resolve():
        raise StoreError(target, "must be a new file, not the damaged one")
    if not held(source):  # plain I/O only while this process holds no connection to it
        with open(source, "rb") as fh:
            if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise StoreError(source, "is not an SQLite database; there is nothing to recover")
    report = RecoveryReport(source, target, [])
    remove_stale_work(target)
    # Written under a temporary name and put in place only when complete: a killed recover
    # leaves no NEW that looks like a (nearly empty) project, and a re-run is not refused.
    work = target.with_name(f".{target.name}.recovering-{os.getpid()}")
    try:
        _salvage(source, work, report)
        try:
            os.link(work, target)  # fails if NEW appeared meanwhile: never replace it
        except FileExistsError as exc:
            raise StoreError(
                target, "already exists; recovery writes only into a new file"
            ) from exc
    finally:
        for side in _work_files(work):
            with contextlib.suppress(OSError):
                os.unlink(side)
    walguard.fsync_dir(target.parent)
    log.info("%s", report.summary())
    return report


def _salvage(source: Path, work: Path, report: RecoveryReport) -> None:
    new = Store.open(work, create=True)
    try:
        with reading(source) as old:
            # A damaged or cut-short schema page makes every query fail before it reads a
            # row; with writable_schema SQLite reads what the schema still describes (the
            # connection is read-only, so nothing can be written through it).
            old.execute("PRAGMA writable_schema = ON")
            new.con.execute("PRAGMA foreign_keys = OFF")
            with new.transaction():
                # In the order the schema made them: parents before children.
                tables = new.con.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
                ).fetchall()
                for (table,) in tables:
                    report.tables.append(_copy_table(old, new.con, str(table)))
                _drop_orphans(new.con, report)
            new.con.execute("PRAGMA foreign_keys = ON")
    finally:
        new.close()


def _work_files(work: Path) -> list[Path]:
    return [Path(f"{work}{suffix}") for suffix in ("", "-wal", "-shm", "-journal", ".wal-id")]


def remove_stale_work(target: Path) -> None:
    """Remove what a killed recover into `target` left (its process is gone)."""
    for work in target.parent.glob(f".{target.name}.recovering-*"):
        pid = work.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or process_alive(int(pid)):
            continue
        for side in _work_files(work):
            with contextlib.suppress(OSError):
                os.unlink(side)


def _copy_table(old: sqlite3.Connection, new: sqlite3.Connection, table: str) -> TableSalvage:
    out = TableSalvage(table)
    try:
        cols = [c for c in _columns(old, table) if c in set(_columns(new, table))]
    except sqlite3.DatabaseError as exc:
        out.problems.append(f"the table cannot be read ({exc})")
        return out
    if not cols:
        out.problems.append("the table is missing")
        return out
    names = ", ".join(f'"{c}"' for c in cols)
    marks = ", ".join("?" for _ in cols)
    insert = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})'
    for row in _rows(old, table, cols, out):
        if new.execute(insert, row).rowcount:
            out.copied += 1
    return out


def _clear_lost_links(con: sqlite3.Connection) -> None:
    """Optional links to a lost row become empty, as ON DELETE SET NULL would make them."""
    for table, _id, _seq, parent, col, _to, _upd, on_delete, _match in (
        (t, *fk)
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for fk in con.execute(f'PRAGMA foreign_key_list("{t}")')
    ):
        if on_delete == "SET NULL":
            con.execute(
                f'UPDATE "{table}" SET "{col}" = NULL WHERE "{col}" IS NOT NULL '
                f'AND "{col}" NOT IN (SELECT id FROM "{parent}")'
            )


def _drop_orphans(con: sqlite3.Connection, report: RecoveryReport) -> None:
    _clear_lost_links(con)
    by_table = {t.table: t for t in report.tables}
    # Deleting a parent's orphan can orphan its children: repeat until none are left.
    while True:
        bad = con.execute("PRAGMA foreign_key_check").fetchall()
        if not bad:
            return
        for table, rowid, _parent, _fk in bad:
            con.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
            entry = by_table.get(str(table))
            if entry is not None:
                entry.dropped += 1
                entry.copied -= 1
