"""Benchmark: a project-wide "accept every occurrence" over 600 documents (issues 12, 17).

Builds a project of `--docs` articles (about 550 words each), each with `--per-doc`
suggested mentions of one name among 40 other actor suggestions (unlinked, as in a project
older than linked suggestions: the worst case, every accept links its mention; `--linked`
builds them linked, as an import does now), and presses "accept every occurrence in the
project" on the first one through `ReviewSession`, with project memory on. Per round, on
a fresh copy of the project, it reports:

- `total_s`: the whole action, from the call to its return (target <= 5 s);
- `max_lock_ms`: the longest write transaction (BEGIN IMMEDIATE to COMMIT), which is how
  long any other writer (another window, the CLI) may have to wait (target <= 250 ms);
- `steps`: write transactions (commits) the action took; `docs`, `occurrences`;
- `undo_s` / `undo_lock_ms`: one Ctrl+Z of the whole action, and its write transaction;
- `probe_*`: a second process that writes a comment every 50 ms during the action with
  the app's own busy timeout (3 s): how many writes went through, how many timed out,
  and the longest wait.

Baselines in the same run:

- `sql_s` / `sql_lock_ms`: bare SQL on another copy, through the app's connection
  settings (WAL, synchronous=FULL): the same rows' status, reviewer, review time and
  actor set by one UPDATE per document, one commit per document: the floor of
  document-sized commits (an fsync each), with no event, link or memory work;
- `--before REV[,REV]` (default 5c1b617, the tree before issue 17's bulk work; 28c69d3
  is the one-transaction code before document-sized steps, which takes minutes): that
  revision's code (`git archive`), same workload, in a process of its own.

Figures are medians over `--rounds` (the longest lock: the maximum).

    .venv/bin/python bench/bulk.py [--docs 600] [--per-doc 4] [--rounds 3] [--before REV|none]

Last line: key=value pairs, this tree's, then each revision's (prefixed `REV_`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The baseline worker runs this file against an older tree: BENCH_CODE names it.
sys.path.insert(0, os.environ.get("BENCH_CODE", str(ROOT)))

from idleb_desk.core.review import ReviewSession  # noqa: E402
from idleb_desk.model import ActorSuggestion, Extraction  # noqa: E402
from idleb_desk.store.store import Store  # noqa: E402

BEFORE = "5c1b617"
NAME = "Lavrov"
OTHERS = ["Erdogan", "Macron", "Merkel", "Assad", "Putin", "Guterres", "Cavusoglu", "Borrell"]
WORDS = ["the", "minister", "said", "offensive", "in", "province", "must", "end", "warned",
         "talks", "ceasefire", "army", "rebels", "city", "officials", "reported", "shelling",
         "near", "border", "humanitarian", "corridor", "aid", "convoy"]  # fmt: skip

PROBE = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=3.0, isolation_level=None)
ok = failed = 0
worst = 0.0
stop = time.monotonic() + float(sys.argv[2])
while time.monotonic() < stop:
    t = time.perf_counter()
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE spans SET comment = ? WHERE id = 1", (f"probe {ok}",))
        con.execute("COMMIT")
        ok += 1
    except sqlite3.OperationalError:
        failed += 1
    worst = max(worst, time.perf_counter() - t)
    time.sleep(0.05)
print(ok, failed, round(worst * 1000, 1))
"""


def build(path: Path, docs: int, per_doc: int, linked: bool = False) -> int:
    """The project; returns the id of the first mention of NAME."""
    rng = random.Random(1)
    with Store.open(path) as store, store.transaction():
        if linked:
            from idleb_desk.core.actors import link_suggestions
        for n in range(docs):
            names = [NAME] * per_doc + [rng.choice(OTHERS) for _ in range(40)]
            rng.shuffle(names)
            parts: list[str] = []
            actors = []
            pos = 0
            for name in names:
                filler = " ".join(rng.choice(WORDS) for _ in range(12)) + " "
                parts.append(filler)
                pos += len(filler)
                actors.append(ActorSuggestion(pos, pos + len(name), name, "PERSON"))
                parts.append(name + ". ")
                pos += len(name) + 2
            doc = store.insert_document(str(n), f"Article {n}", "".join(parts) + f"End {n}.")
            assert doc is not None
            store.add_extraction(doc, Extraction(model="bench", actors=tuple(actors)))
            if linked:
                link_suggestions(store, doc)
        row = store.execute(
            "SELECT s.id FROM spans s JOIN documents d ON d.id = s.document_id "
            "WHERE substr(d.text, s.start + 1, ?) = ? ORDER BY s.document_id, s.start LIMIT 1",
            (len(NAME), NAME),
        ).fetchone()
    return int(row[0])


def time_writes(store: Store, holds: list[float]) -> None:
    """Record how long each write transaction of this store holds the lock."""
    plain = store.transaction

    @contextlib.contextmanager
    def timed(mode: str = "IMMEDIATE") -> Iterator[None]:
        start = time.perf_counter()
        with plain(mode):
            yield
        if mode != "DEFERRED":
            holds.append(time.perf_counter() - start)

    store.transaction = timed  # type: ignore[method-assign]


