"""Failure 1 of issue 6: SQLite's POSIX locks must survive everything else this process does.

On POSIX, closing any descriptor of a file drops every advisory lock the process holds on
it. If opening a second session read the project file with plain file I/O, the window's
connection silently lost its WAL lock, another process then deleted the -wal file under it,
and the decisions after that were invisible to others and lost on a kill -9.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.store import Store

TEXT = " ".join(f"Minister{i} spoke." for i in range(40))


def _project(db: Path) -> int:
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("d", "D", TEXT)
        assert doc is not None
        actors = []
        for i in range(40):
            start = TEXT.index(f"Minister{i} ")
            actors.append(ActorSuggestion(start, start + len(f"Minister{i}"), "", "PERSON"))
        store.add_extraction(doc, Extraction(model="test", actors=tuple(actors)))
    return doc


def _accepted_seen_by_other_process(db: Path) -> int:
    code = (
        "import sqlite3, sys; con = sqlite3.connect(sys.argv[1]); "
        "print(con.execute(\"SELECT count(*) FROM spans WHERE status='accepted'\").fetchone()[0])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


def test_second_session_and_other_process_keep_the_window_locks(tmp_db: Path) -> None:
    doc = _project(tmp_db)
    window = ReviewSession.open(tmp_db, reviewer="a")
    spans = window.spans(doc)
    window.accept_span(spans[0].id)
    # What the window's workers do after the model loads: open and close their own session.
    ReviewSession.open(tmp_db, reviewer="a").close()
    Store.open(tmp_db).close()
    # Another process opens and closes the file (as `idleb-desk stats` does).
    subprocess.run(
        [sys.executable, "-m", "idleb_desk", "stats", str(tmp_db)],
        capture_output=True,
        check=True,
    )
    for span in spans[1:12]:
        window.accept_span(span.id)
    assert _accepted_seen_by_other_process(tmp_db) == 12
    wal = Path(f"{tmp_db}-wal")
    assert wal.exists(), "the -wal file was deleted under an open connection"
    window.close()


def test_decisions_survive_kill_after_second_session(tmp_path: Path) -> None:
    """The same sequence in a child process that is then killed: nothing acknowledged is lost."""
    db = tmp_path / "p.sqlite3"
    doc = _project(db)
    script = textwrap.dedent(
        f"""
        import subprocess, sys, os
        from idleb_desk.core.review import ReviewSession
        from idleb_desk.store.store import Store
        w = ReviewSession.open({str(db)!r}, reviewer="a")
        spans = w.spans({doc})
        w.accept_span(spans[0].id)
        ReviewSession.open({str(db)!r}, reviewer="a").close()
        subprocess.run([sys.executable, "-m", "idleb_desk", "stats", {str(db)!r}],
                       capture_output=True, check=True)
        for s in spans[1:12]:
            w.accept_span(s.id)
        print("acked", flush=True)
        sys.stdin.read()
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "acked"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = con.execute("SELECT count(*) FROM spans WHERE status='accepted'").fetchone()[0]
    finally:
        con.close()
    assert n == 12


def test_undo_steps_only_through_this_reviewers_events(tmp_db: Path) -> None:
    doc = _project(tmp_db)
    ana = ReviewSession.open(tmp_db, reviewer="ana")
    bob = ReviewSession.open(tmp_db, reviewer="bob")
    spans = ana.spans(doc)
    ana.accept_span(spans[0].id)
    bob.reject_span(spans[1].id)
    ana.accept_span(spans[2].id)
    assert ana.undo(doc) is not None  # ana's second accept
    assert ana.undo(doc) is not None  # ana's first accept, past bob's reject
    assert ana.undo(doc) is None
    assert ana.span(spans[1].id).status == "rejected"  # bob's work stands
    assert [ana.span(spans[i].id).status for i in (0, 2)] == ["suggested", "suggested"]
    assert bob.undo(doc) is not None
    assert bob.span(spans[1].id).status == "suggested"
    ana.close()
    bob.close()


def test_undo_is_refused_when_another_reviewer_changed_the_item_since(tmp_db: Path) -> None:
    from idleb_desk.core.ops import ReviewError

    doc = _project(tmp_db)
    ana = ReviewSession.open(tmp_db, reviewer="ana")
    bob = ReviewSession.open(tmp_db, reviewer="bob")
    span = ana.spans(doc)[0]
    ana.accept_span(span.id)
    bob.relabel_span(span.id, "ORG")
    try:
        ana.undo(doc)
    except ReviewError as exc:
        assert "bob" in str(exc)
    else:
        raise AssertionError("undo overwrote bob's later change")
    assert ana.span(span.id).label == "ORG"
    ana.close()
    bob.close()


def test_importing_the_project_file_itself_is_refused(tmp_path: Path) -> None:
    """Reading it as an article would open and close it with plain I/O under the lock.

    A project may have any name, even one the importer reads (here a Label Studio .json).
    """
    from idleb_desk.io.importer import import_paths

    tmp_db = tmp_path / "annotations.json"
    _project(tmp_db)
    copy = tmp_db.with_name("copy.txt")
    copy.write_text("Lavrov spoke.", encoding="utf-8")
    with Store.open(tmp_db) as store:
        report = import_paths(store, [tmp_db, copy])
        assert any("own file" in str(p) for p in report.problems)
        assert store.document_count() == 2  # the article went in; the project did not
