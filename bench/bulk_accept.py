"""Benchmark: a project-wide "accept every occurrence" over 600 documents (issues 12, 17).

Builds a project of `--docs` articles (about 550 words each), each with `--per-doc`
suggested mentions of one name among 40 other actor suggestions, and presses "accept every
occurrence in the project" on the first one through `ReviewSession`, with project memory
on (the default). It reports:

- `total_s`: the whole action, from the call to its return;
- `max_lock_ms`: the longest write transaction (BEGIN IMMEDIATE to COMMIT), which is how
  long any other writer (another window, the CLI) may have to wait;
- `steps`: write transactions the action took;
- `undo_s` / `undo_lock_ms`: one Ctrl+Z of the whole action, and its write transaction;
- `probe_*`: a second process that writes a comment every 50 ms during the action with
  the app's own busy timeout (3 s): how many writes went through, how many timed out,
  and the longest wait.

The baseline is the code before document-sized steps (`--baseline-rev`, default
28c69d3, one transaction for the whole action), checked out from git with `git archive`
and run on the same workload in the same run. `--no-baseline` skips it (it takes minutes).

    .venv/bin/python bench/bulk_accept.py [--docs 600] [--per-doc 4] [--no-baseline]

Last line: key=value pairs, the new code's then the baseline's (`base_` prefix).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import tarfile
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

BASELINE_REV = "28c69d3"
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


def build(path: Path, docs: int, per_doc: int) -> int:
    """The project; returns the id of the first mention of NAME."""
    rng = random.Random(1)
    with Store.open(path) as store, store.transaction():
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


def measure(docs: int, per_doc: int, probe_s: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bulk.idleb"
        first = build(db, docs, per_doc)
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
        left = session.store.execute(
            "SELECT count(*) FROM spans WHERE status != 'suggested'"
        ).fetchone()[0]
        session.close()
    return {
        "docs": docs,
        "occurrences": len(result.span_ids),
        "total_s": round(total, 2),
        "max_lock_ms": round(max_lock * 1000, 1),
        "steps": steps,
        "undo_s": round(undo, 2),
        "undo_lock_ms": round(max(holds) * 1000, 1),
        "undone_left": int(left),
        "probe_writes": int(ok),
        "probe_timeouts": int(failed),
        "probe_max_wait_ms": float(worst),
    }


def baseline(rev: str, args: argparse.Namespace) -> dict[str, Any] | None:
    """The same measurement on the code at `rev`, in a process of its own."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "tree.tar"
        try:
            subprocess.run(
                ["git", "-C", str(ROOT), "archive", "-o", str(archive), rev, "idleb_desk"],
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"baseline skipped: cannot check out {rev} ({exc})", file=sys.stderr)
            return None
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        cmd = [sys.executable, __file__, "--worker", "--docs", str(args.docs)]
        cmd += ["--per-doc", str(args.per_doc), "--probe-s", str(args.base_probe_s)]
        done = subprocess.run(
            cmd, env={**os.environ, "BENCH_CODE": tmp}, capture_output=True, text=True
        )
        if done.returncode != 0:
            print(f"baseline failed:\n{done.stderr}", file=sys.stderr)
            return None
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--per-doc", type=int, default=4)
    ap.add_argument("--probe-s", type=float, default=6.0, help="how long the probe writes")
    ap.add_argument("--base-probe-s", type=float, default=30.0)
    ap.add_argument("--baseline-rev", default=BASELINE_REV)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(measure(args.docs, args.per_doc, args.probe_s)))
        return 0
    new = measure(args.docs, args.per_doc, args.probe_s)
    base = None if args.no_baseline else baseline(args.baseline_rev, args)
    print(f"{'':22}{'steps':>12}{'one transaction':>18}")
    for key in new:
        print(f"{key:22}{new[key]!s:>12}{(base or {}).get(key, '-')!s:>18}")
    line = " ".join(f"{k}={v}" for k, v in new.items())
    if base:
        line += " " + " ".join(f"base_{k}={v}" for k, v in base.items() if k != "docs")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
