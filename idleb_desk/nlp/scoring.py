"""Scoring of extractions against gold annotations, as described in gold/README.md.

- Actors: exact match of (start, end, label).
- Claim roles (speaker, cue, content): precision and recall of spans, by overlap and by
  exact boundaries. Spans are compared as sets per role (a speaker shared by two claims
  counts once), which is what a reviewer sees highlighted in the text.
- Joint: a predicted claim is correct when its content overlaps a gold claim's content and
  its speaker overlaps that claim's speaker; claims are matched one-to-one (maximum
  bipartite matching), so two predictions cannot both take credit for one gold claim.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idleb_desk.model import Extraction

ROLES = ("speaker", "cue", "content")
Span = tuple[int, int]


@dataclass(frozen=True)
class PRF:
    tp_pred: int  # predicted items judged correct
    n_pred: int
    tp_gold: int  # gold items found
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(
            self.tp_pred + other.tp_pred,
            self.n_pred + other.n_pred,
            self.tp_gold + other.tp_gold,
            self.n_gold + other.n_gold,
        )


@dataclass(frozen=True)
class DocScores:
    actors: PRF
    roles_overlap: dict[str, PRF]
    roles_exact: dict[str, PRF]
    joint: PRF


def overlaps(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def set_prf(pred: Iterable[Any], gold: Iterable[Any]) -> PRF:
    p, g = set(pred), set(gold)
    tp = len(p & g)
    return PRF(tp, len(p), tp, len(g))


def overlap_prf(pred: Iterable[Span], gold: Iterable[Span]) -> PRF:
    p, g = sorted(set(pred)), sorted(set(gold))
    tp_pred = sum(1 for a in p if any(overlaps(a, b) for b in g))
    tp_gold = sum(1 for b in g if any(overlaps(a, b) for a in p))
    return PRF(tp_pred, len(p), tp_gold, len(g))


def _span(obj: dict[str, Any] | None) -> Span | None:
    return None if not obj else (int(obj["start"]), int(obj["end"]))


def claim_spans(claims: list[dict[str, Any]], role: str) -> list[Span]:
    return [s for s in (_span(c.get(role)) for c in claims) if s is not None]


def max_matching(edges: list[list[int]], n_right: int) -> int:
    """Size of a maximum bipartite matching (augmenting paths; inputs are small)."""
    return len(matching_pairs(edges, n_right))


def matching_pairs(edges: list[list[int]], n_right: int) -> list[tuple[int, int]]:
    """A maximum bipartite matching as (left, right) pairs."""
    match_right = [-1] * n_right

    def augment(u: int, seen: list[bool]) -> bool:
        for v in edges[u]:
            if not seen[v]:
                seen[v] = True
                if match_right[v] == -1 or augment(match_right[v], seen):
                    match_right[v] = u
                    return True
        return False

    for u in range(len(edges)):
        augment(u, [False] * n_right)
    return sorted((u, v) for v, u in enumerate(match_right) if u != -1)


def claim_matches(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Issue 7's joint criterion: contents overlap, and the speakers overlap when the gold
    claim has a speaker (a gold claim with none accepts any predicted speaker)."""
    if not overlaps(_span(pred.get("content")), _span(gold.get("content"))):
        return False
    g_speaker = _span(gold.get("speaker"))
    return g_speaker is None or overlaps(_span(pred.get("speaker")), g_speaker)


