"""Schema and versioned upgrades, one function per version step (calibre's pattern).

`PRAGMA user_version` holds the version. `migrate` backs the file up, then runs every
missing step and bumps the version inside one exclusive transaction, so an upgrade either
applies whole or not at all.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from idleb_desk.store.connection import (
    CorruptDatabaseError,
    NewerVersionError,
    StoreError,
    transaction,
    translated,
)
from idleb_desk.store.gate import APPLICATION_ID
from idleb_desk.store.lockfile import process_alive

log = logging.getLogger(__name__)

V1 = [
    """CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        ext_id TEXT NOT NULL,
        title TEXT NOT NULL,
        path TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        encoding TEXT NOT NULL DEFAULT 'utf-8',
        meta TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL DEFAULT 'new',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE actors (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        UNIQUE (name, label)
    )""",
    """CREATE TABLE spans (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        label TEXT NOT NULL,
        layer TEXT NOT NULL,
        status TEXT NOT NULL,
        origin TEXT NOT NULL,
        actor_id INTEGER REFERENCES actors(id) ON DELETE SET NULL,
        reviewer TEXT,
        reviewed_at TEXT,
        CHECK (start >= 0 AND "end" > start)
    )""",
    "CREATE INDEX spans_doc ON spans (document_id, start)",
    """CREATE TABLE claims (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        speaker_span_id INTEGER REFERENCES spans(id) ON DELETE SET NULL,
        cue_span_id INTEGER REFERENCES spans(id) ON DELETE SET NULL,
        content_span_id INTEGER REFERENCES spans(id) ON DELETE SET NULL,
        kind TEXT NOT NULL,
        quote_type TEXT NOT NULL,
        status TEXT NOT NULL,
        origin TEXT NOT NULL,
        reviewer TEXT,
        reviewed_at TEXT
    )""",
    "CREATE INDEX claims_doc ON claims (document_id)",
    """CREATE TABLE claim_addressees (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (claim_id, span_id)
    )""",
    """CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        op TEXT NOT NULL,
        document_id INTEGER,
        before TEXT NOT NULL,
        after TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'done'
    )""",
    "CREATE INDEX events_doc ON events (document_id, state, id)",
]

# Version 2: boilerplate regions, the speaker antecedent of pronoun speakers, who marked a
# document reviewed, and which pipeline extracted it.
V2 = [
    """CREATE TABLE regions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        kind TEXT NOT NULL
    )""",
    "CREATE INDEX regions_doc ON regions (document_id)",
    "ALTER TABLE claims ADD COLUMN antecedent_span_id INTEGER "
    "REFERENCES spans(id) ON DELETE SET NULL",
    "ALTER TABLE documents ADD COLUMN reviewer TEXT",
    "ALTER TABLE documents ADD COLUMN reviewed_at TEXT",
    # Which pipeline suggested this document's annotations; NULL means never extracted,
    # which is not the same as "extracted, and the analyst deleted everything".
    "ALTER TABLE documents ADD COLUMN extracted_with TEXT",
    "ALTER TABLE events ADD COLUMN undone_at TEXT",
    "CREATE INDEX spans_actor ON spans (actor_id)",
]


# Version 3: project settings, such as the claim kinds a project adds to the built-in ones.
V3 = [
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
]


# Version 4 (issue 7): a claim's content may have several parts ('"A," X said. "B."'), in
# order; `content_span_id` keeps the whole range from the first part to the last. A claim
# inside another claim's content points at the outer claim.
V4 = [
    """CREATE TABLE claim_content_parts (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (claim_id, span_id)
    )""",
    "CREATE INDEX claim_parts_span ON claim_content_parts (span_id)",
    "ALTER TABLE claims ADD COLUMN nested_in_claim_id INTEGER "
    "REFERENCES claims(id) ON DELETE SET NULL",
]


# Version 7, canonical actors (issue 9): a merged actor is kept, pointing at the one it was merged
# into, so that undo never frees an id a later actor could take, and a later mention of
# the merged name still finds the actor it became.
ACTOR_MERGES = [
    "ALTER TABLE actors ADD COLUMN merged_into INTEGER REFERENCES actors(id) ON DELETE SET NULL",
    # Undo looks up whether a project event lists any document (history._OF_DOC).
    "CREATE INDEX event_documents_event ON event_documents (event_id)",
]


def _run(statements: list[str]) -> Callable[[sqlite3.Connection], None]:
    def step(con: sqlite3.Connection) -> None:
        for sql in statements:
            con.execute(sql)

    return step


# Version 5, review at scale (issue 9): an analyst's "uncertain" flag and comment on any span or
# claim, and the documents a project-wide operation (accept every occurrence in the
# project) touched, so that undo in any one of them finds the one event.
V_REVIEW_SCALE = [
    "ALTER TABLE spans ADD COLUMN flag TEXT",
    "ALTER TABLE spans ADD COLUMN comment TEXT",
    "ALTER TABLE claims ADD COLUMN flag TEXT",
    "ALTER TABLE claims ADD COLUMN comment TEXT",
    """CREATE TABLE event_documents (
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        document_id INTEGER NOT NULL,
        PRIMARY KEY (document_id, event_id)
    )""",
]


# Version 6, project memory (issue 9): the decisions about one string are looked up by
# label and length on every accept; without this index that is a scan of every span.
V_MEMORY = [
    'CREATE INDEX spans_label_len ON spans (label, ("end" - start))',
]


# Version 8, undo groups (issues 12 and 17): a project-wide "every occurrence" commits one
# document at a time, each step its own event; the steps share `group_id` (the id of the
# group's first event), so one undo or redo takes them all.
UNDO_GROUPS = [
    "ALTER TABLE events ADD COLUMN group_id INTEGER",
    "CREATE INDEX events_group ON events (group_id) WHERE group_id IS NOT NULL",
]


# Version 9, curation (issue 13): a gold project made by `team curate` records each
# position where analysts coded something: every analyst's version of it (the units, as
# the analyst coded them), the gold rows holding those units, and the curator's decision.
# The decision is in the row, so an event's before/after (and undo) carries it with the
# versions it was chosen from.
CURATION_UNITS = [
    """CREATE TABLE curation_units (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        layer TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        units TEXT NOT NULL,
        versions TEXT NOT NULL,
        decision TEXT,
        curator TEXT,
        decided_at TEXT
    )""",
    "CREATE INDEX curation_units_doc ON curation_units (document_id, start)",
]


# Version 10, team server sync (issue 15): what a project joined to a team server knows of
# it. `sync_keys` names each synced row on the server (a key shared by every client) with
# the row version this client last saw; `sync_events` marks the local events that were
# pushed (or came from the server) by their client-made unique id, so a push that was cut
# off is sent again under the same id and applied once; `sync_log` is the server's event
# log as this client pulled it; `sync_conflicts` the pushes refused as stale, until the
# analyst chooses; `sync_state` the pull cursor and the offline mark. (IF NOT EXISTS: a
# file whose version was set back by hand, as the upgrade tests do, keeps these tables.)
SYNC_STATE = [
    """CREATE TABLE IF NOT EXISTS sync_keys (
        tbl TEXT NOT NULL,
        local_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tbl, local_id),
        UNIQUE (tbl, key)
    )""",
    """CREATE TABLE IF NOT EXISTS sync_events (
        event_id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL,
        server_id INTEGER,
        pushed_state TEXT NOT NULL DEFAULT 'done',
        flips INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS sync_log (
        server_id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL,
        author TEXT NOT NULL,
        op TEXT NOT NULL,
        applied INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sync_conflicts (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL,
        uid TEXT NOT NULL,
        op TEXT NOT NULL,
        rows TEXT NOT NULL,
        found_at TEXT NOT NULL,
        resolution TEXT,
        resolved_at TEXT,
        resolution_event_id INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
]


# Version 11, the project model's confidence (issue 14): the probability (0..1) that this
# project's analysts keep a claim suggestion, as the model that scored it said; its
# version is in the claim's origin (`...+project-model-vN`). NULL for a claim the model
# never scored: rules alone, an analyst's own, an import.
CLAIM_CONFIDENCE = [
    "ALTER TABLE claims ADD COLUMN confidence REAL",
]


# STEPS[n] upgrades a file from version n to n + 1.
STEPS: list[Callable[[sqlite3.Connection], None]] = [
    _run(V1),
    _run(V2),
    _run(V3),
    _run(V4),
    _run(V_REVIEW_SCALE),
    _run(V_MEMORY),
    _run(ACTOR_MERGES),
    _run(UNDO_GROUPS),
    _run(CURATION_UNITS),
    _run(SYNC_STATE),
    _run(CLAIM_CONFIDENCE),
]
SCHEMA_VERSION = len(STEPS)


def backup(con: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the whole file (through SQLite, so WAL content is included) before upgrading.

    The copy is written under a temporary name and renamed only when complete, so a `.bak`
    file is always a full copy, even if the process is killed while copying.
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    remove_stale_backup_parts(path)
    # The process id in the name tells a copy still being written from a killed one's.
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    with translated(target):
        dest = sqlite3.connect(str(partial))
        try:
            con.backup(dest)
        finally:
            dest.close()
    try:
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise StoreError(target, f"backup copy could not be written ({exc.strerror})") from exc
    log.info("backed up %s (schema v%d) to %s", path, version, target)
    return target


def remove_stale_backup_parts(path: Path) -> None:
    """Remove the partial backup copies (and their journals) a killed upgrade left."""
    for part in path.parent.glob(f"{path.name}.v*.bak*.part"):
        pid = part.name.rsplit(".", 2)[-2] if part.name.count(".") >= 2 else ""
        if pid.isdigit() and process_alive(int(pid)):
            continue
        for side in (part, Path(f"{part}-journal"), Path(f"{part}-wal"), Path(f"{part}-shm")):
            with contextlib.suppress(FileNotFoundError):
                side.unlink()
                log.info("removed %s, left by an upgrade that was stopped", side)


def check_version(path: Path, version: int) -> None:
    if version < 0:
        raise CorruptDatabaseError(
            path, f"is damaged: its schema version is {version}; nothing was written to it"
        )
    if version > SCHEMA_VERSION:
        raise NewerVersionError(
            path,
            f"was written by a newer idleb_desk (schema version {version}; this one reads up "
            f"to {SCHEMA_VERSION}). Upgrade idleb_desk to open it; the file was not touched",
        )


def migrate(con: sqlite3.Connection, path: Path, target: int = SCHEMA_VERSION) -> Path | None:
    """Bring the file up to `target` and mark it as ours; returns the backup path if an
    upgrade ran."""
    with translated(path):
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
    check_version(path, version)
    if version >= target:
        if app_id != APPLICATION_ID:  # a project from before the id was set
            with transaction(con, path, "EXCLUSIVE"):
                con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        return None
    backup_path = backup(con, path, version) if version > 0 else None
    try:
        with transaction(con, path, "EXCLUSIVE"):
            if version == 0:
                log.info("%s: new project, schema v%d", path, target)
            for step_no in range(version, target):
                log.log(
                    logging.DEBUG if version == 0 else logging.INFO,
                    "%s: upgrading schema v%d -> v%d", path, step_no, step_no + 1,
                )  # fmt: skip
                STEPS[step_no](con)
            con.execute(f"PRAGMA user_version = {int(target)}")
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    except sqlite3.Error as exc:
        raise StoreError(
            path,
            f"could not be upgraded from schema version {version} ({exc}); the file was "
            "left as it was",
        ) from exc
    return backup_path
