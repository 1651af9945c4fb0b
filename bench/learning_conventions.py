"""Benchmark: what the project model learns when a team's codebook differs from the rules.

The dev sets' gold follows the rules' own scheme, so the rules leave almost nothing there
for a project model to learn (docs/performance.md). A real team codes by its own
codebook. This script rewrites a gold file by one general convention, read only from the
claims' fields (never from their words), and runs `learning_claims.simulate` on it: the
simulated analyst reviews the first part against the team's gold, the model trains, and
the held-out part is scored against the team's gold with rules alone and with the model.

Conventions (`--convention`, repeatable; default: the four below):
- `none`: the gold as it is (the reference line).
- `named-speakers`: the team codes only claims whose source is in the text: no claim with
  no speaker (passives, impersonal "it was announced", "according to reports"), and none
  whose speaker is a bare personal pronoun with no antecedent recorded.
- `no-kind:KIND`: the team does not code claims of that kind (e.g. `no-kind:statement`:
  it codes only claims with a clear illocution, demands, accusations, warnings ...).
- `kind-map:A=B`: the team codes every claim of kind A as kind B (e.g.
  `kind-map:warning=threat`: its codebook has no separate warning).

Usage:
  python bench/learning_conventions.py --gold FILE.jsonl [--gold FILE2.jsonl]
      [--convention NAME ...] [--seeds 1,2,3] [--train-fraction 0.5]
One table row per gold file, convention and seed, then the mean over seeds per gold file
and convention; the last line is the plain run's figures for the first gold file and seed
(`before_f1=... after_f1=... keys_per_item_before=... keys_per_item_after=... train_s=...`).
`bench/learning.py --gold FILE --convention NAME` runs one of them alone.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from idleb_desk.learn.features import PRONOUNS  # noqa: E402

KINDS = ("statement", "demand", "warning", "rejection", "accusation", "denial", "promise", "threat")
PRESETS = ("none", "named-speakers", "no-kind:statement", "kind-map:warning=threat")

Claim = dict[str, Any]


def _named_speaker(c: Claim) -> Claim | None:
    sp = c.get("speaker")
    if not sp:
        return None
    if sp["text"].strip().lower() in PRONOUNS and not c.get("speaker_antecedent"):
        return None
    return c


def convention(name: str) -> Callable[[Claim], Claim | None]:
    """The rewrite of one gold claim (None: the team does not code it)."""
    if name == "none":
        return lambda c: c
    if name == "named-speakers":
        return _named_speaker
    if name.startswith("no-kind:"):
        kind = name.split(":", 1)[1]
        if kind not in KINDS:
            raise SystemExit(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
        return lambda c: None if c.get("kind") == kind else c
    if name.startswith("kind-map:") and "=" in name:
        a, b = name.split(":", 1)[1].split("=", 1)
        if a not in KINDS or b not in KINDS:
            raise SystemExit(f"unknown kind in {name!r} (kinds: {', '.join(KINDS)})")
        return lambda c: {**c, "kind": b} if c.get("kind") == a else c
    raise SystemExit(f"unknown convention {name!r} (none, named-speakers, no-kind:K, kind-map:A=B)")


def apply_convention(items: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The team's gold: every item kept (an item left with no claim is a negative)."""
    rewrite = convention(name)
    out = []
    for item in items:
        claims = [r for r in (rewrite(c) for c in item["claims"]) if r is not None]
        out.append({**item, "claims": claims})
    return out


def main(argv: list[str] | None = None) -> int:
    from learning_claims import load, per_claim, simulate

    from idleb_desk.nlp.pipeline import Extractor

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--gold", type=Path, action="append", required=True)
    ap.add_argument("--convention", action="append", default=None)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--train-fraction", type=float, default=0.5)
    ap.add_argument("--model", default=None)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    names = args.convention or list(PRESETS)
    seeds = [int(s) for s in args.seeds.split(",")]
    extractor = Extractor.load(args.model)
    print(f"load average at start: {os.getloadavg()[0]:.2f}; train fraction {args.train_fraction}")
    print(
        "| gold | convention | seed | team's claims (held out) | decisions (accepted) | added "
        "| dropped | before P/R/F1 | after P/R/F1 | kind acc before/after "
        "| keys/claim before/after | train_s | train ~500 items | train ~500 articles |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    means: list[str] = []
    last = ""
    t_all = time.perf_counter()
    for gold in args.gold:
        items = load(gold)
        for name in names:
            team = apply_convention(items, name)
            rows = []
            for seed in seeds:
                o = simulate(team, args.train_fraction, seed, extractor)
                b, a = o.before, o.after
                rows.append(o)
                print(
                    f"| {gold.parent.name} | {name} | {seed} | {a.gold} | {o.decisions} "
                    f"({o.accepted}) | {o.added} | {o.dropped} "
                    f"| {b.prf.precision:.3f}/{b.prf.recall:.3f}/{b.prf.f1:.3f} "
                    f"| {a.prf.precision:.3f}/{a.prf.recall:.3f}/{a.prf.f1:.3f} "
                    f"| {b.kind_accuracy:.3f}/{a.kind_accuracy:.3f} "
                    f"| {per_claim(b):.3f}/{per_claim(a):.3f} | {o.train_s:.3f} "
                    f"| {o.train_500_s:.2f} s ({o.scaled_decisions} decisions) "
                    f"| {o.train_real_s:.2f} s ({o.real_decisions} decisions) |"
                )
                if not last and name == "none":
                    last = (
                        f"before_f1={b.prf.f1:.3f} after_f1={a.prf.f1:.3f} "
                        f"keys_per_item_before={per_claim(b):.3f} "
                        f"keys_per_item_after={per_claim(a):.3f} train_s={o.train_s:.3f}"
                    )

            def m(f: Callable[[Any], float], rows: list[Any] = rows) -> float:
                return statistics.mean(f(o) for o in rows)

            means.append(
                f"| {gold.parent.name} | {name} | F1 {m(lambda o: o.before.prf.f1):.3f} -> "
                f"{m(lambda o: o.after.prf.f1):.3f} "
                f"({m(lambda o: o.after.prf.f1 - o.before.prf.f1):+.3f}) "
                f"| kind acc {m(lambda o: o.before.kind_accuracy):.3f} -> "
                f"{m(lambda o: o.after.kind_accuracy):.3f} "
                f"| keys/claim {m(lambda o: per_claim(o.before)):.3f} -> "
                f"{m(lambda o: per_claim(o.after)):.3f} |"
            )
    print()
    print(f"mean over seeds {args.seeds}:")
    print("| gold | convention | joint F1 before -> after | kind accuracy | keys per claim |")
    print("|---|---|---|---|---|")
    for line in means:
        print(line)
    took = time.perf_counter() - t_all
    print(f"all runs {took:.1f} s; load average at end {os.getloadavg()[0]:.2f}")
    if last:
        print(last)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
