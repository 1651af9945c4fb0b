"""Issue 12, item 1: a `-wal` that is not this project's own is never applied.

Each case makes real crashes (a child process killed with SIGKILL while its decisions sit
in the WAL) and real copies of the files, then opens the project the way the CLI does.
The invariant every case checks: the event log only grows, so every event of the bare
file (read without its WAL) is still there after any open.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store import walguard
from idleb_desk.store.store import Store

SEED = (Path(__file__).parents[1] / "seeds" / "idleb-eu-ministers.txt").read_text("utf-8")
N_SPANS = 80


def make_project(db: Path, docs: int = 4) -> None:
    with Store.open(db) as store, store.transaction():
        for i in range(docs):
            doc = store.insert_document(str(i), f"Doc {i}", f"{SEED} ({i})")
            assert doc is not None
            actors = tuple(
                ActorSuggestion(j * 30, j * 30 + 10, "", "PERSON") for j in range(N_SPANS)
            )
            store.add_extraction(doc, Extraction(model="m", actors=actors))


def accept_some(db: Path, n: int, reviewer: str = "ana", doc_offset: int = 0) -> None:
    session = ReviewSession.open(db, reviewer=reviewer, create=False)
    try:
        doc = session.documents()[doc_offset].id
        for span in session.spans(doc)[:n]:
            session.accept_span(span.id)
    finally:
        session.close()


def crash_after(db: Path, body: str) -> None:
    """Run `body` on a session in a child process, then kill it with SIGKILL: what it did
    is committed to the WAL and never checkpointed."""
    script = textwrap.dedent(
        f"""
        import sys
        from idleb_desk.core.review import ReviewSession
        s = ReviewSession.open({str(db)!r}, reviewer="killed", create=False)
        docs = [d.id for d in s.documents()]
        """
    ) + textwrap.dedent(body) + 'print("acked", flush=True)\nsys.stdin.read()\n'
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "acked"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert walguard.read_wal_header(db) is not None, "the crash left no WAL to test with"


def foreign_wal_beside(db: Path, tmp_path: Path) -> None:
    """The analyst accepts 25 spans and closes cleanly; another copy of the project, taken
    before, deletes 17 spans and is killed; its `-wal` is put beside the project."""
    other = tmp_path / "copy" / db.name
    other.parent.mkdir()
    shutil.copyfile(db, other)
    accept_some(db, 25)
    crash_after(other, "for sp in s.spans(docs[0])[:17]:\n    s.delete_span(sp.id)\n")
    shutil.copyfile(walguard.wal_path(other), walguard.wal_path(db))


def bare_events(db: Path) -> dict[int, tuple]:
    con = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return {int(r[0]): tuple(r[1:]) for r in con.execute("SELECT * FROM events")}
    finally:
        con.close()


def counts(db: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
    try:
        spans = con.execute("SELECT count(*) FROM spans").fetchone()[0]
        accepted = con.execute("SELECT count(*) FROM spans WHERE status='accepted'").fetchone()[0]
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()
    return spans, accepted, events


def open_like_cli(db: Path) -> list[str]:
    with Store.open(db, create=False) as store:
        store.execute("SELECT count(*) FROM spans").fetchone()
        return list(store.notices)


def assert_events_kept(db: Path, before: dict[int, tuple]) -> None:
    after = bare_events(db)  # the store closed cleanly: everything is in the file now
    missing = [eid for eid, row in before.items() if after.get(eid) != row]
    assert not missing, f"{len(missing)} events of the bare file were lost"


def set_aside_files(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}-wal.not-this-project-*"))


def test_a_foreign_wal_from_another_copy_is_set_aside(tmp_path: Path) -> None:
    db = tmp_path / "project.sqlite3"
    make_project(db)
    foreign_wal_beside(db, tmp_path)
    before = bare_events(db)
    assert counts(db) == (4 * N_SPANS, 25, len(before))

    notices = open_like_cli(db)

    assert counts(db) == (4 * N_SPANS, 25, len(before))
    assert_events_kept(db, before)
    assert len(notices) == 1 and "did not belong to this project" in notices[0]
    assert len(set_aside_files(db)) == 1
    assert not walguard.wal_path(db).exists()


def test_a_backup_copied_over_a_crashed_project_does_not_take_its_wal(tmp_path: Path) -> None:
    """The ordinary trigger: copy the backup over the project, a killed process's WAL beside."""
    db = tmp_path / "project.sqlite3"
    make_project(db)
    accept_some(db, 10)
    backup = tmp_path / "project.sqlite3.bak"
    shutil.copyfile(db, backup)
    crash_after(
        db,
        "for d in docs:\n    for sp in s.spans(d)[10:40]:\n        s.delete_span(sp.id)\n",
    )
    shutil.copyfile(backup, db)  # what the damage message used to advise
    before = bare_events(db)
    expected = counts(db)

    notices = open_like_cli(db)

    assert counts(db) == expected == (4 * N_SPANS, 10, len(before))
    assert_events_kept(db, before)
    assert notices and "replaced" in notices[0]
    assert len(set_aside_files(db)) == 1


