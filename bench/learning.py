"""Benchmark: keys an analyst presses per actor, without and with project memory.

A simulated analyst reviews the seed article (gold: tests/data/gold/idleb-eu-ministers.json)
and then five new articles (bench/data/learning/*.txt, gold marked inline), in that order,
in a project where all six were imported with the real spaCy pipeline. Twice, in one run:
project memory off (the baseline) and on. Only actor mentions are reviewed.

The analyst walks each article in text order and handles whatever comes first:
- a pending suggestion that matches a gold mention exactly: accept (A) = 1 key;
- one at a gold mention's offsets with another label: relabel (a number key) = 1 key;
- any other pending suggestion: reject (X) = 1 key;
- a gold mention no live span covers: create it = 3 keys (select the mention, about two
  keys with the keyboard or a double-click plus a drag, and a label key).
Moving between items (J) is not counted: accept and reject move the focus on by
themselves, and both runs visit the same text. keys_per_item = keys / gold mentions.

Usage: python bench/learning.py [--model NAME] [--threshold N]
Last line: keys_per_item_before=... keys_per_item_after=... (all six documents).

Claims (issue 14): python bench/learning.py --gold FILE.jsonl --train-fraction F --seed S
reviews part of a gold file, trains the project model and scores the rest
(`bench/learning_claims.py`); its last line is `before_f1=... after_f1=...
keys_per_item_before=... keys_per_item_after=... train_s=...`. `--convention NAME` first
rewrites the gold to a team's codebook (`bench/learning_conventions.py`, which also runs
all of them over several seeds in one table).
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from idleb_desk.core.review import ReviewSession  # noqa: E402
from idleb_desk.io.importer import import_paths  # noqa: E402
from idleb_desk.model import LAYER_ACTOR, REJECTED, SUGGESTED  # noqa: E402
from idleb_desk.nlp.pipeline import Extractor  # noqa: E402
from idleb_desk.nlp.scoring import read_text  # noqa: E402
from idleb_desk.store import memory as mem  # noqa: E402
from idleb_desk.store.store import Store  # noqa: E402

SEED = ROOT / "idleb_desk" / "seeds" / "idleb-eu-ministers.txt"
SEED_GOLD = ROOT / "tests" / "data" / "gold" / "idleb-eu-ministers.json"
ARTICLES = ROOT / "bench" / "data" / "learning"
MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z]+)\]")
COST = {"accept": 1, "reject": 1, "relabel": 1, "create": 3}

Gold = set[tuple[int, int, str]]


def parse_marked(source: str) -> tuple[str, Gold]:
    """Text without the `[text|LABEL]` marks, and the marked mentions' offsets in it."""
    out: list[str] = []
    gold: Gold = set()
    pos = 0
    length = 0
    for m in MARK.finditer(source):
        plain = source[pos : m.start()]
        out.append(plain)
        length += len(plain)
        out.append(m.group(1))
        gold.add((length, length + len(m.group(1)), m.group(2)))
        length += len(m.group(1))
        pos = m.end()
    out.append(source[pos:])
    return "".join(out), gold


def documents() -> list[tuple[str, str, Gold]]:
    import json

    seed_gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    docs = [
        (
            SEED.name,
            read_text(SEED),
            {(a["start"], a["end"], a["label"]) for a in seed_gold["actors"]},
        )
    ]
    for f in sorted(ARTICLES.glob("*.txt")):
        text, gold = parse_marked(f.read_text(encoding="utf-8"))
        docs.append((f.name, text, gold))
    return docs


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COST, 0))
    items: int = 0
    op_ms: list[float] = field(default_factory=list)

    @property
    def keys(self) -> int:
        return sum(COST[k] * n for k, n in self.counts.items())

    def per_item(self) -> float:
        return self.keys / self.items if self.items else 0.0

    def add(self, other: Tally) -> None:
        for k, n in other.counts.items():
            self.counts[k] += n
        self.items += other.items
        self.op_ms += other.op_ms


def _timed(tally: Tally, what: str, fn, *args) -> None:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn(*args)
    tally.op_ms.append((time.perf_counter() - t0) * 1000)
    tally.counts[what] += 1


def review(session: ReviewSession, doc_id: int, gold: Gold) -> Tally:
    """Review one document's actors as the analyst of the module docstring."""
    tally = Tally(items=len(gold))
    by_offsets = {(s, e): label for s, e, label in gold}
    for _ in range(10 * (len(gold) + 200)):  # a bound, never reached in practice
        spans = [s for s in session.spans(doc_id) if s.layer == LAYER_ACTOR]
        live = {(s.start, s.end, s.label) for s in spans if s.status != REJECTED}
        pending = [s for s in spans if s.status == SUGGESTED]
        missing = sorted(g for g in gold if g not in live)
        # Missing mentions that a pending suggestion at the same offsets will fix by a
        # relabel are not "missing" yet.
        missing = [g for g in missing if not any((p.start, p.end) == g[:2] for p in pending)]
        first_pending = min(pending, key=lambda s: (s.start, -s.end, s.id), default=None)
        first_missing = missing[0] if missing else None
        if first_pending is None and first_missing is None:
            return tally
        if first_pending is not None and (
            first_missing is None or first_pending.start <= first_missing[0]
        ):
            s = first_pending
            if (s.start, s.end, s.label) in gold:
                _timed(tally, "accept", session.accept_span, s.id)
            elif (s.start, s.end) in by_offsets and (
                s.start,
                s.end,
                by_offsets[(s.start, s.end)],
            ) not in live:
                _timed(tally, "relabel", session.relabel_span, s.id, by_offsets[(s.start, s.end)])
            else:
                _timed(tally, "reject", session.reject_span, s.id)
        else:
            assert first_missing is not None
            start, end, label = first_missing
            _timed(tally, "create", session.create_span, doc_id, start, end, label)
    raise RuntimeError(f"document {doc_id}: the review did not finish")


