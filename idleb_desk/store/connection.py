"""Opening a project file safely: header check, version gate, pragmas, error translation.

Every failure that an analyst can meet (not a database, corrupt, locked, from a newer
version) becomes a `StoreError` whose message names the file and the problem, so that the
GUI and the CLI can show it as is.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
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


def check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before sqlite3 gets a chance to touch it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if head != SQLITE_MAGIC:
        raise NotADatabaseError(
            path, "is not an idleb_desk project (not an SQLite database); the file was left as is"
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
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return CorruptDatabaseError(
            path,
            f"is corrupt ({exc}); restore it from a backup copy beside it. Nothing was changed",
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(path, "is read-only; check the file's permissions")
    if "unable to open" in text:
        return StoreError(path, "cannot be opened; check that the folder exists and is writable")
    return StoreError(path, f"database error: {exc}")


@contextlib.contextmanager
def translated(path: Path | str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise translate(path, exc) from exc


def read_user_version(path: Path) -> int:
    """Read the schema version without writing: a newer file must stay byte-identical."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with translated(path):
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            # Touching sqlite_master makes SQLite read the schema, which is where a damaged
            # file first shows itself.
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return version
        finally:
            con.close()


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
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        con.execute("PRAGMA foreign_keys = ON")
        mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("%s: WAL mode not available, using %s", path, mode)
        con.execute(f"PRAGMA synchronous = {synchronous}")
    return con


@contextlib.contextmanager
def transaction(
    con: sqlite3.Connection, path: Path | str, mode: str = "IMMEDIATE"
) -> Iterator[None]:
    """One atomic unit: committed on success, rolled back on any error."""
    with translated(path):
        con.execute(f"BEGIN {mode}")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            con.execute("ROLLBACK")
        raise
    with translated(path):
        try:
            con.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                con.execute("ROLLBACK")
            raise
