"""Opening a project file safely: header check, version gate, pragmas, error translation.

Every failure that an analyst can meet (not a database, corrupt, locked, from a newer
version) becomes a `StoreError` whose message names the file and the problem, so that the
GUI and the CLI can show it as is.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 3000


class StoreError(Exception):
    """A problem with one project file; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NotADatabaseError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class LockedDatabaseError(StoreError):
    pass


class NewerVersionError(StoreError):
    pass


class ForeignFileError(StoreError):
    """An SQLite file of another program: never written to."""


class NotAProjectError(StoreError):
    """A missing or empty file where an existing project was expected."""


class ReadOnlyProjectError(StoreError):
    """A change was asked of a project this window may only read; `problem` says why."""


class DiskFullError(StoreError):
    pass


def _disk_nearly_full(path: Path | str) -> bool:
    # SQLite reports a full disk met while mapping its -shm file as a plain I/O error.
    try:
        return shutil.disk_usage(Path(path).parent).free < 256 * 1024
    except OSError:
        return False


def why_read_only(path: Path) -> str:
    """What makes SQLite refuse to write the file, as far as can be seen from outside."""
    if path.exists() and not os.access(path, os.W_OK):
        return "is read-only (the file's permissions do not allow writing)"
    if not os.access(path.parent, os.W_OK):
        return "is read-only (its folder cannot be written)"
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.is_dir():
            return f"cannot be written: {side.name} beside it is a folder"
        if side.exists() and not os.access(side, os.W_OK):
            return f"cannot be written: {side.name} beside it is read-only"
    return (
        "cannot be written although its permissions allow it: SQLite opened it read-only, "
        "which a damaged file header causes (run 'idleb-desk stats' on it to check it)"
    )


def translate(path: Path | str, exc: sqlite3.Error) -> StoreError:
    """Turn an sqlite3 error into a StoreError that names the file and says what to do."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return LockedDatabaseError(
            path,
            "is locked by another program (another idleb_desk window or a sync tool); "
            "close it and try again. Nothing was changed",
        )
    if "could not decode" in text:
        return CorruptDatabaseError(
            path, f"is damaged: a stored text cannot be decoded ({str(exc)[:120]}…)"
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return CorruptDatabaseError(
            path,
            f"is corrupt ({exc}). Nothing was changed. Recover what is readable with "
            f"'idleb-desk recover', or put a backup in its place with 'idleb-desk restore'",
        )
    if "disk is full" in text or ("disk i/o error" in text and _disk_nearly_full(path)):
        return DiskFullError(
            path,
            "could not be written: the disk is full. Nothing was saved by this step and the "
            "project is as it was before it; free some space and try again",
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyProjectError(path, f"{why_read_only(Path(path))}; nothing was changed")
    if "disk i/o error" in text:
        return StoreError(
            path, f"could not be read or written ({exc}); the last saved state is kept"
        )
    if "unable to open" in text:
        return StoreError(path, "cannot be opened; check that the folder exists and is writable")
    return StoreError(path, f"database error: {exc}")


@contextlib.contextmanager
def translated(path: Path | str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise translate(path, exc) from exc


def connect(path: Path, synchronous: str = "FULL") -> sqlite3.Connection:
    """Open a read-write connection with the project's pragmas.

    isolation_level=None puts transactions in our hands: every review operation is one
    explicit BEGIN IMMEDIATE ... COMMIT.
    """
    with translated(path):
        con = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        _pragmas(con)
        mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("%s: WAL mode not available, using %s", path, mode)
        con.execute(f"PRAGMA synchronous = {synchronous}")
        # Checkpoints run where the store records them first (store.py, walguard.py).
        con.execute("PRAGMA wal_autocheckpoint = 0")
        # A WAL started afresh after a checkpoint is cut back to nothing, so its size says
        # how much waits to be checkpointed (SQLite otherwise reuses the file at its largest,
        # and every commit after the first checkpoint would run another).
        con.execute("PRAGMA journal_size_limit = 0")
    return con


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write: for read-only files and folders.

    In a folder we may not write to, SQLite cannot make the `-shm` it needs to read a WAL
    file, so unless one is there the file is read as immutable (nobody can change it there).
    """
    uri = path.resolve().as_uri()
    folder_writable = os.access(path.parent, os.W_OK)
    if folder_writable or Path(f"{path}-shm").exists():
        uri += "?mode=ro"
    else:
        uri += "?immutable=1"
    with translated(path):
        con = sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        _pragmas(con)
        con.execute("PRAGMA query_only = ON")
    return con


def _pragmas(con: sqlite3.Connection) -> None:
    con.row_factory = sqlite3.Row
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    con.execute("PRAGMA foreign_keys = ON")


@contextlib.contextmanager
def transaction(
    con: sqlite3.Connection, path: Path | str, mode: str = "IMMEDIATE"
) -> Iterator[None]:
    """One atomic unit: committed on success, rolled back on any error."""
    with translated(path):
        con.execute(f"BEGIN {mode}")
    try:
        yield
    except BaseException as exc:
        with contextlib.suppress(sqlite3.Error):
            con.execute("ROLLBACK")
        # Disk full, I/O errors and damage met inside an operation name the file too.
        if isinstance(exc, sqlite3.Error):
            raise translate(path, exc) from exc
        raise
    with translated(path):
        try:
            con.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                con.execute("ROLLBACK")
            raise
