"""Team-server sync of 10 analysts x 1,000 operations (issue 15; target: 10,000 events in at
most 2 s, 0 lost).

Starts its own PostgreSQL (the Debian server binaries, as the `postgres` user when run
as root; tests/pg_server.py), or uses --url (a database the bench may run `team init`
in). Each simulated analyst has their own project (one `team split`-like copy of a
30-document project with a PERSON suggestion on every name) and makes real review
operations through `ReviewSession`, each of which logs one event: first the rename of
the team's shared actor (as each of the others does too, so nine of those pushes are
stale: conflicts), then in turn creating a span on a word found once in the corpus,
relabelling it, commenting on it and accepting a suggestion. Then the ten
sync at once, each in its own process with its own `Store` (push, then pull), and the
time until all ten are done is the figure (`server_calls_s` adds up the time the ten
spent in the server's push and pull statements, lock waits included; the machine's load
average when the clock started is printed: on a shared 2-core machine the ten clients'
own work competes for the CPU with each other and the server); then every analyst syncs
once more (pulling the others' events) and one client's full pull of the log is timed.
`lost` counts operations neither on the server nor shown as a conflict. `sequential_s`:
copies of the same ten projects, made before any sync, pushed to a second team database
one analyst after another (no clients competing for the CPU). The baseline,
measured in the same run: the same 10,000 payloads inserted with one executemany into a
plain table (no versions, no policies): the floor of any push.

    .venv/bin/python bench/team_sync.py [--analysts 10] [--ops 1000] [--url URL]

Prints `analysts events seconds conflicts lost` and a last line of key=value pairs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from team_server_project import make_team  # noqa: E402

from idleb_desk.core.review import ReviewSession  # noqa: E402
from idleb_desk.model import SUGGESTED, ActorSuggestion, Extraction  # noqa: E402
from idleb_desk.store import sync_state as st  # noqa: E402
from idleb_desk.store.documents import insert_document  # noqa: E402
from idleb_desk.store.store import Store  # noqa: E402
from idleb_desk.team.sync import join, sync  # noqa: E402

WORDS = ("Lavrov", "Borrell", "Moscow", "Brussels", "Idlib", "Ankara", "Erdogan", "Putin")


def _text(i: int) -> str:
    # Each "NAME said CODE": names are suggested (the accepts); the codes are words found
    # once in the corpus (a span made on one is new, not the project memory's twin).
    return " ".join(f"{WORDS[(i + k) % len(WORDS)]} said q{i}t{k}" for k in range(40)) + "."


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]


def _source(folder: Path, docs: int) -> tuple[Path, int]:
    """A project of `docs` articles, each with a PERSON suggestion on every name (the even
    tokens: what the accepts take), and the team's one shared actor."""
    src = folder / "source.sqlite3"
    with Store.open(src) as store, store.transaction():
        for i in range(docs):
            text = _text(i)
            doc_id = insert_document(store, f"d{i}", f"Article {i}", text)
            assert doc_id is not None
            names = [ActorSuggestion(a, b, text[a:b], "PERSON")
                     for a, b in _tokens(text)[3::3]]  # fmt: skip
            store.add_extraction(doc_id, Extraction("bench", actors=tuple(names)))
    s = ReviewSession.open(src, "lead", create=False)
    shared = s.create_span(s.documents()[0].id, 0, 6, "PERSON")
    s.close()
    return src, shared.id


