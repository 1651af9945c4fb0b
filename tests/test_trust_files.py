"""Failure 3 of issue 6: damaged and foreign files are refused before anything is written.

Each case compares the file's bytes before and after, and checks that no `-wal` or `-shm`
was left beside it.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.connection import (
    CorruptDatabaseError,
    ForeignFileError,
    NotAProjectError,
    StoreError,
)
from idleb_desk.store.gate import APPLICATION_ID
from idleb_desk.store.recover import recover
from idleb_desk.store.store import Store

SEED = (Path(__file__).parents[1] / "seeds" / "idleb-eu-ministers.txt").read_text("utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def untouched(path: Path, before: str) -> None:
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()
    assert not Path(f"{path}-shm").exists()


def project(path: Path, docs: int = 12) -> Path:
    with Store.open(path) as store, store.transaction():
        for i in range(docs):
            doc = store.insert_document(str(i), f"Doc {i}", f"{SEED} ({i})")
            assert doc is not None
            actors = tuple(ActorSuggestion(j * 30, j * 30 + 10, "", "PERSON") for j in range(60))
            store.add_extraction(doc, Extraction(model="m", actors=actors))
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def foreign(path: Path, user_version: int) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('keep me')")
    con.execute(f"PRAGMA user_version = {user_version}")
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("user_version", [0, 2, 3])
def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path, user_version: int) -> None:
    db = foreign(tmp_path / "other.db", user_version)
    before = digest(db)
    with pytest.raises(ForeignFileError) as err:
        Store.open(db)
    assert str(db) in str(err.value) and "another program" in str(err.value)
    untouched(db, before)


def test_new_projects_carry_the_application_id(tmp_db: Path) -> None:
    Store.open(tmp_db).close()
    con = sqlite3.connect(tmp_db)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.close()


def test_project_without_the_id_is_recognised_by_its_tables(tmp_db: Path) -> None:
    project(tmp_db, docs=1)
    con = sqlite3.connect(tmp_db)
    con.execute("PRAGMA application_id = 0")  # as every project before this version
    con.commit()
    con.close()
    with Store.open(tmp_db) as store:
        assert store.document_count() == 1
        assert store.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_zero_byte_file_is_not_a_project_unless_asked_for(tmp_path: Path) -> None:
    db = tmp_path / "empty.sqlite3"
    db.touch()
    with pytest.raises(NotAProjectError) as err:
        Store.open(db, create=False)
    assert str(db) in str(err.value) and "0 bytes" in str(err.value)
    untouched(db, digest(db))
    with Store.open(db, create=True) as store:
        assert store.document_count() == 0


def test_missing_file_is_not_created_unless_asked_for(tmp_path: Path) -> None:
    db = tmp_path / "typo.sqlite3"
    with pytest.raises(NotAProjectError):
        Store.open(db, create=False)
    assert not db.exists()


def _damage(src: Path, dst: Path, seed: int) -> None:
    rng = random.Random(seed)
    shutil.copy(src, dst)
    data = bytearray(dst.read_bytes())
    offset = rng.randrange(0, len(data) - 512)
    data[offset : offset + 512] = bytes(rng.randrange(256) for _ in range(512))
    dst.write_bytes(bytes(data))


def _integrity(path: Path) -> str:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        con.close()


def test_damaged_copies_are_refused_untouched_and_never_raise_raw_errors(tmp_path: Path) -> None:
    base = project(tmp_path / "base.sqlite3")
    refused = 0
    for seed in range(30):
        db = tmp_path / f"damaged{seed}.sqlite3"
        _damage(base, db, seed)
        sound = _integrity(db) == "ok"
        before = digest(db)
        try:
            session = ReviewSession.open(db, reviewer="t")
        except StoreError as exc:
            assert str(db) in str(exc)
            untouched(db, before)
            refused += 1
            continue
        assert sound, f"copy {seed} fails integrity_check but was opened"
        try:  # a sound file takes a review operation, or says why not
            docs = session.documents()
            if docs and (spans := session.spans(docs[0].id)):
                session.accept_span(spans[0].id)
        except StoreError:
            pass
        finally:
            session.close()
    assert refused > 0  # the damage really hit something


def test_recover_copies_what_is_readable(tmp_path: Path) -> None:
    base = project(tmp_path / "base.sqlite3", docs=30)
    with Store.open(base) as store:
        n_spans = int(store.execute("SELECT count(*) FROM spans").fetchone()[0])
    damaged = tmp_path / "damaged.sqlite3"
    shutil.copy(base, damaged)
    data = bytearray(damaged.read_bytes())
    page = 4096
    # Wreck three pages in the middle of the file (table data, not the schema page).
    for k in (len(data) // page // 2, len(data) // page // 2 + 3, len(data) // page - 2):
        data[k * page : k * page + 600] = b"\x99" * 600
    damaged.write_bytes(bytes(data))
    before = digest(damaged)
    with pytest.raises(CorruptDatabaseError) as err:
        Store.open(damaged)
    assert "idleb-desk recover" in str(err.value)

    new = tmp_path / "recovered.sqlite3"
    report = recover(damaged, new)
    untouched(damaged, before)
    copied = {t.table: t.copied for t in report.tables}
    assert 0 < copied["documents"] <= 30
    assert 0 < copied["spans"] < n_spans or copied["documents"] < 30
    assert "spans" in report.summary()
    with Store.open(new, create=False) as store:  # the new file passes every check
        assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.document_count() == copied["documents"]


def test_recover_refuses_to_overwrite(tmp_path: Path) -> None:
    base = project(tmp_path / "base.sqlite3", docs=1)
    other = project(tmp_path / "other.sqlite3", docs=1)
    before = digest(other)
    with pytest.raises(StoreError):
        recover(base, other)
    assert digest(other) == before


def test_cli_recover_reports_what_was_saved(tmp_path: Path) -> None:
    import subprocess
    import sys

    base = project(tmp_path / "base.sqlite3", docs=3)
    new = tmp_path / "new.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "idleb_desk", "recover", str(base), str(new)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "documents: 3 rows saved" in done.stdout
    again = subprocess.run(
        [sys.executable, "-m", "idleb_desk", "recover", str(base), str(new)],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 2 and "already exists" in again.stderr
