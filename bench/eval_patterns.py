"""Score claim extraction on the attribution patterns development set (issue 7).

Usage: python bench/eval_patterns.py [--gold FILE] [--model NAME] [--errors]

Definitions, as for the hidden set: joint = a maximum one-to-one matching between
predicted and gold claims where the contents overlap and, when the gold claim has a
speaker, the speakers overlap. Predicted claims with `nested_in` (inside another claim's
content) are not scored. Kind accuracy is over matched pairs. A negative item (no gold
claim) passes when no scored claim is predicted for it.

Prints a per-category table, the overall figures and, last, one line of key=value pairs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from idleb_desk.nlp.pipeline import Extractor  # noqa: E402
from idleb_desk.nlp.scoring import PRF, joint_pairs  # noqa: E402

DEFAULT_GOLD = ROOT.parent / "shared" / "gold" / "patterns" / "patterns.jsonl"


def load_items(path: Path) -> list[dict[str, Any]]:
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def scored_claims(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in claims if c.get("nested_in") is None]


def evaluate(items: list[dict[str, Any]], preds: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Per-category PRF, kind agreement counts, negatives passed, and per-item errors."""
    per_cat: dict[str, PRF] = defaultdict(lambda: PRF(0, 0, 0, 0))
    kinds_ok = kinds_n = 0
    exact_ok = 0
    neg_ok = neg_n = 0
    errors: list[str] = []
    for item, pred in zip(items, preds, strict=True):
        pred = scored_claims(pred)
        gold = item["claims"]
        pairs = joint_pairs(pred, gold)
        per_cat[item["category"]] += PRF(len(pairs), len(pred), len(pairs), len(gold))
        for pi, gi in pairs:
            kinds_n += 1
            kinds_ok += pred[pi].get("kind") == gold[gi].get("kind")
            exact_ok += _same_content(item["text"], pred[pi], gold[gi])
        if not gold:
            neg_n += 1
            neg_ok += not pred
        if len(pairs) < max(len(pred), len(gold)):
            errors.append(_describe(item, pred, gold, pairs))
    return {
        "per_cat": dict(per_cat),
        "kinds": (kinds_ok, kinds_n),
        "exact": exact_ok,
        "negatives": (neg_ok, neg_n),
        "errors": errors,
    }


def _same_content(text: str, pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Exact content boundaries, with the set's convention that a leading "that" is
    not content (the rules keep it, as in the seed gold)."""

    def norm(c: dict[str, Any]) -> list[tuple[int, int]]:
        parts = c.get("content_parts") or [c["content"]]
        out = []
        for part in parts:
            start, end = part["start"], part["end"]
            if text[start:end].lower().startswith("that "):
                start += 5
            out.append((start, end))
        return out

    return norm(pred) == norm(gold)


def _describe(item: dict[str, Any], pred: list[dict], gold: list[dict], pairs: list) -> str:
    def show(c: dict[str, Any]) -> str:
        sp = (c.get("speaker") or {}).get("text")
        cue = (c.get("cue") or {}).get("text")
        return f"[{sp}] [{cue}] [{c['content']['text']}] {c.get('kind')}"

    got_p = {p for p, _ in pairs}
    got_g = {g for _, g in pairs}
    lines = [f"{item['id']}: {item['text']}"]
    lines += [f"   miss {show(g)}" for j, g in enumerate(gold) if j not in got_g]
    lines += [f"   false {show(p)}" for i, p in enumerate(pred) if i not in got_p]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="patterns.jsonl")
    ap.add_argument("--model", default=None, help="spaCy model name or path")
    ap.add_argument("--errors", action="store_true", help="print each item not fully right")
    args = ap.parse_args(argv)
    items = load_items(args.gold)
    extractor = Extractor.load(args.model)
    preds = [
        [c.to_json() for c in ex.claims]
        for ex in extractor.extract_many(item["text"] for item in items)
    ]
    res = evaluate(items, preds)
    if args.errors:
        print("\n".join(res["errors"]), end="\n\n")
    print(f"model: {extractor.model_label}; items: {len(items)} ({args.gold})\n")
    print("| category | gold | predicted | matched | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|")
    total = PRF(0, 0, 0, 0)
    for cat, prf in sorted(res["per_cat"].items()):
        total += prf
        print(
            f"| {cat} | {prf.n_gold} | {prf.n_pred} | {prf.tp_gold} | "
            f"{prf.precision:.3f} | {prf.recall:.3f} | {prf.f1:.3f} |"
        )
    print(
        f"| **all** | {total.n_gold} | {total.n_pred} | {total.tp_gold} | "
        f"{total.precision:.3f} | {total.recall:.3f} | {total.f1:.3f} |"
    )
    k_ok, k_n = res["kinds"]
    n_ok, n_n = res["negatives"]
    k_acc = k_ok / k_n if k_n else 0.0
    neg = n_ok / n_n if n_n else 0.0
    exact = res["exact"] / k_n if k_n else 0.0
    print(f"\nkind accuracy on matched claims: {k_ok}/{k_n}; negatives with no claim: {n_ok}/{n_n}")
    print(f"exact content on matched claims (a leading 'that' aside): {res['exact']}/{k_n}")
    print(
        f"joint_p={total.precision:.3f} joint_r={total.recall:.3f} joint_f1={total.f1:.3f} "
        f"kind_acc={k_acc:.3f} negatives_ok={neg:.3f} content_exact={exact:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
