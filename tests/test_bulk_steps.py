"""A project-wide "every occurrence" commits one document at a time (issue 12, issue 17).

Other writers get the file between the steps; the steps form ONE undo group (one Ctrl+Z
in any document undoes all of them, one redo redoes all); Cancel keeps what was committed
as that one group; a kill -9 between or inside steps leaves every committed step whole.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from idleb_desk.core.ops import ReviewError
from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store import memory as mem
from idleb_desk.store.store import Store

ROOT = Path(__file__).resolve().parents[1]
NAME = "Lavrov"


def text_of(n: int) -> str:
    return f"Report {n}: Lavrov met Cavusoglu. Later Lavrov said Russia would stay. Lavrov left."


def make_project(db: Path, docs: int = 6, memory: bool = False) -> list[int]:
    """`docs` documents, each with three suggested "Lavrov" and one "Cavusoglu"."""
    ids = []
    with Store.open(db) as store:
        with store.transaction():
            for n in range(docs):
                text = text_of(n)
                doc = store.insert_document(str(n), f"Report {n}", text)
                assert doc is not None
                actors = []
                for word in (NAME, "Cavusoglu"):
                    i = text.find(word)
                    while i >= 0:
                        actors.append(ActorSuggestion(i, i + len(word), word, "PERSON"))
                        i = text.find(word, i + 1)
                store.add_extraction(doc, Extraction("m", actors=tuple(actors)))
                ids.append(doc)
        store.set_setting(mem.ENABLED_SETTING, memory)
    return ids


def lavrov_statuses(s: ReviewSession, doc: int) -> list[str]:
    return [x.status for x in s.spans(doc) if x.text == NAME and x.layer == "actor"]


def first_lavrov(s: ReviewSession, doc: int) -> int:
    return next(x.id for x in s.spans(doc) if x.text == NAME)


def changed_docs(s: ReviewSession, ids: list[int]) -> list[int]:
    return [d for d in ids if set(lavrov_statuses(s, d)) != {"suggested"}]


def test_another_connection_writes_between_the_steps(tmp_db: Path) -> None:
    ids = make_project(tmp_db)
    s = ReviewSession.open(tmp_db, "ana")
    other = ReviewSession.open(tmp_db, "bo")
    # A second writer that gives up almost at once: it only gets through if no step
    # holds the write lock while it tries.
    other.store.con.execute("PRAGMA busy_timeout = 50")
    cavusoglu = [next(x.id for x in other.spans(d) if x.text == "Cavusoglu") for d in ids]
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int, _title: str) -> None:
        calls.append((done, total))
        other.set_comment("span", cavusoglu[done - 1], f"checked during step {done}")

    result = s.accept_every(first_lavrov(s, ids[0]), project=True, progress=progress, step_ms=0)
    assert calls == [(i, len(ids)) for i in range(1, len(ids) + 1)]
    assert result.changed == 3 * len(ids) and not result.cancelled
    assert [other.span(c).comment for c in cavusoglu] == [
        f"checked during step {i}" for i in range(1, len(ids) + 1)
    ]
    other.close()
    s.close()


def test_a_second_process_writes_while_the_bulk_runs(tmp_db: Path) -> None:
    ids = make_project(tmp_db)
    s = ReviewSession.open(tmp_db, "ana")
    writes = []

    def progress(done: int, _total: int, _title: str) -> None:
        # Another program (a CLI, a script) with a short busy timeout.
        code = (
            "import sqlite3, sys; con = sqlite3.connect(sys.argv[1], timeout=0.05); "
            "con.execute(\"UPDATE settings SET value = ? WHERE key = 'memory.enabled'\", "
            "('false',)); con.commit()"
        )
        done_ = subprocess.run([sys.executable, "-c", code, str(tmp_db)], capture_output=True)
        writes.append(done_.returncode)

    s.accept_every(first_lavrov(s, ids[0]), project=True, progress=progress, step_ms=0)
    assert writes == [0] * len(ids)
    s.close()


def test_one_undo_restores_every_document_and_one_redo_redoes_them(tmp_db: Path) -> None:
    ids = make_project(tmp_db)
    s = ReviewSession.open(tmp_db, "ana")
    result = s.accept_every(first_lavrov(s, ids[0]), project=True)
    assert result.documents == tuple(ids)
    assert all(lavrov_statuses(s, d) == ["accepted"] * 3 for d in ids)
    event = s.undo(ids[3])  # one Ctrl+Z, from any of the documents
    assert event is not None and event.op == "accept_every_project"
    assert changed_docs(s, ids) == []
    assert not s.can_undo(ids[0]) and not s.can_undo(ids[-1])
    s.redo(ids[-1])  # one redo, from another one
    assert all(lavrov_statuses(s, d) == ["accepted"] * 3 for d in ids)
    assert not s.can_redo(ids[0])
    s.undo(ids[0])
    assert changed_docs(s, ids) == []
    s.close()


def test_cancel_after_n_documents_keeps_n_as_one_undo_group(tmp_db: Path) -> None:
    ids = make_project(tmp_db, docs=8)
    s = ReviewSession.open(tmp_db, "ana")
    seen: list[int] = []
    result = s.accept_every(
        first_lavrov(s, ids[0]),
        project=True,
        progress=lambda done, _n, _t: seen.append(done),
        cancelled=lambda: len(seen) >= 3,
        step_ms=0,  # one document per step
    )
    assert result.cancelled and seen == [1, 2, 3]
    assert result.documents == tuple(ids[:3]) and result.changed == 9
    assert changed_docs(s, ids) == ids[:3]
    s.undo(ids[1])
    assert changed_docs(s, ids) == []
    s.redo(ids[2])
    assert changed_docs(s, ids) == ids[:3]
    s.close()


def test_cancel_with_steps_of_several_documents_stops_before_the_next_document(
    tmp_db: Path,
) -> None:
    """Cancel is asked before every document, inside a step too: the step commits the
    documents it did and the action stops there."""
    ids = make_project(tmp_db, docs=8)
    s = ReviewSession.open(tmp_db, "ana")
    asked = iter(range(100))
    steps: list[int] = []
    result = s.accept_every(
        first_lavrov(s, ids[0]),
        project=True,
        progress=lambda done, _n, _t: steps.append(done),
        cancelled=lambda: next(asked) >= 5,
        step_ms=10_000,  # every document fits in one step
    )
    assert result.cancelled and steps == [5] and changed_docs(s, ids) == ids[:5]
    s.undo(ids[0])
    assert changed_docs(s, ids) == []
    s.close()


def test_new_work_after_undo_ends_the_whole_group_redo(tmp_db: Path) -> None:
    ids = make_project(tmp_db)
    s = ReviewSession.open(tmp_db, "ana")
    s.accept_every(first_lavrov(s, ids[0]), project=True)
    s.undo(ids[0])
    cav = next(x.id for x in s.spans(ids[2]) if x.text == "Cavusoglu")
    s.accept_span(cav)  # new work in one document of the group
    # A single project event would now be dropped as a whole: so is the group.
    assert not s.can_redo(ids[4])
    assert s.redo(ids[4]) is None
    assert changed_docs(s, ids) == []
    s.close()


def test_undo_of_the_group_refuses_when_another_analyst_changed_its_rows(tmp_db: Path) -> None:
    ids = make_project(tmp_db)
    s = ReviewSession.open(tmp_db, "ana")
    s.accept_every(first_lavrov(s, ids[0]), project=True)
    bo = ReviewSession.open(tmp_db, "bo")
    bo.reject_span(first_lavrov(bo, ids[4]))
    with pytest.raises(ReviewError, match="bo changed the same item"):
        s.undo(ids[0])
    assert all(lavrov_statuses(s, d)[1:] == ["accepted"] * 2 for d in ids)
    bo.close()
    s.close()


def test_memory_spreads_one_document_per_step(tmp_db: Path) -> None:
    """Memory's first-acceptance spread joins the steps: a document holding the string
    with no span at it gets its suggestion in its own step, undone with the group."""
    ids = make_project(tmp_db, docs=4, memory=True)
    with Store.open(tmp_db) as store, store.transaction():
        bare = store.insert_document("bare", "No spans", "Only text: Lavrov arrived late.")
    s = ReviewSession.open(tmp_db, "ana")
    steps: list[int] = []
    result = s.accept_every(
        first_lavrov(s, ids[0]), project=True, progress=lambda i, n, _t: steps.append(n), step_ms=0
    )
    assert steps == [5] * 5 and result.documents == (*ids, bare)
    memory = [x for x in s.spans(bare) if x.origin == mem.MEMORY_ORIGIN]
    assert [(x.text, x.status) for x in memory] == [(NAME, "suggested")]
    s.undo(bare)
    assert s.spans(bare) == [] and changed_docs(s, ids) == []
    s.close()


KILLED = textwrap.dedent(
    """
    import sys
    from idleb_desk.core.review import ReviewSession
    s = ReviewSession.open(sys.argv[1], "ana")
    sid = int(sys.argv[2])
    def progress(done, total, title):
        print(done, flush=True)
    s.accept_every(sid, project=True, progress=progress, step_ms=0)
    print("finished", flush=True)
    """
)


@pytest.mark.parametrize("after", [1, 4])
def test_kill_9_mid_way_leaves_whole_steps_and_one_undo_group(tmp_db: Path, after: int) -> None:
    ids = make_project(tmp_db, docs=40)
    s = ReviewSession.open(tmp_db, "ana")
    sid = first_lavrov(s, ids[0])
    s.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(tmp_db), str(sid)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == str(after):
            child.send_signal(signal.SIGKILL)  # the child goes on meanwhile: any point
            break
    child.wait()
    assert child.returncode == -signal.SIGKILL
    con = sqlite3.connect(tmp_db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    s = ReviewSession.open(tmp_db, "ana")
    done = changed_docs(s, ids)
    # Whole steps only, in order, each with its event; nothing half done.
    assert len(done) >= after and done == ids[: len(done)]
    assert all(lavrov_statuses(s, d) == ["accepted"] * 3 for d in done)
    logged = [json.loads(r[0]) for r in s.store.execute("SELECT before FROM events")]
    assert sum(len(b.get("spans", {})) for b in logged) == 3 * len(done)
    s.undo(done[-1])  # the committed steps are one undo group
    assert changed_docs(s, ids) == []
    s.close()