def _work(path: Path, who: str, ops: int, shared: int) -> int:
    """`ops` review operations, each of which logs one event (an operation that changes
    nothing logs none, and would not be a sync's load): the stale rename of the shared
    actor, then in turn creating a span on a fresh word, relabelling it, commenting on
    it and accepting a suggestion. Returns how many events they logged."""
    s = ReviewSession.open(path, who, create=False)
    try:
        before = len(s.events())
        docs = [(d.id, _tokens(s.document(d.id).text)) for d in s.documents()]
        actor = s.span(shared).actor_id
        assert actor is not None
        s.rename_actor(actor, f"Sergei Lavrov ({who})")
        suggested = [x.id for d, _ in docs for x in s.spans(d) if x.status == SUGGESTED]
        span = 0
        for i in range(1, ops):
            k = i // 4
            if i % 4 == 1 or not span:  # a code word: never suggested, found once
                doc, words = docs[k % len(docs)]
                a, b = words[2::3][k // len(docs)]
                span = s.create_span(doc, a, b, "ORG").id
            elif i % 4 == 2:
                s.relabel_span(span, "GPE")
            elif i % 4 == 3:
                s.set_comment("span", span, f"note {i} ‘quoted’; {who}")
            else:
                s.accept_span(suggested[k])
        return len(s.events()) - before
    finally:
        s.close()


def _noop(_: int) -> None:
    return None


def _sync_one(path: str) -> tuple[float, float]:
    with Store.open(path, create=False) as store:
        t = time.perf_counter()
        report = sync(store)
        return time.perf_counter() - t, report.server_seconds


def _baseline(url: str, payloads: list[str]) -> float:
    with psycopg.connect(url) as con:
        con.execute("CREATE TEMP TABLE floor (uid text, body jsonb)")
        t = time.perf_counter()
        with con.cursor() as cur:
            cur.executemany("INSERT INTO floor VALUES (%s, %s)",
                            [(str(i), p) for i, p in enumerate(payloads)])  # fmt: skip
        con.commit()
        return time.perf_counter() - t


def sequential(url: str, paths: list[Path]) -> float:
    """The same projects (copies made before any sync) pushed to a second team database
    one analyst after another: the time without ten clients sharing the machine's CPU."""
    for path in paths:
        con = sqlite3.connect(path)
        (raw,) = con.execute("SELECT value FROM settings WHERE key = 'team.server'").fetchone()
        link = json.loads(raw)
        link["url"] = make_conninfo(url, user=link["analyst"])
        con.execute("UPDATE settings SET value = ? WHERE key = 'team.server'",
                    (json.dumps(link),))  # fmt: skip
        con.commit()
        con.close()
    t = time.perf_counter()
    for path in paths:
        with Store.open(path, create=False) as store:
            sync(store)
    return time.perf_counter() - t


def run(url: str, analysts: int, ops: int, folder: Path) -> dict[str, float]:
    names = [f"analyst{i}" for i in range(analysts)]
    src, shared = _source(folder, 30)
    make_team(url, names, src)
    paths: dict[str, Path] = {}
    made: dict[str, int] = {}
    t = time.perf_counter()
    for n in names:
        paths[n] = folder / f"{n}.sqlite3"
        shutil.copyfile(src, paths[n])
        with Store.open(paths[n], create=False) as store:
            join(store, make_conninfo(url, user=n), n)
        made[n] = _work(paths[n], n, ops, shared)
    print(f"# {sum(made.values())} operations made in {time.perf_counter() - t:.1f} s "
          "(not timed)", file=sys.stderr)  # fmt: skip
    (folder / "seq").mkdir()
    for n in names:
        shutil.copyfile(paths[n], folder / "seq" / paths[n].name)
    # One process per analyst, started before the clock (each analyst's laptop does its
    # own client work; threads would queue all ten on one interpreter lock).
    with multiprocessing.get_context("fork").Pool(analysts) as pool:
        pool.map(_noop, range(analysts))
        t = time.perf_counter()
        load = os.getloadavg()[0]
        timed = pool.map(_sync_one, [str(p) for p in paths.values()])
        seconds = time.perf_counter() - t
    conflicts = 0
    for p in paths.values():  # every analyst pulls the others' events
        with Store.open(p, create=False) as store:
            sync(store)
            conflicts += len(st.conflicts(store.con))
    # One client pulling the whole log again from the start: the full-pull figure.
    fresh = folder / "fresh.sqlite3"
    shutil.copyfile(paths[names[0]], fresh)
    with Store.open(fresh, create=False) as store, store.transaction():
        store.con.execute("DELETE FROM sync_log")
        st.set_state(store.con, "cursor", 0)
    with Store.open(fresh, create=False) as store:
        t = time.perf_counter()
        sync(store)
        pull_seconds = time.perf_counter() - t
    with psycopg.connect(url) as con:
        row = con.execute("SELECT count(*) FROM idleb_team.events").fetchone()
        on_server = int(row[0]) if row else 0
        payloads = [json.dumps(r[0]) for r in con.execute(
            "SELECT changes FROM idleb_team.events ORDER BY id")]  # fmt: skip
    events = sum(made.values())
    lost = events - on_server - conflicts
    return {"analysts": analysts, "events": events, "seconds": seconds,
            "conflicts": conflicts, "lost": lost, "pull_s": pull_seconds,
            "slowest_client_s": max(c for c, _ in timed),
            "server_calls_s": sum(s for _, s in timed), "loadavg": load,
            "baseline_s": _baseline(url, payloads)}  # fmt: skip


def second_database(url: str, pg: object) -> str | None:
    """A fresh database beside the first, on the bench's own server only."""
    return None if pg is None else pg.url(pg.create_database())  # type: ignore[attr-defined]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--analysts", type=int, default=10)
    ap.add_argument("--ops", type=int, default=1000)
    ap.add_argument("--url", help="an empty database to run in (default: start a server)")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="idleb-team-bench-"))
    pg = None
    try:
        url = args.url
        if url is None:
            from pg_server import PgServer, find_bin

            bindir = find_bin()
            if bindir is None:
                print("no PostgreSQL server binaries (apt install postgresql)", file=sys.stderr)
                return 2
            pg = PgServer(bindir, durable=True)  # fsync on, as a team's server runs
            pg.init()
            pg.start()
            url = pg.url(pg.create_database())
        f = run(url, args.analysts, args.ops, folder)
        url2 = second_database(url, pg)
        if url2 is not None:
            names = [f"analyst{i}" for i in range(args.analysts)]
            make_team(url2, names, folder / "source.sqlite3")
            f["sequential_s"] = sequential(url2, sorted((folder / "seq").glob("*.sqlite3")))
    finally:
        if pg is not None:
            pg.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    print("analysts events seconds conflicts lost")
    print(f"{f['analysts']} {f['events']} {f['seconds']:.3f} {f['conflicts']} {f['lost']}")
    print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in f.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
