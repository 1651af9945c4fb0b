"""One writing window per project: a lock file beside it, never a lock on the database.

SQLite's own locks live on the project file; taking another lock there, or opening it to
take one, would drop them (see gate.py). So the window holds an OS lock on
`PROJECT.lock` for as long as it is open, and writes who it is into that file. The OS lock
goes away with the process, so a lock file left by a crash is simply taken over; the
holder's details are what a second window shows to say who has the project.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import stat
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    since: str
    reviewer: str

    def describe(self) -> str:
        return f"{self.reviewer} on {self.host} (process {self.pid}) since {self.since}"


def process_alive(pid: int) -> bool:
    """True if a process with this id runs on this machine (or it cannot be told)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def lock_path(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def read_holder(project: Path) -> Holder | None:
    path = lock_path(project)
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = json.loads(os.read(fd, 64 * 1024).decode("utf-8"))
        return Holder(
            str(data["host"]), int(data["pid"]), str(data["since"]), str(data["reviewer"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    finally:
        os.close(fd)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class LockRefused:
    """The lock path is not a plain file (a link, a folder): never written through, so the
    project opens read-only and the reason says what to remove."""

    reason: str


def _refusal(path: Path) -> LockRefused | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return LockRefused(f"{path} cannot be checked ({exc.strerror or exc})")
    if stat.S_ISLNK(st.st_mode):
        return LockRefused(
            f"{path} is a symbolic link, not idleb_desk's lock file; it is never followed. "
            "Remove the link to edit the project"
        )
    if not stat.S_ISREG(st.st_mode):
        return LockRefused(
            f"{path} is a folder or special file, not idleb_desk's lock file; "
            "remove it to edit the project"
        )
    return None


def try_hold(path: Path) -> bool:
    """True if nobody holds the lock file at `path` now (it is taken and let go at once)."""
    try:
        fd = os.open(path, os.O_RDWR | _NOFOLLOW)
    except OSError:
        return True
    try:
        return _try_lock(fd)
    finally:
        os.close(fd)


class ProjectLock:
    """The right to write a project from one window; release it when the window closes."""

    def __init__(self, project: Path, fd: int, holder: Holder) -> None:
        self.project = project
        self.fd = fd
        self.holder = holder

    @classmethod
    def acquire(cls, project: Path, reviewer: str) -> ProjectLock | Holder | LockRefused | None:
        """The lock, or who holds it, or why the lock path cannot be used; None if no lock
        can be made (a read-only folder)."""
        path = lock_path(project)
        for _attempt in range(20):
            refused = _refusal(path)
            if refused is not None:
                return refused
            try:
                # O_NOFOLLOW: a link put in the lock file's place is never written through.
                fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
            except OSError as exc:
                refused = _refusal(path)
                if refused is not None:
                    return refused
                log.warning("cannot create %s: %s", path, exc)
                return None
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                return _refusal(path) or LockRefused(f"{path} is not a plain file")
            if not _try_lock(fd):
                os.close(fd)
                return read_holder(project) or Holder("another window", 0, "unknown", "someone")
            # The holder before us removes the file when it lets go; a lock on the inode it
            # removed is no lock at all, so take the file that is there now.
            if _same_file(fd, path):
                break
            os.close(fd)
        else:
            return LockRefused(f"{path} keeps being replaced; try again")
        holder = Holder(
            host=socket.gethostname(),
            pid=os.getpid(),
            since=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            reviewer=reviewer,
        )
        data = json.dumps(holder.__dict__).encode("utf-8")
        # Rewritten in place: a stale holder from a crash is replaced by this one.
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        log.info("holding %s", path)
        return cls(project, fd, holder)

    def release(self) -> None:
        if self.fd < 0:
            return
        path = lock_path(self.project)
        # Removed while still held, and only if it is still this lock's file: a window that
        # opened it meanwhile finds, once it gets the lock, that the name no longer leads
        # to its inode and takes the new file instead (acquire's check).
        if _same_file(self.fd, path):
            with contextlib.suppress(OSError):
                os.unlink(path)
        os.close(self.fd)
        self.fd = -1


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)
