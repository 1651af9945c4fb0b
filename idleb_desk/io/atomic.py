"""Export files written whole or not at all, with the permissions any other file gets.

Every export (CSV, JSONL, the annotation formats, the network files; from the window and
the CLI) writes through `AtomicFiles`: each file, or folder (brat), is written under a
hidden temporary name beside its target, flushed to the disk, and renamed onto the target
only when the whole export is complete, then the folder itself is flushed. A failure
(a full disk, a read-only mount) removes the temporary files, so a reader never sees half
an export and an earlier export stays as it was.

Temporary names carry the writer's process id (`.NAME.PID.RANDOM.part`, `.NAME.PID.RANDOM/`
for a folder, `.NAME.PID.old/` for a folder moved aside), so `remove_stale_parts` can
delete what a killed export left behind without touching one still running elsewhere.

Modes: files are created with 0o666 and folders with 0o777, which the kernel narrows by
the process's umask (or the folder's default ACL) exactly as for any other program's
files, so a umask of 022 gives 0644 and 027 gives 0640. Nothing reads or changes the umask
(os.umask is process-wide, and the window exports from a worker thread).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import logging
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from idleb_desk.store.lockfile import process_alive

log = logging.getLogger(__name__)

# A temporary folder an earlier version named without a process id (mkdtemp's 8 characters)
# is left alone until it is this old: an export still running takes less.
LEGACY_STALE_AFTER = 3600.0
_LEGACY_TMP = re.compile(r"[a-z0-9_]{8}")
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_FLAGS |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)

REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EFBIG: "the file is larger than this system allows",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "a folder of that name is in the way",
}


def reason(exc: OSError) -> str:
    """What went wrong, in the words an analyst would use."""
    return REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


class ExportError(OSError):
    """An export file (or its folder) could not be written; the message names it, what
    could not be done (`failed`) and why."""

    def __init__(self, path: Path, exc: OSError, failed: str = "could not be written") -> None:
        super().__init__(
            exc.errno,
            f"{path}: {failed} ({reason(exc)}). Nothing was exported; files from an earlier "
            "export are untouched",
        )
        self.path = path

    def __str__(self) -> str:
        return str(self.strerror)


def _remove(path: Path, why: str = "") -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        if why:
            log.info("removed %s, %s", path, why)


def _is_stale(left: Path, rest: str) -> bool:
    """Whether `left` (named `.TARGET.<rest>`) was left by an export no longer running."""
    pid = rest.split(".", 1)[0]
    if pid.isdigit():
        return not process_alive(int(pid))
    # Names an earlier version gave its brat folders, without a process id: mkdtemp's
    # `.brat.XXXXXXXX` and `.brat.old`; only an old one cannot be a running export's.
    if left.is_dir() and (rest == "old" or _LEGACY_TMP.fullmatch(rest)):
        return time.time() - left.stat().st_mtime >= LEGACY_STALE_AFTER
    return False


def remove_stale_parts(target: Path) -> None:
    """Delete what a killed export of `target` left behind: `.part` files and temporary
    folders. An earlier folder moved aside is put back instead when the target is
    missing (killed between the two renames), since then it is the only copy."""
    prefix = f".{target.name}."
    for left in target.parent.glob(glob.escape(prefix) + "*"):
        rest = left.name[len(prefix) :]
        try:
            if not _is_stale(left, rest):
                continue
            aside = rest == "old" or rest.endswith(".old")
            if aside and left.is_dir() and not target.exists():
                left.rename(target)
                log.info("put back %s, moved aside by an export that did not finish", target)
                continue
        except OSError:
            continue  # gone meanwhile, or not ours to touch
        _remove(left, "left by an export that did not finish")


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` survive a crash (not every file system can; then skip)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(folder)


def ensure_folder(folder: Path) -> None:
    """Create `folder` and its parents if missing; ExportError naming what is in the way."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (folder, *folder.parents) if p.is_file()), None)
        if blocker is not None:
            exc = OSError(exc.errno, f"{blocker} is a file, not a folder")
        elif exc.errno == errno.ENOENT:  # the parent exists, yet takes no new entries
            exc = OSError(exc.errno, "the file system refuses new folders here")
        raise ExportError(folder, exc, "the folder cannot be created") from exc


