"""Benchmark: every agreement coefficient for 100 documents x 3 analysts x 200 spans and
200 claims each (issue 13; targets: at most 1 s and 200 MB).

Builds three analyst files that differ in a few fixed ways (dropped, relabelled and
re-kinded items), then runs in fresh subprocesses, so each peak RSS is its own:
- `agree`: reading the three files read-only and computing the whole report (alpha_U,
  F1, alignment, kappas, pairwise, against the model, per document, diagnosis rows), as
  `idleb-desk agree` does: each analyst against the model in a forked worker meanwhile;
- `agree_1`: the same in one process (as the window computes it);
- `compute`: the report from codings already in memory (no file reading), with worker;
- `legacy`: the two-file comparison `agree A B` made before issue 13, on files 1 and 2;
- `agree_before` (with `--against OTHER_CHECKOUT`): `agree` of that checkout's code, as
  it ran; then both checkouts' `idleb-desk agree` outputs (JSON, CSV table, diagnosis,
  token and char positions) are compared byte for byte (`same_output_as_...=yes`).

Usage: python bench/agreement.py [--docs N] [--spans N] [--analysts N] [--repeat N]
       [--against OTHER_CHECKOUT]
Prints `docs analysts spans seconds peak_rss_mb median_s cpu_s` per measurement
(seconds: the best of `--repeat` fresh subprocesses, median_s their median, cpu_s the
least CPU time one took, every thread and the worker process counted; peak_rss_mb the
larger of the process's and its worker's; on a shared machine the best and the CPU time
are the figures least disturbed by other work), then key=value figures.
The subprocesses run in the checkout this process imported idleb_desk from, so they
measure the same code (`python -c` puts its working folder first on sys.path).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import idleb_desk
from idleb_desk.store.store import Store

STAMP = "2026-01-01T00:00:00+00:00"
ORIGIN = "en_core_web_sm-3.8.0"


def build(path: Path, analyst: int, n_docs: int, n_items: int) -> int:
    """One analyst's file: per document `n_items` sentences, each an actor mention and a
    claim (speaker, cue, content); analyst k drops, relabels and re-kinds a few."""
    store = Store.open(path, synchronous="OFF")
    name = f"analyst{analyst}"
    spans = 0
    try:
        with store.transaction():
            for d in range(1, n_docs + 1):
                parts, pos, rows = [], 0, []
                for i in range(n_items):
                    who = f"Minister{d}x{i}"
                    sentence = f"{who} said that the talks in round {i} had failed. "
                    parts.append(sentence)
                    cue = pos + len(who) + 1
                    content = cue + len("said that ")
                    rows.append((i, pos, pos + len(who), cue, cue + 4, content,
                                 pos + len(sentence) - 2))  # fmt: skip
                    pos += len(sentence)
                text = "".join(parts)
                sha = hashlib.sha256(text.encode()).hexdigest()
                store.con.execute(
                    "INSERT INTO documents (id, ext_id, title, text, sha256, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (d, f"d{d}", f"Document {d}", text, sha, STAMP),
                )
                for i, s, e, cs, ce, ts, te in rows:
                    if (i + analyst) % 17 == 0:
                        continue  # this analyst left the sentence out
                    label = "ORG" if (i * (analyst + 1)) % 23 == 0 else "PERSON"
                    ids = []
                    short = (i + analyst) % 5 // 4  # one content in five ends a char early
                    for start, end, lab, layer in (
                        (s, e, label, "actor"), (s, e, "SPEAKER", "claim"),
                        (cs, ce, "CUE", "claim"), (ts, te - short, "CONTENT", "claim"),
                    ):  # fmt: skip
                        cur = store.con.execute(
                            'INSERT INTO spans (document_id, start, "end", label, layer, '
                            "status, origin, reviewer, reviewed_at) "
                            "VALUES (?, ?, ?, ?, ?, 'accepted', ?, ?, ?)",
                            (d, start, end, lab, layer, ORIGIN, name, STAMP),
                        )
                        ids.append(cur.lastrowid)
                    spans += 1
                    kind = "demand" if (i + 3 * analyst) % 13 == 0 else "statement"
                    store.con.execute(
                        "INSERT INTO claims (document_id, speaker_span_id, cue_span_id, "
                        "content_span_id, kind, quote_type, status, origin, reviewer, "
                        "reviewed_at) VALUES (?, ?, ?, ?, ?, 'indirect', 'accepted', ?, ?, ?)",
                        (d, ids[1], ids[2], ids[3], kind, ORIGIN, name, STAMP),
                    )
    finally:
        store.close()
    return spans


CHILD = """
import gc, inspect, json, resource, sys, time
from pathlib import Path
mode, paths = sys.argv[1], [Path(p) for p in sys.argv[2:]]
if mode not in ("legacy", "agree_before"):
    gc.disable()  # as `idleb-desk agree` runs (cli_agree.cmd_agree)
