"""Where the default project lives, and the seed article a new user sees first."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from idleb_desk.core.opening import (
    SEED_TITLE,
    RestoreReport,
    ensure_seed,
    open_for_work,
    restore_project,
)
from idleb_desk.paths import SEED_PATH, data_dir

log = logging.getLogger(__name__)
__all__ = ["SEED_PATH", "SEED_TITLE", "data_dir", "default_project_path", "ensure_seed"]

# File names a project usually has, for file pickers.
PROJECT_SUFFIXES = (".sqlite3", ".sqlite", ".db")
PROJECT_GLOBS = " ".join(f"*{suffix}" for suffix in PROJECT_SUFFIXES)


def default_project_path() -> Path:
    return data_dir() / "project.sqlite3"


def restore_backup(backup: Path | str, project: Path | str) -> RestoreReport:
    """Put a backup copy back in place of a project, its side files (`-wal`, `-shm`,
    lock) handled (`core.opening.restore_project`). Errors name the file and the problem."""
    return restore_project(Path(backup), Path(project))


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
    with open_for_work(project, create=True) as store:
        ensure_seed(store)
        # No extraction here: the window suggests in the background once the model is up.
        report = import_paths(store, [path])
    ids = [*report.imported, *(d.existing_id for d in report.duplicates)]
    return OpenedArticle(
        project, ids[0] if ids else None, tuple(p.message for p in report.problems)
    )