def test_a_crash_of_this_project_keeps_every_decision(tmp_path: Path) -> None:
    db = tmp_path / "project.sqlite3"
    make_project(db)
    accept_some(db, 5)
    crash_after(db, "for sp in s.spans(docs[1])[:30]:\n    s.accept_span(sp.id)\n")
    before = bare_events(db)

    notices = open_like_cli(db)

    assert notices == []
    assert counts(db)[1] == 35
    assert_events_kept(db, before)
    assert set_aside_files(db) == []


def test_a_crash_after_checkpoints_and_wal_restarts_keeps_every_decision(
    tmp_path: Path,
) -> None:
    """Enough writes for the store's own checkpoints and WAL restarts before the kill."""
    db = tmp_path / "project.sqlite3"
    make_project(db)
    # A small threshold, so that a few hundred decisions make many checkpoints and WAL
    # restarts before the kill.
    body = """
    from idleb_desk.store import walguard
    walguard.CHECKPOINT_BYTES = 16 * 1024
    for d in docs:
        for sp in s.spans(d)[:30]:
            s.accept_span(sp.id)
    """
    crash_after(db, body)
    before = bare_events(db)

    notices = open_like_cli(db)

    assert notices == []
    assert counts(db)[1] == 120
    assert_events_kept(db, before)


def test_a_clean_close_leaves_no_wal_and_a_clean_record(tmp_path: Path) -> None:
    db = tmp_path / "project.sqlite3"
    make_project(db)
    accept_some(db, 3)
    assert walguard.read_wal_header(db) is None
    record = walguard.read_record(db)
    assert record is not None and record["clean"] is True


def test_a_foreign_wal_beside_a_project_without_a_record_is_set_aside(tmp_path: Path) -> None:
    """Projects from before the record: the event log decides."""
    db = tmp_path / "project.sqlite3"
    make_project(db)
    foreign_wal_beside(db, tmp_path)
    walguard.record_path(db).unlink()
    before = bare_events(db)

    notices = open_like_cli(db)

    assert counts(db)[1] == 25
    assert_events_kept(db, before)
    assert notices and "saved events" in notices[0]


def test_a_crash_wal_without_a_record_is_applied(tmp_path: Path) -> None:
    db = tmp_path / "project.sqlite3"
    make_project(db)
    crash_after(db, "for sp in s.spans(docs[1])[:7]:\n    s.accept_span(sp.id)\n")
    walguard.record_path(db).unlink()
    assert open_like_cli(db) == []
    assert counts(db)[1] == 7


def test_a_wal_in_use_by_another_process_is_never_judged(tmp_path: Path) -> None:
    db = tmp_path / "project.sqlite3"
    make_project(db)
    script = textwrap.dedent(
        f"""
        import sqlite3, sys
        con = sqlite3.connect({str(db)!r})
        con.execute("PRAGMA wal_autocheckpoint = 0")
        con.execute("UPDATE spans SET status = 'accepted' WHERE id <= 4")
        con.commit()
        print("holding", flush=True)
        sys.stdin.read()
        con.close()
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        assert walguard.wal_in_use(db)
        # The record says the last close was clean, yet this WAL is live: leave it alone.
        assert open_like_cli(db) == []
        assert set_aside_files(db) == []
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    assert counts(db)[1] == 4


def test_checking_a_file_with_a_crash_wal_makes_no_side_file(tmp_path: Path) -> None:
    """Item 10: checking a file with a WAL (here, one that gets set aside) makes no -shm."""
    db = tmp_path / "project.sqlite3"
    make_project(db)
    crash_after(db, "for sp in s.spans(docs[0])[:3]:\n    s.accept_span(sp.id)\n")
    shm = walguard.shm_path(db)
    if shm.exists():
        shm.unlink()
    from idleb_desk.store import gate

    facts = gate.inspect_file(db)
    assert facts.ours
    assert not shm.exists()


def test_the_window_tells_the_analyst_a_stray_wal_was_set_aside(
    tmp_path: Path, open_window, shown_errors
) -> None:
    db = tmp_path / "project.sqlite3"
    make_project(db)
    foreign_wal_beside(db, tmp_path)
    window = open_window(db)
    assert any("did not belong to this project" in msg for _t, msg in shown_errors)
    assert window.session is not None
    accepted = [
        s for d in window.session.documents() for s in window.session.spans(d.id)
        if s.status == "accepted"
    ]  # fmt: skip
    assert len(accepted) == 25