def measure(db: Path, first: int, probe_s: float) -> dict[str, Any]:
    """One action on the project at `db` (changed: pass a copy)."""
    session = ReviewSession.open(db, "bench")
    holds: list[float] = []
    time_writes(session.store, holds)
    probe = subprocess.Popen(
        [sys.executable, "-c", PROBE, str(db), str(probe_s)],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.2)  # the probe is writing before the action starts
    start = time.perf_counter()
    result = session.accept_every(first, project=True)
    total = time.perf_counter() - start
    out, _ = probe.communicate()
    ok, failed, worst = out.split()
    steps, max_lock = len(holds), max(holds)
    holds.clear()
    start = time.perf_counter()
    event = session.undo(session.store.span(first).document_id)
    undo = time.perf_counter() - start
    assert event is not None
    left = session.store.execute("SELECT count(*) FROM spans WHERE status != 'suggested'")
    undone_left = int(left.fetchone()[0])
    session.close()
    return {
        "docs": len({*result.documents}),
        "occurrences": len(result.span_ids),
        "total_s": round(total, 2),
        "max_lock_ms": round(max_lock * 1000, 1),
        "steps": steps,
        "undo_s": round(undo, 2),
        "undo_lock_ms": round(max(holds) * 1000, 1),
        "undone_left": undone_left,
        "probe_writes": int(ok),
        "probe_timeouts": int(failed),
        "probe_max_wait_ms": float(worst),
    }


def bare_sql(db: Path, first: int) -> dict[str, Any]:
    """The same rows decided by bare SQL, one UPDATE and one commit per document, through
    the app's connection settings (WAL, synchronous=FULL)."""
    with Store.open(db) as store:
        session = ReviewSession(store, "bench")
        ids: dict[int, list[int]] = {}
        for sid, status in session.occurrences(first, project=True):
            if status == "suggested":
                ids.setdefault(store.span(sid).document_id, []).append(sid)
        actor = store.actor_id_for(NAME, "PERSON")
        con: sqlite3.Connection = store.con
        holds = []
        start = time.perf_counter()
        for doc in sorted(ids):
            began = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            marks = ",".join("?" * len(ids[doc]))
            con.execute(
                "UPDATE spans SET status = 'accepted', reviewer = 'bench', "
                f"reviewed_at = '2026-12-04T00:00:00+00:00', actor_id = ? WHERE id IN ({marks})",
                (actor, *ids[doc]),
            )
            con.execute("COMMIT")
            holds.append(time.perf_counter() - began)
        total = time.perf_counter() - start
    return {
        "sql_s": round(total, 2),
        "sql_lock_ms": round(max(holds) * 1000, 1),
        "sql_commits": len(holds),
        "sql_rows": sum(len(v) for v in ids.values()),
    }


def rounds(args: argparse.Namespace) -> dict[str, Any]:
    """This tree's figures: `--rounds` actions and bare-SQL runs on copies of one project."""
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.idleb"
        t = time.perf_counter()
        first = build(template, args.docs, args.per_doc, args.linked)
        print(f"project: {args.docs} documents in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        runs, sqls = [], []
        for n in range(args.rounds):
            db = Path(tmp) / f"run{n}.idleb"
            shutil.copy(template, db)
            runs.append(measure(db, first, args.probe_s))
            db = Path(tmp) / f"sql{n}.idleb"
            shutil.copy(template, db)
            sqls.append(bare_sql(db, first))
            print(
                f"round {n + 1}: total {runs[-1]['total_s']} s, longest lock "
                f"{runs[-1]['max_lock_ms']} ms, {runs[-1]['steps']} commits; bare SQL "
                f"{sqls[-1]['sql_s']} s; load {os.getloadavg()[0]:.2f}",
                file=sys.stderr,
            )
    return {**combine(runs), **combine(sqls)}


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the rounds; the longest lock and wait are the maximum."""
    out: dict[str, Any] = {}
    for key in runs[0]:
        values = [r[key] for r in runs]
        if key.endswith("lock_ms") or key.endswith("max_wait_ms") or key.endswith("timeouts"):
            out[key] = max(values)
        else:
            out[key] = statistics.median(values)
    return out


def before(rev: str, args: argparse.Namespace) -> dict[str, Any] | None:
    """The same measurement on the code at `rev`, in a process of its own."""
    from old_tree import checkout  # the parent only: the worker runs the old tree

    with tempfile.TemporaryDirectory() as tmp:
        if checkout(rev, Path(tmp)) is None:
            return None
        cmd = [sys.executable, __file__, "--worker", "--docs", str(args.docs)]
        cmd += ["--per-doc", str(args.per_doc), "--probe-s", str(args.base_probe_s)]
        cmd += ["--rounds", str(args.rounds)] + (["--linked"] if args.linked else [])
        done = subprocess.run(
            cmd, env={**os.environ, "BENCH_CODE": tmp}, capture_output=True, text=True
        )
        if done.returncode != 0:
            print(f"{rev} failed:\n{done.stderr}", file=sys.stderr)
            return None
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """The action on the code under BENCH_CODE (an older tree), same workload."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.idleb"
        first = build(template, args.docs, args.per_doc, args.linked)
        for n in range(args.rounds):
            db = Path(tmp) / f"run{n}.idleb"
            shutil.copy(template, db)
            runs.append(measure(db, first, args.probe_s))
    return combine(runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--per-doc", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--linked", action="store_true", help="suggestions linked, as imported")
    ap.add_argument("--probe-s", type=float, default=6.0, help="how long the probe writes")
    ap.add_argument("--base-probe-s", type=float, default=8.0)
    ap.add_argument("--before", default=BEFORE, help="revisions to compare, or 'none'")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return 0
    new = rounds(args)
    revs = [] if args.before == "none" else [r for r in args.before.split(",") if r]
    old = {rev: before(rev, args) or {} for rev in revs}
    print(f"{'':22}{'this tree':>12}" + "".join(f"{rev:>14}" for rev in revs))
    for key in new:
        cells = "".join(f"{old[rev].get(key, '-')!s:>14}" for rev in revs)
        print(f"{key:22}{new[key]!s:>12}{cells}")
    line = " ".join(f"{k}={v}" for k, v in new.items())
    for rev in revs:
        line += "".join(f" {rev}_{k}={v}" for k, v in old[rev].items() if k != "docs")
    print(line + f" load1={os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
