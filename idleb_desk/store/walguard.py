"""A `-wal` file beside a project is applied only if it is this file's own.

SQLite applies any valid WAL it finds beside a database: it cannot tell that a `-wal`
came from another copy of the project (a sync tool shipping the two files apart, a backup
copied over a project whose killed process left its WAL). Applied to the wrong file, such a
WAL silently replaces pages and passes `integrity_check`. So every process that writes a
project remembers, in `PROJECT.wal-id`, which WAL (its salts) sits on top of which state of
the file (its size and modification time, which change only when a checkpoint writes the
file, after which the record is renewed), and whether the last close was clean. A clean
close checkpoints and truncates the WAL, so a leftover `-wal` always means a crash of this
file. Before the first connection of a process reads a file that has a `-wal` nobody has
open, `judge` decides:

- the record names this WAL on this file: a crash of this file, the WAL is applied;
- the record says the last close was clean, or names another WAL or another state of the
  file: the WAL is not this file's; it is moved aside under a name that says so;
- no record (a project from before this check): the WAL is applied only if the event log,
  which only grows, keeps every event of the bare file (checked on a private copy).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sqlite3
import struct
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger(__name__)

WAL_MAGICS = (0x377F0682, 0x377F0683)
# SQLite's unix VFS: a connection holds a read lock on this byte of `-shm` while open
# (UNIX_SHM_DMS = (22 + SQLITE_SHM_NLOCK) * 4 + SQLITE_SHM_NLOCK).
SHM_DMS_BYTE = 128
# SQLite's automatic checkpoint is turned off (connection.py); a commit that leaves the WAL
# this large runs one, as SQLite would at its default of 1,000 pages of 4 KB.
CHECKPOINT_BYTES = 4 * 1024 * 1024


def wal_path(db: Path) -> Path:
    return db.with_name(db.name + "-wal")


def shm_path(db: Path) -> Path:
    return db.with_name(db.name + "-shm")


def record_path(db: Path) -> Path:
    return db.with_name(db.name + ".wal-id")


@dataclass(frozen=True)
class WalHeader:
    checkpoint: int
    salt1: int
    salt2: int

    @property
    def salts(self) -> list[int]:
        return [self.salt1, self.salt2]


def wal_size(db: Path) -> int:
    try:
        return os.stat(wal_path(db)).st_size
    except OSError:
        return 0


def read_wal_header(db: Path) -> WalHeader | None:
    """The header of a non-empty `-wal`, or None if there is none (or it is too short or
    not a WAL, which SQLite ignores too). Plain I/O on `-wal` is safe: SQLite keeps no
    POSIX locks on it."""
    try:
        with open(wal_path(db), "rb") as fh:
            head = fh.read(32)
    except OSError:
        return None
    if len(head) < 32:
        return None
    magic, _version, _page, checkpoint, salt1, salt2 = struct.unpack(">6I", head[:24])
    if magic not in WAL_MAGICS:
        return None
    return WalHeader(checkpoint, salt1, salt2)


def wal_in_use(db: Path) -> bool:
    """True if another process has the file open (it holds the `-shm` dead-man lock)."""
    shm = shm_path(db)
    if not shm.is_file():
        return False
    try:
        fd = os.open(shm, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True  # cannot tell: assume someone is there, never move a live WAL
    try:
        if sys.platform.startswith("linux"):
            import fcntl

            # struct flock on Linux: short type, short whence, off_t start, off_t len, pid.
            query = struct.pack("hh4xqqi4x", fcntl.F_WRLCK, os.SEEK_SET, SHM_DMS_BYTE, 1, 0)
            answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
            return struct.unpack("hh4xqqi4x", answer)[0] != fcntl.F_UNLCK
        return True  # pragma: no cover - no F_GETLK layout known: never judge a live WAL
    except OSError:
        return True
    finally:
        os.close(fd)


def _file_state(db: Path) -> list[int] | None:
    try:
        st = os.stat(db)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


class WalRecord:
    """This process's side of `PROJECT.wal-id`: renewed whenever the WAL or the file
    changed since it was last written (checked after every commit, a stat and a 32-byte
    read)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._last: dict[str, object] | None = None

    def _current(self, clean: bool, checkpointing: bool) -> dict[str, object]:
        head = None if clean else read_wal_header(self.db)
        return {
            "version": 1,
            "file": _file_state(self.db),
            "wal": None if head is None else head.salts,
            "clean": clean,
            # While a checkpoint writes the file its state changes under this WAL.
            "checkpointing": checkpointing,
        }

    def renew(self, clean: bool = False, checkpointing: bool = False) -> None:
        data = self._current(clean, checkpointing)
        if data == self._last:
            return
        data_out = dict(data, time=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        try:
            _write_atomic(record_path(self.db), json.dumps(data_out).encode("utf-8"))
        except OSError as exc:  # a read-only folder: nothing can be written there anyway
            log.debug("cannot write %s: %s", record_path(self.db), exc)
            return
        self._last = data


def _write_atomic(path: Path, data: bytes) -> None:
    # Created with 0o644 for the kernel to narrow by the umask (reading the umask would
    # mean setting it, for every thread of the process at once); the name is this process's
    # and thread's own, so two writers never share a temporary file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    finally:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def read_record(db: Path) -> dict[str, object] | None:
    path = record_path(db)
    try:
        if path.is_symlink() or not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == 1 else None


@dataclass(frozen=True)
class Verdict:
    ours: bool
    reason: str


def judge(db: Path, head: WalHeader) -> Verdict:
    """Whether the `-wal` with this header belongs to `db` (see the module's docstring)."""
    record = read_record(db)
    if record is None:
        return _belt(Verdict(True, "no record; the WAL keeps every event of the file"), db)
    if record.get("clean"):
        return Verdict(
            False, "the project was closed cleanly after its last change, so no WAL of its own "
            "can be left beside it"
        )  # fmt: skip
    salts = record.get("wal")
    same_wal = salts == head.salts
    if record.get("checkpointing") and same_wal:
        return _belt(Verdict(True, "the WAL of a checkpoint cut short by a crash"), db)
    if record.get("file") != _file_state(db):
        return Verdict(
            False, "the project file was replaced or changed after this WAL was written "
            "(a copy or a backup put in its place)"
        )  # fmt: skip
    if same_wal:
        return _belt(Verdict(True, "the WAL this project last wrote, left by a crash"), db)
    # A crash between a commit and the record's renewal: the WAL was started afresh on
    # this very file (SQLite adds one to the first salt when it restarts a WAL).
    restarted = salts is None or (
        isinstance(salts, list) and len(salts) == 2 and head.salt1 == (salts[0] + 1) % 2**32
    )
    if restarted:
        return _belt(Verdict(True, "a WAL this project started just before a crash"), db)
    return Verdict(False, "it is not the WAL this project last wrote (its salts differ)")


def _belt(verdict: Verdict, db: Path) -> Verdict:
    problem = events_kept(db)
    return verdict if problem is None else Verdict(False, problem)


def events_kept(db: Path) -> str | None:
    """None if the file read with its WAL still holds every event of the bare file (the
    event log only grows); else what is wrong. Read on a private copy, so nothing is
    checkpointed into the project and no side file is made beside it."""
    try:
        # An immutable connection reads the file alone: it ignores the WAL, takes no lock
        # and makes no side file.
        bare = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
        try:
            before = _events(bare)
        finally:
            bare.close()
    except sqlite3.Error:
        return None  # the bare file has no readable event log: nothing to compare
    with tempfile.TemporaryDirectory(prefix="idleb-walcheck-") as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        shutil.copyfile(db, copy)
        shutil.copyfile(wal_path(db), wal_path(copy))
        try:
            view = sqlite3.connect(str(copy))
            try:
                after = _events(view)
            finally:
                view.close()
        except sqlite3.Error as exc:
            return f"the file read with this WAL cannot be read ({exc})"
    lost = [eid for eid, row in before.items() if after.get(eid) != row]
    if lost:
        return (
            f"applying it would lose {len(lost)} of the {len(before)} saved events "
            "of this project"
        )
    return None


def _events(con: sqlite3.Connection) -> dict[int, tuple]:
    rows = con.execute("SELECT id, time, reviewer, op, document_id, before, after FROM events")
    return {int(r[0]): tuple(r[1:]) for r in rows}


def set_aside(db: Path, reason: str) -> str:
    """Move a stray `-wal` (and the `-shm` indexing it) aside; returns the notice."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    target = db.with_name(f"{db.name}-wal.not-this-project-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = db.with_name(f"{db.name}-wal.not-this-project-{stamp}-{n}")
    os.replace(wal_path(db), target)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(shm_path(db))
    fsync_dir(db.parent)
    log.warning("%s: moved a stray WAL aside to %s: %s", db, target, reason)
    return (
        f"{wal_path(db).name} beside {db.name} did not belong to this project ({reason}); "
        f"it was not applied and was moved aside to {target.name}. The project is as it "
        "was last closed"
    )


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def guard(db: Path) -> str | None:
    """Before a process first reads `db`: set a stray WAL aside. Returns a notice for the
    analyst if one was, else None."""
    head = read_wal_header(db)
    if head is None or wal_in_use(db):
        return None
    verdict = judge(db, head)
    if verdict.ours:
        log.info("%s: applying the WAL left by a crash (%s)", db, verdict.reason)
        return None
    return set_aside(db, verdict.reason)
