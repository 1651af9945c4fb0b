"""The one way a window opens a project, with every check in one place.

`open_project` checks the file (ours, sound, not newer: see store/gate.py), takes the
project's window lock, and falls back to a read-only session when another window holds
the lock or the file cannot be written. The window imports only this module and the
errors named here, never `store`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from idleb_desk.core.review import ReviewSession, default_reviewer
from idleb_desk.paths import SEED_PATH
from idleb_desk.store.connection import (
    CorruptDatabaseError,
    ReadOnlyProjectError,
    StoreError,
)
from idleb_desk.store.lockfile import Holder, LockRefused, ProjectLock
from idleb_desk.store.recover import RecoveryReport, recover
from idleb_desk.store.restore import RestoreReport, restore_backup
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

# The errors a caller of this module meets, under names that do not mention the store.
ProjectError = StoreError
DamagedProjectError = CorruptDatabaseError
ReadOnlyError = ReadOnlyProjectError


def open_project(
    path: Path | str, reviewer: str | None = None, *, create: bool = False
) -> ReviewSession:
    """Open a project for a window: writable if this window may write it, else read-only.

    `create` says the analyst asked for a new project at `path`. Raises ProjectError (its
    message names the file and the problem) and leaves a refused file untouched.
    """
    path = Path(path)
    reviewer = (reviewer or default_reviewer()).strip() or "analyst"
    if path.is_dir():
        raise ProjectError(path, "is a folder, not a project file")
    # Check the file before making a lock file beside it: a refused file gets no side file.
    checked = Store.check(path, create=create)
    lock = ProjectLock.acquire(path, reviewer) if path.parent.exists() else None
    try:
        if isinstance(lock, (Holder, LockRefused)):
            store = Store.open(path, create=create, read_only=True, checked=checked)
            store.read_only_reason = (
                f"{path.name} is open for review in another window: {lock.describe()}. "
                "This window shows it read-only and follows that window's changes"
                if isinstance(lock, Holder)
                else f"{path.name} is shown read-only: {lock.reason}"
            )
            return ReviewSession(store, reviewer)
        store = Store.open(path, create=create, checked=checked)
    except BaseException:
        if isinstance(lock, ProjectLock):
            lock.release()
        raise
    return ReviewSession(store, reviewer, lock if isinstance(lock, ProjectLock) else None)


def open_for_work(path: Path | str, read_only: bool = False, *, create: bool = False) -> Store:
    """A connection for one of the window's own worker threads (import, extraction,
    export), or for a file manager's "open with" import (`create`). The window's lock
    covers its workers, so none is taken here, and the file was checked when the window
    opened it."""
    return Store.open(path, create=create, read_only=read_only)


SEED_TITLE = "EU ministers call for an end to the offensive in Idleb"


def ensure_seed(store: Store) -> int | None:
    """Put the seed article into an empty project; returns its id, or None if not needed.

    The text goes in at once and unextracted: the window shows it straight away and the
    pipeline adds its suggestions when the model has loaded.
    """
    if store.document_count() > 0:
        return None
    text = SEED_PATH.read_text(encoding="utf-8-sig")
    with store.transaction():
        doc_id = store.insert_document(
            SEED_PATH.stem, SEED_TITLE, text, path=str(SEED_PATH), encoding="utf-8"
        )
    log.info("seeded %s with %s", store.path, SEED_PATH.name)
    return doc_id


def restore_project(backup: Path | str, project: Path | str) -> RestoreReport:
    """Put a copy of a backup in the project's place (the project is kept beside it)."""
    return restore_backup(backup, project)


def recover_project(damaged: Path | str, new: Path | str) -> RecoveryReport:
    """Copy what is still readable in a damaged project into a new file."""
    return recover(damaged, new)


__all__ = [
    "DamagedProjectError",
    "ProjectError",
    "ReadOnlyError",
    "RecoveryReport",
    "RestoreReport",
    "SEED_TITLE",
    "ensure_seed",
    "open_for_work",
    "open_project",
    "recover_project",
    "restore_project",
]