def joint_pairs(pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Maximum one-to-one matching of predicted to gold claims under `claim_matches`."""
    edges = [[j for j, g in enumerate(gold) if claim_matches(p, g)] for p in pred]
    return matching_pairs(edges, len(gold))


def joint_prf(pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> PRF:
    edges = [
        [
            j
            for j, g in enumerate(gold)
            if overlaps(_span(p.get("content")), _span(g.get("content")))
            and overlaps(_span(p.get("speaker")), _span(g.get("speaker")))
        ]
        for p in pred
    ]
    matched = max_matching(edges, len(gold))
    return PRF(matched, len(pred), matched, len(gold))


def score_doc(pred: dict[str, Any], gold: dict[str, Any]) -> DocScores:
    """Score one predicted record (actors/claims as JSON) against one gold record."""
    actors = set_prf(
        ((a["start"], a["end"], a["label"]) for a in pred.get("actors", [])),
        ((a["start"], a["end"], a["label"]) for a in gold.get("actors", [])),
    )
    p_claims, g_claims = pred.get("claims", []), gold.get("claims", [])
    roles_overlap = {
        r: overlap_prf(claim_spans(p_claims, r), claim_spans(g_claims, r)) for r in ROLES
    }
    roles_exact = {r: set_prf(claim_spans(p_claims, r), claim_spans(g_claims, r)) for r in ROLES}
    return DocScores(actors, roles_overlap, roles_exact, joint_prf(p_claims, g_claims))


def score_extraction(ex: Extraction, gold: dict[str, Any]) -> DocScores:
    pred = {
        "actors": [a.to_json() for a in ex.actors],
        # A claim nested in another's content is not scored (outer claims only).
        "claims": [c.to_json() for c in ex.claims if c.nested_in is None],
    }
    return score_doc(pred, gold)


def combine(scores: list[DocScores]) -> DocScores:
    """Micro-average over documents."""
    zero = PRF(0, 0, 0, 0)
    actors, joint = zero, zero
    ov = dict.fromkeys(ROLES, zero)
    ex = dict.fromkeys(ROLES, zero)
    for s in scores:
        actors, joint = actors + s.actors, joint + s.joint
        for r in ROLES:
            ov[r] = ov[r] + s.roles_overlap[r]
            ex[r] = ex[r] + s.roles_exact[r]
    return DocScores(actors, ov, ex, joint)


def load_gold_dir(
    gold_dir: Path, text_root: Path | None = None
) -> list[tuple[dict[str, Any], Path]]:
    """Gold records with the path of the text each one annotates.

    `document` in a gold file is relative to `text_root`, by default the gold folder's
    parent (e.g. "seeds/idleb-eu-ministers.txt" next to the shared "gold/").
    """
    out: list[tuple[dict[str, Any], Path]] = []
    for f in sorted(gold_dir.glob("*.json")):
        gold = json.loads(f.read_text(encoding="utf-8"))
        doc = Path(gold["document"])
        text_path = doc if doc.is_absolute() else (text_root or gold_dir.parent) / doc
        out.append((gold, text_path))
    return out


def read_text(path: Path) -> str:
    """Decoded text as the app stores it: UTF-8 with a leading BOM removed."""
    text = path.read_text(encoding="utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def markdown_table(s: DocScores) -> str:
    rows = ["| measure | precision | recall | F1 |", "|---|---|---|---|"]

    def row(name: str, prf: PRF) -> None:
        rows.append(f"| {name} | {prf.precision:.3f} | {prf.recall:.3f} | {prf.f1:.3f} |")

    row("actors (exact span + label)", s.actors)
    for r in ROLES:
        row(f"{r} (overlap)", s.roles_overlap[r])
        row(f"{r} (exact)", s.roles_exact[r])
    row("joint who-said-what (content + speaker overlap, 1:1)", s.joint)
    return "\n".join(rows)


def summary_line(s: DocScores) -> str:
    pairs = {
        "actor_f1": s.actors.f1,
        "speaker_overlap_f1": s.roles_overlap["speaker"].f1,
        "cue_overlap_f1": s.roles_overlap["cue"].f1,
        "content_overlap_f1": s.roles_overlap["content"].f1,
        "content_exact_f1": s.roles_exact["content"].f1,
        "joint_f1": s.joint.f1,
    }
    return " ".join(f"{k}={v:.3f}" for k, v in pairs.items())
