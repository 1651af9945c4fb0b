"""Locating input files: the paths given, and the supported files inside folders.

Whatever a folder holds, the walk goes on: a link loop, a link to a folder already read,
a named pipe, a socket or a folder that cannot be listed each become a `Problem` naming
the path, and the other files are still found. A named pipe is never opened (reading one
would wait forever for a writer).
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from idleb_desk.io.errors import ImportProblem, Problem
from idleb_desk.io.source import SUPPORTED_EXTS, WALK_EXTS, supported_list

log = logging.getLogger(__name__)


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _link_problem(path: Path, exc: OSError) -> ImportProblem:
    name = str(path)
    if exc.errno == errno.ELOOP:
        return ImportProblem(name, "is a link loop: its links point at each other, no file ends it")
    if exc.errno == errno.ENOENT and path.is_symlink():
        return ImportProblem(
            name, f"is a broken link: its target {os.readlink(path)!r} does not exist"
        )
    if exc.errno == errno.ENOENT:
        return ImportProblem(name, "does not exist")
    return ImportProblem(name, f"cannot be read ({_os_reason(exc)})")


def check_file(path: Path) -> None:
    """Raise ImportProblem unless `path` is a readable regular file of a supported type."""
    name = str(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise _link_problem(path, exc) from exc
    if stat.S_ISDIR(st.st_mode):
        raise ImportProblem(name, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ImportProblem(name, f"is {_special_kind(st.st_mode)}, not a regular file")
    ext = path.suffix.lower()
    if not ext:
        raise ImportProblem(name, f"has no file extension; supported types: {supported_list()}")
    if ext not in SUPPORTED_EXTS:
        raise ImportProblem(
            name, f"has an unsupported type {ext!r}; supported types: {supported_list()}"
        )


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | Problem]:
    """Supported files under `folder` in path order (a/x, b/y, c), hidden names skipped.

    Entries are sorted by name with files and subfolders interleaved, as a file manager
    shows them. Linked folders are followed once: `seen` holds every folder already
    entered, so a link back to one of them (a loop) is reported instead of recursing.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Problem(str(folder), f"is a folder that cannot be listed ({_os_reason(exc)})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        supported = path.suffix.lower() in WALK_EXTS
        try:
            st = entry.stat(follow_symlinks=True)
        except OSError as exc:
            if supported or exc.errno == errno.ELOOP:
                yield _link_problem(path, exc).to_problem()
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in seen:
                yield Problem(
                    str(path),
                    f"is a link to a folder already read ({os.path.realpath(path)}); "
                    "skipped, so that a link loop cannot repeat forever",
                )
                continue
            seen.add(key)
            yield from _walk(path, seen)
        elif supported and stat.S_ISREG(st.st_mode):
            yield path
        elif supported:
            yield Problem(str(path), f"is {_special_kind(st.st_mode)}, not a regular file; skipped")


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path | Problem]:
    """Expand folders into their supported files; a path that cannot be read is a Problem.

    Only paths are produced, so a caller can count them up front for progress.
    """
    pairs: set[Path] = set()  # brat .txt + .ann pairs already listed
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() in (".ann", ".txt") and path.with_suffix(".ann").is_file():
            # A brat pair is read through its text, once, whichever of the two is given.
            if path.with_suffix(".txt").is_file():
                path = path.with_suffix(".txt")
            if path in pairs:
                continue
            pairs.add(path)
        if path.is_dir():
            try:
                st = path.stat()
            except OSError as exc:  # gone since is_dir()
                yield _link_problem(path, exc).to_problem()
                continue
            found = False
            for item in _walk(path, {(st.st_dev, st.st_ino)}):
                found = found or isinstance(item, Path)
                yield item
            if not found:
                yield Problem(
                    str(path),
                    f"is a folder with no supported files (looked for {supported_list()}, "
                    "in subfolders too)",
                )
            continue
        try:
            check_file(path)
        except ImportProblem as exc:
            yield exc.to_problem()
            continue
        yield path
