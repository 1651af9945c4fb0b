"""Throughput and memory of `idleb-desk batch` against a bare `nlp.pipe`, same texts, same run.

Synthetic articles (paragraphs of the seed articles recombined with a fixed seed, about
`--paragraphs` each) are written to a JSONL file; then

- bare: `nlp.pipe` of the same pipeline in this process, one core, over the first
  `--bare-docs` texts (the per-core rate every figure is compared with);
- each engine x workers: a whole `run_batch` into a fresh folder (planning, reading,
  extraction with the rules, Parquet shards, manifest), timed from start to the last shard,
  so a worker's start-up and model load count against it.

Prints one line per run:

    engine workers docs words_per_s ratio_to_bare scaling peak_rss_mb_per_worker

ratio_to_bare = words_per_s / workers / bare words_per_s (1.0: a worker loses nothing to
the batch machinery or the rules); scaling = words_per_s / the same engine's 1-worker
words_per_s; peak_rss_mb_per_worker is the largest peak resident memory of any worker
(VmHWM, the model included). `driver_rss_mb` is this process's own peak.

    python bench/batch.py --docs 1000 --workers 1,2 --engines local,ray
    python bench/batch.py --docs 10000 --paragraphs 1 --workers 2 --no-bare   # memory
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from idleb_desk.batch.run import BatchConfig, model_label, run_batch  # noqa: E402
from idleb_desk.batch.shard import _peak_rss_mb  # noqa: E402

SEEDS = ROOT / "idleb_desk" / "seeds"


def paragraphs() -> list[str]:
    out: list[str] = []
    for f in sorted(SEEDS.glob("*.txt")):
        out += [p for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return out


def write_corpus(path: Path, docs: int, paras: int, seed: int = 16) -> int:
    """`docs` articles of about `paras` paragraphs, streamed to JSONL; returns the words."""
    pool = paragraphs()
    rng = random.Random(seed)
    words = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(docs):
            n = max(1, paras + rng.randint(-paras // 3, paras // 3))
            text = "\n\n".join(rng.choice(pool) for _ in range(n))
            words += len(text.split())
            date = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
            fh.write(json.dumps({"id": f"s{i}", "text": text, "meta": {"date": date}}) + "\n")
    return words


def first_texts(path: Path, n: int) -> list[str]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line)["text"])
            if len(out) == n:
                break
    return out


def bare_rate(texts: list[str], model: str | None) -> float:
    from idleb_desk.nlp.resolve import load_pipeline

    nlp, _ = load_pipeline(model)
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return words / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--paragraphs", type=int, default=9, help="about 600 words at 9")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--engines", default="local", help="local, ray or local,ray")
    ap.add_argument("--shard-size", type=int, default=200)
    ap.add_argument("--bare-docs", type=int, default=500, help="texts for the bare baseline")
    ap.add_argument("--no-bare", action="store_true", help="skip the baseline (memory runs)")
    ap.add_argument("--model", default=None)
    ap.add_argument("--keep", type=Path, help="write the runs here and keep them")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    work = args.keep or tmp
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / "corpus.jsonl"
        words = write_corpus(corpus, args.docs, args.paragraphs)
        print(f"corpus: {args.docs} docs, {words} words ({words / args.docs:.0f} a doc)")
        label = model_label(args.model)
        bare = 0.0
        if not args.no_bare:
            bare = bare_rate(first_texts(corpus, args.bare_docs), args.model)
            print(
                f"bare nlp.pipe, 1 core, {min(args.docs, args.bare_docs)} docs: {bare:,.0f} words/s"
            )
        print("engine workers docs words_per_s ratio_to_bare scaling peak_rss_mb_per_worker")
        for engine in args.engines.split(","):
            one = 0.0
            for workers in (int(w) for w in args.workers.split(",")):
                out = work / f"out-{engine}-{workers}"
                shutil.rmtree(out, ignore_errors=True)
                cfg = BatchConfig(
                    [corpus],
                    out,
                    workers=workers,
                    engine=engine,
                    shard_size=args.shard_size,
                    model=args.model,
                )
                marks: list[tuple[float, int]] = []
                add = marks.append
                report = run_batch(
                    cfg, label, lambda done, _t, add=add: add((time.perf_counter(), done))
                )
                rate = report.words / report.seconds
                one = one or (rate if workers == 1 else 0.0)
                ratio = rate / workers / bare if bare else float("nan")
                scaling = rate / one if one else float("nan")
                print(
                    f"{engine} {workers} {report.documents} {rate:.0f} {ratio:.2f} "
                    f"{scaling:.2f} {report.peak_rss_mb:.0f}",
                    flush=True,
                )
                # From the first shard done to the last: start-up and model loading left out.
                (t0, r0), (t1, r1) = marks[1], marks[-1]
                steady = (r1 - r0) * (report.words / max(1, report.documents)) / max(t1 - t0, 1e-9)
                print(
                    f"  steady {steady:.0f} words/s, ratio_to_bare "
                    f"{steady / workers / bare if bare else float('nan'):.2f}",
                    flush=True,
                )
                size = sum(p.stat().st_size for p in (out / "shards").rglob("*") if p.is_file())
                print(
                    f"  shards per worker: {sorted(report.workers.values())}; "
                    f"{report.seconds:.0f} s; {size / max(1, report.documents):.0f} "
                    "shard bytes a document",
                    flush=True,
                )
        print(f"driver_rss_mb {_peak_rss_mb():.0f}  (this process: the baseline's model too)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