from idleb_desk.core.agreement.files import open_read_only, read_analysts
from idleb_desk.core.agreement.legacy import compare
from idleb_desk.core.agreement.report import Study, diagnosis, report
if mode == "compute":
    analysts, docs = read_analysts(paths)
def children_cpu():
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime
t, cpu, cpu_children = time.perf_counter(), time.process_time(), children_cpu()
if mode.startswith("agree"):
    analysts, docs = read_analysts(paths)
if mode != "legacy":
    study = Study(analysts, docs, "token")
    # As `idleb-desk agree` does: part of the report in a forked worker; agree_1 without
    # (and agree_before, the code of another checkout, as it ran).
    rows = []
    def count_rows():
        rows.append(sum(1 for _ in diagnosis(study)))
    if "in_parallel" in inspect.signature(report).parameters:
        # The diagnosis while the worker finishes, as the command writes it.
        result = report(study, in_parallel=mode not in ("agree_1", "agree_before"),
                        meanwhile=count_rows)
    else:
        result = report(study)
        count_rows()
else:
    with open_read_only(paths[0]) as a, open_read_only(paths[1]) as b:
        result = compare(a, b).as_dict()
elapsed = time.perf_counter() - t
cpu = time.process_time() - cpu + children_cpu() - cpu_children
rss_kb = max(resource.getrusage(who).ru_maxrss
             for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_rss_kb": rss_kb}))
"""


HERE = Path(idleb_desk.__file__).resolve().parents[1]


def run(mode: str, paths: list[Path], checkout: Path = HERE) -> tuple[float, float, float]:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, mode, *map(str, paths)],
        # `python -c` puts its working folder first on sys.path: the checkout this
        # process imported idleb_desk from (or `--against`), so the child measures it.
        cwd=checkout,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    return result["seconds"], result["peak_rss_kb"] / 1024, result["cpu_seconds"]


def same_output(paths: list[Path], checkout: Path, tmp: Path) -> bool:
    """`idleb-desk agree` of this checkout and of `checkout` on the same files, token
    and char positions, JSON, CSV table and diagnosis: the same bytes?"""
    same = True
    for unit in ("token", "char"):
        outs = []
        for k, code in enumerate((HERE, checkout)):
            out = tmp / f"{unit}{k}"
            out.mkdir()
            for how in (["--json", str(out / "r.json")], ["--csv", str(out / "r.csv")]):
                subprocess.run(
                    [sys.executable, "-c", "from idleb_desk.cli import main; main()", "agree",
                     *map(str, paths), "--unit", unit, *how,
                     "--diagnosis", str(out / "d.csv")],
                    cwd=code, check=True, capture_output=True,
                )  # fmt: skip
            outs.append([(out / name).read_bytes() for name in ("r.json", "r.csv", "d.csv")])
        same &= outs[0] == outs[1]
    return same


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--spans", type=int, default=200)
    ap.add_argument("--analysts", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each measurement")
    ap.add_argument(
        "--against",
        type=Path,
        help="another checkout (e.g. `git worktree add /tmp/before main`): its `agree` "
        "timed in the same run, and its outputs compared byte for byte",
    )
    ap.add_argument("--keep", help=argparse.SUPPRESS)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.keep) as tmp:
        paths = [Path(tmp) / f"analyst{k}.sqlite3" for k in range(args.analysts)]
        total = sum(build(p, k, args.docs, args.spans) for k, p in enumerate(paths))
        print("measurement docs analysts spans seconds peak_rss_mb median_s cpu_s")
        modes = [("agree", paths), ("agree_1", paths), ("compute", paths), ("legacy", paths[:2])]
        if args.against:
            modes.append(("agree_before", paths))
        runs: dict[str, list[tuple[float, float, float]]] = {mode: [] for mode, _ in modes}
        for _ in range(args.repeat):  # interleaved, so that a busy spell hits every mode
            for mode, files in modes:
                where = args.against if mode == "agree_before" else HERE
                runs[mode].append(run(mode, files, where))
        figures = {}
        for mode, files in modes:
            seconds = min(s for s, _, _ in runs[mode])
            median = statistics.median(s for s, _, _ in runs[mode])
            peak = max(p for _, p, _ in runs[mode])
            cpu = min(c for _, _, c in runs[mode])
            figures[mode] = (seconds, peak)
            print(
                f"{mode} {args.docs} {len(files)} {total} {seconds:.3f} {peak:.0f} "
                f"{median:.3f} {cpu:.3f}"
            )
        print(
            f"docs={args.docs} analysts={args.analysts} spans={total} "
            f"agree_s={figures['agree'][0]:.3f} agree_1_s={figures['agree_1'][0]:.3f} "
            f"compute_s={figures['compute'][0]:.3f} "
            f"baseline_s={figures['legacy'][0]:.3f} "
            f"peak_rss_mb={max(p for _, p in figures.values()):.0f}"
            + (f" before_s={figures['agree_before'][0]:.3f}" if args.against else "")
        )
        if args.against:
            same = same_output(paths, args.against.resolve(), Path(tmp))
            print(f"same_output_as_{args.against.name}={'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
