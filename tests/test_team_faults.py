"""Faults against a real PostgreSQL (issue 15): a client killed (SIGKILL) in the middle of
a push and of a pull, the server restarted during a sync, ten analysts syncing at once.
Nothing acknowledged is lost, nothing is applied twice, and every log agrees at the end."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from pg_server import PgServer
from team_server_project import (
    RELABELS,
    as_user,
    copy,
    make_project,
    publish_project,
    session,
    team,
    two_laptops,
)

from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store
from idleb_desk.team.server import ServerOffline
from idleb_desk.team.sync import SyncReport, join, sync

pytestmark = pytest.mark.pgserver
ROOT = Path(__file__).resolve().parents[1]
EVENTS = 1200


def _server_count(url: str) -> int:
    with psycopg.connect(url) as con:
        row = con.execute("SELECT count(*) FROM idleb_team.events").fetchone()
    return int(row[0]) if row else 0


def _server_log(url: str) -> list[tuple[int, str]]:
    with psycopg.connect(url) as con:
        rows = con.execute("SELECT id, uid FROM idleb_team.events ORDER BY id").fetchall()
    return [(int(r[0]), r[1]) for r in rows]


def _sync(path: Path, batch: int = 2000) -> SyncReport:
    with Store.open(path, create=False) as store:
        return sync(store, batch=batch)


def _sync_in_child(path: Path, batch: int) -> subprocess.Popen:
    code = (
        "import sys\nfrom idleb_desk.store.store import Store\n"
        "from idleb_desk.team.sync import sync\n"
        f"with Store.open({str(path)!r}, create=False) as s:\n"
        f"    sync(s, batch={batch})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], env=env)


def _kill_when(child: subprocess.Popen, ready, limit: float = 60.0) -> bool:
    """SIGKILL the child once `ready()`; True if it was still running then."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if child.poll() is not None:
            return False
        if ready():
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            return True
        time.sleep(0.002)
    child.kill()
    child.wait()
    raise AssertionError("the child never got going")


def _cursor(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        row = con.execute("SELECT value FROM sync_state WHERE key = 'cursor'").fetchone()
        return int(row[0]) if row else 0
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


def test_a_client_killed_mid_push_and_mid_pull_loses_nothing(pg_url: str,
                                                             tmp_path: Path) -> None:
    one, two, span_id = two_laptops(pg_url, tmp_path, EVENTS)
    killed = _kill_when(_sync_in_child(one, 40), lambda: _server_count(pg_url) > 0)
    cut = _server_count(pg_url)
    assert killed and 0 < cut < EVENTS, "the kill did not land inside the push"
    report = _sync(one)
    assert report.pending == 0 and report.open_conflicts == 0
    log = _server_log(pg_url)
    assert len(log) == EVENTS and len({uid for _, uid in log}) == EVENTS
    with Store.open(one, create=False) as store:
        assert store.con.execute(
            "SELECT count(*) FROM sync_events WHERE state = ?", (st.PUSHED,)
        ).fetchone()[0] == EVENTS
    # The other laptop: killed in the middle of pulling, then pulled again.
    killed = _kill_when(_sync_in_child(two, 40), lambda: _cursor(two) > 0)
    assert killed and _cursor(two) < log[-1][0], "the kill did not land inside the pull"
    assert _sync(two).pending == 0
    with Store.open(two, create=False) as store:
        assert st.remote_log(store.con) == log
        pulled = store.con.execute(
            "SELECT count(*) FROM sync_events WHERE state = ?", (st.PULLED,)
        ).fetchone()[0]
        assert pulled == EVENTS  # each applied once
        assert store.span(span_id).label == RELABELS[(EVENTS - 1) % len(RELABELS)]


def test_the_server_restarted_during_a_sync(pg_server: PgServer, pg_url: str,
                                            tmp_path: Path) -> None:
    one, two, span_id = two_laptops(pg_url, tmp_path, EVENTS)
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(_sync(one, batch=20))
        except ServerOffline as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    end = time.monotonic() + 60
    while _server_count(pg_url) == 0 and time.monotonic() < end and worker.is_alive():
        time.sleep(0.002)
    pg_server.restart(down_seconds=0.3)
    worker.join(60)
    assert outcome and isinstance(outcome[0], ServerOffline), outcome
    with Store.open(one, create=False) as store:
        assert st.get_state(store.con, "offline_since") is not None
    assert _sync(one).pending == 0
    _sync(two)
    log = _server_log(pg_url)
    assert len(log) == EVENTS
    for path in (one, two):
        with Store.open(path, create=False) as store:
            assert st.get_state(store.con, "offline_since") is None
    with Store.open(two, create=False) as store:
        assert st.remote_log(store.con) == log
        assert store.span(span_id).label == RELABELS[(EVENTS - 1) % len(RELABELS)]


def test_ten_analysts_syncing_at_once_end_with_one_log(pg_url: str, tmp_path: Path) -> None:
    names = tuple(f"analyst{i}" for i in range(10))
    team(pg_url, names)
    src = make_project(tmp_path / "src.sqlite3")
    s = session(src, "lead")
    shared = s.create_span(s.documents()[0].id, 0, 6, "PERSON")  # actor "Lavrov"
    s.close()
    publish_project(pg_url, src, set(), list(names))
    paths = {}
    made = {}
    for k, who in enumerate(names):
        paths[who] = copy(src, tmp_path / f"{who}.sqlite3")
        with Store.open(paths[who], create=False) as store:
            join(store, as_user(pg_url, who), who)
        s = session(paths[who], who)
        joined_at = len(s.events())  # the lead's event came with the file: not pushed
        doc = s.documents()[k % 3].id
        for i in range(15):
            span = s.create_span(doc, 7 + i % 5, 12 + i % 5, "ORG")
            s.relabel_span(span.id, "GPE")
        actor_id = s.span(shared.id).actor_id
        assert actor_id is not None
        s.rename_actor(actor_id, f"Lavrov ({who})")  # one of these wins, nine conflict
        made[who] = len(s.events()) - joined_at
        s.close()
    errors: list[BaseException] = []

    def run(path: Path) -> None:
        try:
            for _ in range(2):
                _sync(path, batch=7)
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in paths.values()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    reports = {who: _sync(path) for who, path in paths.items()}
    log = _server_log(pg_url)
    conflicts = 0
    for path in paths.values():
        with Store.open(path, create=False) as store:
            assert st.remote_log(store.con) == log
            conflicts += len(st.conflicts(store.con))
    assert conflicts == 9
    assert all(r.pending == 0 for r in reports.values())
    # Nothing lost: every event but the nine refused renames is on the server.
    assert len(log) == sum(made.values()) - 9
