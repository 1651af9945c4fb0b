"""Where the default project lives, and the seed article a new user sees first."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_PATH = REPO_ROOT / "seeds" / "idleb-eu-ministers.txt"
SEED_TITLE = "EU ministers call for an end to the offensive in Idleb"
# File names a project usually has, for file pickers.
PROJECT_SUFFIXES = (".sqlite3", ".sqlite", ".db")
PROJECT_GLOBS = " ".join(f"*{suffix}" for suffix in PROJECT_SUFFIXES)


def data_dir() -> Path:
    """The user data folder: IDLEB_DESK_HOME, else $XDG_DATA_HOME/idleb_desk."""
    explicit = os.environ.get("IDLEB_DESK_HOME")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "idleb_desk"


def default_project_path() -> Path:
    return data_dir() / "project.sqlite3"


def ensure_seed(store: Store) -> int | None:
    """Put the seed article into an empty project; returns its id, or None if not needed.

    The text goes in at once and unextracted: the window shows it straight away and the
    pipeline adds its suggestions when the model has loaded.
    """
    if store.document_count() > 0 or not SEED_PATH.exists():
        return None
    text = SEED_PATH.read_text(encoding="utf-8-sig")
    with store.transaction():
        doc_id = store.insert_document(
            SEED_PATH.stem, SEED_TITLE, text, path=str(SEED_PATH), encoding="utf-8"
        )
    log.info("seeded %s with %s", store.path, SEED_PATH.name)
    return doc_id
