"""Put a backup copy in a project's place, safely: one command instead of a hand copy.

Copying a `.bak` over a project by hand leaves the project's `-wal` and `-shm` beside a file
they do not belong to (walguard.py now refuses such a WAL, but the analyst's copy should
not need rescuing). `restore_backup` checks the backup is a sound project, refuses while
anyone has the project open, moves the project and its side files aside together (nothing
is deleted), and puts a complete copy of the backup in place under a temporary name first.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from idleb_desk.store import gate, walguard
from idleb_desk.store.connection import StoreError, translated
from idleb_desk.store.lockfile import lock_path, read_holder, try_hold
from idleb_desk.store.schema import check_version

log = logging.getLogger(__name__)

SIDE_SUFFIXES = ("-wal", "-shm", "-journal", ".wal-id")


@dataclass
class RestoreReport:
    backup: Path
    project: Path
    kept: list[Path] = field(default_factory=list)  # where the replaced files went

    def summary(self) -> str:
        lines = [f"Restored {self.project} from {self.backup}."]
        if self.kept:
            lines.append("The project as it was is kept beside it:")
            lines += [f"  {p}" for p in self.kept]
        return "\n".join(lines)


def _in_use(project: Path) -> str | None:
    if walguard.wal_in_use(project):
        return "another program has it open"
    lock = lock_path(project)
    if lock.is_file() and not lock.is_symlink() and not try_hold(lock):
        holder = read_holder(project)
        return f"a window has it open ({holder.describe() if holder else 'another window'})"
    return None


def restore_backup(backup: Path | str, project: Path | str) -> RestoreReport:
    """Replace `project` by a copy of `backup`; raises StoreError naming the problem, with
    nothing changed."""
    backup, project = Path(backup), Path(project)
    if not backup.is_file():
        raise StoreError(backup, "does not exist or is not a file; nothing was changed")
    if project.exists() and backup.resolve() == project.resolve():
        raise StoreError(backup, "is the project itself; name a backup copy")
    if project.is_dir():
        raise StoreError(project, "is a folder, not a project file; nothing was changed")
    facts = gate.inspect_file(backup)  # ours, sound; raises with the file named
    check_version(backup, facts.user_version)
    if project.exists():
        busy = _in_use(project)
        if busy:
            raise StoreError(project, f"cannot be restored while {busy}; close it first")
    report = RestoreReport(backup, project)
    tmp = project.with_name(f".{project.name}.restoring-{os.getpid()}")
    try:
        _copy(backup, tmp)
    except BaseException:
        for suffix in ("", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{tmp}{suffix}")
        raise
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    if project.exists():
        kept = project.with_name(f"{project.name}.before-restore-{stamp}")
        # The file and its side files move together: a WAL stays beside its own file.
        for suffix in ("", *SIDE_SUFFIXES):
            src = Path(f"{project}{suffix}")
            if src.exists() or src.is_symlink():
                dest = Path(f"{kept}{suffix}")
                os.replace(src, dest)
                report.kept.append(dest)
    os.replace(tmp, project)
    walguard.fsync_dir(project.parent)
    log.info("%s", report.summary())
    return report


def _copy(backup: Path, tmp: Path) -> None:
    """A complete, self-contained copy: through SQLite, so a backup's own WAL is included
    and the copy has none."""
    with gate.reading(backup) as src, translated(tmp):
        dest = sqlite3.connect(str(tmp))
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