def run(
    extractor: Extractor, docs: list[tuple[str, str, Gold]], memory_on: bool, threshold: int
) -> list[Tally]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for n, (name, text, _) in enumerate(docs):
            p = folder / f"{n:02d}-{name}"
            p.write_text(text, encoding="utf-8")
            paths.append(p)
        db = folder / "project.sqlite3"
        with Store.open(db) as store:
            store.set_setting(mem.ENABLED_SETTING, memory_on)
            store.set_setting(mem.THRESHOLD_SETTING, threshold)
            report = import_paths(store, paths, extractor)
            doc_ids = list(report.imported)
        assert len(doc_ids) == len(docs), report.summary()
        session = ReviewSession.open(db, reviewer="bench")
        try:
            tallies = [review(session, d, g) for d, (_, _, g) in zip(doc_ids, docs, strict=True)]
            _check_result(session, doc_ids, docs)
        finally:
            session.close()
        shutil.rmtree(folder, ignore_errors=True)
    return tallies


def _check_result(session: ReviewSession, doc_ids: list[int], docs: list) -> None:
    """Both runs must end with exactly the gold accepted: the same work, done."""
    for d, (name, _, gold) in zip(doc_ids, docs, strict=True):
        got = {
            (s.start, s.end, s.label)
            for s in session.spans(d)
            if s.layer == LAYER_ACTOR and s.status not in (REJECTED, SUGGESTED)
        }
        if got != gold:
            raise RuntimeError(f"{name}: review ended with {len(got ^ gold)} differences")


def _sum(tallies: list[Tally]) -> Tally:
    total = Tally()
    for t in tallies:
        total.add(t)
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default=None, help="spaCy model name or path")
    ap.add_argument("--threshold", type=int, default=mem.DEFAULT_THRESHOLD)
    ap.add_argument(
        "--gold",
        type=Path,
        default=None,
        help="claims: a JSONL gold file (the dev sets' format); review part, train, score the rest",
    )
    ap.add_argument("--train-fraction", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--convention",
        default="none",
        help="claims: the simulated team's codebook (bench/learning_conventions.py): none, "
        "named-speakers, no-kind:KIND, kind-map:A=B",
    )
    args = ap.parse_args(argv)
    if args.gold is not None:
        from learning_claims import run as run_claims

        return run_claims(args.gold, args.train_fraction, args.seed, args.model, args.convention)
    logging.basicConfig(level=logging.WARNING)
    extractor = Extractor.load(args.model)
    docs = documents()
    before = run(extractor, docs, memory_on=False, threshold=args.threshold)
    after = run(extractor, docs, memory_on=True, threshold=args.threshold)
    print(f"model {extractor.model_label}; cost model {COST}; reject threshold {args.threshold}")
    print("| document | gold | keys off | keys on | accept/reject/relabel/create off | on |")
    print("|---|---|---|---|---|---|")
    for (name, _, gold), b, a in zip(docs, before, after, strict=True):
        fmt = "/".join(str(n) for n in b.counts.values())
        fmt2 = "/".join(str(n) for n in a.counts.values())
        print(f"| {name} | {len(gold)} | {b.keys} | {a.keys} | {fmt} | {fmt2} |")
    tb, ta = _sum(before), _sum(after)
    nb, na = _sum(before[1:]), _sum(after[1:])
    print(f"| all | {tb.items} | {tb.keys} | {ta.keys} | | |")
    fixes_b = tb.counts["relabel"] + tb.counts["create"]
    fixes_a = ta.counts["relabel"] + ta.counts["create"]
    print(f"corrections (relabel + create): {fixes_b} off, {fixes_a} on")
    print(
        f"new articles only: keys per item {nb.per_item():.3f} off, {na.per_item():.3f} on; "
        f"median review op {statistics.median(tb.op_ms):.1f} ms off, "
        f"{statistics.median(ta.op_ms):.1f} ms on (p95 "
        f"{sorted(ta.op_ms)[int(0.95 * (len(ta.op_ms) - 1))]:.1f} ms on)"
    )
    print(
        f"keys_per_item_before={tb.per_item():.3f} keys_per_item_after={ta.per_item():.3f} "
        f"new_articles_before={nb.per_item():.3f} new_articles_after={na.per_item():.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
