"""What a file must pass before this process writes a single byte to it.

Three rules from SQLite's "How To Corrupt An SQLite Database File" shape this module:
- Closing any descriptor of a file drops every POSIX lock the process holds on it, so the
  project file is never opened with plain file I/O while this process holds a connection to
  it. `held` counts this process's connections per file; a held file was checked when it
  was first opened and is not read again.
- A file that is not ours (another program's SQLite file, a damaged copy, a newer version)
  must be refused before anything is written: no table, no journal-mode change, no `-wal`
  or `-shm` left beside it. The checks therefore read through an `immutable` connection,
  which creates no side files, unless a `-wal` is already there (then its content counts,
  and a locking read-only connection sees it).
- SQLite's own check runs when a project opens, so damage is found before work is added
  to a file that is already broken: `integrity_check` on files up to 32 MB, `quick_check`
  above (it skips matching indexes to tables, and keeps a 100 MB file under a second).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from idleb_desk.store import walguard
from idleb_desk.store.connection import (
    BUSY_TIMEOUT_MS,
    CorruptDatabaseError,
    ForeignFileError,
    NotADatabaseError,
    StoreError,
    translated,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
# PRAGMA application_id of every idleb_desk project: "IDLB" as a big-endian integer.
APPLICATION_ID = 0x49444C42
# The tables every project since schema version 1 has; an older project written before the
# application id was set is recognised by them.
PROJECT_TABLES = frozenset({"documents", "actors", "spans", "claims", "claim_addressees", "events"})
CHECK_ROWS = 20
# Up to this size the full integrity_check (which also matches every index to its table)
# runs in well under a second; above it, quick_check keeps opening a large project under
# one second (bench/open_check.py measures both).
FULL_CHECK_MAX_BYTES = 32 * 1024 * 1024

_held: dict[tuple[int, int], int] = {}
_held_lock = threading.Lock()


def _key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def held(path: Path) -> bool:
    """True while this process has an open connection to the file."""
    key = _key(path)
    with _held_lock:
        return key is not None and _held.get(key, 0) > 0


def hold(path: Path) -> tuple[int, int] | None:
    key = _key(path)
    if key is not None:
        with _held_lock:
            _held[key] = _held.get(key, 0) + 1
    return key


def release(key: tuple[int, int] | None) -> None:
    if key is None:
        return
    with _held_lock:
        left = _held.get(key, 0) - 1
        if left > 0:
            _held[key] = left
        else:
            _held.pop(key, None)


@dataclass(frozen=True)
class FileFacts:
    """What the checks found in an existing, non-empty SQLite file."""

    application_id: int
    user_version: int
    tables: frozenset[str]

    @property
    def ours(self) -> bool:
        if self.application_id == APPLICATION_ID:
            return True
        return self.application_id == 0 and self.tables >= PROJECT_TABLES

    @property
    def blank(self) -> bool:
        """An SQLite file with nothing in it: no tables, no version, no owner."""
        return self.application_id == 0 and self.user_version == 0 and not self.tables


def read_only_uri(path: Path) -> str:
    """A URI that reads the file without creating `-wal` or `-shm` unless one is there."""
    uri = path.resolve().as_uri()
    if Path(f"{path}-wal").exists():
        return f"{uri}?mode=ro"
    return f"{uri}?immutable=1"


@contextlib.contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only look at the file as SQLite would see it, leaving no side file beside it.

    A `-wal` that nobody has open is read on a private copy of the two files: a locking
    connection on the file itself would make a `-shm` beside a file that may yet be
    refused."""
    if walguard.read_wal_header(path) is not None and not walguard.wal_in_use(path):
        with tempfile.TemporaryDirectory(prefix="idleb-check-") as tmp:
            copy = Path(tmp) / path.name
            try:
                shutil.copyfile(path, copy)
                shutil.copyfile(walguard.wal_path(path), walguard.wal_path(copy))
            except OSError as exc:
                raise StoreError(path, f"cannot be read ({exc.strerror or exc})") from exc
            with translated(path):
                con = sqlite3.connect(
                    f"{copy.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
                )
            try:
                yield con
            finally:
                con.close()
        return
    with translated(path):
        con = sqlite3.connect(read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        yield con
    finally:
        con.close()


def check_side_files(path: Path) -> None:
    """A `-wal` or `-shm` that is a folder: SQLite would say only "read-only" or "I/O
    error"; say what it is."""
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.is_dir() or (side.exists() and not side.is_file()):
            raise StoreError(
                path,
                f"cannot be opened: {side.name} beside it is a folder or special file, not "
                "SQLite's own; move it away and try again. Nothing was changed",
            )


def check_header(path: Path) -> None:
    """The file's first 100 bytes, read once: SQLite's magic, then what SQLite would report
    only as "read-only" (damaged file-format bytes) or what would break an upgrade (a
    negative schema version)."""
    if held(path):
        return  # checked when this process first opened it; plain I/O now would drop locks
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StoreError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if head[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise NotADatabaseError(
            path, "is not an idleb_desk project (not an SQLite database); the file was left as is"
        )
    if len(head) < 100:
        return  # cut short: SQLite's own check says what is wrong with it
    write_version, read_version = head[18], head[19]
    if write_version not in (1, 2) or read_version not in (1, 2):
        raise CorruptDatabaseError(
            path,
            f"is damaged: its header's file-format bytes are {write_version} and "
            f"{read_version} (SQLite writes 1 or 2). Nothing was written to it. "
            f"{damage_advice(path)}",
        )
    version = int.from_bytes(head[60:64], "big", signed=True)
    if version < 0:
        raise CorruptDatabaseError(
            path,
            f"is damaged: its header's schema version is {version}. Nothing was written to "
            f"it. {damage_advice(path)}",
        )


def damage_advice(path: Path) -> str:
    return (
        f"Recover what is still readable into a new project with 'idleb-desk recover "
        f"\"{path}\" NEW.sqlite3', or put a backup copy in its place with 'idleb-desk "
        f"restore BACKUP \"{path}\"' (never copy a backup over it by hand)"
    )


def check_soundness(con: sqlite3.Connection, size: int) -> list[str]:
    """SQLite's own check of the file; an empty list means it is sound."""
    pragma = "integrity_check" if size <= FULL_CHECK_MAX_BYTES else "quick_check"
    rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}({CHECK_ROWS})")]
    return [] if rows == ["ok"] else rows


def inspect_file(path: Path, check: bool = True, *, header_checked: bool = False) -> FileFacts:
    """Read an existing, non-empty file's owner, version and soundness without writing.
    `header_checked`: the caller ran `check_header` a moment ago."""
    if not header_checked:
        check_header(path)
    try:
        with reading(path) as con, translated(path):
            facts = FileFacts(
                application_id=int(con.execute("PRAGMA application_id").fetchone()[0]),
                user_version=int(con.execute("PRAGMA user_version").fetchone()[0]),
                tables=frozenset(
                    str(r[0])
                    for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                ),
            )
            problems = check_soundness(con, path.stat().st_size) if check and facts.ours else []
    except CorruptDatabaseError as exc:
        raise damaged(path, [exc.problem]) from exc
    if not facts.ours and not facts.blank:
        raise ForeignFileError(
            path,
            "is an SQLite database of another program, not an idleb_desk project "
            f"(application id {facts.application_id}, tables: "
            f"{', '.join(sorted(facts.tables)) or 'none'}); the file was left as is",
        )
    if problems:
        raise damaged(path, problems)
    return facts


def damaged(path: Path, problems: list[str]) -> CorruptDatabaseError:
    shown = "; ".join(problems[:3]) + (
        f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    )
    return CorruptDatabaseError(
        path,
        f"is damaged (SQLite's check found: {shown}). Nothing was written to it. "
        f"{damage_advice(path)}",
    )
