"""The project file: migrations, version gate, corrupt and locked files, WAL."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from idleb_desk.core.review import ReviewSession
from idleb_desk.store import schema
from idleb_desk.store.connection import (
    CorruptDatabaseError,
    LockedDatabaseError,
    NewerVersionError,
    NotADatabaseError,
    StoreError,
)
from idleb_desk.store.gate import APPLICATION_ID
from idleb_desk.store.store import Store


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_gets_current_schema_and_wal(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    with Store.open(db) as store:
        assert store.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.backup_path is None


def test_migration_from_v1_keeps_data_and_makes_backup(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    schema.STEPS[0](con)
    con.execute("PRAGMA user_version = 1")
    con.execute(
        "INSERT INTO documents (ext_id, title, text, sha256, created_at) "
        "VALUES ('a', 'A', 'Putin said no.', 'x', '2020-01-01')"
    )
    con.commit()
    con.close()

    with Store.open(db) as store:
        assert store.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert store.document(1).text == "Putin said no."
        assert store.regions(1) == []  # table added by v2
        assert store.setting("claim_kinds", []) == []  # table added by v3
        assert store.unextracted_document_ids() == [1]
        backup = store.backup_path
    assert backup is not None and backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT title FROM documents").fetchone()[0] == "A"
    old.close()


def test_failed_upgrade_rolls_back_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    schema.STEPS[0](con)
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()

    def broken(con: sqlite3.Connection) -> None:
        con.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("simulated failure in the middle of an upgrade")

    monkeypatch.setattr(schema, "STEPS", [schema.STEPS[0], broken])
    with pytest.raises(StoreError):
        Store.open(db)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names
    con.close()


def test_newer_file_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    con = sqlite3.connect(db)
    # A project of a later version: ours by its application id, in WAL mode as ours are.
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY)")
    con.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.commit()
    con.close()
    before = _digest(db)
    with pytest.raises(NewerVersionError) as err:
        Store.open(db)
    assert str(db) in str(err.value)
    assert "newer" in str(err.value)
    assert _digest(db) == before
    assert not (tmp_path / "future.sqlite3-wal").exists()
    assert not (tmp_path / "future.sqlite3-shm").exists()


def test_not_a_database_names_file(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite3"
    db.write_text("these are my notes, not a database\n" * 20)
    before = _digest(db)
    with pytest.raises(NotADatabaseError) as err:
        Store.open(db)
    assert str(db) in str(err.value) and "not an SQLite database" in str(err.value)
    assert _digest(db) == before


def test_corrupt_database_names_file(tmp_path: Path) -> None:
    db = tmp_path / "broken.sqlite3"
    with Store.open(db) as store, store.transaction():
        store.insert_document("a", "A", "text " * 5000)
    data = bytearray(db.read_bytes())
    # Keep the header magic but wreck the page size and the schema page.
    data[16:18] = b"\x00\x03"
    data[100:4096] = b"\xff" * (4096 - 100)
    db.write_bytes(bytes(data))
    with pytest.raises((CorruptDatabaseError, NotADatabaseError)) as err:
        Store.open(db)
    assert str(db) in str(err.value)
    assert "corrupt" in str(err.value) or "not an" in str(err.value)


def test_locked_database_names_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "busy.sqlite3"
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("a", "A", "Lavrov rejected calls for a ceasefire.")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        monkeypatch.setattr("idleb_desk.store.connection.BUSY_TIMEOUT_MS", 100)
        session = ReviewSession(Store.open(db), "ana")
        with pytest.raises(LockedDatabaseError) as err:
            session.create_span(doc, 0, 6, "PERSON")
        assert str(db) in str(err.value) and "locked" in str(err.value)
        session.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    # Nothing was half-written, and the file works again once the lock is gone.
    with Store.open(db) as store:
        assert store.spans(doc) == []


def test_duplicate_text_is_skipped(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.sqlite3") as store, store.transaction():
        assert store.insert_document("a", "A", "same text") is not None
        assert store.insert_document("b", "B", "same text") is None
        assert store.document_count() == 1


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        Store.open(tmp_path)
    assert "folder" in str(err.value)
