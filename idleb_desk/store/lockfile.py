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
    try:
        data = json.loads(lock_path(project).read_text(encoding="utf-8"))
        return Holder(
            str(data["host"]), int(data["pid"]), str(data["since"]), str(data["reviewer"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


class ProjectLock:
    """The right to write a project from one window; release it when the window closes."""

    def __init__(self, project: Path, fd: int, holder: Holder) -> None:
        self.project = project
        self.fd = fd
        self.holder = holder

    @classmethod
    def acquire(cls, project: Path, reviewer: str) -> ProjectLock | Holder | None:
        """The lock, or who holds it; None if no lock can be made (a read-only folder)."""
        path = lock_path(project)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            log.warning("cannot create %s: %s", path, exc)
            return None
        if not _try_lock(fd):
            os.close(fd)
            return read_holder(project) or Holder("another window", 0, "unknown", "someone")
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
        # The file stays (emptied): unlinking it would let a window that opened it just
        # before lock the vanished inode while another locks a new file of the same name.
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
        os.close(self.fd)
        self.fd = -1