def check_writable(folder: Path) -> None:
    """Create and remove a probe in `folder` (which exists): ExportError if that fails.

    Permission bits cannot tell (root ignores them; a read-only mount or /proc does not
    show in them), so this asks the file system itself, before anything is written.
    """
    probe = folder / f".idleb-desk.{os.getpid()}.{secrets.token_hex(4)}.part"
    try:
        os.close(os.open(probe, _FLAGS, 0o666))
    except OSError as exc:
        if exc.errno == errno.ENOENT:  # the folder is there, yet takes no new files
            exc = OSError(exc.errno, "the file system refuses new files here")
        raise ExportError(folder, exc, "cannot take new files") from exc
    with contextlib.suppress(OSError):
        probe.unlink()


@dataclass
class _Pending:
    tmp: Path
    target: Path
    folder: bool = False


class AtomicFiles:
    """Temporary files (and folders) beside their targets, renamed onto them together.

    Nothing replaces a target until `commit`; `discard` (or any error) removes the
    temporary files. One AtomicFiles can gather several exports, so a run that writes
    many formats puts all of them in place or none.
    """

    def __init__(self, encoding: str = "utf-8") -> None:
        self.pending: list[_Pending] = []
        self.encoding = encoding

    def _temp_name(self, target: Path) -> Path:
        return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}")

    @contextlib.contextmanager
    def open(
        self, target: Path, binary: bool = False, encoding: str | None = None
    ) -> Iterator[IO[Any]]:
        """A new file to write `target`'s content into; flushed to the disk on close."""
        remove_stale_parts(target)
        tmp = self._temp_name(target).with_suffix(".part")
        try:
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
            fd = os.open(tmp, _FLAGS, 0o666)
        except OSError as exc:
            raise ExportError(target, exc) from exc
        self.pending.append(_Pending(tmp, target))
        mode = "wb" if binary else "w"
        enc = None if binary else (encoding or self.encoding)
        try:
            with os.fdopen(fd, mode, encoding=enc, newline=None if binary else "") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
        except ExportError:
            raise
        except OSError as exc:
            raise ExportError(target, exc) from exc

    @contextlib.contextmanager
    def folder(self, target: Path) -> Iterator[Path]:
        """A new, empty folder to write `target`'s files into; they are flushed on exit."""
        remove_stale_parts(target)
        tmp = self._temp_name(target)
        try:
            os.mkdir(tmp, 0o777)
        except OSError as exc:
            raise ExportError(target, exc) from exc
        self.pending.append(_Pending(tmp, target, folder=True))
        try:
            yield tmp
            _fsync_tree(tmp)
        except ExportError:
            raise
        except OSError as exc:
            raise ExportError(target, exc) from exc

    def commit(self) -> None:
        parents = []
        try:
            while self.pending:
                item = self.pending[0]
                if item.folder:
                    _swap_folder(item.tmp, item.target)
                else:
                    os.replace(item.tmp, item.target)
                self.pending.pop(0)
                parents.append(item.target.parent)
        except OSError as exc:
            target = self.pending[0].target
            self.discard()
            raise ExportError(target, exc) from exc
        finally:
            for parent in dict.fromkeys(parents):
                _fsync_dir(parent)

    def discard(self) -> None:
        for item in self.pending:
            _remove(item.tmp)
        self.pending.clear()

    @contextlib.contextmanager
    def staged(self) -> Iterator[AtomicFiles]:
        """Commit what was written inside the block, or discard all of it on any error."""
        try:
            yield self
        except BaseException:
            self.discard()
            raise
        self.commit()


def _swap_folder(tmp: Path, target: Path) -> None:
    """Put the new folder in place of the earlier one, which is removed only afterwards."""
    if not target.exists():
        tmp.rename(target)
        return
    aside = target.with_name(f".{target.name}.{os.getpid()}.old")
    _remove(aside)
    target.rename(aside)
    try:
        tmp.rename(target)
    except OSError:
        aside.rename(target)
        raise
    _remove(aside)
