"""Where the default project lives, and the seed article a new user sees first."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idleb_desk.paths import SEED_PATH, data_dir
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)
__all__ = ["SEED_PATH", "SEED_TITLE", "data_dir", "default_project_path", "ensure_seed"]

SEED_TITLE = "EU ministers call for an end to the offensive in Idleb"
# File names a project usually has, for file pickers.
PROJECT_SUFFIXES = (".sqlite3", ".sqlite", ".db")
PROJECT_GLOBS = " ".join(f"*{suffix}" for suffix in PROJECT_SUFFIXES)


def default_project_path() -> Path:
    return data_dir() / "project.sqlite3"


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


RESTORE_MODULE = "idleb_desk.store.restore"


def can_restore_backup() -> bool:
    """Whether this build has the safe restore (`idleb_desk.store.restore`)."""
    try:
        return importlib.util.find_spec(RESTORE_MODULE) is not None
    except ImportError:
        return False


def restore_backup(backup: Path | str, project: Path | str) -> Any:
    """Put a backup copy back in place of a project, its side files (`-wal`, `-shm`,
    lock) handled; returns the store's RestoreReport. Errors name the file and the
    problem (the store's exceptions). Imported late: the window offers it only when
    `can_restore_backup()`."""
    restore = importlib.import_module(RESTORE_MODULE)
    return restore.restore_backup(Path(backup), Path(project))


@dataclass(frozen=True)
class OpenedArticle:
    """An article file opened from a file manager: where it went in the default project."""

    project: Path
    doc_id: int | None  # None when the file could not be imported
    problems: tuple[str, ...]


def import_article(path: Path, project: Path | None = None) -> OpenedArticle:
    """Import one article into the default project (seeded first, as always) and say which
    document holds it: the new one, or the one that already had the same text."""
    from idleb_desk.io.importer import import_paths

    project = project or default_project_path()
    project.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(project) as store:
        ensure_seed(store)
        # No extraction here: the window suggests in the background once the model is up.
        report = import_paths(store, [path])
    ids = [*report.imported, *(d.existing_id for d in report.duplicates)]
    return OpenedArticle(
        project, ids[0] if ids else None, tuple(p.message for p in report.problems)
    )
