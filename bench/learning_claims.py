"""Claims: a simulated analyst reviews part of a gold file, the project model trains on
it, and the rest is scored with rules alone and with the model (issue 14).

The items of any file in the dev sets' JSONL format (`id, text, claims[]`) are shuffled
with the seed and split: the first `--train-fraction` is reviewed, the rest scored.
Review of one item against its gold claims (joint matching as in `eval_patterns.py`):
- a suggestion matched to a gold claim: accept (1 key), and a kind key if the kind is
  wrong;
- any other suggestion: reject (1 key);
- a gold claim no suggestion matches: create it (4 keys: select the content, the
  speaker and the cue, then a kind key), which also teaches its cue to the project.
The model (`idleb_desk.learn`) trains on these decisions; the held-out items are then
extracted with the project's cues and re-scored by the model.

Last line: before_f1 after_f1 keys_per_item_before keys_per_item_after train_s
(keys per gold claim of the held-out items, as the analyst would review them).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idleb_desk.learn.model import Decision, LearnedCue, train
from idleb_desk.model import ClaimSuggestion
from idleb_desk.nlp import project_cues
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.nlp.scoring import PRF, joint_pairs

REAL_DECISIONS = 500 * 24
COST = {"accept": 1, "reject": 1, "kind": 1, "create": 4}


@dataclass
class Review:
    keys: int = 0
    gold: int = 0
    prf: PRF = PRF(0, 0, 0, 0)
    # Matched suggestions, and those of them whose kind is the team's.
    matched: int = 0
    kind_ok: int = 0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_ok / self.matched if self.matched else 0.0


def load(path: Path) -> list[dict[str, Any]]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{n}: not JSON: {exc}") from exc
        if not isinstance(item, dict) or "text" not in item or "claims" not in item:
            raise SystemExit(f"{path}:{n}: an item needs 'text' and 'claims'")
        items.append(item)
    return items


def _scored(claims: list[ClaimSuggestion]) -> list[dict[str, Any]]:
    return [c.to_json() for c in claims if c.nested_in is None]


def review(
    items: list[dict[str, Any]],
    preds: list[list[ClaimSuggestion]],
    on_decision: Callable[[Decision], None] | None = None,
    on_added: Callable[[LearnedCue], None] | None = None,
) -> Review:
    out = Review()
    for item, claims in zip(items, preds, strict=True):
        gold = item["claims"]
        shown = [c for c in claims if c.nested_in is None]
        js = [c.to_json() for c in shown]
        pairs = joint_pairs(js, gold)
        matched = {p: g for p, g in pairs}
        out.prf += PRF(len(pairs), len(js), len(pairs), len(gold))
        out.gold += len(gold)
        for i, c in enumerate(shown):
            if i in matched:
                kind = gold[matched[i]].get("kind") or c.kind
                out.matched += 1
                out.kind_ok += kind == c.kind
                out.keys += COST["accept"] + (COST["kind"] if kind != c.kind else 0)
                if on_decision:
                    on_decision(Decision(c, True, kind))
            else:
                out.keys += COST["reject"]
                if on_decision:
                    on_decision(Decision(c, False))
        found = {g for _, g in pairs}
        for j, g in enumerate(gold):
            if j in found:
                continue
            out.keys += COST["create"]
            cue = (g.get("cue") or {}).get("text")
            if on_added and cue:
                on_added(LearnedCue(cue, g.get("kind") or "statement"))
    return out


@dataclass
class Outcome:
    """What one simulated review and training gave, for the caller to print."""

    items: int
    seen: int
    rest: int
    decisions: int
    accepted: int
    added: int
    version: int
    threshold: float
    n_weights: int
    n_cues: int
    n_kinds: int
    reviewed: Review
    before: Review
    after: Review
    dropped: int
    origins: dict[str, int]
    train_s: float
    scaled_decisions: int
    scaled_docs: int
    train_500_s: float
    real_decisions: int
    train_real_s: float


def per_claim(r: Review) -> float:
    return r.keys / r.gold if r.gold else 0.0


def split(
    items: list[dict[str, Any]], fraction: float, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if not 0.0 < fraction < 1.0:
        raise SystemExit("--train-fraction must be between 0 and 1")
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    cut = int(round(len(items) * fraction))
    return [items[i] for i in order[:cut]], [items[i] for i in order[cut:]]


def _extract(ex: Any, part: list[dict[str, Any]]) -> list[list[ClaimSuggestion]]:
    return [list(e.claims) for e in ex.extract_many(i["text"] for i in part)]


def simulate(
    items: list[dict[str, Any]], fraction: float, seed: int, extractor: Extractor
) -> Outcome:
    """Review the first part of the shuffled items against their gold, train, and score
    the rest with rules alone and with the project's cues and model. The gold is what the
    simulated team codes (a convention may have rewritten it, `learning_conventions.py`)."""
    seen, rest = split(items, fraction, seed)
    decisions: list[Decision] = []
    added: list[LearnedCue] = []
    reviewed = review(seen, _extract(extractor, seen), decisions.append, added.append)
    t0 = time.perf_counter()
    pm = train(decisions, added)
    project = project_cues.for_project(extractor, [(c.cue, c.kind) for c in pm.cues])
    train_s = time.perf_counter() - t0

    # Training time at scale: the same reviews repeated to 500 documents' worth.
    scale = -(-500 // max(len(seen), 1))
    t1 = time.perf_counter()
    train(decisions * scale, added)
    train_500_s = time.perf_counter() - t1
    # A dev item is one or two sentences; a real article has some 24 claims (the hidden
    # set: 2,044 in 84 articles), so 500 reviewed articles are some 12,000 decisions.
    real = -(-REAL_DECISIONS // max(len(decisions), 1))
    t2 = time.perf_counter()
    train(decisions * real, added * real)
    train_real_s = time.perf_counter() - t2

    before = review(rest, _extract(extractor, rest))
    cues = getattr(project, "project_cues", None)
    is_project_cue = cues.is_project_cue if cues is not None else None
    after_preds: list[list[ClaimSuggestion]] = []
    origins = {"rules": 0, "project": 0}
    dropped = 0
    for e in project.extract_many(i["text"] for i in rest):
        kept = pm.apply(e, is_project_cue)
        dropped += len(e.claims) - len(kept)
        for k in kept:
            origins[k.origin] += 1
        after_preds.append([k.claim for k in kept])
    after = review(rest, after_preds)
    return Outcome(
        items=len(items),
        seen=len(seen),
        rest=len(rest),
        decisions=len(decisions),
        accepted=sum(d.accepted for d in decisions),
        added=len(added),
        version=pm.version,
        threshold=pm.threshold,
        n_weights=len(pm.weights),
        n_cues=len(pm.cues),
        n_kinds=len(pm.kinds) + len(pm.kind_defaults),
        reviewed=reviewed,
        before=before,
        after=after,
        dropped=dropped,
        origins=origins,
        train_s=train_s,
        scaled_decisions=len(decisions) * scale,
        scaled_docs=len(seen) * scale,
        train_500_s=train_500_s,
        real_decisions=len(decisions) * real,
        train_real_s=train_real_s,
    )


def run(gold: Path, fraction: float, seed: int, model: str | None, convention: str = "none") -> int:
    from learning_conventions import apply_convention

    items = apply_convention(load(gold), convention)
    o = simulate(items, fraction, seed, Extractor.load(model))
    print(
        f"gold {gold}; convention {convention}; items {o.items}: reviewed {o.seen}, "
        f"held out {o.rest}; seed {seed}"
    )
    print(
        f"reviewed part: {o.decisions} decisions ({o.accepted} accepted), "
        f"{o.added} claims added by hand"
    )
    print(
        f"model v{o.version}: threshold {o.threshold:.2f}, {o.n_weights} weights, "
        f"{o.n_cues} project cues, {o.n_kinds} kind corrections"
    )
    print(
        f"reviewing cost {o.reviewed.keys} keys for {o.reviewed.gold} gold claims; training "
        f"on {o.scaled_decisions} decisions ({o.scaled_docs} documents' worth): "
        f"{o.train_500_s:.2f} s; on {o.real_decisions} decisions (500 articles of 24 "
        f"claims): {o.train_real_s:.2f} s"
    )
    print(f"held out: suggestions dropped by the model {o.dropped}; kept by origin {o.origins}")
    for name, r in (("rules alone", o.before), ("rules + project model", o.after)):
        print(
            f"{name}: joint P {r.prf.precision:.3f} R {r.prf.recall:.3f} F1 {r.prf.f1:.3f}; "
            f"kind accuracy {r.kind_accuracy:.3f}; keys {r.keys} for {r.gold} gold claims"
        )
    print(
        f"before_f1={o.before.prf.f1:.3f} after_f1={o.after.prf.f1:.3f} "
        f"keys_per_item_before={per_claim(o.before):.3f} "
        f"keys_per_item_after={per_claim(o.after):.3f} train_s={o.train_s:.3f}"
    )
    return 0
