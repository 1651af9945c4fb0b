"""Inter-annotator agreement between two projects that reviewed the same articles.

Documents are matched by the hash of their text, so two analysts can import the same files
into their own project files and compare them, with nothing to host. Only reviewed items
count (accepted, edited, manual). Figures:

- actors: F1 of one analyst's mentions against the other's, by exact boundaries and label,
  and by overlap; Cohen's kappa of the labels on mentions both marked with the same
  boundaries;
- claims: F1 of claims matched one-to-one when their contents overlap and their speakers
  overlap (the who-said-what figure of gold/README.md); agreement on kind and quote type
  over the matched pairs.

A figure with nothing to compare is `None` (JSON null), not a perfect 1.0: the F1s when
neither project has a reviewed item of that kind, kappa and the kind and quote-type
agreement when no pair was matched. `nothing_to_compare` says which and why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from idleb_desk.core.agreement.coding import F1
from idleb_desk.model import LAYER_ACTOR, REVIEWED_STATUSES, Claim, Span
from idleb_desk.store.store import Store

Range = tuple[int, int]


@dataclass(frozen=True)
class ClaimView:
    content: Range
    speaker: Range | None
    kind: str
    quote_type: str


@dataclass
class Agreement:
    documents: int = 0
    only_a: int = 0
    only_b: int = 0
    actors_exact: F1 = F1(0, 0, 0)
    actors_overlap: F1 = F1(0, 0, 0)
    label_pairs: list[tuple[str, str]] = field(default_factory=list)
    claims_joint: F1 = F1(0, 0, 0)
    kind_pairs: list[tuple[str, str]] = field(default_factory=list)
    quote_pairs: list[tuple[str, str]] = field(default_factory=list)

    def nothing_to_compare(self) -> list[str]:
        where = "in the articles both hold" if self.documents else "(no article is in both)"
        return [
            f"{what}: neither project has a reviewed {item} {where}"
            for what, item, f1 in (
                ("actors", "actor mention", self.actors_exact),
                ("claims", "claim", self.claims_joint),
            )
            if f1.value is None
        ]

    def as_dict(self) -> dict[str, float | int | list[str] | None]:
        return {
            "documents_compared": self.documents,
            "documents_only_in_a": self.only_a,
            "documents_only_in_b": self.only_b,
            "actor_exact_f1": _round(self.actors_exact.value),
            "actor_overlap_f1": _round(self.actors_overlap.value),
            "actor_label_kappa": _round(kappa(self.label_pairs) if self.label_pairs else None),
            "actor_mentions_a": self.actors_exact.a_total,
            "actor_mentions_b": self.actors_exact.b_total,
            "claim_joint_f1": _round(self.claims_joint.value),
            "claim_kind_agreement": _round(observed(self.kind_pairs)),
            "claim_quote_type_agreement": _round(observed(self.quote_pairs)),
            "claims_a": self.claims_joint.a_total,
            "claims_b": self.claims_joint.b_total,
            "nothing_to_compare": self.nothing_to_compare(),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def observed(pairs: list[tuple[str, str]]) -> float | None:
    """The share of pairs that agree; None without pairs (nothing was compared)."""
    return None if not pairs else sum(a == b for a, b in pairs) / len(pairs)


def kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa; 1.0 when both always agree, also in the degenerate one-label case."""
    if not pairs:
        return 1.0
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return 1.0 if pe == 1.0 else (po - pe) / (1 - pe)


def _overlaps(x: Range | None, y: Range | None) -> bool:
    return x is not None and y is not None and x[0] < y[1] and y[0] < x[1]


def _greedy(a: list[Range], b: list[Range]) -> int:
    """One-to-one overlap matches, in text order."""
    used: set[int] = set()
    n = 0
    for x in a:
        for j, y in enumerate(b):
            if j not in used and _overlaps(x, y):
                used.add(j)
                n += 1
                break
    return n


def _reviewed_actors(spans: Iterable[Span]) -> dict[Range, str]:
    return {
        (s.start, s.end): s.label
        for s in spans
        if s.layer == LAYER_ACTOR and s.status in REVIEWED_STATUSES
    }


def _claim_views(claims: Iterable[Claim], spans: dict[int, Span]) -> list[ClaimView]:
    def rng(span_id: int | None) -> Range | None:
        s = spans.get(span_id) if span_id is not None else None
        return None if s is None else (s.start, s.end)

    out = []
    for c in claims:
        content = rng(c.content_span_id)
        if c.status in REVIEWED_STATUSES and content is not None:
            out.append(ClaimView(content, rng(c.speaker_span_id), c.kind, c.quote_type))
    return sorted(out, key=lambda v: v.content)


def _add(f: F1, matched: int, a: int, b: int) -> F1:
    return F1(f.matched + matched, f.a_total + a, f.b_total + b)


def compare(a: Store, b: Store) -> Agreement:
    """Agreement of project `a` with project `b` over the documents both hold."""
    docs_a = {a.document(d.id).sha256: d.id for d in a.document_summaries()}
    docs_b = {b.document(d.id).sha256: d.id for d in b.document_summaries()}
    shared = sorted(set(docs_a) & set(docs_b), key=lambda sha: docs_a[sha])
    out = Agreement(len(shared), len(set(docs_a) - set(docs_b)), len(set(docs_b) - set(docs_a)))
    for sha in shared:
        spans_a, spans_b = a.spans(docs_a[sha]), b.spans(docs_b[sha])
        act_a, act_b = _reviewed_actors(spans_a), _reviewed_actors(spans_b)
        same = set(act_a) & set(act_b)
        exact = sum(act_a[r] == act_b[r] for r in same)
        out.actors_exact = _add(out.actors_exact, exact, len(act_a), len(act_b))
        overlap = _greedy(sorted(act_a), sorted(act_b))
        out.actors_overlap = _add(out.actors_overlap, overlap, len(act_a), len(act_b))
        out.label_pairs.extend((act_a[r], act_b[r]) for r in sorted(same))

        ca = _claim_views(a.claims(docs_a[sha]), {s.id: s for s in spans_a})
        cb = _claim_views(b.claims(docs_b[sha]), {s.id: s for s in spans_b})
        used: set[int] = set()
        matched = 0
        for x in ca:
            for j, y in enumerate(cb):
                if j in used:
                    continue
                if _overlaps(x.content, y.content) and _overlaps(x.speaker, y.speaker):
                    used.add(j)
                    matched += 1
                    out.kind_pairs.append((x.kind, y.kind))
                    out.quote_pairs.append((x.quote_type, y.quote_type))
                    break
        out.claims_joint = _add(out.claims_joint, matched, len(ca), len(cb))
    return out
